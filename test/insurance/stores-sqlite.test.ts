import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZenError } from '../../src/core/errors.js';
import { loadBetterSqlite3, SqliteLedgerStore } from '../../src/insurance/stores/sqlite.js';
import { caseRecord, collect, eventRecord, requestRecord } from './fixtures/records.js';

let dir: string;
const stores: SqliteLedgerStore[] = [];
const at = (second: number) => new Date(Date.UTC(2025, 2, 1, 0, 0, second)).toISOString();

async function openStore(options: Parameters<typeof SqliteLedgerStore.open>[0] = {}): Promise<SqliteLedgerStore> {
  const store = await SqliteLedgerStore.open({ path: join(dir, 'ledger.db'), ...options });
  stores.push(store);
  return store;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zen-sqlite-'));
});

afterEach(async () => {
  await Promise.allSettled(stores.splice(0).map((store) => store.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('SqliteLedgerStore', () => {
  it('opens the database in WAL mode with full sync, and one indexed table', async () => {
    const store = await openStore();
    expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.database.pragma('synchronous', { simple: true })).toBe(2); // FULL
    const columns = (store.database.prepare('PRAGMA table_info(zen_ledger)').all() as Array<{ name: string }>).map((column) => column.name);
    expect(columns).toEqual(['seq', 'at', 'type', 'request_id', 'model', 'channel', 'event_kind', 'record']);
    const indexed = (store.database.prepare('PRAGMA index_list(zen_ledger)').all() as Array<{ name: string }>)
      .map((index) => index.name)
      .sort();
    expect(indexed).toEqual([
      'zen_ledger_at',
      'zen_ledger_channel',
      'zen_ledger_event_kind',
      'zen_ledger_model',
      'zen_ledger_request_id',
      'zen_ledger_type',
    ]);
  });

  it('can run with synchronous = NORMAL when asked', async () => {
    const store = await openStore({ synchronous: 'normal' });
    expect(store.database.pragma('synchronous', { simple: true })).toBe(1);
  });

  it('fills the indexed columns from the record', async () => {
    const store = await openStore();
    await store.append([
      requestRecord({ requestId: 'r1', at: at(1), model: 'anthropic/claude-sonnet-4-5', provider: 'vertex' }),
      eventRecord({ requestId: 'r1', at: at(2), kind: 'invalid_json', channel: 'anthropic/claude-sonnet-4-5:vertex' }),
      caseRecord({ requestId: 'r1', at: at(3), kinds: ['invalid_json'] }),
    ]);
    expect(store.database.prepare('SELECT at, type, request_id, model, channel, event_kind FROM zen_ledger ORDER BY seq').all()).toEqual([
      {
        at: Date.parse(at(1)),
        type: 'request',
        request_id: 'r1',
        model: 'anthropic/claude-sonnet-4-5',
        channel: 'anthropic/claude-sonnet-4-5:vertex',
        event_kind: null,
      },
      {
        at: Date.parse(at(2)),
        type: 'event',
        request_id: 'r1',
        model: 'anthropic/claude-sonnet-4-5',
        channel: 'anthropic/claude-sonnet-4-5:vertex',
        event_kind: 'invalid_json',
      },
      { at: Date.parse(at(3)), type: 'case', request_id: 'r1', model: null, channel: null, event_kind: null },
    ]);
  });

  it('uses the indexes for its queries', async () => {
    const store = await openStore();
    const plan = store.database
      .prepare(
        "EXPLAIN QUERY PLAN SELECT seq, record FROM zen_ledger WHERE seq > 0 AND seq <= 10 AND request_id = 'r1' ORDER BY seq LIMIT 500",
      )
      .all() as Array<{ detail: string }>;
    expect(plan.map((step) => step.detail).join(' ')).toMatch(/USING INDEX zen_ledger_request_id/);
  });

  it('writes a batch in one transaction: all of it or none', async () => {
    const store = await openStore();
    store.database.exec(`CREATE TRIGGER refuse_boom BEFORE INSERT ON zen_ledger WHEN NEW.request_id = 'boom'
      BEGIN SELECT RAISE(ABORT, 'boom refused'); END`);
    await store.append([requestRecord({ requestId: 'ok', at: at(0) })]);
    await expect(
      store.append([requestRecord({ requestId: 'r2', at: at(1) }), requestRecord({ requestId: 'boom', at: at(2) })]),
    ).rejects.toThrow(/boom refused/);
    expect((await collect(store.query())).map((record) => record.requestId)).toEqual(['ok']);
  });

  it('reads in pages, in append order, honouring the limit', async () => {
    const store = await openStore();
    const records = Array.from({ length: 1234 }, (_, index) => requestRecord({ requestId: `r${index}`, at: at(index % 60) }));
    await store.append(records.slice(0, 600));
    await store.append(records.slice(600));
    const all = await collect(store.query());
    expect(all.map((record) => record.requestId)).toEqual(records.map((record) => record.requestId));
    expect((await collect(store.query({ limit: 700 }))).length).toBe(700);
    expect((await collect(store.query({ limit: 500 }))).length).toBe(500);
  });

  it('lets appends run while a query is consumed, which sees the records from when it started', async () => {
    const store = await openStore();
    await store.append(Array.from({ length: 1200 }, (_, index) => requestRecord({ requestId: `r${index}`, at: at(0) })));
    let seen = 0;
    for await (const record of store.query()) {
      seen++;
      if (seen % 100 === 0) await store.append([requestRecord({ requestId: `late-${record.requestId}`, at: at(1) })]);
    }
    expect(seen).toBe(1200);
    expect((await collect(store.query())).length).toBe(1212);
  });

  it('uses a host database as it is, under its own table name, and leaves it open', async () => {
    const database = new Database(join(dir, 'host.db'));
    const store = await SqliteLedgerStore.open({ database, table: 'host_ledger' });
    await store.append([requestRecord({ requestId: 'r1', at: at(0) })]);
    await store.close();
    expect(database.open).toBe(true);
    expect(database.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(database.prepare('SELECT count(*) AS n FROM host_ledger').get()).toEqual({ n: 1 });
    database.close();
  });

  it('refuses a table name that is not a plain SQL name, and a missing path', async () => {
    await expect(SqliteLedgerStore.open({ path: ':memory:', table: 'x; DROP TABLE y' })).rejects.toThrow(/plain SQL name/);
    await expect(SqliteLedgerStore.open({})).rejects.toSatisfy((error) => ZenError.isInstance(error) && error.kind === 'configuration');
  });

  it('works in memory', async () => {
    const store = await SqliteLedgerStore.open({ path: ':memory:' });
    await store.append([requestRecord({ requestId: 'r1', at: at(0) })]);
    expect((await collect(store.query())).length).toBe(1);
    await store.close();
  });

  it('names the package when better-sqlite3 is not installed', async () => {
    const missing = Object.assign(new Error("Cannot find package 'better-sqlite3'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const error = await loadBetterSqlite3(() => Promise.reject(missing)).catch((caught: unknown) => caught);
    expect(ZenError.isInstance(error) && error.kind).toBe('configuration');
    expect((error as Error).message).toMatch(/optional peer dependency 'better-sqlite3'.*npm install better-sqlite3/);
    expect((error as Error).cause).toBe(missing);
    const broken = await loadBetterSqlite3(() => Promise.reject(new Error('invalid ELF header'))).catch((caught: unknown) => caught);
    expect((broken as Error).message).toMatch(/could not load 'better-sqlite3': invalid ELF header/);
    expect(await loadBetterSqlite3()).toBe(Database);
  });
});
