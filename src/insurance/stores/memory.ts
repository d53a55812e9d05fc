import { ZenError } from '../../core/errors.js';
import type { DailyCredits, LedgerQuery, LedgerRecord, LedgerStore } from '../types.js';
import { InProcessDailyCredits } from './daily-credits.js';
import { compileQuery, matchesKeys, recordKeys, type RecordKeys } from './match-query.js';
import { nextTurn, SliceBudget } from '../../core/slices.js';
import { VALIDATES_RECORDS } from './validate-record.js';
import { APPEND_OWNED, keepRecord, type KeepMode, type KeptRecord } from './keep-record.js';

export interface MemoryLedgerStoreOptions {
  /** Most records kept; the least recently active requests are dropped beyond it. Default 10 000. */
  maxRecords?: number;
  /**
   * Most memory the records may take, in bytes: each record at an estimate of what it holds in
   * the heap (its objects, arrays, strings at one byte a character or two where they hold
   * characters beyond Latin-1, and boxed numbers; names such as the model and channel, which every
   * record shares, at their slot alone), plus RECORD_OVERHEAD_BYTES: a request record of a call
   * without captured content is accounted at ~1.65 KB and holds ~1.45 KB (`npx tsx
   * bench/ledger-memory.ts`); the least recently
   * active requests are dropped beyond it. Default 2 MiB: about 1,250 calls with
   * `captureContent: 'none'`, fewer when records hold captured text. `Infinity` bounds by
   * `maxRecords` alone.
   */
  maxBytes?: number;
}

/** The default byte bound of a MemoryLedgerStore. */
export const DEFAULT_MEMORY_LEDGER_BYTES = 2 * 1024 * 1024;

/**
 * What a record costs beside its own values: its entry, its query keys, its slot in the request
 * index and in the eviction queue. Measured as the heap after GC over 50,000 small records on
 * Node 20, less their values: ~320 bytes.
 */
export const RECORD_OVERHEAD_BYTES = 384;

interface Entry {
  /** The validated record, deep-frozen, handed out as it is on every read; undefined once evicted. */
  record: LedgerRecord | undefined;
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
 * Records are kept as deep-frozen objects, validated and shaped on append so that they read back
 * exactly as the file and SQLite stores would return them (keys with `undefined` values absent,
 * Dates as their ISO text). `append` keeps a copy, so later changes to the appended objects don't
 * reach the store; the ledger writer's own records, which nothing else holds, are frozen in place.
 * Nothing can change a record after it is appended, and reading hands out the kept objects
 * themselves, so it does not grow the store.
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

  /** The append still validating in slices, if any: later appends wait for it, in order. */
  private validating: Promise<unknown> | undefined;

  /** Keeps a copy of each record (validated, frozen): the caller's objects stay the caller's. */
  async append(records: LedgerRecord[]): Promise<void> {
    await this.appendAs(records, 'copy');
  }

  /**
   * Keeps the records themselves, frozen in place (see APPEND_OWNED). The usual batch is kept at
   * once and returns nothing (a bad record throws at once); one with captured text, a promise.
   */
  [APPEND_OWNED](records: LedgerRecord[]): void | Promise<void> {
    return this.appendAs(records, 'adopt');
  }

  private appendAs(records: LedgerRecord[], mode: KeepMode): void | Promise<void> {
    if (this.closed) throw closedError();
    if (!Array.isArray(records)) {
      throw new ZenError({ kind: 'invalid_request', message: 'ledger append expects an array of records', retryable: false });
    }
    if (this.validating !== undefined || isLarge(records)) return this.appendInSlices(records, mode);
    // The usual batch (one call's records, no captured text): every record validated before any is kept.
    const kept = new Array<KeptRecord>(records.length);
    for (let index = 0; index < records.length; index += 1) kept[index] = keepRecord(records[index], index, mode);
    this.keepAll(kept);
  }

  private async appendInSlices(records: LedgerRecord[], mode: KeepMode): Promise<void> {
    const previous = this.validating;
    const current = (async () => {
      if (previous) await previous.catch(() => undefined);
      return keepInSlices(records, mode);
    })();
    this.validating = current;
    let kept: KeptRecord[];
    try {
      kept = await current;
    } finally {
      if (this.validating === current) this.validating = undefined;
    }
    if (this.closed) throw closedError();
    this.keepAll(kept);
  }

  private keepAll(kept: readonly KeptRecord[]): void {
    let touched: string | undefined;
    for (let index = 0; index < kept.length; index += 1) touched = this.keep(kept[index]!, touched);
    this.evict();
  }

  /**
   * Keeps one validated record. `touched` is the request the append last queued for eviction,
   * returned updated: one queue entry per request per append, not per record.
   */
  private keep(kept: KeptRecord, touched: string | undefined): string {
    const { record } = kept;
    const bytes = kept.bytes + RECORD_OVERHEAD_BYTES;
    const entry: Entry = { record, keys: recordKeys(record), bytes, alive: true };
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
      yield entry.record!;
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
    entry.record = undefined;
    entry.keys = EVICTED;
    this.deadAfterStart++;
    this.evictedRecords++;
  }
}

/**
 * Every record validated and shaped before any is kept (an invalid one fails the whole append). A
 * batch with captured content (a prompt may be megabytes) is walked a record at a time, with a
 * turn of the event loop between records when their work passed a slice.
 */
async function keepInSlices(records: readonly LedgerRecord[], mode: KeepMode): Promise<KeptRecord[]> {
  const kept: KeptRecord[] = [];
  const slice = new SliceBudget();
  for (let index = 0; index < records.length; index += 1) {
    kept.push(keepRecord(records[index], index, mode));
    if (slice.spent()) {
      await nextTurn();
      slice.restart();
    }
  }
  return kept;
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
