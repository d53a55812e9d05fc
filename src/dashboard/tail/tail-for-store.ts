import { JsonlLedgerStore } from '../../insurance/stores/jsonl.js';
import { SqliteLedgerStore } from '../../insurance/stores/sqlite.js';
import type { LedgerStore } from '../../insurance/types.js';
import { JsonlTail } from './jsonl-tail.js';
import type { LedgerTail } from './ledger-tail.js';
import { QueryTail } from './query-tail.js';
import { SqliteTail } from './sqlite-tail.js';

/** The cheapest way to follow a store: by byte offset (JSONL), by sequence number (SQLite), else through `query`. */
export function tailForStore(store: LedgerStore): LedgerTail {
  if (store instanceof JsonlLedgerStore) return new JsonlTail(store.path);
  if (store instanceof SqliteLedgerStore) return new SqliteTail(store);
  return new QueryTail(store);
}
