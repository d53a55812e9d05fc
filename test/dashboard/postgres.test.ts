import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger, ZenClient } from '../../src/index.js';
import { PostgresLedgerStore, PostgresTail, type DashboardData, type LedgerTail } from '../../src/node/index.js';
import { simulatorProviders, startSimulator, type Simulator } from '../../src/testing/index.js';
import { postgresAvailable, uniqueTable, usePostgres } from '../helpers/postgres-server.js';
import { requestRecord } from '../insurance/fixtures/records.js';
import { writeCalls } from './fixtures.js';

/** The dashboard over a real PostgreSQL: PostgresTail's handling of out-of-order commits, and `zenrouter dashboard --ledger postgres://…`. */
const postgres = usePostgres();
const bin = fileURLToPath(new URL('../../bin/zenrouter.js', import.meta.url));
let pool: pg.Pool;

beforeAll(() => {
  if (postgresAvailable) pool = new pg.Pool({ connectionString: postgres.url, max: 4 });
});
afterAll(async () => {
  await pool?.end();
});

async function ids(tail: LedgerTail): Promise<string[]> {
  const seen: string[] = [];
  for await (const batch of tail.read()) for (const record of batch.records) seen.push(String(record.requestId));
  return seen;
}

const record = (id: string) => requestRecord({ requestId: id, at: new Date().toISOString() });

/** Inserts a row the way PostgresLedgerStore does, on a connection of its own, inside a transaction left open. */
async function openTransaction(table: string, id: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  await client.query('BEGIN');
  await client.query(`INSERT INTO ${table} (at, type, request_id, event_kinds, record) VALUES (now(), 'request', $1, '{}', $2::json)`, [
    id,
    JSON.stringify(record(id)),
  ]);
  return client;
}

describe.skipIf(!postgresAvailable)('the dashboard over PostgreSQL', () => {
  it('PostgresTail: reads what is new, and a row whose transaction commits after a later one', async () => {
    const table = uniqueTable();
    const store = await PostgresLedgerStore.open({ connectionString: postgres.url, table });
    let clock = 0;
    const tail = new PostgresTail({ pool, table, gapTimeoutMs: 1_000, now: () => clock });
    await store.append([record('a'), record('b')]);
    expect(await ids(tail)).toEqual(['a', 'b']);
    expect(await ids(tail)).toEqual([]);

    // 'slow' takes its number first and commits last; 'fast' commits in between.
    const slow = await openTransaction(table, 'slow');
    await store.append([record('fast')]);
    expect(await ids(tail)).toEqual(['fast']);
    await slow.query('COMMIT');
    await slow.end();
    expect(await ids(tail)).toEqual(['slow']);
    expect(await ids(tail)).toEqual([]);

    // A rolled-back insert leaves a gap for good: waited for, then given up (by the injected clock).
    const rolledBack = await openTransaction(table, 'never');
    await rolledBack.query('ROLLBACK');
    await rolledBack.end();
    await store.append([record('c')]);
    expect(await ids(tail)).toEqual(['c']);
    clock += 1_000;
    await store.append([record('d')]);
    expect(await ids(tail)).toEqual(['d']);
    expect(await ids(tail)).toEqual([]);
    await store.close();
  });

  it('zenrouter dashboard --ledger postgres://… shows the ledger and a new call, and never prints the password', async () => {
    const table = uniqueTable();
    const sim: Simulator = await startSimulator();
    try {
      await writeCalls(sim, await PostgresLedgerStore.open({ connectionString: postgres.url, table }));
      const url = new URL(postgres.url);
      url.password = 'hunter2-secret'; // the test server trusts local connections: any password is accepted
      const child = spawn(process.execPath, [bin, 'dashboard', '--ledger', url.toString(), '--table', table, '--port', '0'], {
        env: { ...process.env },
      });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const address = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /zenrouter dashboard: (http:\/\/\S+)/.exec(stdout);
          if (match) resolve(match[1]!);
        });
        child.on('close', () => reject(new Error(`the dashboard exited: ${stderr}`)));
      });
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      const snapshot = async (until: (data: DashboardData) => boolean): Promise<DashboardData> => {
        for (;;) {
          const data = (await (await fetch(`${address}api/snapshot`)).json()) as DashboardData;
          if (!data.loading && until(data)) return data;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      };
      const reader = await PostgresLedgerStore.open({ connectionString: postgres.url, table });
      const ledger = new Ledger(reader);
      const totals = await ledger.totals();
      const first = await snapshot(() => true);
      expect(first.source).toBe(`PostgreSQL ${table}`);
      expect(first.totals.requests).toBe(totals.requests);
      expect(first.totals.costUsd).toBeCloseTo(totals.costUsd, 12);
      expect(first.totals.creditsUsd).toBeCloseTo(totals.creditsUsd, 12);
      expect(first.totals.degradations).toBe(1);
      expect(first.latency.p50Ms).toEqual((await ledger.latencyByChannel()).map((row) => row.p50Ms));

      // A new call from another instance lands in the shared table.
      const zen = new ZenClient({
        providers: await simulatorProviders(sim),
        ledger: await PostgresLedgerStore.open({ connectionString: postgres.url, table }),
      });
      sim.enqueue('gemini-2.5-flash', { text: 'Hello from Gemini.', usage: { input: 3_000, output: 500 } });
      await zen.chat.completions.create({ model: 'google/gemini-2.5-flash', messages: [{ role: 'user', content: 'Say hello.' }] });
      await zen.close();
      const next = await snapshot((data) => data.totals.requests === totals.requests + 1);
      expect(next.perDay.models).toContain('google/gemini-2.5-flash');
      expect(next.totals.costUsd).toBeCloseTo((await ledger.totals()).costUsd, 12);
      await reader.close();

      child.kill('SIGINT');
      expect(await closed).toBe(0);
      expect(stdout).toContain('postgres://postgres:[redacted]@127.0.0.1:');
      expect(stdout + stderr).not.toContain('hunter2-secret');
    } finally {
      await sim.close();
    }
  }, 90_000);

  it('refuses a missing table and an unreachable server without printing the password', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(process.execPath, [bin, 'dashboard', ...args]);
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('close', (code) => resolve({ code, output }));
      });
    const url = new URL(postgres.url);
    url.password = 'hunter2-secret';
    const unreachable = new URL(url.toString());
    unreachable.port = '1';
    const [missing, refused, badName] = await Promise.all([
      run(['--ledger', url.toString(), '--table', 'no_such_ledger']),
      run(['--ledger', unreachable.toString()]),
      run(['--ledger', url.toString(), '--table', 'x; DROP TABLE y']),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.output).toContain("has no ledger table 'no_such_ledger'");
    expect(refused.code).toBe(2);
    expect(refused.output).toContain(
      'cannot read the Postgres ledger at postgres://postgres:[redacted]@127.0.0.1:1/postgres: connect ECONNREFUSED',
    );
    expect(badName.code).toBe(2);
    expect(badName.output).toContain('the ledger table must be a plain SQL name');
    for (const { output } of [missing, refused, badName]) expect(output).not.toContain('hunter2-secret');
  }, 60_000);
});
