import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SqliteLedgerStore } from '../insurance/stores/sqlite.js';
import type { LedgerStore } from '../insurance/types.js';
import { startDashboard, type Dashboard } from '../dashboard/server.js';
import { JsonlTail } from '../dashboard/tail/jsonl-tail.js';
import type { LedgerTail } from '../dashboard/tail/ledger-tail.js';
import { checkTableName, PostgresTail } from '../dashboard/tail/postgres-tail.js';
import { ZenError } from '../core/errors.js';
import { openPgPool } from '../insurance/stores/postgres-connection.js';
import { isSqlite } from './ledger-file.js';
import { number, text, usageError } from './args.js';

export interface DashboardFlags {
  ledger?: unknown;
  port?: unknown;
  host?: unknown;
  refresh?: unknown;
  title?: unknown;
  table?: unknown;
}

/** Serves the dashboard until Ctrl-C (SIGINT) or SIGTERM; returns the exit code. */
export async function dashboardCommand(flags: DashboardFlags, signals: NodeJS.EventEmitter = process): Promise<number> {
  const ledger = text(flags.ledger);
  if (!ledger) throw usageError('dashboard needs --ledger <file.jsonl|file.db|postgres://…>');
  const port = number(flags.port, 'port', { integer: true }) ?? 7411;
  if (port > 65535) throw usageError(`--port must be from 0 to 65535, got ${port}`);
  const refreshSeconds = number(flags.refresh, 'refresh', { min: 0.2 }) ?? 2;
  const host = text(flags.host) ?? '127.0.0.1';
  const title = text(flags.title);
  const opened = /^postgres(ql)?:\/\//i.test(ledger) ? await openPostgres(ledger, text(flags.table)) : await openLedger(ledger);
  let dashboard: Dashboard;
  try {
    dashboard = await startDashboard({ ...opened.source, port, host, refreshSeconds, ...(title ? { title } : {}) });
  } catch (error) {
    await opened.close();
    throw error;
  }
  console.log(`zenrouter dashboard: ${dashboard.url}`);
  console.log(`  ledger ${opened.describe}, read every ${refreshSeconds} s while the page is open · Ctrl-C stops`);
  if (!['127.0.0.1', 'localhost', '::1'].includes(host))
    console.warn(`  note: listening on ${host}: anyone who can reach it sees the ledger's figures`);
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
  source: { store: LedgerStore } | { tail: LedgerTail };
  describe: string;
  close(): Promise<void>;
}

async function openLedger(given: string): Promise<OpenedLedger> {
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

/**
 * A PostgresLedgerStore's table, followed by sequence number through a small pool of its own
 * (`pg`, an optional peer dependency). The password never appears in what is printed.
 */
async function openPostgres(url: string, table = 'zen_ledger'): Promise<OpenedLedger> {
  const shown = withoutPassword(url);
  checkTableName(table);
  const pool = await openPgPool(url, 2);
  try {
    const { rows } = await pool.query('SELECT to_regclass($1) IS NOT NULL AS present', [table]);
    if (!(rows[0] as { present?: boolean } | undefined)?.present)
      throw usageError(`${shown} has no ledger table '${table}' (a PostgresLedgerStore creates it; --table names another)`);
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (ZenError.isInstance(error)) throw error;
    throw new ZenError({
      kind: 'configuration',
      retryable: false,
      message: `cannot read the Postgres ledger at ${shown}: ${redact(error instanceof Error ? error.message : String(error), url)}`,
    });
  }
  return {
    source: { tail: new PostgresTail({ pool, table }) },
    describe: `${shown} table ${table} (PostgreSQL, followed by sequence number)`,
    close: () => pool.end(),
  };
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return parsed.toString();
    // As ZenError messages show a password: `[redacted]`, left unencoded.
    return `${parsed.protocol}//${parsed.username}:[redacted]@${parsed.host}${parsed.pathname}${parsed.search}`;
  } catch {
    return 'the given postgres:// URL';
  }
}

/** A driver message that quotes the URL must not carry its password. */
function redact(message: string, url: string): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // not a URL: nothing to take out but the URL itself
  }
  const cleaned = message.split(url).join(withoutPassword(url));
  return password ? cleaned.split(password).join('[redacted]') : cleaned;
}

/** Refuses a file whose first line is not a ledger record (an HTML report, a CSV) before serving it. */
async function checkJsonl(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const first = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .split('\n')
      .find((line) => line.trim() !== '');
    if (first === undefined) return;
    let record: unknown;
    try {
      record = JSON.parse(first);
    } catch {
      record = undefined;
    }
    if (typeof record !== 'object' || record === null || typeof (record as { type?: unknown }).type !== 'string') {
      throw usageError(
        `${path} is not a ledger: its first line is not a JSON record with a type (give a .jsonl ledger or a .db SQLite ledger)`,
      );
    }
  } finally {
    await handle.close();
  }
}
