import * as v from 'valibot';
import {
  array,
  boolean,
  functionType,
  isObject,
  lazily,
  milliseconds,
  nonEmptyString,
  number,
  object,
  optional,
  picklist,
  variants,
  wholeNumber,
  type Schema,
} from '../../core/validate/schemas.js';

/**
 * The schema of `ZenClientOptions.budgets` (options.ts) and of a request's `zen.budgetKey`: a
 * limit with two amounts, a window named `daily`, a negative USD amount are refused with the
 * field named.
 */

const LIMIT = "a limit with exactly one of usd, tokens and requests ({ usd: 5, per: 'day' })";
const LIMITS = 'an array of limits ({ usd, tokens or requests, per }) or a function (key) => limits';
const STEER = 'true, false or { from } (the share of a USD limit used from which auto moves towards price)';
export const BUDGET_KEY = 'a non-empty string or an array of them (the budget keys of the call)';

function buildLimit(): Schema {
  const fields = object(
    {
      per: picklist(['minute', 'hour', 'day', 'week', 'month']),
      usd: optional(number('a finite number of USD >= 0', { min: 0 })),
      tokens: optional(wholeNumber),
      requests: optional(wholeNumber),
      soft: optional(boolean),
    },
    LIMIT,
  );
  const amounts = (value: Record<string, unknown>): number =>
    ['usd', 'tokens', 'requests'].filter((unit) => value[unit] !== undefined).length;
  return v.pipe(
    fields,
    v.check((value) => amounts(value as Record<string, unknown>) === 1, LIMIT),
  );
}

const budgetOptionsSchema = lazily(() => {
  const limit = buildLimit();
  const limits = variants(LIMITS, (input) =>
    typeof input === 'function' ? functionType : Array.isArray(input) ? array(limit, LIMITS) : undefined,
  );
  const steerObject = object({ from: optional(number('a number from 0 to 1', { min: 0, max: 1 })) });
  return object(
    {
      limits,
      key: optional(functionType),
      store: optional(object({}, 'a StateStore with budget methods (MemoryStateStore, RedisStateStore)')),
      steer: optional(variants(STEER, (input) => (typeof input === 'boolean' ? boolean : isObject(input) ? steerObject : undefined))),
      ledger: optional(picklist(['all', 'events', 'none'])),
      onStoreError: optional(picklist(['allow', 'refuse'])),
      timeoutMs: optional(milliseconds),
      now: optional(functionType),
    },
    'an object of budget options ({ limits, key, store, ... })',
  );
});

/** The limit schema alone, for limits a `limits` function returns (checked on first use per key). */
export const budgetLimitSchema = lazily(buildLimit);

/** The schema of `ZenClientOptions.budgets`. */
export const budgetOptionsEntry = budgetOptionsSchema;

/** The schema of a request's `zen.budgetKey`. */
export const budgetKeySchema = lazily(() =>
  variants(BUDGET_KEY, (input) =>
    typeof input === 'string' ? nonEmptyString : Array.isArray(input) ? array(nonEmptyString, BUDGET_KEY) : undefined,
  ),
);
