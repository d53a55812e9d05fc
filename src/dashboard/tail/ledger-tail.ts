import type { LedgerRecord } from '../../insurance/types.js';
import type { RecordLine } from '../../report/ledger-tally.js';

/** Records read from a ledger in one step of a tail. */
export interface TailBatch {
  /**
   * The ledger is not the one read so far (a file replaced or truncated, a table emptied): drop
   * everything counted before this batch and count again from here.
   */
  reset?: boolean;
  /** Records in append order. Lines of types the reader does not know (budget records) are passed on as they are. */
  records: Array<LedgerRecord | RecordLine>;
  /** Lines that were not records (not JSON, not an object with a `type`). */
  skipped?: number;
}

/**
 * Follows a ledger as it grows. The first `read()` yields every record there is; each later one
 * only what was appended since, read from the position the previous read stopped at (a byte
 * offset, a sequence number), so that following a large ledger costs what it grows by, not its size.
 * Reads never overlap: the dashboard waits for one to finish before it starts the next.
 */
export interface LedgerTail {
  /** Where the records come from, for the page: a file name, a table. */
  readonly source: string;
  read(): AsyncIterable<TailBatch>;
  /** Releases what the tail holds open (a file handle); the store itself stays open. */
  close(): Promise<void>;
}
