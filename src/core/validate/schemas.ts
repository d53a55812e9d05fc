import * as v from 'valibot';
import { describeValue, OWN_RECEIVED } from './check.js';
import { findJsonProblem, MAX_JSON_DEPTH } from './json-guard.js';

/**
 * Building blocks of the request and option schemas. Each message is an expectation phrase, read
 * as `<field> must be <phrase>, got <value>`. Objects are checked loosely: fields a schema does
 * not name pass untouched (the SDKs pass unknown fields through, and so do the faces).
 */

export type Schema = v.GenericSchema;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const objectType = v.custom<Record<string, unknown>>(isObject, 'an object');

/** An object (not an array) whose named fields match; other fields pass. */
export function object(entries: v.ObjectEntries, message = 'an object'): Schema {
  return v.pipe(message === 'an object' ? objectType : v.custom<Record<string, unknown>>(isObject, message), v.object(entries));
}

export const string: Schema = v.string('a string');
export const nonEmptyString: Schema = v.pipe(v.string('a non-empty string'), v.minLength(1, 'a non-empty string'));
export const boolean: Schema = v.boolean('true or false');
export const functionType: Schema = v.function('a function');
export const stringList: Schema = v.array(v.string('a string'), 'an array of strings');

/** A finite number within bounds, in one check: `-1`, `NaN`, `Infinity` and `'x'` all get the same phrase. */
export function number(
  phrase: string,
  { min = -Infinity, max = Infinity, above, integer = false }: { min?: number; max?: number; above?: number; integer?: boolean } = {},
): Schema {
  return v.custom<number>(
    (value) =>
      typeof value === 'number' &&
      Number.isFinite(value) &&
      value >= min &&
      value <= max &&
      (above === undefined || value > above) &&
      (!integer || Number.isInteger(value)),
    phrase,
  );
}

/** A positive, finite duration. */
export const milliseconds: Schema = number('a positive, finite number of milliseconds', { above: 0 });
/** A finite duration of zero or more. */
export const delayMs: Schema = number('a finite number of milliseconds >= 0', { min: 0 });
export const finite: Schema = number('a finite number');
export const wholeNumber: Schema = number('a whole number >= 0', { min: 0, integer: true });
export const positiveWholeNumber: Schema = number('a whole number >= 1', { min: 1, integer: true });
export const ratio: Schema = number('a number from 0 to 1', { min: 0, max: 1 });

export function optional(schema: Schema): Schema {
  return v.optional(schema);
}

/** `null` means "not set" in the OpenAI and Anthropic SDK types. */
export function nullish(schema: Schema): Schema {
  return v.nullish(schema);
}

export function array(item: Schema, message = 'an array'): Schema {
  return v.array(item, message);
}

export function picklist(options: readonly string[]): Schema {
  return v.picklist(options, `one of ${options.map((option) => `'${option}'`).join(', ')}`);
}

/**
 * A value of several JS types (`true` or an options object; a name or a Policy): `pick` chooses the
 * schema by the value itself, so that a bad field deep inside the chosen one is named precisely;
 * a value no schema fits gets `phrase`.
 */
export function variants(phrase: string, pick: (input: unknown) => Schema | undefined): Schema {
  const none = v.custom(() => false, phrase);
  return v.lazy((input) => pick(input) ?? none);
}

/** `Record<string, T>`: an object whose every own value matches. */
export function recordOf(value: Schema, message = 'an object'): Schema {
  return v.pipe(v.custom<Record<string, unknown>>(isObject, message), v.record(v.string(), value));
}

/**
 * Free-form JSON data, checked by the bounded pre-pass: no cycles, functions, Symbols, BigInts,
 * NaN or Infinity, at most MAX_JSON_DEPTH levels deep. `objectOnly` also wants an object at the top.
 */
export function json({ objectOnly = false }: { objectOnly?: boolean } = {}): Schema {
  const phrase = `${objectOnly ? 'a JSON object' : 'JSON data'} (no cycles, functions, Symbols, BigInts, NaN or Infinity; at most ${MAX_JSON_DEPTH} levels deep)`;
  return v.pipe(
    v.unknown(),
    v.rawCheck(({ dataset, addIssue }) => {
      const value = dataset.value;
      if (objectOnly && !isObject(value)) {
        addIssue({ message: phrase, expected: OWN_RECEIVED, received: describeValue(value) });
        return;
      }
      const problem = findJsonProblem(value);
      if (problem)
        addIssue({ message: phrase, expected: OWN_RECEIVED, received: `${problem.found}${problem.at ? ` at ${problem.at}` : ''}` });
    }),
  );
}

/** An AbortSignal, or anything shaped like one (a polyfill's, another realm's). */
export const abortSignal: Schema = v.custom<AbortSignal>((value) => {
  if (typeof value !== 'object' || value === null) return false;
  const signal = value as Partial<AbortSignal>;
  return (
    typeof signal.aborted === 'boolean' && typeof signal.addEventListener === 'function' && typeof signal.removeEventListener === 'function'
  );
}, 'an AbortSignal');

/**
 * Picks the schema by a discriminating field (`type`, `role`): known values get their own schema,
 * anything else `fallback` (which checks the field's type, so that the converter can name an
 * unsupported value in its own words).
 */
export function byField(field: string, table: Record<string, Schema>, fallback: Schema): Schema {
  return v.lazy((input) => {
    if (isObject(input)) {
      const key = input[field];
      if (typeof key === 'string' && Object.hasOwn(table, key)) return table[key]!;
    }
    return fallback;
  });
}

/** Builds a schema on first use: nothing big is built at import time, and each schema once. */
export function lazily<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}
