import * as v from 'valibot';
import { isConversationStore } from '../conversations/conversation-store.js';
import { checkSchema } from '../core/validate/check.js';
import {
  delayMs,
  functionType,
  lazily,
  number,
  object,
  optional,
  positiveWholeNumber,
  recordOf,
  string,
  wholeNumber,
  type Schema,
} from '../core/validate/schemas.js';
import { budgetOptionsEntry } from '../pipeline/budget/options-schema.js';
import { telemetryOptionsEntry } from '../pipeline/telemetry/options-schema.js';
import { routingOptionsEntries } from '../pipeline/routing-options-schema.js';

/**
 * The schema of ZenClientOptions: the client's own options in full (`routing`, `breaker`,
 * `retryBudget`, `policies`, `qualityModel`), and the shape of those whose parts check themselves
 * when they are built (`models` and `channels` in the catalog, `insurance`, `sharedState`).
 */

const conversationStoreOption: Schema = v.custom(
  (value) => value === false || isConversationStore(value),
  'a ConversationStore ({ get, set, delete }) or false',
);

function build(): Schema {
  const anObject = object({});
  const policy = object({ name: string, decide: functionType }, 'a Policy ({ name, decide(context) })');
  // Each client is checked when it is configured; here, that it is an object.
  const provider = optional(
    object({}, 'an SDK client (new OpenAI(), new Anthropic(), new GoogleGenAI(), a VertexAI) or { client, vendors, models }'),
  );
  return object(
    {
      providers: optional(recordOf(provider, 'an object of SDK clients by provider name ({ openai: new OpenAI() })')),
      models: optional(recordOf(anObject, 'an object of model definitions by model id')),
      channels: optional(recordOf(anObject, 'an object of channel definitions by channel id')),
      routing: optional(object(routingOptionsEntries(), 'an object of routing options ({ preference, models, timeouts, ... })')),
      policies: optional(recordOf(policy, 'an object of Policies by name')),
      qualityModel: optional(object({ estimate: functionType, observe: functionType }, 'a QualityModel ({ estimate, observe })')),
      breaker: optional(
        object({
          allowedFailures: optional(wholeNumber),
          failureRate: optional(number('a number above 0 and at most 1', { above: 0, max: 1 })),
          windowSize: optional(positiveWholeNumber),
          minimumCalls: optional(wholeNumber),
          cooldownMs: optional(delayMs),
        }),
      ),
      retryBudget: optional(
        object({
          capacity: optional(number('a finite number >= 0', { min: 0 })),
          retryCost: optional(number('a finite number >= 0', { min: 0 })),
          timeoutCost: optional(number('a finite number >= 0', { min: 0 })),
          successRefill: optional(number('a finite number >= 0', { min: 0 })),
        }),
      ),
      sharedState: optional(anObject),
      budgets: optional(budgetOptionsEntry()),
      telemetry: optional(telemetryOptionsEntry()),
      insurance: optional(anObject),
      ledger: optional(anObject),
      conversations: optional(conversationStoreOption),
    },
    'an object of client options ({ providers, routing, ... })',
  );
}

const clientOptionsSchema = lazily(build);

/** Throws a `configuration` ZenError naming the first bad ZenClient option (`routing.preference`, `breaker.cooldownMs`, ...). */
export function validateClientOptions(options: unknown): void {
  if (options === undefined) return;
  checkSchema(clientOptionsSchema(), options, 'configuration', '', 'options');
}
