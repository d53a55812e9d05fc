import type Database from 'better-sqlite3';
import { ZenError } from '../../core/errors.js';
import { importUnbundled, isModuleNotFound } from '../../core/optional-peer.js';
import { toNanos } from '../../core/money.js';
import type { DailyCredits, LedgerQuery, LedgerRecord, LedgerStore, QualityEventKind } from '../types.js';
import { dayRange, fromJsonCredits, toJsonCredits } from './daily-credits.js';
import { compileQuery, recordKeys, type CompiledQuery } from './match-query.js';
import { serializeRecords, VALIDATES_RECORDS } from './validate-record.js';

export interface SqliteLedgerStoreOptions {
  /** A database file (created if missing) or `:memory:`. Ignored when `database` is given. */
  path?: string;
  /**
   * An open better-sqlite3 database to use instead. Its pragmas are left as the host set them
   * (use WAL and `synchronous = FULL` for the same durability) and `close()` does not close it.
   */
  database?: Database.Database;
  /** Default `zen_ledger`. */
  table?: string;
  /**
   * `full` (default): a commit is fsync'ed before `append` resolves, so acknowledged records
   * survive a power loss. `normal`: in WAL mode they survive a crash of the process, and the
   * last commits may be lost on power loss.
   */
  synchronous?: 'full' | 'normal';
}

interface Row {
  seq: number;
  record: string;
}

const PAGE_SIZE = 500;

/**
 * The ledger in SQLite through better-sqlite3 (an optional peer dependency, loaded on `open`).
 * Node only.
 *
 * One table: the record as JSON plus the columns queries filter on (`at` in epoch ms, `type`,
 * `request_id`, `model`, `channel`, `event_kind`), each indexed. The database runs in WAL mode;
 * one `append` is one transaction, so a batch is written whole or not at all, and a process
 * killed mid-append loses only that unacknowledged batch.
 *
 * Queries read in pages by sequence number rather than holding a statement open between yields,
 * so appends can run while a query is being consumed; a query sees the records committed when
 * it started.
 */
export class SqliteLedgerStore implements LedgerStore {
  /** Validates every record itself, so `Ledger` need not. */
  readonly [VALIDATES_RECORDS] = true;
  readonly database: Database.Database;
  readonly table: string;
  private readonly ownsDatabase: boolean;
  private readonly insertBatch: (rows: unknown[][]) => void;
  private readonly statements = new Map<string, Database.Statement<unknown[], Row>>();
  private readonly grantTransaction: (day: string, decide: (credited: DailyCredits) => unknown) => unknown;
  private closed = false;

  static async open(options: SqliteLedgerStoreOptions = {}): Promise<SqliteLedgerStore> {
    const table = options.table ?? 'zen_ledger';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) {
      throw new ZenError({
        kind: 'configuration',
        message: `SqliteLedgerStore table must be a plain SQL name, got '${table}'`,
        retryable: false,
      });
    }
    if (options.database) return new SqliteLedgerStore(options.database, table, false);
    if (options.path === undefined || options.path === '') {
      throw new ZenError({
        kind: 'configuration',
        message: 'SqliteLedgerStore needs a `path` (or `:memory:`) or a `database`',
        retryable: false,
      });
    }
    const DatabaseConstructor = await loadBetterSqlite3();
    const database = new DatabaseConstructor(options.path);
    try {
      database.pragma('journal_mode = WAL');
      database.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
      database.pragma('busy_timeout = 5000');
      return new SqliteLedgerStore(database, table, true);
    } catch (error) {
      database.close();
      throw error;
    }
  }

  private constructor(database: Database.Database, table: string, ownsDatabase: boolean) {
    this.database = database;
    this.table = table;
    this.ownsDatabase = ownsDatabase;
    database.exec(`
      CREATE TABLE IF NOT EXISTS ${table} (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        request_id TEXT NOT NULL,
        model TEXT,
        channel TEXT,
        event_kind TEXT,
        record TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS ${table}_at ON ${table} (at);
      CREATE INDEX IF NOT EXISTS ${table}_type ON ${table} (type);
      CREATE INDEX IF NOT EXISTS ${table}_request_id ON ${table} (request_id);
      CREATE INDEX IF NOT EXISTS ${table}_model ON ${table} (model);
      CREATE INDEX IF NOT EXISTS ${table}_channel ON ${table} (channel);
      CREATE INDEX IF NOT EXISTS ${table}_event_kind ON ${table} (event_kind);
      CREATE TABLE IF NOT EXISTS ${table}_daily_credits (day TEXT PRIMARY KEY, credits TEXT NOT NULL);
    `);
    const insert = database.prepare(
      `INSERT INTO ${table} (at, type, request_id, model, channel, event_kind, record) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertBatch = database.transaction((rows: unknown[][]) => {
      for (const row of rows) insert.run(...row);
    });
    const readDay = database.prepare<[string], { credits: string }>(`SELECT credits FROM ${table}_daily_credits WHERE day = ?`);
    const writeDay = database.prepare(`INSERT OR REPLACE INTO ${table}_daily_credits (day, credits) VALUES (?, ?)`);
    const creditedClaims = database.prepare<[number, number], { kind: string; amount: number }>(
      `SELECT json_extract(record, '$.claim.eventKind') AS kind, json_extract(record, '$.claim.amountUsd') AS amount FROM ${table}
       WHERE type = 'claim' AND at >= ? AND at < ? AND json_extract(record, '$.claim.status') = 'credited'`,
    );
    const grant = database.transaction((day: string, decide: (credited: DailyCredits) => unknown) => {
      const row = readDay.get(day);
      let credited: DailyCredits;
      if (row) {
        credited = fromJsonCredits(JSON.parse(row.credits) as Parameters<typeof fromJsonCredits>[0]);
      } else {
        const { since, until } = dayRange(day);
        credited = { nanos: 0, byKind: new Map() };
        for (const { kind, amount } of creditedClaims.iterate(Date.parse(since), Date.parse(until))) {
          const nanos = toNanos(amount);
          credited.nanos += nanos;
          credited.byKind.set(kind as QualityEventKind, (credited.byKind.get(kind as QualityEventKind) ?? 0) + nanos);
        }
      }
      const result = decide(credited);
      writeDay.run(day, JSON.stringify(toJsonCredits(credited)));
      return result;
    });
    // IMMEDIATE takes the write lock first, so two processes cannot both read the day's totals and grant.
    this.grantTransaction = (day, decide) => grant.immediate(day, decide);
  }

  async append(records: LedgerRecord[]): Promise<void> {
    if (this.closed) throw new ZenError({ kind: 'invalid_request', message: 'the SQLite ledger store is closed', retryable: false });
    const lines = serializeRecords(records);
    const rows = lines.map((line, index) => {
      const keys = recordKeys(records[index]!);
      // A case has several kinds; the column keeps none and queries look inside its JSON.
      const eventKind = keys.type === 'case' ? null : (keys.eventKinds[0] ?? null);
      return [keys.atMs, keys.type, keys.requestId, keys.model ?? null, keys.channel ?? null, eventKind, line];
    });
    if (rows.length > 0) this.insertBatch(rows);
  }

  async *query(query?: LedgerQuery): AsyncIterable<LedgerRecord> {
    const compiled = compileQuery(query);
    if (compiled.limit === 0) return;
    const { where, parameters } = toSql(compiled);
    const last = this.database.prepare(`SELECT max(seq) AS seq FROM ${this.table}`).get() as { seq: number | null };
    if (last.seq === null) return;
    const statement = this.statement(`SELECT seq, record FROM ${this.table} WHERE seq > ? AND seq <= ?${where} ORDER BY seq LIMIT ?`);
    let after = 0;
    let remaining = compiled.limit;
    while (remaining > 0) {
      const page = statement.all(after, last.seq, ...parameters, Math.min(PAGE_SIZE, remaining));
      for (const row of page) {
        yield JSON.parse(row.record) as LedgerRecord;
        remaining--;
      }
      if (page.length < PAGE_SIZE) return;
      after = page[page.length - 1]!.seq;
    }
  }

  /**
   * Daily claim caps shared by every client and process using this database file: the day's
   * totals live in the `<table>_daily_credits` table and each grant is one IMMEDIATE transaction.
   */
  async grantDailyCredits<T>(day: string, decide: (credited: DailyCredits) => T): Promise<T> {
    if (this.closed) throw new ZenError({ kind: 'invalid_request', message: 'the SQLite ledger store is closed', retryable: false });
    dayRange(day);
    return this.grantTransaction(day, decide) as T;
  }

  /** Every append is already committed; nothing is buffered. */
  async flush(): Promise<void> {}

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsDatabase) this.database.close();
  }

  private statement(sql: string): Database.Statement<unknown[], Row> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.database.prepare<unknown[], Row>(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** The WHERE conditions (each starting with ` AND `) for a query, with their parameters. */
function toSql(query: CompiledQuery): { where: string; parameters: unknown[] } {
  const conditions: string[] = [];
  const parameters: unknown[] = [];
  const placeholders = (values: Iterable<unknown>): string => {
    const list = [...values];
    parameters.push(...list);
    return list.map(() => '?').join(', ');
  };
  if (query.sinceMs !== undefined) {
    conditions.push('at >= ?');
    parameters.push(query.sinceMs);
  }
  if (query.untilMs !== undefined) {
    conditions.push('at < ?');
    parameters.push(query.untilMs);
  }
  if (query.types !== undefined) conditions.push(`type IN (${placeholders(query.types)})`);
  if (query.requestId !== undefined) {
    conditions.push('request_id = ?');
    parameters.push(query.requestId);
  }
  if (query.model !== undefined) {
    conditions.push('model = ?');
    parameters.push(query.model);
  }
  if (query.channel !== undefined) {
    conditions.push('channel = ?');
    parameters.push(query.channel);
  }
  if (query.eventKinds !== undefined) {
    const column = placeholders(query.eventKinds);
    const inCase = placeholders(query.eventKinds);
    conditions.push(
      `(event_kind IN (${column}) OR (type = 'case' AND EXISTS (SELECT 1 FROM json_each(record, '$.eventKinds') WHERE value IN (${inCase}))))`,
    );
  }
  return { where: conditions.map((condition) => ` AND ${condition}`).join(''), parameters };
}

type DatabaseConstructor = typeof Database;

/**
 * Loads better-sqlite3, which is an optional peer dependency: only hosts that use this store
 * install it, and bundlers must not try to resolve it for apps that don't (see importUnbundled).
 * `importModule` is for tests.
 * @internal
 */
export async function loadBetterSqlite3(
  importModule: () => Promise<unknown> = () => importUnbundled('better-sqlite3'),
): Promise<DatabaseConstructor> {
  let loaded: unknown;
  try {
    loaded = await importModule();
  } catch (error) {
    throw new ZenError({
      kind: 'configuration',
      retryable: false,
      cause: error,
      message: isModuleNotFound(error)
        ? "SqliteLedgerStore needs the optional peer dependency 'better-sqlite3': run `npm install better-sqlite3`"
        : `SqliteLedgerStore could not load 'better-sqlite3': ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  const module = loaded as { default?: DatabaseConstructor };
  return module.default ?? (loaded as DatabaseConstructor);
}
