import { Redis as IORedis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll } from 'vitest';
import { MemoryStateStore, RedisStateStore, type StateStore } from '../../src/index.js';
import { type RedisServer, redisAvailable, useRedisServer } from './redis-server.js';

export interface TestStateStores {
  redis: RedisServer;
  /** Closed after the file's tests. */
  closers: Array<() => Promise<unknown>>;
  /** A fresh key prefix per store, so tests sharing the server never see each other's keys. */
  prefix(): string;
  nodeRedisStore(resp: 2 | 3): Promise<RedisStateStore>;
  ioredisStore(): Promise<RedisStateStore>;
  /** [name, make, available]: memory, node-redis RESP2 and RESP3, ioredis. */
  stores: Array<[string, () => Promise<StateStore>, boolean]>;
}

/** A private redis-server for the file and the StateStore variants the contract tests run on. */
export function useStateStores(label: string): TestStateStores {
  const redis = useRedisServer();
  const closers: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });
  let prefixes = 0;
  const prefix = (): string => `${label}-${process.pid}-${(prefixes += 1)}:`;
  const nodeRedisStore = async (resp: 2 | 3): Promise<RedisStateStore> => {
    const client = createClient({ url: redis.url, RESP: resp });
    await client.connect();
    closers.push(() => client.close());
    return new RedisStateStore({ client, prefix: prefix() });
  };
  const ioredisStore = async (): Promise<RedisStateStore> => {
    const client = new IORedis(redis.url);
    closers.push(() => client.quit());
    return new RedisStateStore({ client, prefix: prefix() });
  };
  const stores: TestStateStores['stores'] = [
    ['memory', async () => new MemoryStateStore(), true],
    ['redis (node-redis, RESP2)', () => nodeRedisStore(2), redisAvailable],
    ['redis (node-redis, RESP3)', () => nodeRedisStore(3), redisAvailable],
    ['redis (ioredis)', () => ioredisStore(), redisAvailable],
  ];
  return { redis, closers, prefix, nodeRedisStore, ioredisStore, stores };
}
