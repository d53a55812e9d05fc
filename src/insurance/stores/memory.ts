import { ZenError } from '../../core/errors.js';
import type { LedgerQuery, LedgerRecord, LedgerStore } from '../types.js';
import { compileQuery, matchesKeys, recordKeys, type RecordKeys } from './match-query.js';
import { serializeRecords } from './validate-record.js';

export interface MemoryLedgerStoreOptions {
  /** Most records kept; the least recently active requests are dropped beyond it. Default 10 000. */
  maxRecords?: number;
}

interface Entry {
  record: LedgerRecord;
  keys: RecordKeys;
  alive: boolean;
}

/**
 * A bounded ledger in memory, for tests, scripts and edge runtimes (no Node APIs).
 *
 * Eviction is by request: when the store holds more than `maxRecords`, it drops every record of
 * the request that was least recently appended to, so the requests it keeps are whole (a late
 * credit for an old request makes that request recent again). Only when a single request alone
 * exceeds the bound are its oldest records dropped one by one, ring-style.
 *
 * Records are copied through JSON on append (so they read back exactly as the file and SQLite
 * stores would return them) and frozen: nothing can change a record after it is appended.
 */
export class MemoryLedgerStore implements LedgerStore {
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
  // Insertion order of a Map is the eviction order: a request moves to the end when appended to.
  private readonly byRequest = new Map<string, Entry[]>();
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
    for (const line of lines) {
      const record = deepFreeze(JSON.parse(line) as LedgerRecord);
      const entry: Entry = { record, keys: recordKeys(record), alive: true };
      this.entries.push(entry);
      this.live++;
      const siblings = this.byRequest.get(record.requestId);
      if (siblings) {
        this.byRequest.delete(record.requestId);
        siblings.push(entry);
        this.byRequest.set(record.requestId, siblings);
      } else {
        this.byRequest.set(record.requestId, [entry]);
      }
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
      yield entry.record;
      if (++found >= compiled.limit) return;
    }
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
  }

  private evict(): void {
    while (this.live > this.maxRecords) {
      const [requestId, siblings] = this.byRequest.entries().next().value as [string, Entry[]];
      if (this.byRequest.size > 1) {
        for (const entry of siblings) this.kill(entry);
        this.byRequest.delete(requestId);
      } else {
        this.kill(siblings.shift()!);
        if (siblings.length === 0) this.byRequest.delete(requestId);
      }
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
