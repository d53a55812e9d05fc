import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { MemoryStateStore, RedisStateStore, ZenError, type StateStore, type ZenErrorEvent } from '../../src/index.js';
import { redisAvailable } from '../helpers/redis-server.js';
import { useStateStores } from '../helpers/state-stores.js';
import { useSimulator } from '../helpers/simulator.js';
import { inVirtualTime } from '../helpers/virtual-time.js';
import { attemptsOf, ch, FLASH, HAIKU, MINI, recordEvents, run, sleep, UP, zenClient } from './execution-helpers.js';

/** Waits (real time) for something written in the background, however loaded the machine: polls, fails after 10 s. */
async function eventually(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let tries = 0; !(await condition()); tries += 1) {
    if (tries > 2_000) throw new Error(`still waiting for ${what}`);
    await sleep(5);
  }
}

const runFile = promisify(execFile);
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

/**
 * Breaker cooldowns and session pins shared between processes through a StateStore: the store
 * contract (memory, and a real redis-server through node-redis with RESP2 and RESP3 and through
 * ioredis), then two ZenClients, each with its own live state, sharing one store: in one process,
 * and in two (a child Node process and this one, through Redis).
 */

const sim = useSimulator();
const { redis, closers, prefix, nodeRedisStore, stores } = useStateStores('zen-test');

describe.each(stores)('StateStore contract: %s', (_name, makeStore, available) => {
  it.skipIf(!available)('a cooldown only ever moves later, and expired ones are left out', async () => {
    const store = await makeStore();
    const now = Date.now();
    await store.extendCooldown('openai/gpt-5-mini:openai', now + 60_000);
    await store.extendCooldown('openai/gpt-5-mini:openai', now + 5_000); // shorter: ignored
    await store.extendCooldown('anthropic/claude-haiku-4-5:anthropic', now + 10_000);
    await store.extendCooldown('anthropic/claude-haiku-4-5:anthropic', now + 20_000); // longer: kept
    await store.extendCooldown('google/gemini-2.5-flash:google', now - 1); // already over
    expect(await store.cooldowns(now)).toEqual(
      new Map([
        ['openai/gpt-5-mini:openai', now + 60_000],
        ['anthropic/claude-haiku-4-5:anthropic', now + 20_000],
      ]),
    );
    // Seen from later, the shorter cooldown has ended.
    expect([...(await store.cooldowns(now + 30_000)).keys()]).toEqual(['openai/gpt-5-mini:openai']);
  });

  it.skipIf(!available)('a session pin is read back, moved by a later pin, and ends with its TTL', async () => {
    const store = await makeStore();
    expect(await store.sessionChannel('never-pinned')).toBeUndefined();
    await store.pinSession('conversation-1', 'openai/gpt-5-mini:openai', 60_000);
    expect(await store.sessionChannel('conversation-1')).toBe('openai/gpt-5-mini:openai');
    await store.pinSession('conversation-1', 'anthropic/claude-haiku-4-5:anthropic', 60_000);
    expect(await store.sessionChannel('conversation-1')).toBe('anthropic/claude-haiku-4-5:anthropic');
    await store.pinSession('short-lived', 'openai/gpt-5-mini:openai', 50);
    await sleep(120);
    expect(await store.sessionChannel('short-lived')).toBeUndefined();
    expect(await store.sessionChannel('conversation-1')).toBe('anthropic/claude-haiku-4-5:anthropic');
  });
});

describe.skipIf(!redisAvailable)('RedisStateStore', () => {
  it('keeps apps apart by prefix', async () => {
    const one = await nodeRedisStore(2);
    const other = await nodeRedisStore(2);
    await one.extendCooldown('openai/gpt-5-mini:openai', Date.now() + 60_000);
    await one.pinSession('s', 'openai/gpt-5-mini:openai', 60_000);
    expect((await other.cooldowns(Date.now())).size).toBe(0);
    expect(await other.sessionChannel('s')).toBeUndefined();
  });

  it('prunes expired cooldowns from the sorted set as new ones arrive', async () => {
    const client = createClient({ url: redis.url, RESP: 2 });
    await client.connect();
    closers.push(() => client.close());
    const keyPrefix = prefix();
    const store = new RedisStateStore({ client, prefix: keyPrefix });
    await store.extendCooldown('a:x', Date.now() + 30);
    await sleep(60);
    await store.extendCooldown('b:x', Date.now() + 60_000);
    expect(await client.sendCommand(['ZRANGE', `${keyPrefix}cooldowns`, '0', '-1'])).toEqual(['b:x']);
  });
});

describe('RedisStateStore and sharedState options', () => {
  it('a client without sendCommand or call is a configuration error', () => {
    expect(() => new RedisStateStore({ client: {} as never })).toThrow(/node-redis client \(sendCommand\) or ioredis client \(call\)/);
  });

  it('a store lacking methods, or a bad refreshMs, is named', () => {
    const error = (() => {
      try {
        zenClient(sim, { sharedState: { store: { cooldowns: async () => new Map() } as never } });
      } catch (caught) {
        return caught;
      }
    })();
    expect(ZenError.isInstance(error) && error.kind).toBe('configuration');
    expect((error as Error).message).toMatch(/sharedState.store .* lacks extendCooldown, pinSession, sessionChannel/);
    expect(() => zenClient(sim, { sharedState: { store: new MemoryStateStore(), refreshMs: -1 } })).toThrow(
      /sharedState.refreshMs must be a number of milliseconds >= 0, got -1/,
    );
  });
});

const RATE_LIMITED = { fault: { type: 'http', status: 429, retryAfter: 30 } } as const;
const PLAN = { model: [MINI, HAIKU] };

describe.each([
  ['memory', async () => new MemoryStateStore(), true],
  ['redis', () => nodeRedisStore(3), redisAvailable],
] as Array<[string, () => Promise<StateStore>, boolean]>)('two clients sharing a %s store', (_name, makeStore, available) => {
  it.skipIf(!available)('a channel one client saw rate limited is skipped by the other, which never calls it', async () => {
    const store = await makeStore();
    const first = zenClient(sim, { sharedState: { store, refreshMs: 0 }, routing: { retry: { retries: 0 } } });
    const second = zenClient(sim, { sharedState: { store, refreshMs: 0 }, routing: { retry: { retries: 0 } } });
    const secondEvents = recordEvents(second);
    sim.setDefault(UP[HAIKU], { text: 'from haiku' });
    sim.enqueue(UP[MINI], RATE_LIMITED);

    const failedOver = await run(first, PLAN, false);
    expect(failedOver.text).toBe('from haiku');
    expect(attemptsOf(failedOver.zen).map(([channel, outcome, kind]) => [channel, outcome, kind])).toEqual([
      [ch(MINI), 'error', 'rate_limited'],
      [ch(HAIKU), 'success', undefined],
    ]);
    await eventually(async () => (await store.cooldowns(Date.now())).has(ch(MINI)), 'the cooldown, written in the background');
    const cooldowns = await store.cooldowns(Date.now());
    expect(cooldowns.get(ch(MINI))).toBeGreaterThan(Date.now() + 25_000);

    // The second client has never seen MINI fail; the shared cooldown keeps it away all the same.
    sim.setDefault(UP[MINI], { text: 'from mini' });
    const skipped = await run(second, PLAN, false);
    expect(skipped.text).toBe('from haiku');
    expect(attemptsOf(skipped.zen)[0]).toEqual([ch(MINI), 'skipped', undefined, 0]);
    expect(sim.callsFor(UP[MINI])).toHaveLength(1);
    expect(secondEvents.breaker).toEqual([
      { channel: ch(MINI), from: 'closed', to: 'open', openUntil: cooldowns.get(ch(MINI)), reason: 'shared cooldown from another process' },
    ]);
  });

  it.skipIf(!available)('a session served by one client is served on the same channel by the other', async () => {
    const store = await makeStore();
    const first = zenClient(sim, { sharedState: { store }, routing: { retry: { retries: 0 } } });
    const second = zenClient(sim, { sharedState: { store }, routing: { retry: { retries: 0 } } });
    sim.setDefault(UP[HAIKU], { text: 'from haiku' });
    sim.setDefault(UP[MINI], { text: 'from mini' });
    sim.enqueue(UP[MINI], { fault: { type: 'http', status: 500 } });

    // MINI fails once, so the first turn ends on HAIKU and the session is pinned there.
    const firstTurn = await run(first, { ...PLAN, zen: { session: 'conversation-7' } }, false);
    expect(firstTurn.zen.channel).toBe(ch(HAIKU));
    await eventually(
      async () => (await store.sessionChannel('conversation-7')) !== undefined,
      'the session pin, written in the background',
    );
    expect(await store.sessionChannel('conversation-7')).toBe(ch(HAIKU));

    // The next turn reaches the other client; MINI is healthy and first in the plan, but the session stays.
    const secondTurn = await run(second, { ...PLAN, zen: { session: 'conversation-7' } }, true);
    expect(secondTurn.text).toBe('from haiku');
    expect(secondTurn.zen.channel).toBe(ch(HAIKU));
    expect(secondTurn.zen.sticky).toBe(true);
    // Without the session, the same client goes to MINI.
    expect((await run(second, PLAN, false)).zen.channel).toBe(ch(MINI));
  });
});

describe.skipIf(!redisAvailable)('two processes sharing Redis', () => {
  it('a channel rate limited in a child process is skipped here, and its session continues here on its channel', async () => {
    const keyPrefix = prefix();
    sim.setDefault(UP[HAIKU], { text: 'from haiku' });
    sim.setDefault(UP[FLASH], { text: 'from flash' });
    sim.enqueue(UP[MINI], RATE_LIMITED);
    const child = await runFile(tsx, [fileURLToPath(new URL('./processes/shared-state-child.ts', import.meta.url))], {
      env: {
        ...process.env,
        OPENAI_URL: sim.openaiBaseURL,
        ANTHROPIC_URL: sim.anthropicBaseURL,
        REDIS_URL: redis.url,
        PREFIX: keyPrefix,
        SESSION: 'conversation-11',
      },
      timeout: 60_000,
    });
    const reported = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as {
      channel: string;
      attempts: Array<[string, string, string | null]>;
    };
    expect(reported).toEqual({
      channel: ch(HAIKU),
      attempts: [
        [ch(MINI), 'error', 'rate_limited'],
        [ch(HAIKU), 'success', null],
      ],
    });

    const client = createClient({ url: redis.url, RESP: 3 });
    await client.connect();
    closers.push(() => client.close());
    const zen = zenClient(sim, {
      sharedState: { store: new RedisStateStore({ client, prefix: keyPrefix }) },
      routing: { retry: { retries: 0 } },
    });
    sim.setDefault(UP[MINI], { text: 'from mini' });
    const skipped = await run(zen, PLAN, false);
    expect(skipped.text).toBe('from haiku');
    expect(attemptsOf(skipped.zen)[0]).toEqual([ch(MINI), 'skipped', undefined, 0]);
    expect(sim.callsFor(UP[MINI])).toHaveLength(1); // the child's call only

    // FLASH leads this plan and is healthy; the session the child started stays on HAIKU.
    const turn = await run(zen, { model: [FLASH, HAIKU], zen: { session: 'conversation-11' } }, false);
    expect(turn.zen.channel).toBe(ch(HAIKU));
    expect(turn.zen.sticky).toBe(true);
    expect((await run(zen, { model: [FLASH, HAIKU] }, false)).zen.channel).toBe(ch(FLASH));
  }, 90_000);
});

describe('a failing store', () => {
  /**
   * A call in a session whose first channel is rate limited, through a client sharing state in
   * `store`: every store operation runs once. Returns the answer, the `error` events, and the
   * store operations they name, sorted.
   */
  async function rateLimitedCallThrough(store: StateStore, stream: boolean) {
    const zen = zenClient(sim, { sharedState: { store, refreshMs: 0 }, routing: { retry: { retries: 0 } } });
    const errors: ZenErrorEvent[] = [];
    zen.on('error', (event) => errors.push(event));
    sim.setDefault(UP[HAIKU], { text: 'from haiku' });
    sim.enqueue(UP[MINI], RATE_LIMITED);
    const answer = await run(zen, { ...PLAN, zen: { session: `conversation-${stream ? 'streamed' : 'plain'}` } }, stream);
    // The background writes (the cooldown, the session pin) fail after the answer.
    const failed = (operation: string) => errors.some((event) => event.source === 'state-store' && event.operation === operation);
    await eventually(() => failed('extendCooldown') && failed('pinSession'), 'the background writes to fail');
    const operations = errors.map((event) => (event.source === 'state-store' ? event.operation : event.source)).sort();
    return { answer, errors, operations };
  }

  it('never fails a call: each failure is an `error` event, with no password from the store in it', async () => {
    const down = async (): Promise<never> => {
      throw new Error('connect ECONNREFUSED redis://default:hunter2-secret-pass@10.0.0.7:6379');
    };
    const store: StateStore = { extendCooldown: down, cooldowns: down, pinSession: down, sessionChannel: down };
    const { answer, errors, operations } = await rateLimitedCallThrough(store, false);
    expect(answer.error).toBeUndefined();
    expect(answer.text).toBe('from haiku');
    expect(operations).toEqual(['cooldowns', 'extendCooldown', 'pinSession', 'sessionChannel']);
    for (const event of errors) {
      expect(event.error.kind).toBe('network');
      expect(event.error.message).toMatch(
        /^The shared state store failed \(\w+\): connect ECONNREFUSED redis:\/\/default:\[redacted\]@10\.0\.0\.7:6379$/,
      );
      expect(JSON.stringify(event.error)).not.toContain('hunter2');
      expect(String((event.error.cause as Error).message)).not.toContain('hunter2');
    }
  });

  it('a store that throws instead of rejecting is reported the same way', async () => {
    const broken = (): never => {
      throw new Error('not connected');
    };
    const store = { extendCooldown: broken, cooldowns: broken, pinSession: broken, sessionChannel: broken } as unknown as StateStore;
    const { answer, operations } = await rateLimitedCallThrough(store, true);
    expect(answer.error).toBeUndefined();
    expect(answer.text).toBe('from haiku');
    expect(operations).toEqual(['cooldowns', 'extendCooldown', 'pinSession', 'sessionChannel']);
  });

  it('a store that hangs holds a call back no longer than timeoutMs, and a late answer still counts', async () => {
    let answerCooldowns: (cooldowns: Map<string, number>) => void = () => {};
    const asked: string[] = [];
    const hang = (operation: string) => (): Promise<never> => {
      asked.push(operation);
      return new Promise<never>(() => {});
    };
    const store: StateStore = {
      extendCooldown: hang('extendCooldown'),
      cooldowns: () => {
        asked.push('cooldowns');
        return new Promise((resolve) => (answerCooldowns = resolve));
      },
      pinSession: hang('pinSession'),
      sessionChannel: hang('sessionChannel'),
    };
    const zen = zenClient(sim, { sharedState: { store, timeoutMs: 50, refreshMs: 60_000 }, routing: { retry: { retries: 0 } } });
    const errors: ZenErrorEvent[] = [];
    zen.on('error', (event) => errors.push(event));
    sim.setDefault(UP[MINI], { text: 'from mini' });
    sim.setDefault(UP[HAIKU], { text: 'from haiku' });

    // In virtual time: each read is given up exactly when its 50 ms pass.
    const { answer, waited } = await inVirtualTime(async (time) => {
      const started = performance.now();
      const pending = run(zen, { ...PLAN, zen: { session: 'conversation-3' } }, false);
      await time.until(() => asked.includes('cooldowns'), 'the cooldown read');
      await time.advance(50);
      await time.until(() => asked.includes('sessionChannel'), 'the session read');
      await time.advance(50);
      const result = await pending;
      return { answer: result, waited: performance.now() - started };
    });
    expect(answer.text).toBe('from mini');
    expect(waited).toBe(100); // the cooldown read, then the session read: 50 ms each
    expect(errors.map((event) => [event.source === 'state-store' && event.operation, event.error.kind])).toEqual([
      ['cooldowns', 'timeout'],
      ['sessionChannel', 'timeout'],
    ]);
    expect(errors[0]!.error.message).toBe(
      "The shared state store did not answer (cooldowns) within 50 ms; the call went on with this process's own state.",
    );

    // The store answers at last: MINI is cooling down elsewhere, and this client now skips it.
    answerCooldowns(new Map([[ch(MINI), Date.now() + 60_000]]));
    await eventually(
      () => zen.state.breakerState(zen.catalog.channels().find((channel) => channel.id === ch(MINI))!) === 'open',
      'the late answer to be applied',
    );
    const later = await run(zen, PLAN, false);
    expect(later.text).toBe('from haiku');
    expect(attemptsOf(later.zen)[0]).toEqual([ch(MINI), 'skipped', undefined, 0]);
  });

  it('a bad timeoutMs is named', () => {
    expect(() => zenClient(sim, { sharedState: { store: new MemoryStateStore(), timeoutMs: 0 } })).toThrow(
      /sharedState.timeoutMs must be a number of milliseconds >= 1, got 0/,
    );
  });
});
