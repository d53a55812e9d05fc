import { checkSchema, type ValidationKind } from '../core/validate/check.js';
import {
  array,
  boolean,
  delayMs,
  functionType,
  isObject,
  lazily,
  milliseconds,
  nonEmptyString,
  number,
  object,
  optional,
  positiveWholeNumber,
  ratio,
  string,
  variants,
  wholeNumber,
  type Schema,
} from '../core/validate/schemas.js';

/**
 * The schema of RoutingOptions (types.ts): the client's `routing` option and every request's
 * `zen: {...}`. Values that would be read as something else are refused with the field named:
 * `preference: 'cheap'`, `retries: -1`, `hedge: 5`, `timeouts.totalMs: Infinity`.
 */

const PREFERENCES = ['price', 'balanced', 'quality', 'speed'];
const PREFERENCE = `one of ${PREFERENCES.map((name) => `'${name}'`).join(', ')} or a number from 0 (cheapest) to 1 (best)`;
const POLICY =
  "a registered policy name ('pareto', 'ordered', 'cheapest', 'fastest', 'load-balance', or one of `policies`) or a Policy ({ name, decide(context) })";
const HEDGE = 'true, false or hedge options ({ enabled, quantile, fallbackDelayMs, maxRate, minDelayMs })';

function buildEntries(): Record<string, Schema> {
  const preferenceNumber = number(PREFERENCE, { min: 0, max: 1 });
  const preferenceName = variants(PREFERENCE, (input) => (PREFERENCES.includes(input as string) ? string : undefined));
  const preference = variants(PREFERENCE, (input) =>
    typeof input === 'string' ? preferenceName : typeof input === 'number' ? preferenceNumber : undefined,
  );
  const idList = (what: string): Schema => array(nonEmptyString, `an array of ${what}`);
  const policyObject = object({ name: string, decide: functionType });
  const policy = variants(POLICY, (input) =>
    typeof input === 'string' ? nonEmptyString : isObject(input) && typeof input.decide === 'function' ? policyObject : undefined,
  );
  const timeouts = object({
    totalMs: optional(milliseconds),
    attemptMs: optional(milliseconds),
    firstTokenMs: optional(milliseconds),
    idleMs: optional(milliseconds),
  });
  const retry = object({
    retries: optional(wholeNumber),
    minDelayMs: optional(delayMs),
    maxDelayMs: optional(delayMs),
    maxRetryAfterMs: optional(delayMs),
  });
  const hedgeObject = object({
    enabled: optional(boolean),
    quantile: optional(number('a number above 0 and at most 1', { above: 0, max: 1 })),
    fallbackDelayMs: optional(delayMs),
    maxRate: optional(ratio),
    minDelayMs: optional(delayMs),
  });
  const hedge = variants(HEDGE, (input) => (typeof input === 'boolean' ? boolean : isObject(input) ? hedgeObject : undefined));
  return {
    preference: optional(preference),
    models: optional(idList('model ids ("openai/gpt-5-mini", "anthropic/*")')),
    exclude: optional(idList('model or channel ids ("openai/*", "openai/gpt-5:azure")')),
    providers: optional(idList('provider names')),
    maxCost: optional(number('a finite number of USD >= 0', { min: 0 })),
    minQuality: optional(ratio),
    maxLatencyMs: optional(milliseconds),
    session: optional(nonEmptyString),
    allowMixedEmbeddingModels: optional(boolean),
    policy: optional(policy),
    maxChannels: optional(positiveWholeNumber),
    timeouts: optional(timeouts),
    retry: optional(retry),
    hedge: optional(hedge),
  };
}

/** The fields of RoutingOptions, for schemas that add their own (the request's `zen` adds insurance and tags). */
export const routingOptionsEntries = lazily(buildEntries);

const routingOptionsSchema = lazily(() =>
  object(routingOptionsEntries(), 'an object of routing options ({ preference, models, timeouts, ... })'),
);

/**
 * Throws a ZenError naming the first bad routing option: `configuration` for the client's
 * `routing` (the default), `invalid_request` for a request's. `path` prefixes the field names.
 */
export function validateRoutingOptions(options: unknown, path = 'routing', kind: ValidationKind = 'configuration'): void {
  if (options === undefined) return;
  checkSchema(routingOptionsSchema(), options, kind, path);
}
