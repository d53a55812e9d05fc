import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SqliteLedgerStore } from '../insurance/stores/sqlite.js';
import type { LedgerStore } from '../insurance/types.js';
import { startDashboard, type Dashboard } from '../dashboard/server.js';
import { JsonlTail } from '../dashboard/tail/jsonl-tail.js';
import { isSqlite } from './ledger-file.js';
import { number, text, usageError } from './args.js';

export interface DashboardFlags {
  ledger?: unknown;
  port?: unknown;
  host?: unknown;
  refresh?: unknown;
  title?: unknown;
}

/** Serves the dashboard until Ctrl-C (SIGINT) or SIGTERM; returns the exit code. */
export async function dashboardCommand(flags: DashboardFlags, signals: NodeJS.EventEmitter = process): Promise<number> {
  const ledger = text(flags.ledger);
  if (!ledger) throw usageError('dashboard needs --ledger <file.jsonl|file.db>');
  const port = number(flags.port, 'port', { integer: true }) ?? 7411;
  if (port > 65535) throw usageError(`--port must be from 0 to 65535, got ${port}`);
  const refreshSeconds = number(flags.refresh, 'refresh', { min: 0.2 }) ?? 2;
  const host = text(flags.host) ?? '127.0.0.1';
  const title = text(flags.title);
  const opened = await openLedger(ledger);
  let dashboard: Dashboard;
  try {
    dashboard = await startDashboard({ ...opened.source, port, host, refreshSeconds, ...(title ? { title } : {}) });
  } catch (error) {
    await opened.close();
    throw error;
  }
  console.log(`zenrouter dashboard: ${dashboard.url}`);
  console.log(`  ledger ${opened.describe}, read every ${refreshSeconds} s while the page is open · Ctrl-C stops`);
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) console.warn(`  note: listening on ${host}: anyone who can reach it sees the ledger's figures`);
  await new Promise<void>((done) => {
    const stop = () => {
      signals.off('SIGINT', stop);
      signals.off('SIGTERM', stop);
      done();
    };
    signals.on('SIGINT', stop);
    signals.on('SIGTERM', stop);
  });
  await dashboard.close();
  await opened.close();
  return 0;
}

interface OpenedLedger {
  source: { store: LedgerStore } | { tail: JsonlTail };
  describe: string;
  close(): Promise<void>;
}

async function openLedger(given: string): Promise<OpenedLedger> {
  if (/^postgres(ql)?:\/\//i.test(given)) {
    throw usageError('--ledger postgres://… needs the PostgresLedgerStore, which this build does not have yet; give a .jsonl or .db ledger file');
  }
  const path = resolve(given);
  try {
    if (!(await stat(path)).isFile()) throw new Error('not a file');
  } catch {
    throw usageError(`no such ledger file ${path}`);
  }
  if (isSqlite(path)) {
    const store = await SqliteLedgerStore.open({ path });
    return { source: { store }, describe: `${path} (SQLite, followed by sequence number)`, close: () => store.close() };
  }
  await checkJsonl(path);
  // Read-only, by byte offset: never opened for writing, so it is safe beside the app that writes it.
  return { source: { tail: new JsonlTail(path) }, describe: `${path} (JSONL, followed by byte offset)`, close: async () => {} };
}

/** Refuses a file whose first line is not a ledger record (an HTML report, a CSV) before serving it. */
async function checkJsonl(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const first = buffer.subarray(0, bytesRead).toString('utf8').split('\n').find((line) => line.trim() !== '');
    if (first === undefined) return;
    let record: unknown;
    try {
      record = JSON.parse(first);
    } catch {
      record = undefined;
    }
    if (typeof record !== 'object' || record === null || typeof (record as { type?: unknown }).type !== 'string') {
      throw usageError(`${path} is not a ledger: its first line is not a JSON record with a type (give a .jsonl ledger or a .db SQLite ledger)`);
    }
  } finally {
    await handle.close();
  }
}
