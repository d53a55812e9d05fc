import type { LedgerRecord } from '../types.js';
import { checkRecordHeader, stringifyStrict } from './validate-record.js';

/**
 * A record as an in-memory store keeps it: validated, deep-frozen, exactly what the file and SQLite
 * stores would read back (keys with `undefined` values absent, Dates as their ISO text), with an
 * estimate of the bytes it holds in the heap. One walk does all of it, since it visits every
 * value anyway.
 *
 * `copy` builds the kept record from new objects, so later changes to the appended objects don't
 * reach it (what a host's `append` needs). `adopt` freezes the record in place when it is already
 * in its kept form (the records the ledger writer builds, which nothing else holds), and copies it
 * only when it is not.
 */
export type KeepMode = 'copy' | 'adopt';

/**
 * A store's method that appends records the caller hands over: the store may freeze them in place
 * instead of copying them, so nothing else may hold them or any object inside them (the ledger
 * writer's own records). A store without it gets them through `append`.
 */
export const APPEND_OWNED = Symbol.for('zenrouter.ledger.appendOwned');

/**
 * Heap bytes of the kept values, on 64-bit V8 as Node ships it (no pointer compression): every
 * object its header (map, properties, elements) and a slot a property, an array its header and
 * its backing store, a string its header and its characters (one byte each, two beyond Latin-1),
 * a number that is not a small integer its box. Checked against the heap after GC over 20,000
 * request records of bench calls (see the README's benchmark section for the command).
 */
const OBJECT_BYTES = 24;
const ARRAY_BYTES = 32 + 16;
const SLOT_BYTES = 8;
const STRING_BYTES = 16;
const NUMBER_BYTES = 16;

/**
 * Fields whose text is a name the process holds anyway (a model, a channel, a record type, an
 * outcome): every record points to the same string, so it costs a record only its slot. Counting
 * them (17 strings in a request record) made the estimate 35 % above the truth.
 */
const NAME_FIELDS: ReadonlySet<string> = new Set([
  'type',
  'face',
  'requested',
  'model',
  'channel',
  'provider',
  'outcome',
  'errorKind',
  'finishReason',
  'currency',
  'source',
  'mode',
  'kind',
  'detector',
  'severity',
  'status',
  'eventKind',
  'purpose',
  'unit',
  'window',
  'metric',
]);

/** Characters beyond Latin-1 make V8 store a string at two bytes a character. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the range starts at U+0000 on purpose (every Latin-1 character).
const WIDE = /[^\u0000-\u00ff]/;

/** Returned by a walk step for a value it cannot keep as it is: the record goes the careful way. */
const CAREFUL = Symbol('careful');
/** Returned by an adopting step for a value that is fine but not in its kept form: the record is copied. */
const REBUILD = Symbol('rebuild');

/** Bytes counted by the walk in progress (a counter, not a result object: the walk runs for every record). */
let counted = 0;

const EMPTY_OBJECT = {};
const EMPTY_ARRAY: unknown[] = [];

/**
 * Whether something gave Object.prototype an enumerable key (for…in would list it in every
 * object) or Object or Array a `toJSON` (JSON would call it for each): JSON must decide then.
 * Checked once a record (a few ns), so that the walk need not ask `Object.hasOwn` of every key
 * (a fifth of its time) nor look a `toJSON` up in every object.
 */
function prototypesChanged(): boolean {
  for (const _ in EMPTY_OBJECT) return true;
  return (
    typeof (EMPTY_OBJECT as { toJSON?: unknown }).toJSON === 'function' ||
    typeof (EMPTY_ARRAY as { toJSON?: unknown }).toJSON === 'function'
  );
}

/** The kept record and the bytes it is accounted at (without the store's own per-record overhead). */
export interface KeptRecord {
  record: LedgerRecord;
  bytes: number;
}

/**
 * Validates one record and returns it as kept. Throws InvalidLedgerRecordError (the same errors as
 * the file stores' serialisation) on a record JSON cannot keep faithfully; `index` names it.
 */
export function keepRecord(record: unknown, index: number, mode: KeepMode): KeptRecord {
  checkRecordHeader(record, index);
  counted = 0;
  if (prototypesChanged()) {
    // Nothing to walk: JSON decides.
  } else if (mode === 'adopt') {
    const adopted = adoptValue(record, 0);
    if (adopted === true) return { record: record as LedgerRecord, bytes: counted };
    counted = 0;
    if (adopted === REBUILD) {
      const copied = copyValue(record, 0);
      if (copied !== CAREFUL) return { record: copied as LedgerRecord, bytes: counted };
    }
  } else {
    const copied = copyValue(record, 0);
    if (copied !== CAREFUL) return { record: copied as LedgerRecord, bytes: counted };
  }
  // Dates, toJSON, class instances, bad values: JSON itself decides (and names a bad value's path).
  const parsed: unknown = JSON.parse(stringifyStrict(record as object, index));
  counted = 0;
  freezeParsed(parsed);
  return { record: parsed as LedgerRecord, bytes: counted };
}

/** Freezes and counts what JSON.parse built: plain objects, arrays and JSON values, no cycles, any depth. */
function freezeParsed(value: unknown): void {
  if (typeof value === 'string') counted += stringBytes(value);
  else if (typeof value === 'number') {
    if (!isSmall(value)) counted += NUMBER_BYTES;
  } else if (typeof value === 'object' && value !== null) {
    const children = Object.values(value);
    for (const child of children) freezeParsed(child);
    counted += (Array.isArray(value) ? ARRAY_BYTES : OBJECT_BYTES) + children.length * SLOT_BYTES;
    Object.freeze(value);
  }
}

/** The bytes a string is accounted at. */
function stringBytes(text: string): number {
  return STRING_BYTES + ((text.length * (WIDE.test(text) ? 2 : 1) + 7) & ~7);
}

/** A number V8 keeps unboxed (a 32-bit small integer on 64-bit builds without pointer compression). */
function isSmall(value: number): boolean {
  return (value | 0) === value && !Object.is(value, -0);
}

/** The value as kept, built from new objects and frozen; CAREFUL when JSON must decide. */
function copyValue(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      counted += stringBytes(value);
      return value;
    case 'boolean':
    case 'undefined':
      return value;
    case 'number':
      if (!Number.isFinite(value)) return CAREFUL;
      if (isSmall(value)) return value;
      if (value === 0) return 0; // -0: JSON keeps 0
      counted += NUMBER_BYTES;
      return value;
    case 'object': {
      if (value === null) return null;
      if (depth > 64) return CAREFUL;
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto === Array.prototype) return copyArray(value as unknown[], depth);
      // An own toJSON is a function: CAREFUL below, and JSON calls it.
      if (proto !== Object.prototype && proto !== null) return CAREFUL;
      const copy: Record<string, unknown> = {};
      let slots = 0;
      for (const key in value) {
        // An own `__proto__` would set the copy's prototype instead of a property.
        if (key === '__proto__') return CAREFUL;
        const item = (value as Record<string, unknown>)[key];
        if (typeof item === 'string' && NAME_FIELDS.has(key)) {
          copy[key] = item;
          slots += 1;
          continue;
        }
        const kept = copyValue(item, depth + 1);
        if (kept === CAREFUL) return CAREFUL;
        if (kept === undefined) continue;
        copy[key] = kept;
        slots += 1;
      }
      counted += OBJECT_BYTES + slots * SLOT_BYTES;
      return Object.freeze(copy);
    }
    default:
      return CAREFUL;
  }
}

function copyArray(value: readonly unknown[], depth: number): unknown {
  const copy: unknown[] = new Array(value.length);
  for (let i = 0; i < value.length; i += 1) {
    const kept = copyValue(value[i], depth + 1);
    if (kept === CAREFUL) return CAREFUL;
    // JSON keeps an undefined item (or a hole) as null.
    copy[i] = kept === undefined ? null : kept;
  }
  counted += ARRAY_BYTES + value.length * SLOT_BYTES;
  return Object.freeze(copy);
}

/**
 * Freezes the value in place when it is in its kept form (true); REBUILD when it is fine for JSON
 * but must be copied to read back as JSON would (an undefined property, -0, a hole, a null
 * prototype); CAREFUL when JSON must decide. Objects frozen before a REBUILD are the caller's
 * own and stay as they were, frozen.
 */
function adoptValue(value: unknown, depth: number): true | typeof REBUILD | typeof CAREFUL {
  switch (typeof value) {
    case 'string':
      counted += stringBytes(value);
      return true;
    case 'boolean':
      return true;
    case 'undefined':
      return REBUILD;
    case 'number':
      if (!Number.isFinite(value)) return CAREFUL;
      if (isSmall(value)) return true;
      if (value === 0) return REBUILD;
      counted += NUMBER_BYTES;
      return true;
    case 'object': {
      if (value === null) return true;
      if (depth > 64) return CAREFUL;
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto === Array.prototype) {
        const items = value as unknown[];
        for (let i = 0; i < items.length; i += 1) {
          // A hole reads as undefined: REBUILD, as for an undefined item.
          const adopted = adoptValue(items[i], depth + 1);
          if (adopted !== true) return adopted;
        }
        counted += ARRAY_BYTES + items.length * SLOT_BYTES;
        Object.freeze(items);
        return true;
      }
      if (proto !== Object.prototype) return proto === null ? REBUILD : CAREFUL;
      let slots = 0;
      for (const key in value) {
        const item = (value as Record<string, unknown>)[key];
        slots += 1;
        if (typeof item === 'string' && NAME_FIELDS.has(key)) continue;
        const adopted = adoptValue(item, depth + 1);
        if (adopted !== true) return adopted;
      }
      counted += OBJECT_BYTES + slots * SLOT_BYTES;
      Object.freeze(value);
      return true;
    }
    default:
      return CAREFUL;
  }
}
