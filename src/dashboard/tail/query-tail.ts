import type { LedgerRecord, LedgerStore } from '../../insurance/types.js';
import type { LedgerTail, TailBatch } from './ledger-tail.js';

export interface QueryTailOptions {
  /**
   * How far before the newest record seen each read looks again (default 15 minutes). A request
   * record carries the time its call started and is appended when it ends, so records arrive out
   * of time order by up to the longest call; one older than this when it is appended is missed.
   */
  lookbackMs?: number;
  /** Shown on the page as the ledger's name. */
  source?: string;
}

const BATCH = 2000;

/**
 * Follows any LedgerStore through its `query`: each read asks for the records since the newest
 * one seen less a look-back window, and passes on those it has not seen (known by their ids). A
 * read costs the records in the window, however large the ledger. Stores the dashboard knows
 * better (JSONL, SQLite) are followed by position instead.
 */
export class QueryTail implements LedgerTail {
  readonly source: string;
  private readonly lookbackMs: number;
  private newestMs = -Infinity;
  /** Ids of the records in the window, with their times, so that the window's overlap is skipped. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly store: LedgerStore,
    options: QueryTailOptions = {},
  ) {
    this.lookbackMs = options.lookbackMs ?? 15 * 60_000;
    this.source = options.source ?? store.constructor.name;
  }

  async *read(): AsyncIterable<TailBatch> {
    const query = Number.isFinite(this.newestMs) ? { since: new Date(this.newestMs - this.lookbackMs) } : {};
    let records: LedgerRecord[] = [];
    for await (const record of this.store.query(query)) {
      const key = recordId(record);
      if (this.seen.has(key)) continue;
      const atMs = Date.parse(record.at);
      this.seen.set(key, atMs);
      if (atMs > this.newestMs) this.newestMs = atMs;
      records.push(record);
      if (records.length >= BATCH) {
        yield { records };
        records = [];
      }
    }
    if (records.length > 0) yield { records };
    // Records before the next read's window can never come back: forget them.
    const horizon = this.newestMs - this.lookbackMs;
    for (const [key, atMs] of this.seen) if (!(atMs >= horizon)) this.seen.delete(key);
  }

  async close(): Promise<void> {}
}

/** What tells one record from another of the same type (records are never changed once appended). */
function recordId(record: LedgerRecord): string {
  switch (record.type) {
    case 'request':
      return `request\u0000${record.requestId}`;
    case 'event':
      return `event\u0000${record.event?.id}`;
    case 'claim':
      return `claim\u0000${record.claim?.id}`;
    case 'credit':
      return `credit\u0000${record.claimId}`;
    case 'evaluation':
      return `evaluation\u0000${record.run}\u0000${record.item}\u0000${record.channel}\u0000${record.sample}`;
    case 'degradation':
      return `degradation\u0000${record.channel}\u0000${record.metric}\u0000${record.at}`;
    default:
      // Cases, and types this version does not know (budget records): the whole record.
      return JSON.stringify(record);
  }
}
