import { checkSchema } from '../../core/validate/check.js';
import {
  abortSignal,
  array,
  boolean,
  isObject,
  lazily,
  milliseconds,
  nonEmptyString,
  nullish,
  number,
  object,
  optional,
  recordOf,
  string,
  stringList,
  variants,
  type Schema,
} from '../../core/validate/schemas.js';
import { budgetKeySchema } from '../../pipeline/budget/options-schema.js';
import { routingOptionsEntries } from '../../pipeline/routing-options-schema.js';

/** The `zen: {...}` extension of every face, and the SDK-style call options (`{ signal, timeout, maxRetries, zen }`). */

const MODEL = 'a model id (e.g. "openai/gpt-5-mini"), a non-empty list of ids, or "auto"';

function buildZen(): Schema {
  const limit = number('a finite number >= 0', { min: 0 });
  const insurance = object({
    detectors: optional(array(string, 'an array of detector names')),
    repair: optional(boolean),
    groundingDocuments: optional(stringList),
    maxFirstTokenMs: optional(limit),
    maxTotalMs: optional(limit),
    minTokensPerSecond: optional(limit),
    consistencySamples: optional(number('a whole number from 0 to 10', { min: 0, max: 10, integer: true })),
  });
  return object(
    {
      ...routingOptionsEntries(),
      insurance: optional(insurance),
      tags: optional(recordOf(string, 'an object of string labels')),
      budgetKey: optional(budgetKeySchema()),
    },
    'an object of routing options ({ preference, models, timeouts, ... })',
  );
}

/** The schema of a request's `zen` field (RoutingOptions plus `insurance` and `tags`). */
export const zenOptionsSchema = lazily(buildZen);

/** The routing fields every face's body has beside its SDK's own: `model` (also a list or `auto`), `models`, `zen`. */
export const routingFields = lazily((): Record<string, Schema> => {
  const modelList = array(nonEmptyString, MODEL);
  return {
    model: optional(variants(MODEL, (input) => (typeof input === 'string' ? string : Array.isArray(input) ? modelList : undefined))),
    models: optional(array(nonEmptyString, 'an array of model ids')),
    zen: nullish(zenOptionsSchema()),
  };
});

const callOptionsSchema = lazily(() =>
  object(
    {
      signal: nullish(abortSignal),
      timeout: optional(milliseconds),
      maxRetries: optional(number('a whole number >= 0', { min: 0, integer: true })),
      zen: nullish(zenOptionsSchema()),
    },
    'an object of call options ({ signal, timeout, maxRetries, zen })',
  ),
);

/** Throws an `invalid_request` ZenError naming the first bad call option (`signal`, `timeout`, `zen.hedge`, ...). */
export function validateCallOptions(options: unknown): void {
  if (options === undefined || options === null) return;
  // The common case, `{ signal }` with a real signal, needs no schema run.
  if (isObject(options) && options.signal instanceof AbortSignal && Object.keys(options).length === 1) return;
  checkSchema(callOptionsSchema(), options, 'invalid_request', '', 'options');
}

/** Throws an `invalid_request` ZenError naming the first bad field of a request's `zen` options. */
export function validateZenOptions(zen: unknown, path = 'zen'): void {
  if (zen === undefined || zen === null) return;
  checkSchema(zenOptionsSchema(), zen, 'invalid_request', path);
}
