import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { RedisStateStore } from '../../src/index.js';
import { redisAvailable } from '../helpers/redis-server.js';
import { useStateStores } from '../helpers/state-stores.js';

/**
 * The budget half of the StateStore contract, for the in-memory store and for a real redis-server
 * (node-redis with RESP2 and RESP3, ioredis): holds are all or none, checked against hard limits
 * atomically, released on settlement or when they lapse, and amounts stay exact whole numbers.
 */

const { redis, closers, prefix, stores } = useStateStores('budget-test');

// Counters expire in Redis by the real clock: the test times are now and an hour on.
const NOW = Date.now();
const LATER = NOW + 3_600_000;

describe.each(stores)('budget store: %s', (_name, makeStore, available) => {
  it.skipIf(!available)('holds while under the limit, refuses the hold that would pass it, and settles the actual amount', async () => {
    const store = await makeStore();
    const counter = { counter: 'user:1|usd|day|0', limit: 100, expiresAt: LATER };
    const first = await store.reserveBudget!({ id: 'a', counters: [{ ...counter, amount: 60 }], holdUntil: LATER, now: NOW });
    expect(first).toEqual({ granted: true, counters: [{ spent: 0, reserved: 60 }] });
    const second = await store.reserveBudget!({ id: 'b', counters: [{ ...counter, amount: 50 }], holdUntil: LATER, now: NOW });
    expect(second).toEqual({ granted: false, refused: 0, state: { spent: 0, reserved: 60 } });
    const settled = await store.settleBudget!({
      id: 'a',
      counters: [{ counter: counter.counter, amount: 45, expiresAt: LATER }],
      now: NOW,
    });
    expect(settled).toEqual([{ spentBefore: 0, spent: 45, reserved: 0 }]);
    const third = await store.reserveBudget!({ id: 'c', counters: [{ ...counter, amount: 50 }], holdUntil: LATER, now: NOW });
    expect(third.granted).toBe(true);
    expect(await store.readBudget!({ counters: [counter.counter, 'never-used'], now: NOW })).toEqual([
      { spent: 45, reserved: 50 },
      { spent: 0, reserved: 0 },
    ]);
  });

  it.skipIf(!available)('a zero estimate is refused once the limit is reached, and a hold without a limit is never refused', async () => {
    const store = await makeStore();
    const counter = 'user:2|usd|day|0';
    await store.settleBudget!({ id: 'x', counters: [{ counter, amount: 100, expiresAt: LATER }], now: NOW });
    const zero = await store.reserveBudget!({
      id: 'y',
      counters: [{ counter, amount: 0, limit: 100, expiresAt: LATER }],
      holdUntil: LATER,
      now: NOW,
    });
    expect(zero).toEqual({ granted: false, refused: 0, state: { spent: 100, reserved: 0 } });
    const soft = await store.reserveBudget!({ id: 'z', counters: [{ counter, amount: 10, expiresAt: LATER }], holdUntil: LATER, now: NOW });
    expect(soft).toEqual({ granted: true, counters: [{ spent: 100, reserved: 10 }] });
  });

  it.skipIf(!available)('all or none: a refusal on the second counter holds nothing on the first', async () => {
    const store = await makeStore();
    const user = 'user:3|usd|day|0';
    const project = 'project:x|requests|minute|0';
    await store.settleBudget!({ id: 'p', counters: [{ counter: project, amount: 2, expiresAt: LATER }], now: NOW });
    const refused = await store.reserveBudget!({
      id: 'q',
      holdUntil: LATER,
      now: NOW,
      counters: [
        { counter: user, amount: 5, limit: 100, expiresAt: LATER },
        { counter: project, amount: 1, limit: 2, expiresAt: LATER },
      ],
    });
    expect(refused).toEqual({ granted: false, refused: 1, state: { spent: 2, reserved: 0 } });
    expect(await store.readBudget!({ counters: [user, project], now: NOW })).toEqual([
      { spent: 0, reserved: 0 },
      { spent: 2, reserved: 0 },
    ]);
  });

  it.skipIf(!available)('a hold that is never settled lapses at holdUntil', async () => {
    const store = await makeStore();
    const counter = 'user:4|tokens|hour|0';
    await store.reserveBudget!({
      id: 'dead',
      counters: [{ counter, amount: 900, limit: 1_000, expiresAt: LATER }],
      holdUntil: NOW + 1_000,
      now: NOW,
    });
    const before = await store.reserveBudget!({
      id: 'n1',
      counters: [{ counter, amount: 200, limit: 1_000, expiresAt: LATER }],
      holdUntil: LATER,
      now: NOW + 999,
    });
    expect(before.granted).toBe(false);
    const after = await store.reserveBudget!({
      id: 'n2',
      counters: [{ counter, amount: 200, limit: 1_000, expiresAt: LATER }],
      holdUntil: LATER,
      now: NOW + 1_000,
    });
    expect(after).toEqual({ granted: true, counters: [{ spent: 0, reserved: 200 }] });
    // Settling the lapsed reservation later adds its spend and releases nothing twice.
    const late = await store.settleBudget!({ id: 'dead', counters: [{ counter, amount: 700, expiresAt: LATER }], now: NOW + 2_000 });
    expect(late).toEqual([{ spentBefore: 0, spent: 700, reserved: 200 }]);
  });

  it.skipIf(!available)('amounts beyond 14 digits (nanodollars of a large budget) stay exact', async () => {
    const store = await makeStore();
    const counter = 'org:big|usd|month|0';
    const amount = 123_456_789_012_345; // $123,456.79 in nanodollars
    const held = await store.reserveBudget!({
      id: 'big',
      counters: [{ counter, amount, limit: 2 * amount, expiresAt: LATER }],
      holdUntil: LATER,
      now: NOW,
    });
    expect(held).toEqual({ granted: true, counters: [{ spent: 0, reserved: amount }] });
    expect(await store.settleBudget!({ id: 'big', counters: [{ counter, amount: amount + 1, expiresAt: LATER }], now: NOW })).toEqual([
      { spentBefore: 0, spent: amount + 1, reserved: 0 },
    ]);
  });

  it.skipIf(!available)('64 concurrent holds against a limit of 10 grant exactly 10', async () => {
    const store = await makeStore();
    const counter = { counter: 'user:5|usd|day|0', limit: 1_000, expiresAt: LATER };
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, index) =>
        store.reserveBudget!({ id: `r${index}`, counters: [{ ...counter, amount: 100 }], holdUntil: LATER, now: NOW }),
      ),
    );
    expect(results.filter((result) => result.granted)).toHaveLength(10);
    expect(await store.readBudget!({ counters: [counter.counter], now: NOW })).toEqual([{ spent: 0, reserved: 1_000 }]);
  });
});

describe.skipIf(!redisAvailable)('RedisStateStore budgets', () => {
  it('loads its scripts again after SCRIPT FLUSH', async () => {
    const client = createClient({ url: redis.url, RESP: 2 });
    await client.connect();
    closers.push(() => client.close());
    const store = new RedisStateStore({ client, prefix: prefix() });
    const counter = 'user:6|requests|minute|0';
    await store.settleBudget({ id: 'a', counters: [{ counter, amount: 1, expiresAt: LATER }], now: NOW });
    await client.sendCommand(['SCRIPT', 'FLUSH']);
    expect(await store.settleBudget({ id: 'b', counters: [{ counter, amount: 1, expiresAt: LATER }], now: NOW })).toEqual([
      { spentBefore: 1, spent: 2, reserved: 0 },
    ]);
  });

  it('counters expire with their window', async () => {
    const client = createClient({ url: redis.url, RESP: 2 });
    await client.connect();
    closers.push(() => client.close());
    const keyPrefix = prefix();
    const store = new RedisStateStore({ client, prefix: keyPrefix });
    const expiresAt = Date.now() + 60_000;
    await store.reserveBudget({
      id: 'a',
      counters: [{ counter: 'user:7|usd|minute|0', amount: 5, limit: 10, expiresAt }],
      holdUntil: expiresAt,
      now: Date.now(),
    });
    const ttl = Number(await client.sendCommand(['PTTL', `${keyPrefix}budget:user:7|usd|minute|0`]));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});
