import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlLedgerStore } from '../../src/insurance/stores/jsonl.js';
import { MemoryLedgerStore } from '../../src/insurance/stores/memory.js';
import { SqliteLedgerStore } from '../../src/insurance/stores/sqlite.js';
import type { LedgerStore } from '../../src/insurance/types.js';
import { useSimulator } from '../helpers/simulator.js';
import { chat, insuredClient, user } from './helpers.js';

/**
 * The daily claim caps live in the ledger store (LedgerStore.grantDailyCredits), so clients that
 * share a store share one cap. The Postgres store is tested across processes in stores-postgres.
 */
const sim = useSimulator();
let dir: string;
const opened: LedgerStore[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zen-daily-'));
});
afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((store) => store.close()));
  await rm(dir, { recursive: true, force: true });
});

const options = { insurance: { policy: { cover: { empty_answer: { fixedUsd: 0.001 } }, dailyCapUsd: 0.003 } } };

/** Two clients, eight concurrent calls with empty answers: the statuses of their claims. */
async function raceTwoClients(first: LedgerStore, second: LedgerStore): Promise<string[]> {
  opened.push(first, second);
  const clients = [insuredClient(sim, { ...options, ledger: first }), insuredClient(sim, { ...options, ledger: second })];
  sim.enqueue('gpt-5-mini', ...Array.from({ length: 8 }, () => ({ text: '' })));
  const calls = await Promise.all(
    Array.from({ length: 8 }, (_, index) => chat(clients[index % 2]!, { messages: user('hi') }, index % 3 === 0)),
  );
  await Promise.all(clients.map((client) => client.flush()));
  return calls.map((call) => call.zen.claims[0]!.status).sort();
}

const threeCredited = ['capped', 'capped', 'capped', 'capped', 'capped', 'credited', 'credited', 'credited'];

describe('one daily cap for the clients sharing a store', () => {
  it('memory: two clients given the same store object', async () => {
    const store = new MemoryLedgerStore();
    expect(await raceTwoClients(store, store)).toEqual(threeCredited);
  });

  it('JSONL: two clients given the same store object', async () => {
    const store = await JsonlLedgerStore.open({ path: join(dir, 'ledger.jsonl') });
    expect(await raceTwoClients(store, store)).toEqual(threeCredited);
  });

  it('SQLite: two clients, each with its own connection to one database file', async () => {
    const path = join(dir, 'ledger.db');
    expect(await raceTwoClients(await SqliteLedgerStore.open({ path }), await SqliteLedgerStore.open({ path }))).toEqual(threeCredited);
    // The day's totals are in the file: a third connection sees the cap reached.
    const third = await SqliteLedgerStore.open({ path });
    opened.push(third);
    const days = third.database.prepare('SELECT day FROM zen_ledger_daily_credits').all() as Array<{ day: string }>;
    const granted = await Promise.all(days.map(({ day }) => third.grantDailyCredits(day, (credited) => credited.nanos)));
    expect(granted.reduce((sum, nanos) => sum + nanos, 0)).toBe(3_000_000);
  });

  it('a store refuses a day that is not a UTC date', async () => {
    const store = new MemoryLedgerStore();
    await expect(store.grantDailyCredits('2025-02-30', () => 0)).rejects.toThrow(/UTC date YYYY-MM-DD, got "2025-02-30"/);
    const sqlite = await SqliteLedgerStore.open({ path: ':memory:' });
    opened.push(sqlite);
    await expect(sqlite.grantDailyCredits('today', () => 0)).rejects.toThrow(/UTC date YYYY-MM-DD/);
  });
});
