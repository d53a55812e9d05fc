import { ZenError } from '../../core/errors.js';
import { toNanos } from '../../core/money.js';
import type {
  ChannelLatency,
  ClaimsSummary,
  CostByModelByDayRow,
  DailyCredits,
  LedgerQuery,
  LedgerRange,
  LedgerRecord,
  LedgerStore,
  LedgerTotals,
} from '../types.js';
import { dayRange, fromJsonCredits, toJsonCredits } from './daily-credits.js';
import { compileQuery, recordKeys, type CompiledQuery, type RecordKeys } from './match-query.js';
import { openPgPool, toConnection, type PGliteLike, type PostgresConnection, type PostgresPoolLike } from './postgres-connection.js';
import { PostgresSummaries } from './postgres-summaries.js';
import { InvalidLedgerRecordError, serializeRecords, VALIDATES_RECORDS } from './validate-record.js';

export type { PGliteLike, PostgresPoolLike, PostgresQueryable } from './postgres-connection.js';

export interface PostgresLedgerStoreOptions {
  /**
   * `postgres://user:password@host:5432/database`: the store opens its own node-postgres Pool
   * (the optional peer dependency `pg`) and ends it on `close()`. Ignored when `pool` is given.
   */
  connectionString?: string;
  /** Connections in the pool the store opens for `connectionString` (default 4). */
  maxConnections?: number;
  /**
   * A node-postgres `Pool`, or a PGlite database (`@electric-sql/pglite`, embedded Postgres for one
   * process). It stays the host's: `close()` leaves it open.
   */
  pool?: PostgresPoolLike | PGliteLike;
  /**
   * The table, default `zen_ledger`, optionally schema-qualified (`billing.zen_ledger`). The store
   * also keeps `<table>_latency` (one row per successful attempt) and `<table>_daily_credits`.
   */
  table?: string;
}

interface PageRow {
  position: string;
  record: string;
}

const PAGE_SIZE = 1000;

/**
 * A ledger in PostgreSQL, shared by every instance of an application. Node only (or PGlite).
 *
 * One row per record: the record as `json` (kept as written) plus the columns that queries and
 * summaries use (`at`, `type`, `request_id`, `model`, `channel`, `event_kinds`, `amount_nanos`,
 * `claim_status`). An `append` is one INSERT statement, so a batch lands whole or not at all,
 * whichever process or connection dies. The summaries (`Ledger.costByModelByDay`, `claimsSummary`,
 * `creditBalance`, `latencyByChannel`, `totals`) run as SQL, and the daily claim caps are granted
 * in one transaction per settlement against `<table>_daily_credits`, so they hold across every
 * client and process writing to the same table.
 *
 * Records are numbered in append order; the records of one batch keep their order, while
 * batches appended at the same time (by other connections or processes) may interleave.
 * Queries read in pages by sequence number up to the last record present when they start, so
 * appends can go on while a query is being consumed. Under concurrent writers, a record whose
 * transaction commits after a later-numbered one may be missed by a query already past its
 * number; the next query sees it.
 */
export class PostgresLedgerStore implements LedgerStore {
  /** Validates every record itself, so `Ledger` need not. */
  readonly [VALIDATES_RECORDS] = true;
  readonly table: string;
  private readonly summaries: PostgresSummaries;
  private closed = false;

  static async open(options: PostgresLedgerStoreOptions = {}): Promise<PostgresLedgerStore> {
    const table = options.table ?? 'zen_ledger';
    if (!/^([A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*$/.test(table) || table.length > 50) {
      throw configuration(
        `PostgresLedgerStore table must be a plain SQL name (optionally schema.name, at most 50 characters), got '${table}'`,
      );
    }
    let connection: PostgresConnection;
    if (options.pool) {
      connection = toConnection(options.pool, false);
    } else if (typeof options.connectionString === 'string' && options.connectionString !== '') {
      const max = options.maxConnections ?? 4;
      if (!Number.isInteger(max) || max < 1)
        throw configuration(`PostgresLedgerStore maxConnections must be a whole number >= 1, got ${String(max)}`);
      connection = toConnection(await openPgPool(options.connectionString, max), true);
    } else {
      throw configuration('PostgresLedgerStore needs a `connectionString` or a `pool` (a node-postgres Pool or a PGlite database)');
    }
    try {
      await createTables(connection, table);
    } catch (error) {
      await connection.end().catch(() => {});
      throw error;
    }
    return new PostgresLedgerStore(connection, table);
  }

  private constructor(
    private readonly connection: PostgresConnection,
    table: string,
  ) {
    this.table = table;
    this.summaries = new PostgresSummaries(connection, table);
  }

  async append(records: LedgerRecord[]): Promise<void> {
    this.checkOpen();
    const lines = serializeRecords(records);
    if (lines.length === 0) return;
    const rows = {
      at: [] as string[],
      type: [] as string[],
      requestId: [] as string[],
      model: [] as Array<string | null>,
      channel: [] as Array<string | null>,
      kinds: [] as string[],
      nanos: [] as Array<number | null>,
      status: [] as Array<string | null>,
    };
    const latency = {
      at: [] as string[],
      requestId: [] as string[],
      channel: [] as string[],
      duration: [] as number[],
      ttft: [] as Array<number | null>,
    };
    records.forEach((record, index) => {
      const keys = recordKeys(record);
      refuseNul(keys, index);
      const at = new Date(keys.atMs).toISOString();
      rows.at.push(at);
      rows.type.push(keys.type);
      rows.requestId.push(keys.requestId);
      rows.model.push(keys.model ?? null);
      rows.channel.push(keys.channel ?? null);
      rows.kinds.push(arrayLiteral(keys.eventKinds));
      rows.nanos.push(amountNanos(record, index));
      rows.status.push(record.type === 'claim' && typeof record.claim?.status === 'string' ? record.claim.status : null);
      if (record.type === 'request') {
        for (const sample of latencySamples(record)) {
          latency.at.push(at);
          latency.requestId.push(keys.requestId);
          latency.channel.push(sample.channel);
          latency.duration.push(sample.durationMs);
          latency.ttft.push(sample.ttftMs);
        }
      }
    });
    // One statement, so one transaction: the records and their latency rows land together or not at all.
    await this.connection.query(
      `WITH inserted AS (
         INSERT INTO ${this.table} (at, type, request_id, model, channel, event_kinds, amount_nanos, claim_status, record)
         SELECT at, type, request_id, model, channel, event_kinds::text[], amount_nanos, claim_status, record
         FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int8[], $8::text[], $9::json[])
              WITH ORDINALITY AS input(at, type, request_id, model, channel, event_kinds, amount_nanos, claim_status, record, n)
         ORDER BY n
         RETURNING 1)
       INSERT INTO ${this.table}_latency (at, request_id, channel, duration_ms, ttft_ms)
       SELECT * FROM unnest($10::timestamptz[], $11::text[], $12::text[], $13::float8[], $14::float8[])`,
      [
        rows.at,
        rows.type,
        rows.requestId,
        rows.model,
        rows.channel,
        rows.kinds,
        rows.nanos,
        rows.status,
        lines,
        latency.at,
        latency.requestId,
        latency.channel,
        latency.duration,
        latency.ttft,
      ],
    );
  }

  async *query(query?: LedgerQuery): AsyncIterable<LedgerRecord> {
    this.checkOpen();
    const compiled = compileQuery(query);
    // No column holds a NUL (PostgreSQL text cannot), so a filter with one matches nothing.
    if (compiled.limit === 0 || hasNul([compiled.requestId, compiled.model, compiled.channel, ...(compiled.eventKinds ?? [])])) return;
    const [last] = await this.connection.query<{ seq: string | null }>(`SELECT max(seq)::text AS seq FROM ${this.table}`);
    if (!last?.seq) return;
    const { where, values } = toSql(compiled, 3);
    let after = '0';
    let remaining = compiled.limit;
    while (remaining > 0) {
      const pageSize = Math.min(PAGE_SIZE, remaining);
      const page = await this.connection.query<PageRow>(
        // `position`, not `seq`: ORDER BY an output column named seq would sort its text.
        `SELECT seq::text AS position, record::text AS record FROM ${this.table}
         WHERE seq > $1::bigint AND seq <= $2::bigint${where} ORDER BY seq LIMIT ${pageSize}`,
        [after, last.seq, ...values],
      );
      for (const row of page) {
        yield JSON.parse(row.record) as LedgerRecord;
        remaining--;
      }
      if (page.length < pageSize) return;
      after = page[page.length - 1]!.position;
    }
  }

  costByModelByDay(range: LedgerRange): Promise<CostByModelByDayRow[]> {
    this.checkOpen();
    return this.summaries.costByModelByDay(range);
  }

  claimsSummary(range: LedgerRange): Promise<ClaimsSummary> {
    this.checkOpen();
    return this.summaries.claimsSummary(range);
  }

  creditBalance(range: LedgerRange): Promise<number> {
    this.checkOpen();
    return this.summaries.creditBalance(range);
  }

  latencyByChannel(range: LedgerRange): Promise<ChannelLatency[]> {
    this.checkOpen();
    return this.summaries.latencyByChannel(range);
  }

  totals(range: LedgerRange): Promise<LedgerTotals> {
    this.checkOpen();
    return this.summaries.totals(range);
  }

  /**
   * Daily claim caps shared by every client and process using this table: one transaction locks
   * the day's row of `<table>_daily_credits` (created from the day's credited claims the first
   * time), lets `decide` grant against it, and stores the new totals.
   */
  async grantDailyCredits<T>(day: string, decide: (credited: DailyCredits) => T): Promise<T> {
    this.checkOpen();
    const { since, until } = dayRange(day);
    const credits = `${this.table}_daily_credits`;
    return this.connection.transaction(async (query) => {
      await query(
        `INSERT INTO ${credits} (day, credits)
         SELECT $1::date, json_build_object('nanos', coalesce(sum(nanos), 0), 'byKind', coalesce(json_object_agg(kind, nanos), '{}'::json))
         FROM (SELECT event_kinds[1] AS kind, sum(amount_nanos) AS nanos FROM ${this.table}
               WHERE type = 'claim' AND claim_status = 'credited' AND at >= $2::timestamptz AND at < $3::timestamptz AND event_kinds[1] IS NOT NULL
               GROUP BY 1) AS claims
         ON CONFLICT (day) DO NOTHING`,
        [day, since, until],
      );
      const [row] = await query<{ credits: string }>(`SELECT credits::text AS credits FROM ${credits} WHERE day = $1::date FOR UPDATE`, [
        day,
      ]);
      const credited = fromJsonCredits(JSON.parse(row!.credits) as Parameters<typeof fromJsonCredits>[0]);
      const result = decide(credited);
      await query(`UPDATE ${credits} SET credits = $2::json WHERE day = $1::date`, [day, JSON.stringify(toJsonCredits(credited))]);
      return result;
    });
  }

  /** Every append is already committed; nothing is buffered. */
  async flush(): Promise<void> {}

  /** Ends the pool the store opened for a `connectionString`; a host's pool or PGlite stays open. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.connection.end();
  }

  private checkOpen(): void {
    if (this.closed) throw new ZenError({ kind: 'invalid_request', message: 'the Postgres ledger store is closed', retryable: false });
  }
}

/** Creates the tables once, under a lock, so that instances starting together do not race. */
async function createTables(connection: PostgresConnection, table: string): Promise<void> {
  const name = table.replace('.', '_');
  await connection.transaction(async (query) => {
    await query('SELECT pg_advisory_xact_lock(hashtext($1))', [`zenrouter.ledger:${table}`]);
    await query(`CREATE TABLE IF NOT EXISTS ${table} (
      seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL,
      type text NOT NULL,
      request_id text NOT NULL,
      model text,
      channel text,
      event_kinds text[] NOT NULL,
      amount_nanos bigint,
      claim_status text,
      record json NOT NULL)`);
    await query(`CREATE INDEX IF NOT EXISTS ${name}_type_at ON ${table} (type, at)`);
    await query(`CREATE INDEX IF NOT EXISTS ${name}_at ON ${table} (at)`);
    await query(`CREATE INDEX IF NOT EXISTS ${name}_request_id ON ${table} (request_id)`);
    await query(`CREATE INDEX IF NOT EXISTS ${name}_model ON ${table} (model)`);
    await query(`CREATE INDEX IF NOT EXISTS ${name}_channel ON ${table} (channel)`);
    await query(`CREATE TABLE IF NOT EXISTS ${table}_latency (
      at timestamptz NOT NULL,
      request_id text NOT NULL,
      channel text NOT NULL,
      duration_ms double precision NOT NULL,
      ttft_ms double precision)`);
    await query(`CREATE INDEX IF NOT EXISTS ${name}_latency_at ON ${table}_latency (at)`);
    await query(`CREATE TABLE IF NOT EXISTS ${table}_daily_credits (day date PRIMARY KEY, credits json NOT NULL)`);
  });
}

/** ` AND ...` conditions for a query, numbered from `$first`. */
function toSql(query: CompiledQuery, first: number): { where: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (value: unknown) => `$${first - 1 + values.push(value)}`;
  let where = '';
  if (query.sinceMs !== undefined) where += ` AND at >= ${param(new Date(query.sinceMs).toISOString())}::timestamptz`;
  if (query.untilMs !== undefined) where += ` AND at < ${param(new Date(query.untilMs).toISOString())}::timestamptz`;
  if (query.types !== undefined) where += ` AND type = ANY(${param([...query.types])}::text[])`;
  if (query.requestId !== undefined) where += ` AND request_id = ${param(query.requestId)}`;
  if (query.model !== undefined) where += ` AND model = ${param(query.model)}`;
  if (query.channel !== undefined) where += ` AND channel = ${param(query.channel)}`;
  if (query.eventKinds !== undefined) where += ` AND event_kinds && ${param([...query.eventKinds])}::text[]`;
  return { where, values };
}

/** The money a summary adds up for a record, in nanodollars: a call's cost, a claim's or a credit's amount. */
function amountNanos(record: LedgerRecord, index: number): number | null {
  let usd: unknown;
  let path: string;
  if (record.type === 'request') [usd, path] = [record.cost?.total ?? 0, 'cost.total'];
  else if (record.type === 'claim') [usd, path] = [record.claim?.amountUsd, 'claim.amountUsd'];
  else if (record.type === 'credit') [usd, path] = [record.amountUsd, 'amountUsd'];
  else return null;
  if (typeof usd !== 'number') return null;
  const nanos = toNanos(usd);
  if (!Number.isSafeInteger(nanos))
    throw new InvalidLedgerRecordError(index, path, `${usd} USD is beyond what the ledger sums exactly (2^53 nanodollars)`);
  return nanos;
}

/** The samples `Ledger.latencyByChannel` takes from a request: its successful attempts, or the request itself. */
function latencySamples(record: LedgerRecord & { type: 'request' }): Array<{ channel: string; durationMs: number; ttftMs: number | null }> {
  const sample = (channel: unknown, durationMs: unknown, ttftMs: unknown) =>
    typeof channel === 'string' && typeof durationMs === 'number'
      ? [{ channel, durationMs, ttftMs: typeof ttftMs === 'number' ? ttftMs : null }]
      : [];
  const attempts = Array.isArray(record.attempts) ? record.attempts : [];
  if (attempts.length === 0) return record.outcome === 'success' ? sample(record.channel, record.durationMs, record.ttftMs) : [];
  return attempts.flatMap((attempt) => (attempt?.outcome === 'success' ? sample(attempt.channel, attempt.durationMs, attempt.ttftMs) : []));
}

function hasNul(values: ReadonlyArray<string | undefined>): boolean {
  return values.some((value) => value?.includes('\u0000'));
}

/** PostgreSQL text cannot hold NUL: a record whose indexed fields have one is refused (the JSON keeps it anywhere else). */
function refuseNul(keys: RecordKeys, index: number): void {
  const fields: Array<[string, string | undefined]> = [
    ['requestId', keys.requestId],
    ['model', keys.model],
    ['channel', keys.channel],
    ...keys.eventKinds.map((kind): [string, string] => ['eventKinds', kind]),
  ];
  const found = fields.find(([, value]) => hasNul([value]));
  if (found)
    throw new InvalidLedgerRecordError(index, found[0], `'${found[0]}' holds a NUL character, which a PostgreSQL text column cannot store`);
}

/** A Postgres text[] literal: `{"a","b"}`, quoted so any string survives. */
function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}

function configuration(message: string): ZenError {
  return new ZenError({ kind: 'configuration', message, retryable: false });
}
