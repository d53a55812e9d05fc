import type { SqliteLedgerStore } from '../../insurance/stores/sqlite.js';
import type { RecordLine } from '../../report/ledger-tally.js';
import type { LedgerTail, TailBatch } from './ledger-tail.js';

const PAGE = 2000;

/**
 * Follows a SqliteLedgerStore by its sequence numbers: each read asks for the rows after the last
 * one seen, a page at a time (better-sqlite3 is synchronous, so the event loop gets a turn between
 * pages). SQLite commits one writer at a time, so rows appear in sequence order and none is skipped.
 */
export class SqliteTail implements LedgerTail {
  readonly source: string;
  private after = 0;

  constructor(private readonly store: SqliteLedgerStore) {
    this.source = `${store.database.name} (${store.table})`;
  }

  async *read(): AsyncIterable<TailBatch> {
    const { database, table } = this.store;
    const last = database.prepare(`SELECT max(seq) AS seq FROM ${table}`).get() as { seq: number | null };
    if ((last.seq ?? 0) < this.after) {
      // Rows were deleted or the table was replaced: count again.
      this.after = 0;
      yield { reset: true, records: [] };
    }
    const page = database.prepare<[number, number], { seq: number; record: string }>(
      `SELECT seq, record FROM ${table} WHERE seq > ? ORDER BY seq LIMIT ?`,
    );
    for (;;) {
      const rows = page.all(this.after, PAGE);
      if (rows.length === 0) return;
      const records: RecordLine[] = [];
      let skipped = 0;
      for (const row of rows) {
        try {
          records.push(JSON.parse(row.record) as RecordLine);
        } catch {
          skipped += 1;
        }
      }
      this.after = rows[rows.length - 1]!.seq;
      yield skipped > 0 ? { records, skipped } : { records };
      if (rows.length < PAGE) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async close(): Promise<void> {}
}
