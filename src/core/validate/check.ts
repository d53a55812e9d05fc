import * as v from 'valibot';
import { ZenError } from '../errors.js';

/** Who got it wrong: the caller of one request, or the code that built the client. */
export type ValidationKind = 'invalid_request' | 'configuration';

/** Marks an issue whose `received` text was written by a check of ours (the JSON guard), not by the library. */
export const OWN_RECEIVED = 'zenrouter:own-received';

/** A short, safe description of what was passed: never the whole value, never a throw. */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value.length > 40 ? `${JSON.stringify(value.slice(0, 40))}…` : JSON.stringify(value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return 'a BigInt';
    case 'symbol':
      return 'a Symbol';
    case 'function':
      return 'a function';
    case 'undefined':
      return 'undefined';
    default:
      break;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  try {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype === null) return 'an object with a null prototype';
    if (prototype === Object.prototype) return 'an object';
    const name: unknown = (prototype as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name ? `a ${name}` : 'an object';
  } catch {
    return 'an object';
  }
}

function pathText(prefix: string, issue: v.BaseIssue<unknown>): string {
  let path = prefix;
  for (const item of issue.path ?? []) {
    const key: unknown = item.key;
    if (typeof key === 'number') path += `[${key}]`;
    else if (typeof key === 'string') path += /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `.${key}` : key) : `[${JSON.stringify(key)}]`;
  }
  return path;
}

/** The expectation phrase of an issue whose schema gave none of its own (`<field> must be <phrase>`). */
function defaultExpectation(issue: v.BaseIssue<unknown>): string {
  switch (issue.type) {
    case 'object':
    case 'loose_object':
      return issue.input === undefined && issue.expected?.startsWith('"') ? 'present' : 'an object';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'an array';
    case 'picklist':
      return `one of ${issue.expected ?? 'the allowed values'}`;
    case 'function':
      return 'a function';
    default:
      return issue.expected ?? 'valid';
  }
}

const CONFIG: v.Config<v.BaseIssue<unknown>> = { abortEarly: true, message: defaultExpectation };

function failure(kind: ValidationKind, path: string, message: string): ZenError {
  const text = `${path} ${message}`;
  return new ZenError({ kind, retryable: false, code: path, message: kind === 'invalid_request' ? `${text} (param: ${path})` : text });
}

/**
 * Checks `value` against `schema` and throws a ZenError of `kind` naming the first bad field:
 * `zen.timeouts.totalMs must be a positive, finite number of milliseconds, got -1.`, with the
 * field's path (`prefix` + the path inside `value`) in `code`. The schema's messages are
 * expectation phrases. `root` names `value` itself when it is the culprit (`body`, `options`).
 */
export function checkSchema(schema: v.GenericSchema, value: unknown, kind: ValidationKind, prefix = '', root = prefix || 'body'): void {
  let result: v.SafeParseResult<v.GenericSchema>;
  try {
    result = v.safeParse(schema, value, CONFIG);
  } catch (error) {
    // A getter or proxy that throws while being read.
    throw failure(kind, prefix || root, `could not be read: ${error instanceof Error ? error.message : String(error)}.`);
  }
  if (result.success) return;
  const issue = result.issues[0];
  const path = pathText(prefix, issue) || root;
  const received = issue.expected === OWN_RECEIVED ? issue.received : describeValue(issue.input);
  throw failure(kind, path, `must be ${issue.message}, got ${received}.`);
}
