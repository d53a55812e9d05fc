import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ZenError } from '../../src/core/errors.js';
import { Ledger, type LedgerRange } from '../../src/insurance/ledger.js';
import { MemoryLedgerStore } from '../../src/insurance/stores/memory.js';
import { openPgPool } from '../../src/insurance/stores/postgres-connection.js';
import { PostgresLedgerStore } from '../../src/insurance/stores/postgres.js';
import { InvalidLedgerRecordError } from '../../src/insurance/stores/validate-record.js';
import type { LedgerRecord } from '../../src/insurance/types.js';
import { postgresAvailable, uniqueTable, usePostgres } from '../helpers/postgres-server.js';
import { useSimulator } from '../helpers/simulator.js';
import { collect, requestRecord, seededRandom } from './fixtures/records.js';
import { randomLedger } from './fixtures/random-ledger.js';
import { chat, insuredClient, user } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLIENT = fileURLToPath(new URL('./fixtures/postgres-client.ts', import.meta.url));

const postgres = usePostgres();
const sim = useSimulator();
const stores: PostgresLedgerStore[] = [];
let pool: pg.Pool;

beforeAll(() => {
  if (postgresAvailable) pool = new pg.Pool({ connectionString: postgres.url, max: 4 });
});
afterEach(async () => {
  await Promise.allSettled(stores.splice(0).map((store) => store.close()));
});
afterAll(async () => {
  await pool?.end();
});

async function openStore(table = uniqueTable()): Promise<PostgresLedgerStore> {
  const store = await PostgresLedgerStore.open({ connectionString: postgres.url, table });
  stores.push(store);
  return store;
}

/** Runs a child instance to its end; its stdout lines. */
async function runClient(args: string[]): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLIENT, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return stdout.split('\n').filter(Boolean);
}

describe('options and bad input', () => {
  it('needs a connection string or a pool, and a plain table name', async () => {
    const refused = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: unknown) => error,
      );
    const noConnection = await refused(PostgresLedgerStore.open({}));
    expect(ZenError.isInstance(noConnection) && noConnection.kind).toBe('configuration');
    expect((noConnection as Error).message).toMatch(/needs a `connectionString` or a `pool`/);
    await expect(PostgresLedgerStore.open({ connectionString: 'postgres://x', table: 'ledger; DROP TABLE users' })).rejects.toThrow(
      /plain SQL name/,
    );
    await expect(PostgresLedgerStore.open({ connectionString: 'postgres://x', maxConnections: 0 })).rejects.toThrow(
      /maxConnections must be a whole number >= 1/,
    );
    await expect(PostgresLedgerStore.open({ pool: {} as pg.Pool })).rejects.toThrow(/must be a node-postgres Pool or a PGlite database/);
  });

  it('names the optional peer dependency when pg is not installed', async () => {
    const missing = Object.assign(new Error("Cannot find package 'pg'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const error = await openPgPool('postgres://x', 1, () => Promise.reject(missing)).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(ZenError.isInstance(error) && error.kind).toBe('configuration');
    expect((error as Error).message).toBe(
      "PostgresLedgerStore needs the optional peer dependency 'pg': run `npm install pg` (or pass a PGlite database as `pool`)",
    );
  });
});

describe.runIf(postgresAvailable)('PostgresLedgerStore on a real server', () => {
  it('creates its tables and indexes, idempotently, even when instances start together', async () => {
    const table = uniqueTable();
    await Promise.all([openStore(table), openStore(table), openStore(table)]);
    const { rows: columns } = await pool.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
      [table],
    );
    expect(columns.map((column) => column.column_name)).toEqual([
      'seq',
      'at',
      'type',
      'request_id',
      'model',
      'channel',
      'event_kinds',
      'amount_nanos',
      'claim_status',
      'record',
    ]);
    const { rows: indexes } = await pool.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE tablename LIKE $1 ORDER BY indexname`,
      [`${table}%`],
    );
    expect(indexes.map((index) => index.indexname)).toEqual([
      `${table}_at`,
      `${table}_channel`,
      `${table}_daily_credits_pkey`,
      `${table}_latency_at`,
      `${table}_model`,
      `${table}_pkey`,
      `${table}_request_id`,
      `${table}_type_at`,
    ]);
  });

  it('uses a host pool without closing it', async () => {
    const store = await PostgresLedgerStore.open({ pool, table: uniqueTable() });
    await store.append([requestRecord({ requestId: 'r1', at: '2025-03-01T00:00:00.000Z' })]);
    await store.close();
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await expect(store.append([])).rejects.toThrow(/closed/);
    expect(() => store.creditBalance({})).toThrow(/closed/);
  });

  it('refuses an amount it cannot sum exactly, and writes nothing of the batch', async () => {
    const store = await openStore();
    const huge = requestRecord({ requestId: 'huge', at: '2025-03-01T00:00:00.000Z', costUsd: 1e7 });
    const error = await store.append([requestRecord({ requestId: 'ok', at: '2025-03-01T00:00:00.000Z' }), huge]).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(InvalidLedgerRecordError.isInstance(error) && [error.index, error.path]).toEqual([1, 'cost.total']);
    expect(await collect(store.query())).toEqual([]);
  });

  it('keeps every string JSON can hold, NUL and quotes included', async () => {
    const store = await openStore();
    const record = {
      ...requestRecord({ requestId: 'r"\\1', at: '2025-03-01T00:00:00.000Z' }),
      tags: { text: 'a\u0000b "c" \\d \ud83d\ude00 \ud800' },
    };
    await store.append([record]);
    expect(await collect(store.query({ requestId: 'r"\\1' }))).toEqual([JSON.parse(JSON.stringify(record))]);
    // A text column cannot hold NUL: an id with one is refused whole, with a typed error, and matches nothing.
    const error = await store.append([requestRecord({ requestId: 'r\u00001', at: '2025-03-01T00:00:00.000Z' })]).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(InvalidLedgerRecordError.isInstance(error) && error.path).toBe('requestId');
    expect(await collect(store.query({ requestId: 'r\u00001' }))).toEqual([]);
    expect(await collect(store.query())).toHaveLength(1);
  });

  describe('summaries in SQL equal the Ledger computed from the records', () => {
    let store: PostgresLedgerStore;
    const reference = new Ledger(new MemoryLedgerStore({ maxRecords: 100_000, maxBytes: 1 << 30 }));
    const random = seededRandom(14);
    const records: LedgerRecord[] = [...randomLedger(random, { requests: 3000, days: 3, start: '2025-03-01T00:00:00.000Z' })];

    beforeAll(async () => {
      if (!postgresAvailable) return;
      store = await PostgresLedgerStore.open({ connectionString: postgres.url, table: uniqueTable() });
      for (let index = 0; index < records.length; index += 700) await store.append(records.slice(index, index + 700));
      await reference.append(records);
    });
    afterAll(async () => {
      await store?.close();
    });

    const ranges: Array<[string, LedgerRange]> = [
      ['everything', {}],
      ['one day', { since: '2025-03-02T00:00:00.000Z', until: '2025-03-03T00:00:00.000Z' }],
      ['odd bounds, as Dates', { since: new Date('2025-03-01T07:13:00.123Z'), until: new Date('2025-03-02T19:01:00Z') }],
      ['since only, with an offset', { since: '2025-03-03T06:00:00+05:00' }],
      ['nothing', { since: '2026-01-01T00:00:00.000Z' }],
    ];

    it.each(ranges)('%s', async (_name, range) => {
      expect(records.length).toBeGreaterThan(3000);
      const ledger = new Ledger(store);
      expect(await store.costByModelByDay(range)).toEqual(await reference.costByModelByDay(range));
      expect(await ledger.claimsSummary(range)).toEqual(await reference.claimsSummary(range));
      expect(await ledger.creditBalance(range)).toBe(await reference.creditBalance(range));
      expect(await ledger.latencyByChannel(range)).toEqual(await reference.latencyByChannel(range));
      expect(await ledger.totals(range)).toEqual(await reference.totals(range));
    });

    it('has something to compare: every status, channels with and without first-token times', async () => {
      const summary = await store.claimsSummary({});
      expect(Object.values(summary.byStatus).every((count) => count > 0)).toBe(true);
      expect(summary.creditedUsd).toBeGreaterThan(0);
      const latency = await store.latencyByChannel({});
      expect(latency.length).toBeGreaterThan(5);
      expect(latency.every((channel) => channel.p50TtftMs !== null)).toBe(true);
    });

    it('refuses a bad range with a typed error', async () => {
      const error = await store.totals({ since: 'soon' }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(ZenError.isInstance(error) && error.kind).toBe('invalid_request');
      expect((error as Error).message).toMatch(/'since' is not a valid date/);
    });
  });

  it('two processes writing at once: every acknowledged batch is there once, whole and in order', { timeout: 120_000 }, async () => {
    const table = uniqueTable();
    await openStore(table); // the tables exist before the race on rows starts
    const [a, b] = await Promise.all([
      runClient(['append', postgres.url, table, 'a', '60', '25']),
      runClient(['append', postgres.url, table, 'b', '60', '25']),
    ]);
    expect([a.length, b.length]).toEqual([60, 60]);
    const store = await openStore(table);
    const ids = (await collect(store.query())).map((record) => record.requestId);
    expect(ids).toHaveLength(2 * 60 * 25);
    expect(new Set(ids).size).toBe(ids.length);
    // Every batch is whole and keeps its order (concurrent batches may interleave, as their appends did).
    const batches = new Map<string, string[]>();
    for (const id of ids) {
      const [label, batch] = id.split('-');
      batches.set(`${label}-${batch}`, [...(batches.get(`${label}-${batch}`) ?? []), id]);
    }
    expect(batches.size).toBe(120);
    for (const [batch, members] of batches) expect(members).toEqual(Array.from({ length: 25 }, (_, position) => `${batch}-${position}`));
    expect([...a, ...b].every((first) => batches.has(first.split('-').slice(0, 2).join('-')))).toBe(true);
    expect(await store.totals({})).toEqual({ requests: 3000, costUsd: 0.003, creditsUsd: 0 });
  });

  it('one daily cap across two processes settling claims at once', { timeout: 120_000 }, async () => {
    const table = uniqueTable();
    await openStore(table);
    // 2 × 12 claims of $0.001 against a cap of $0.01: exactly 10 credited, whoever wins the races.
    const [a, b] = await Promise.all([
      runClient(['settle', postgres.url, table, 'a', '12']),
      runClient(['settle', postgres.url, table, 'b', '12']),
    ]);
    const statuses = [...JSON.parse(a[0]!), ...JSON.parse(b[0]!)] as string[];
    expect(statuses.filter((status) => status === 'credited')).toHaveLength(10);
    expect(statuses.filter((status) => status === 'capped')).toHaveLength(14);
    const store = await openStore(table);
    expect((await store.claimsSummary({})).creditedUsd).toBe(0.01);
  });

  it('two ZenClients sharing one Postgres ledger respect one daily cap, and see one balance', { timeout: 60_000 }, async () => {
    const table = uniqueTable();
    const options = { insurance: { policy: { cover: { empty_answer: { fixedUsd: 0.001 } }, dailyCapUsd: 0.005 } } };
    const first = insuredClient(sim, { ...options, ledger: await openStore(table) });
    const second = insuredClient(sim, { ...options, ledger: await openStore(table) });
    sim.enqueue('gpt-5-mini', ...Array.from({ length: 16 }, () => ({ text: '' })));
    const calls = Array.from({ length: 16 }, (_, index) =>
      chat(index % 2 === 0 ? first : second, { messages: user('hi') }, index % 4 === 1),
    );
    const claims = (await Promise.all(calls)).map((call) => call.zen.claims[0]!);
    expect(claims.filter((claim) => claim.status === 'credited')).toHaveLength(5);
    expect(claims.filter((claim) => claim.status === 'capped')).toHaveLength(11);
    await Promise.all([first.flush(), second.flush()]);
    // Each client's balance is the shared one, summed in SQL.
    expect(await first.balance()).toBe(0.005);
    expect(await second.balance()).toBe(0.005);
    // A third instance started later counts what the first two granted.
    const third = insuredClient(sim, { ...options, ledger: await openStore(table) });
    sim.enqueue('gpt-5-mini', { text: '' });
    expect((await chat(third, { messages: user('hi') }, false)).zen.claims[0]!.status).toBe('capped');
  });

  it('a new day starts from the credited claims already in the table', async () => {
    const table = uniqueTable();
    const store = await openStore(table);
    const at = '2025-03-05T10:00:00.000Z';
    await store.append([
      {
        type: 'claim',
        requestId: 'x',
        at,
        claim: {
          id: 'c1',
          requestId: 'x',
          eventId: 'e1',
          eventKind: 'empty_answer',
          channel: 'openai/gpt-5-mini:openai',
          at,
          amountUsd: 0.003,
          rule: 'fixed',
          status: 'credited',
        },
      },
      {
        type: 'claim',
        requestId: 'y',
        at,
        claim: {
          id: 'c2',
          requestId: 'y',
          eventId: 'e2',
          eventKind: 'slow_total',
          channel: 'openai/gpt-5-mini:openai',
          at,
          amountUsd: 0.002,
          rule: 'fixed',
          status: 'credited',
        },
      },
      {
        type: 'claim',
        requestId: 'z',
        at,
        claim: {
          id: 'c3',
          requestId: 'z',
          eventId: 'e3',
          eventKind: 'slow_total',
          channel: 'openai/gpt-5-mini:openai',
          at,
          amountUsd: 0,
          rule: 'fixed',
          status: 'capped',
        },
      },
    ]);
    const seen = await store.grantDailyCredits('2025-03-05', (credited) => ({
      nanos: credited.nanos,
      byKind: Object.fromEntries(credited.byKind),
    }));
    expect(seen).toEqual({ nanos: 5_000_000, byKind: { empty_answer: 3_000_000, slow_total: 2_000_000 } });
    expect(await store.grantDailyCredits('2025-03-06', (credited) => credited.nanos)).toBe(0);
    await expect(store.grantDailyCredits('2025-13-01', () => 0)).rejects.toThrow(/UTC date YYYY-MM-DD/);
    // A decision that throws grants nothing.
    await expect(
      store.grantDailyCredits('2025-03-05', (credited) => {
        credited.nanos += 1;
        throw new Error('host rule failed');
      }),
    ).rejects.toThrow('host rule failed');
    expect(await store.grantDailyCredits('2025-03-05', (credited) => credited.nanos)).toBe(5_000_000);
  });
});
