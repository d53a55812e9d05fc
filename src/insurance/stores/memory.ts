import { ZenError } from '../../core/errors.js';
import type { DailyCredits, LedgerQuery, LedgerRecord, LedgerStore } from '../types.js';
import { InProcessDailyCredits } from './daily-credits.js';
import { compileQuery, matchesKeys, recordKeys, type RecordKeys } from './match-query.js';
import { nextTurn, SliceBudget } from '../../core/slices.js';
import { serializeRecord, serializeRecords, VALIDATES_RECORDS } from './validate-record.js';

export interface MemoryLedgerStoreOptions {
  /** Most records kept; the least recently active requests are dropped beyond it. Default 10 000. */
  maxRecords?: number;
  /**
   * Most memory the records may take, in bytes (their JSON text, at one byte a character or two
   * where it holds characters beyond Latin-1, plus RECORD_OVERHEAD_BYTES each); the least recently
   * active requests are dropped beyond it. Default 2 MiB: about 1,100 calls with
   * `captureContent: 'none'`, fewer when records hold captured text. `Infinity` bounds by
   * `maxRecords` alone.
   */
  maxBytes?: number;
}

/** The default byte bound of a MemoryLedgerStore. */
export const DEFAULT_MEMORY_LEDGER_BYTES = 2 * 1024 * 1024;

/**
 * What a record costs beside its text: its entry, its query keys, its slot in the request index
 * and in the eviction queue. Measured with heap snapshots on Node 20 (request records of one call
 * each): 450–520 bytes.
 */
export const RECORD_OVERHEAD_BYTES = 512;

interface Entry {
  /** The validated JSON text, parsed (and frozen) on every read; '' once evicted. */
  line: string;
  keys: RecordKeys;
  bytes: number;
  alive: boolean;
}

/** Keys of an evicted entry: nothing of the record is kept once it is dropped. */
const EVICTED: RecordKeys = Object.freeze({
  atMs: Number.NaN,
  type: 'request',
  requestId: '',
  model: undefined,
  channel: undefined,
  eventKinds: Object.freeze([]),
});

/** Characters beyond Latin-1 make V8 store a string at two bytes a character. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the range starts at U+0000 on purpose (every Latin-1 character).
const WIDE = /[^\u0000-\u00ff]/;

/**
 * V8 builds JSON.stringify's output from parts joined as a rope; reading a character flattens it
 * into one string, which costs ~15 % less memory to keep.
 */
function flat(text: string): string {
  text.charCodeAt(0);
  return text;
}

/**
 * A bounded ledger in memory, for tests, scripts and edge runtimes (no Node APIs).
 *
 * Bounded in records and in bytes: when the store holds more than `maxRecords` records or more
 * than `maxBytes` bytes, it drops every record of the request that was least recently appended
 * to, so the requests it keeps are whole (a late credit for an old request makes that request
 * recent again). Only when a single request alone exceeds a bound are its oldest records dropped
 * one by one, ring-style. A dropped record's text is released at once, so the store never holds
 * more than its bounds.
 *
 * Records are kept as their JSON text on append (so they read back exactly as the file and SQLite
 * stores would return them, and later changes to the appended objects don't reach them) and are
 * parsed and frozen on each read: nothing can change a record after it is appended, and reading
 * does not grow the store.
 */
export class MemoryLedgerStore implements LedgerStore {
  /** Validates every record itself, so `Ledger` need not. */
  readonly [VALIDATES_RECORDS] = true;
  private readonly dailyCredits = new InProcessDailyCredits(this);
  readonly maxRecords: number;
  readonly maxBytes: number;
  /** Records dropped by the bounds so far. */
  evictedRecords = 0;

  // Entries in append order. Evicted entries are marked dead (their text released) and skipped;
  // the array is compacted (replaced, never changed in place, so running queries keep their
  // snapshot) once the dead pass an eighth of the living.
  private entries: Entry[] = [];
  private start = 0;
  private deadAfterStart = 0;
  private live = 0;
  private liveBytes = 0;
  private readonly byRequest = new Map<string, Entry[]>();
  // Eviction order: a queue of (request, touch) pairs in two arrays; a request appended to again
  // gets a newer touch, and its older queue entries are skipped. (Reading the head of a Map whose
  // first keys were deleted costs time proportional to the deletions, which a busy store makes
  // every call.)
  private readonly lastTouch = new Map<string, number>();
  private queueIds: string[] = [];
  private queueTouches: number[] = [];
  private queueHead = 0;
  private touches = 0;
  private closed = false;

  constructor(options: MemoryLedgerStoreOptions = {}) {
    const maxRecords = options.maxRecords ?? 10_000;
    if (!Number.isInteger(maxRecords) || maxRecords < 1) {
      throw new ZenError({
        kind: 'configuration',
        message: `MemoryLedgerStore maxRecords must be a whole number >= 1, got ${maxRecords}`,
        retryable: false,
      });
    }
    const maxBytes = options.maxBytes ?? DEFAULT_MEMORY_LEDGER_BYTES;
    if (typeof maxBytes !== 'number' || !(maxBytes >= 1)) {
      throw new ZenError({
        kind: 'configuration',
        message: `MemoryLedgerStore maxBytes must be a number >= 1 (Infinity for no byte bound), got ${String(maxBytes)}`,
        retryable: false,
      });
    }
    this.maxRecords = maxRecords;
    this.maxBytes = maxBytes;
  }

  /** Records currently kept. */
  get size(): number {
    return this.live;
  }

  /** Bytes the records currently kept are accounted at (see `maxBytes`). */
  get bytes(): number {
    return this.liveBytes;
  }

  /** The append still serializing in slices, if any: later appends wait for it, in order. */
  private serializing: Promise<unknown> | undefined;

  async append(records: LedgerRecord[]): Promise<void> {
    if (this.closed) throw closedError();
    if (this.serializing === undefined && !isLarge(records)) {
      // The usual batch (one call's records, no captured text): every record validated and
      // serialised before any is kept, then each flattened and measured as it is kept.
      const texts = serializeRecords(records);
      let touched: string | undefined;
      for (let index = 0; index < texts.length; index += 1) {
        const line = flat(texts[index]!);
        touched = this.keep(records[index]!, line, lineBytes(line), touched);
      }
    } else {
      const previous = this.serializing;
      const current = (async () => {
        if (previous) await previous.catch(() => undefined);
        return serialize(records);
      })();
      this.serializing = current;
      let lines: Array<{ line: string; bytes: number }>;
      try {
        lines = await current;
      } finally {
        if (this.serializing === current) this.serializing = undefined;
      }
      if (this.closed) throw closedError();
      let touched: string | undefined;
      for (let index = 0; index < lines.length; index += 1)
        touched = this.keep(records[index]!, lines[index]!.line, lines[index]!.bytes, touched);
    }
    this.evict();
  }

  /**
   * Keeps one validated record's text. `touched` is the request the append last queued for
   * eviction, returned updated: one queue entry per request per append, not per record.
   */
  private keep(record: LedgerRecord, line: string, bytes: number, touched: string | undefined): string {
    // Keys come from the appended object (equal to its JSON after validation); reading them
    // there spares a parse per record on the write path, which runs for every call.
    const entry: Entry = { line, keys: recordKeys(record), bytes, alive: true };
    this.entries.push(entry);
    this.live++;
    this.liveBytes += bytes;
    const siblings = this.byRequest.get(record.requestId);
    if (siblings) siblings.push(entry);
    else this.byRequest.set(record.requestId, [entry]);
    if (touched !== record.requestId) {
      const touch = ++this.touches;
      this.lastTouch.set(record.requestId, touch);
      this.queueIds.push(record.requestId);
      this.queueTouches.push(touch);
    }
    return record.requestId;
  }

  async *query(query?: LedgerQuery): AsyncIterable<LedgerRecord> {
    const compiled = compileQuery(query);
    if (compiled.limit === 0) return;
    // A snapshot: records appended while the caller iterates are not seen.
    const entries = this.entries;
    const end = entries.length;
    let found = 0;
    for (let index = this.start; index < end; index++) {
      const entry = entries[index]!;
      if (!entry.alive || !matchesKeys(entry.keys, compiled)) continue;
      yield deepFreeze(JSON.parse(entry.line) as LedgerRecord);
      if (++found >= compiled.limit) return;
    }
  }

  /** Daily claim caps shared by every client given this store object (see LedgerStore.grantDailyCredits). */
  grantDailyCredits<T>(day: string, decide: (credited: DailyCredits) => T): Promise<T> {
    return this.dailyCredits.grant(day, decide);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
  }

  private evict(): void {
    while (this.live > this.maxRecords || this.liveBytes > this.maxBytes) {
      const requestId = this.leastRecentRequest();
      const siblings = this.byRequest.get(requestId)!;
      if (this.byRequest.size > 1) {
        for (const entry of siblings) this.kill(entry);
        this.forget(requestId);
      } else {
        // One request alone is over a bound: drop its oldest records, ring-style.
        this.kill(siblings.shift()!);
        if (siblings.length === 0) this.forget(requestId);
      }
    }
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queueIds.length) {
      this.queueIds = this.queueIds.slice(this.queueHead);
      this.queueTouches = this.queueTouches.slice(this.queueHead);
      this.queueHead = 0;
    }
    while (this.start < this.entries.length && !this.entries[this.start]!.alive) {
      this.start++;
      this.deadAfterStart--;
    }
    const dead = this.start + this.deadAfterStart;
    if (dead > 256 && dead * 8 > this.live) {
      this.entries = this.entries.slice(this.start).filter((entry) => entry.alive);
      this.start = 0;
      this.deadAfterStart = 0;
    }
  }

  private forget(requestId: string): void {
    this.byRequest.delete(requestId);
    this.lastTouch.delete(requestId);
    this.queueHead += 1;
  }

  /** The request appended to least recently, skipping queue entries made stale by newer touches. */
  private leastRecentRequest(): string {
    for (;;) {
      const requestId = this.queueIds[this.queueHead]!;
      if (this.lastTouch.get(requestId) === this.queueTouches[this.queueHead]) return requestId;
      this.queueHead += 1;
    }
  }

  private kill(entry: Entry): void {
    entry.alive = false;
    this.live--;
    this.liveBytes -= entry.bytes;
    // Released now, not at the next compaction: an evicted record costs nothing but its slot.
    entry.line = '';
    entry.keys = EVICTED;
    this.deadAfterStart++;
    this.evictedRecords++;
  }
}

/** A line, flattened, with the bytes it is accounted at. */
function measured(text: string): { line: string; bytes: number } {
  const line = flat(text);
  return { line, bytes: lineBytes(line) };
}

/** The bytes a flattened line is accounted at. */
function lineBytes(line: string): number {
  return line.length * (WIDE.test(line) ? 2 : 1) + RECORD_OVERHEAD_BYTES;
}

/**
 * The records' JSON texts and their bytes, every record validated before any is kept (an invalid
 * one fails the whole append). A batch with captured content (a prompt may be megabytes) is
 * serialized a record at a time and measured a line at a time, with a turn of the event loop
 * between steps when their work passed a slice.
 */
async function serialize(records: readonly LedgerRecord[]): Promise<Array<{ line: string; bytes: number }>> {
  if (!Array.isArray(records)) return serializeRecords(records).map(measured);
  const texts: string[] = [];
  const slice = new SliceBudget();
  const turn = async (): Promise<void> => {
    if (!slice.spent()) return;
    await nextTurn();
    slice.restart();
  };
  // Every record is validated before any is measured or kept: an invalid one fails the append.
  for (let index = 0; index < records.length; index += 1) {
    texts.push(serializeRecord(records[index], index));
    await turn();
  }
  const lines: Array<{ line: string; bytes: number }> = [];
  for (const text of texts) {
    lines.push(measured(text));
    await turn();
  }
  return lines;
}

/** Whether a batch may be worth serializing in slices: a record with captured content. */
function isLarge(records: readonly LedgerRecord[]): boolean {
  if (!Array.isArray(records)) return false;
  for (const record of records)
    if ((record as { type?: unknown }).type === 'case' || (record as { content?: { messages?: unknown } }).content?.messages !== undefined)
      return true;
  return false;
}

function closedError(): ZenError {
  return new ZenError({ kind: 'invalid_request', message: 'the ledger store is closed', retryable: false });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
