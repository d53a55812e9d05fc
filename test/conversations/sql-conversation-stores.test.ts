import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresConversationStore, SqliteConversationStore, ZenClient, type ConversationStore } from '../../src/index.js';
import { PostgresLedgerStore, SqliteLedgerStore } from '../../src/node/index.js';
import { simulatorProviders } from '../../src/testing/index.js';
import { postgresAvailable, uniqueTable, usePostgres } from '../helpers/postgres-server.js';
import { useSimulator } from '../helpers/simulator.js';

/**
 * Conversations kept in the ledger's own database: SQLite (better-sqlite3, the SqliteLedgerStore's
 * handle), PGlite and a real PostgreSQL (the pool a PostgresLedgerStore uses).
 */

const sim = useSimulator();
const postgres = usePostgres();
let pool: pg.Pool | undefined;
let pglite: PGlite | undefined;
beforeAll(() => {
  if (!postgresAvailable) return;
  pool = new pg.Pool({ connectionString: postgres.url, max: 2 });
  // pool.end() resolves before its sockets have closed; the server stopping right after may send
  // a client its shutdown notice (57P01), which would be an unhandled 'error' event of a test's teardown.
  pool.on('connect', (client) =>
    client.on('error', (error: Error & { code?: string }) => {
      if (error.code !== '57P01') throw error;
    }),
  );
});
afterAll(async () => {
  await pool?.end();
  await pglite?.close();
});

interface Backend {
  name: string;
  available: boolean;
  /** A store on a fresh table, with the given clock. */
  store: (now: () => number, ttlMs?: number) => Promise<ConversationStore>;
}

const backends: Backend[] = [
  {
    name: "SQLite (the ledger store's database)",
    available: true,
    store: async (now, ttlMs) => {
      const ledger = await SqliteLedgerStore.open({ path: ':memory:' });
      return new SqliteConversationStore({ database: ledger.database, now, ...(ttlMs ? { ttlMs } : {}) });
    },
  },
  {
    name: 'PGlite',
    available: true,
    store: async (now, ttlMs) =>
      new PostgresConversationStore({
        database: (pglite ??= new PGlite()),
        table: uniqueTable('conversations'),
        now,
        ...(ttlMs ? { ttlMs } : {}),
      }),
  },
  {
    name: 'PostgreSQL',
    available: postgresAvailable,
    store: async (now, ttlMs) =>
      new PostgresConversationStore({ database: pool!, table: uniqueTable('conversations'), now, ...(ttlMs ? { ttlMs } : {}) }),
  },
];

describe.each(backends)('$name', ({ available, store: make }) => {
  it.skipIf(!available)('sets, replaces, gets and deletes by id; an entry expires after ttlMs on its clock', async () => {
    let now = 1_000_000;
    const store = await make(() => now, 5_000);
    expect(await store.get('resp_1')).toBeUndefined();
    await store.set('resp_1', '{"a":1}');
    await store.set('resp_1', '{"a":2}');
    expect(await store.get('resp_1')).toBe('{"a":2}');
    expect(await store.delete('resp_1')).toBe(true);
    expect(await store.delete('resp_1')).toBe(false);
    expect(await store.get('resp_1')).toBeUndefined();
    await store.set('resp_2', 'kept');
    now += 4_999;
    expect(await store.get('resp_2')).toBe('kept');
    now += 1;
    expect(await store.get('resp_2')).toBeUndefined();
    expect(await store.delete('resp_2')).toBe(false);
  });

  it.skipIf(!available)('serves zen.responses: a continuation, retrieve and delete', async () => {
    const zen = new ZenClient({ providers: await simulatorProviders(sim), conversations: await make(Date.now) });
    sim.enqueue('gpt-5-mini', { text: 'Noted: 7.' }, { text: 'It was 7.' });
    const first = await zen.responses.create({ model: 'openai/gpt-5-mini', input: 'Remember 7.' });
    const second = await zen.responses.create({ model: 'openai/gpt-5-mini', input: 'What number?', previous_response_id: first.id });
    expect(second.output_text).toBe('It was 7.');
    expect(JSON.stringify(sim.callsFor('gpt-5-mini').at(-1)!.body)).toContain('Noted: 7.');
    expect((await zen.responses.retrieve(first.id)).output_text).toBe('Noted: 7.');
    await zen.responses.delete(first.id);
    await expect(zen.responses.retrieve(first.id)).rejects.toMatchObject({ kind: 'invalid_request', code: 'response_id' });
  });
});

describe('configuration', () => {
  it('refuses a missing database, an unsafe table name and a bad ttl', async () => {
    expect(() => new SqliteConversationStore({} as never)).toThrow(/needs `database`/);
    expect(() => new PostgresConversationStore({} as never)).toThrow(/needs `database`/);
    const database = (await SqliteLedgerStore.open({ path: ':memory:' })).database;
    expect(() => new SqliteConversationStore({ database, table: 'x; DROP TABLE y' })).toThrow(/table must be a plain SQL name/);
    expect(() => new PostgresConversationStore({ database: { query: async () => ({ rows: [] }) }, table: 'a.b.c' })).toThrow(
      /table must be a plain SQL name \(optionally schema.table\)/,
    );
    expect(() => new SqliteConversationStore({ database, ttlMs: 0 })).toThrow(/ttlMs must be a finite number/);
  });

  it.skipIf(!postgresAvailable)('a PostgresLedgerStore and the conversation store share one pool', async () => {
    const ledger = await PostgresLedgerStore.open({ pool: pool!, table: uniqueTable('ledger') });
    const zen = new ZenClient({
      providers: await simulatorProviders(sim),
      ledger,
      conversations: new PostgresConversationStore({ database: pool!, table: uniqueTable('conversations') }),
    });
    const first = await zen.responses.create({ model: 'anthropic/claude-haiku-4-5', input: 'Hi' });
    const second = await zen.responses.create({ model: 'anthropic/claude-haiku-4-5', input: 'Again', previous_response_id: first.id });
    await zen.flush();
    let requests = 0;
    for await (const record of zen.ledger.query({ types: ['request'] }))
      if (record.type === 'request' && record.face === 'openai-responses') requests++;
    expect(requests).toBe(2);
    expect(second.previous_response_id).toBe(first.id);
    await ledger.close();
  });
});
