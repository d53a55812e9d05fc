import { extname } from 'node:path';
import { JsonlLedgerStore } from '../insurance/stores/jsonl.js';
import { SqliteLedgerStore } from '../insurance/stores/sqlite.js';
import type { LedgerStore } from '../insurance/types.js';

export interface OpenedLedger {
  store: LedgerStore;
  kind: 'jsonl' | 'sqlite';
}

/** A ledger file by its extension: `.db`, `.sqlite`, `.sqlite3` are SQLite (better-sqlite3), anything else JSONL. */
export async function openLedger(path: string): Promise<OpenedLedger> {
  if (isSqlite(path)) return { store: await SqliteLedgerStore.open({ path }), kind: 'sqlite' };
  return { store: await JsonlLedgerStore.open({ path }), kind: 'jsonl' };
}

export function isSqlite(path: string): boolean {
  return ['.db', '.sqlite', '.sqlite3'].includes(extname(path).toLowerCase());
}
