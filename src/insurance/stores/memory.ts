import { ZenError } from '../../core/errors.js';
import type { DailyCredits, LedgerQuery, LedgerRecord, LedgerStore } from '../types.js';
import { InProcessDailyCredits } from './daily-credits.js';
import { compileQuery, matchesKeys, recordKeys, type RecordKeys } from './match-query.js';
import { serializeRecords, VALIDATES_RECORDS } from './validate-record.js';

export interface MemoryLedgerStoreOptions {
  /** Most records kept; the least recently active requests are dropped beyond it. Default 10 000. */
  maxRecords?: number;
}

interface Entry {
  /** The validated JSON text; the record is parsed (and frozen) on first read only. */
  line: string;
  record: LedgerRecord | undefined;
  keys: RecordKeys;
  alive: boolean;
}

function recordOf(entry: Entry): LedgerRecord {
  return (entry.record ??= deepFreeze(JSON.parse(entry.line) as LedgerRecord));
}

/**
 * A bounded ledger in memory, for tests, scripts and edge runtimes (no Node APIs).
 *
 * Eviction is by request: when the store holds more than `maxRecords`, it drops every record of
 * the request that was least recently appended to, so the requests it keeps are whole (a late
 * credit for an old request makes that request recent again). Only when a single request alone
 * exceeds the bound are its oldest records dropped one by one, ring-style.
 *
 * Records are kept as their JSON text on append (so they read back exactly as the file and SQLite
 * stores would return them, and later changes to the appended objects don't reach them) and are
 * parsed and frozen when first read: nothing can change a record after it is appended.
 */
export class MemoryLedgerStore implements LedgerStore {
  /** Validates every record itself, so `Ledger` need not. */
  readonly [VALIDATES_RECORDS] = true;
  private readonly dailyCredits = new InProcessDailyCredits(this);
  readonly maxRecords: number;
  /** Records dropped by the bound so far. */
  evictedRecords = 0;

  // Entries in append order. Evicted entries are marked dead and skipped, and the array is
  // compacted (replaced, never changed in place, so running queries keep their snapshot) once
  // the dead outnumber the living.
  private entries: Entry[] = [];
  private start = 0;
  private deadAfterStart = 0;
  private live = 0;
  private readonly byRequest = new Map<string, Entry[]>();
  // Eviction order: a queue of (request, touch) pairs; a request appended to again gets a newer
  // touch, and its older queue entries are skipped. (Reading the head of a Map whose first keys
  // were deleted costs time proportional to the deletions, which a busy store makes every call.)
  private readonly lastTouch = new Map<string, number>();
  private queue: Array<{ requestId: string; touch: number }> = [];
  private queueHead = 0;
  private touches = 0;
  private closed = false;

  constructor(options: MemoryLedgerStoreOptions = {}) {
    const maxRecords = options.maxRecords ?? 10_000;
    if (!Number.isInteger(maxRecords) || maxRecords < 1) {
      throw new ZenError({ kind: 'configuration', message: `MemoryLedgerStore maxRecords must be a whole number >= 1, got ${maxRecords}`, retryable: false });
    }
    this.maxRecords = maxRecords;
  }

  /** Records currently kept. */
  get size(): number {
    return this.live;
  }

  async append(records: LedgerRecord[]): Promise<void> {
    if (this.closed) throw closedError();
    const lines = serializeRecords(records);
    for (let index = 0; index < lines.length; index += 1) {
      // Keys come from the appended object (equal to its JSON after validation); reading them
      // there spares a parse per record on the write path, which runs for every call.
      const record = records[index]!;
      const entry: Entry = { line: lines[index]!, record: undefined, keys: recordKeys(record), alive: true };
      this.entries.push(entry);
      this.live++;
      const siblings = this.byRequest.get(record.requestId);
      if (siblings) siblings.push(entry);
      else this.byRequest.set(record.requestId, [entry]);
      const touch = ++this.touches;
      this.lastTouch.set(record.requestId, touch);
      this.queue.push({ requestId: record.requestId, touch });
    }
    this.evict();
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
      yield recordOf(entry);
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
    while (this.live > this.maxRecords) {
      const requestId = this.leastRecentRequest();
      const siblings = this.byRequest.get(requestId)!;
      if (this.byRequest.size > 1) {
        for (const entry of siblings) this.kill(entry);
        this.byRequest.delete(requestId);
        this.lastTouch.delete(requestId);
        this.queueHead += 1;
      } else {
        // One request alone is over the bound: drop its oldest records, ring-style.
        this.kill(siblings.shift()!);
        if (siblings.length === 0) {
          this.byRequest.delete(requestId);
          this.lastTouch.delete(requestId);
          this.queueHead += 1;
        }
      }
    }
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    while (this.start < this.entries.length && !this.entries[this.start]!.alive) {
      this.start++;
      this.deadAfterStart--;
    }
    const dead = this.start + this.deadAfterStart;
    if (dead > 1024 && dead > this.live) {
      this.entries = this.entries.slice(this.start).filter((entry) => entry.alive);
      this.start = 0;
      this.deadAfterStart = 0;
    }
  }

  /** The request appended to least recently, skipping queue entries made stale by newer touches. */
  private leastRecentRequest(): string {
    for (;;) {
      const head = this.queue[this.queueHead]!;
      if (this.lastTouch.get(head.requestId) === head.touch) return head.requestId;
      this.queueHead += 1;
    }
  }

  private kill(entry: Entry): void {
    entry.alive = false;
    this.live--;
    this.deadAfterStart++;
    this.evictedRecords++;
  }
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
