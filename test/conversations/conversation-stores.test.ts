import { Redis as IORedis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryConversationStore, RedisConversationStore, ZenClient } from '../../src/index.js';
import { simulatorProviders } from '../../src/testing/index.js';
import { redisAvailable, useRedisServer } from '../helpers/redis-server.js';
import { useSimulator } from '../helpers/simulator.js';

/** The conversation stores of `zen.responses`: the memory default's bounds, and Redis (node-redis and ioredis) shared by two clients. */

const redis = useRedisServer();
const sim = useSimulator();
const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const close of closers) await close();
});

let prefixes = 0;
const prefix = () => `zen-conv-test-${process.pid}-${(prefixes += 1)}:`;

async function nodeRedis() {
  const client = createClient({ url: redis.url });
  await client.connect();
  closers.push(() => client.close());
  return client;
}

function ioredis(): IORedis {
  const client = new IORedis(redis.url);
  closers.push(() => client.quit());
  return client;
}

describe('MemoryConversationStore', () => {
  it('keeps, replaces and deletes text by id, counting its bytes', async () => {
    const store = new MemoryConversationStore();
    await store.set('a', 'hello');
    expect(await store.get('a')).toBe('hello');
    expect(store.size).toBe(2 * ('a'.length + 'hello'.length));
    await store.set('a', 'hi');
    expect(await store.get('a')).toBe('hi');
    expect(store.size).toBe(2 * ('a'.length + 'hi'.length));
    expect(await store.delete('a')).toBe(true);
    expect(await store.delete('a')).toBe(false);
    expect(await store.get('a')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('evicts the least recently used entries past maxBytes; a read counts as a use', async () => {
    // Each entry: 2 × (1 + 9) = 20 bytes; three fit in 60.
    const store = new MemoryConversationStore({ maxBytes: 60 });
    await store.set('a', 'x'.repeat(9));
    await store.set('b', 'x'.repeat(9));
    await store.set('c', 'x'.repeat(9));
    await store.get('a');
    await store.set('d', 'x'.repeat(9));
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('a')).toBeDefined();
    expect(await store.get('c')).toBeDefined();
    expect(await store.get('d')).toBeDefined();
    expect(store.size).toBe(60);
  });

  it('forgets an entry after ttlMs on its clock', async () => {
    let now = 1_000;
    const store = new MemoryConversationStore({ ttlMs: 500, now: () => now });
    await store.set('a', 'kept');
    now += 499;
    expect(await store.get('a')).toBe('kept');
    now += 1;
    expect(await store.get('a')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('refuses an entry larger than the whole store, and bad options, as configuration errors', async () => {
    const store = new MemoryConversationStore({ maxBytes: 10 });
    await expect(store.set('a', 'x'.repeat(10))).rejects.toMatchObject({
      kind: 'configuration',
      message: expect.stringMatching(/does not fit in the MemoryConversationStore \(maxBytes 10\)/),
    });
    expect(() => new MemoryConversationStore({ maxBytes: 0 })).toThrow(/maxBytes must be a positive, finite number/);
    expect(() => new MemoryConversationStore({ ttlMs: -1 })).toThrow(/ttlMs must be a positive number/);
  });
});

describe('RedisConversationStore', () => {
  it('refuses a missing client and bad options', () => {
    expect(() => new RedisConversationStore({} as never)).toThrow(/needs `client`/);
    expect(() => new RedisConversationStore({ client: { call: async () => null }, ttlMs: 0 })).toThrow(/ttlMs must be a finite number/);
  });

  const clients: Array<[string, () => Promise<ConstructorParameters<typeof RedisConversationStore>[0]['client']>]> = [
    ['node-redis', nodeRedis],
    ['ioredis', async () => ioredis()],
  ];

  it.skipIf(!redisAvailable).each(clients)('%s: set, get, delete, under the prefix with a TTL', async (_, make) => {
    const client = await make();
    const keys = prefix();
    const store = new RedisConversationStore({ client, prefix: keys, ttlMs: 60_000 });
    await store.set('resp_1', '{"a":1}');
    expect(await store.get('resp_1')).toBe('{"a":1}');
    const probe = ioredis();
    const ttl = await probe.pttl(`${keys}resp_1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(await store.delete('resp_1')).toBe(true);
    expect(await store.delete('resp_1')).toBe(false);
    expect(await store.get('resp_1')).toBeUndefined();
  });

  it.skipIf(!redisAvailable)(
    'two clients sharing a Redis store: the second continues, retrieves and deletes what the first stored',
    async () => {
      const keys = prefix();
      const first = new ZenClient({
        providers: await simulatorProviders(sim),
        conversations: new RedisConversationStore({ client: await nodeRedis(), prefix: keys }),
      });
      const second = new ZenClient({
        providers: await simulatorProviders(sim),
        conversations: new RedisConversationStore({ client: ioredis(), prefix: keys }),
      });
      sim.enqueue('claude-haiku-4-5', { text: 'Nice to meet you, Ada.' }, { text: 'Your name is Ada.' });
      const opened = await first.responses.create({ model: 'anthropic/claude-haiku-4-5', input: 'My name is Ada.' });
      const continued = await second.responses.create({
        model: 'anthropic/claude-haiku-4-5',
        input: 'What is my name?',
        previous_response_id: opened.id,
      });
      expect(continued.previous_response_id).toBe(opened.id);
      const sent = JSON.stringify(sim.callsFor('claude-haiku-4-5').at(-1)!.body);
      expect(sent).toContain('My name is Ada.');
      expect(sent).toContain('Nice to meet you, Ada.');
      expect((await second.responses.retrieve(opened.id)).output_text).toBe('Nice to meet you, Ada.');
      await second.responses.delete(continued.id);
      await expect(first.responses.retrieve(continued.id)).rejects.toMatchObject({ kind: 'invalid_request', code: 'response_id' });
    },
  );
});
