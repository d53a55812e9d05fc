import { parseTime } from '../../core/iso-time.js';
import { ZenError } from '../../core/errors.js';
import type { LedgerRecord } from '../types.js';

const RECORD_TYPES: ReadonlySet<string> = new Set<LedgerRecord['type']>([
  'request',
  'event',
  'claim',
  'credit',
  'case',
  'evaluation',
  'degradation',
  'budget',
]);

const marker = Symbol.for('zenrouter.invalid-ledger-record');

/**
 * A record a store refused: no `type`, no `requestId`, a bad `at`, or a value JSON cannot keep
 * (BigInt, a cycle, a function, NaN). The whole `append` is refused, so nothing was written.
 */
export class InvalidLedgerRecordError extends ZenError {
  readonly [marker] = true;
  /** Position of the bad record in the array given to `append`. */
  readonly index: number;
  /** Dotted path of the bad value inside the record, `` for the record itself. */
  readonly path: string;

  constructor(index: number, path: string, problem: string, cause?: unknown) {
    const where = path === '' ? `ledger record ${index}` : `ledger record ${index} at '${path}'`;
    super({ kind: 'invalid_request', message: `${where}: ${problem}; nothing was appended`, retryable: false, cause });
    this.name = 'InvalidLedgerRecordError';
    this.index = index;
    this.path = path;
  }

  static override isInstance(value: unknown): value is InvalidLedgerRecordError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}

/**
 * Checks a batch and returns each record serialised as one JSON line (without the newline).
 * Throws InvalidLedgerRecordError on the first bad record, before anything is written.
 */
/** Marks a store that validates records on append with `serializeRecords` (the built-in ones). */
export const VALIDATES_RECORDS = Symbol.for('zenrouter.ledger.validatesRecords');

export function serializeRecords(records: readonly LedgerRecord[]): string[] {
  if (!Array.isArray(records)) {
    throw new ZenError({ kind: 'invalid_request', message: 'ledger append expects an array of records', retryable: false });
  }
  return records.map((record, index) => serializeRecord(record, index));
}

/** One record's JSON text, validated; `index` names it in errors (its place in the appended batch). */
export function serializeRecord(record: unknown, index: number): string {
  checkRecordHeader(record, index);
  return stringifyStrict(record as object, index);
}

/** Throws InvalidLedgerRecordError unless the value is an object with a known `type`, a `requestId` and an ISO `at`. */
export function checkRecordHeader(record: unknown, index: number): void {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new InvalidLedgerRecordError(index, '', 'a record must be an object');
  }
  const fields = record as Record<string, unknown>;
  if (typeof fields.type !== 'string' || !RECORD_TYPES.has(fields.type)) {
    throw new InvalidLedgerRecordError(index, 'type', `'type' must be one of ${[...RECORD_TYPES].join(', ')}`);
  }
  if (typeof fields.requestId !== 'string' || fields.requestId === '') {
    throw new InvalidLedgerRecordError(index, 'requestId', "'requestId' must be a non-empty string");
  }
  if (typeof fields.at !== 'string' || Number.isNaN(parseTime(fields.at))) {
    throw new InvalidLedgerRecordError(index, 'at', "'at' must be an ISO date-time string");
  }
}

/**
 * JSON.stringify, but values JSON would silently change (functions, symbols, NaN, Infinity) or
 * cannot hold (BigInt, cycles) are errors: a ledger must read back what was written.
 * `undefined` properties are fine, they are how optional fields are absent.
 */
/**
 * True when plain JSON.stringify would store the value faithfully: no functions, symbols, BigInts,
 * non-finite numbers, Maps or Sets, no `toJSON` other than Date's, and no deeper than 64 levels
 * (so a cycle falls through to the careful path, which names it). No allocation: this runs for
 * every record of every call.
 */
function isFaithfulJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (depth > 64) return false;
      // Records are plain objects and arrays: their prototype says so at once, without the
      // instanceof checks (half the time of this walk) that other objects need.
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto === Array.prototype) return isFaithfulArray(value as unknown[], depth);
      if (proto !== Object.prototype && proto !== null) {
        if (value instanceof Date) return true;
        if (value instanceof Map || value instanceof Set) return false;
        if (Array.isArray(value)) return isFaithfulArray(value, depth);
      }
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
      for (const key in value) {
        if (Object.hasOwn(value, key) && !isFaithfulJson((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

function isFaithfulArray(value: readonly unknown[], depth: number): boolean {
  for (let i = 0; i < value.length; i += 1) if (!isFaithfulJson(value[i], depth + 1)) return false;
  return true;
}

export function stringifyStrict(record: object, index: number): string {
  if (isFaithfulJson(record, 0)) return JSON.stringify(record);
  return stringifyCarefully(record, index);
}

/** The slow path: a replacer that tracks where it is, to name the bad value's path in the error. */
function stringifyCarefully(record: object, index: number): string {
  // The objects being walked, innermost last, to name the bad value's path in the error.
  const stack: Array<{ holder: unknown; key: string }> = [];
  try {
    return JSON.stringify(record, function (this: unknown, key: string, value: unknown) {
      while (stack.length > 0 && stack[stack.length - 1]!.holder !== this) stack.pop();
      const bad = badValue(value);
      if (bad !== undefined) {
        const path = [...stack.slice(1).map((entry) => entry.key), key].filter((part) => part !== '');
        throw new InvalidLedgerRecordError(index, path.join('.'), bad);
      }
      if (typeof value === 'object' && value !== null) stack.push({ holder: value, key });
      return value;
    });
  } catch (error) {
    if (InvalidLedgerRecordError.isInstance(error)) throw error;
    // JSON.stringify's own TypeError: a cycle (or a toJSON that threw).
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw new InvalidLedgerRecordError(index, '', `not serialisable as JSON (${reason})`, error);
  }
}

function badValue(value: unknown): string | undefined {
  switch (typeof value) {
    case 'function':
      return 'a function is not serialisable';
    case 'symbol':
      return 'a symbol is not serialisable';
    case 'bigint':
      return 'a BigInt is not serialisable (use a number or a string)';
    case 'number':
      return Number.isFinite(value) ? undefined : `${value} is not serialisable (JSON would store null)`;
    case 'object':
      if (value instanceof Map || value instanceof Set) return 'a Map or Set is not serialisable (JSON would store {})';
      return undefined;
    default:
      return undefined;
  }
}
