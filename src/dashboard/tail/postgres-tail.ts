import { ZenError } from '../../core/errors.js';
import type { PostgresQueryable } from '../../insurance/stores/postgres-connection.js';
import type { RecordLine } from '../../report/ledger-tally.js';
import type { LedgerTail, TailBatch } from './ledger-tail.js';

export interface PostgresTailOptions {
  /** A node-postgres Pool (or a PGlite database) on the ledger's database. It stays open: it is yours. */
  pool: PostgresQueryable;
  /** The PostgresLedgerStore's table, default `zen_ledger` (optionally `schema.table`). */
  table?: string;
  /**
   * How long a missing sequence number is waited for (default 30 s). Writers on other connections
   * take numbers when they insert and may commit out of order, so a number missing below a
   * committed one is usually a transaction still running; one rolled back never comes.
   */
  gapTimeoutMs?: number;
  /** The clock gaps are timed by (tests). */
  now?: () => number;
}

const PAGE = 2000;
/** Numbers below the newest row at the first read that are still waited for if missing. */
const RECENT = 1000;

/**
 * Follows a PostgresLedgerStore's table by sequence number, for a dashboard beside the instances
 * that write it. Rows are read after the last number up to which every row has been seen; rows
 * beyond a gap are passed on once (remembered until the gap closes or times out), so that a
 * transaction committing after a later-numbered one is not missed. A read costs the rows appended
 * since the last one, plus those past a gap while it is waited for.
 *
 * Rows of a transaction that commits more than `gapTimeoutMs` after a later-numbered row was
 * read, or (at the first read) more than 1,000 numbers below the newest row, are not seen.
 */
export class PostgresTail implements LedgerTail {
  readonly source: string;
  private readonly pool: PostgresQueryable;
  private readonly table: string;
  private readonly gapTimeoutMs: number;
  private readonly now: () => number;
  /** Every row up to this number has been passed on (or its gap given up). */
  private contiguous = 0;
  /** Numbers above `contiguous` already passed on. */
  private readonly ahead = new Set<number>();
  /** When each missing number was first noticed. */
  private readonly gaps = new Map<number, number>();
  private started = false;

  constructor(options: PostgresTailOptions) {
    const table = checkTableName(options.table ?? 'zen_ledger');
    this.pool = options.pool;
    this.table = table;
    this.gapTimeoutMs = options.gapTimeoutMs ?? 30_000;
    this.now = options.now ?? Date.now;
    this.source = `PostgreSQL ${table}`;
  }

  async *read(): AsyncIterable<TailBatch> {
    const { rows } = await this.pool.query(`SELECT max(seq)::text AS seq FROM ${this.table}`);
    const last = Number((rows[0] as { seq: string | null } | undefined)?.seq ?? 0);
    if (last < this.contiguous) {
      // The table was emptied or replaced: count again.
      this.contiguous = 0;
      this.started = false;
      this.ahead.clear();
      this.gaps.clear();
      yield { reset: true, records: [] };
    }
    // On the first read, gaps far below the newest row are old rollbacks: only the newest
    // RECENT numbers can belong to transactions still running.
    const floor = this.started ? this.contiguous : Math.max(0, last - RECENT);
    this.started = true;
    let after = this.contiguous;
    for (;;) {
      const page = (
        await this.pool.query(
          `SELECT seq::text AS seq, record::text AS record FROM ${this.table} WHERE seq > $1::bigint AND seq <= $2::bigint ORDER BY seq LIMIT ${PAGE}`,
          [String(after), String(last)],
        )
      ).rows as Array<{ seq: string; record: string }>;
      const records: RecordLine[] = [];
      let skipped = 0;
      for (const row of page) {
        const seq = Number(row.seq);
        after = seq;
        if (seq > floor) {
          if (this.ahead.has(seq)) continue;
          this.ahead.add(seq);
        }
        try {
          records.push(JSON.parse(row.record) as RecordLine);
        } catch {
          skipped += 1;
        }
      }
      if (records.length > 0 || skipped > 0) yield skipped > 0 ? { records, skipped } : { records };
      if (page.length < PAGE) break;
    }
    this.contiguous = Math.max(this.contiguous, floor);
    this.advance(last);
  }

  /** Notes the numbers missing up to `last`, then moves `contiguous` over the numbers seen and the gaps given up. */
  private advance(last: number): void {
    const now = this.now();
    for (let seq = this.contiguous + 1; seq <= last; seq++) {
      if (!this.ahead.has(seq) && !this.gaps.has(seq)) this.gaps.set(seq, now);
    }
    while (this.contiguous < last) {
      const next = this.contiguous + 1;
      if (!this.ahead.delete(next)) {
        if (now - this.gaps.get(next)! < this.gapTimeoutMs) break;
        this.gaps.delete(next);
      }
      this.contiguous = next;
    }
  }

  async close(): Promise<void> {}
}

/** The table name as given, when it is a plain SQL name (optionally `schema.name`): it goes into SQL text. */
export function checkTableName(table: string): string {
  if (typeof table !== 'string' || !/^([A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*$/.test(table)) {
    throw new ZenError({
      kind: 'configuration',
      retryable: false,
      message: `the ledger table must be a plain SQL name (optionally schema.name), got '${String(table)}'`,
    });
  }
  return table;
}
