import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisStateStore, type ZenClient, type ZenError } from '../../src/index.js';
import { redisAvailable, useRedisServer } from '../helpers/redis-server.js';
import { useSimulator } from '../helpers/simulator.js';
import { MINI, zenClient } from '../policy/execution-helpers.js';

/**
 * The budget race across a real Redis: 64 concurrent calls against a budget of 10 calls' worth,
 * from two clients in one process and from two Node processes, plain and streamed (a stream's cost
 * arrives at its end, and every admitted stream is held open until all 64 calls were admitted or
 * refused). Spend never passes the budget, and never reaches past it through the streams.
 */

const sim = useSimulator();
const redis = useRedisServer();
const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const close of closers) await close();
});

const messages = [{ role: 'user' as const, content: 'Summarise the plot of Hamlet in one sentence.' }];
const MAX_TOKENS = 40;
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const child = fileURLToPath(new URL('./processes/budget-race-child.ts', import.meta.url));
let prefixes = 0;

/** A budget of exactly ten estimates (whole nanodollars, as held), with each answer spending its estimate. */
async function tenCalls(zen: ZenClient): Promise<{ estimate: number; limit: number }> {
  const plan = await zen.plan({
    model: MINI,
    request: { messages: [{ role: 'user', content: [{ type: 'text', text: messages[0]!.content }] }], maxOutputTokens: MAX_TOKENS },
  });
  const estimate = Math.ceil(plan.order[0]!.cost * 1e9) / 1e9;
  return { estimate, limit: (10 * Math.round(estimate * 1e9)) / 1e9 };
}

async function redisStore(prefix: string): Promise<RedisStateStore> {
  const client = createClient({ url: redis.url });
  await client.connect();
  closers.push(() => client.close());
  return new RedisStateStore({ client, prefix });
}

async function stateOf(prefix: string, limit: number): Promise<{ spent: number; reserved: number }> {
  const zen = zenClient(sim, { sharedState: { store: await redisStore(prefix) }, budgets: { limits: [{ usd: limit, per: 'day' }] } });
  const [state] = await zen.budget('race');
  return { spent: state!.spent, reserved: state!.reserved };
}

function holdReplies(inputTokens: number): { release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  sim.setDefault('gpt-5-mini', { text: 'A prince avenges his father.', usage: { input: inputTokens, output: MAX_TOKENS }, hold: gate });
  return { release };
}

describe.skipIf(!redisAvailable)('budget race on Redis', () => {
  it.each([false, true])(
    'two clients in one process, stream %s: 10 of 64 calls run, spend stays within the budget',
    async (stream) => {
      const prefix = `race-one-${process.pid}-${prefixes++}:`;
      const probe = zenClient(sim);
      const { limit } = await tenCalls(probe);
      const inputTokens = (
        await probe.plan({
          model: MINI,
          request: { messages: [{ role: 'user', content: [{ type: 'text', text: messages[0]!.content }] }] },
        })
      ).analysis.inputTokens;
      const { release } = holdReplies(inputTokens);
      const clients = [0, 1].map(async () =>
        zenClient(sim, {
          routing: { retry: { retries: 0 } },
          sharedState: { store: await redisStore(prefix) },
          budgets: { limits: [{ usd: limit, per: 'day' }] },
        }),
      );
      const [first, second] = await Promise.all(clients);
      let refusals = 0;
      let allRefused!: () => void;
      const refusedAll = new Promise<void>((resolve) => (allRefused = resolve));
      const one = async (zen: ZenClient): Promise<number | ZenError> => {
        try {
          const body = { model: MINI, messages, max_tokens: MAX_TOKENS, zen: { budgetKey: 'race' } };
          if (!stream) return (await zen.chat.completions.create(body)).zen.cost.total;
          const parts = await zen.chat.completions.create({ ...body, stream: true });
          for await (const _chunk of parts) {
            // to the end
          }
          return (await parts.metadata()).cost.total;
        } catch (error) {
          if (++refusals === 54) allRefused();
          return error as ZenError;
        }
      };
      const calls = Array.from({ length: 64 }, (_, index) => one(index % 2 === 0 ? first! : second!));
      await refusedAll;
      expect(await stateOf(prefix, limit)).toEqual({ spent: 0, reserved: expect.closeTo(limit, 9) });
      release();
      const results = await Promise.all(calls);
      await Promise.all([first!.flush(), second!.flush()]);
      const costs = results.filter((result): result is number => typeof result === 'number');
      const refused = results.filter((result): result is ZenError => typeof result !== 'number');
      expect(costs).toHaveLength(10);
      expect(refused.map((error) => error.kind)).toEqual(Array(54).fill('budget_exceeded'));
      expect(sim.callsFor('gpt-5-mini')).toHaveLength(10);
      const { spent, reserved } = await stateOf(prefix, limit);
      expect(reserved).toBe(0);
      expect(spent).toBeCloseTo(
        costs.reduce((sum, cost) => sum + cost, 0),
        9,
      );
      expect(spent).toBeLessThanOrEqual(limit + 1e-9);
    },
    60_000,
  );

  it.each([false, true])(
    'two Node processes, stream %s: 10 of 64 calls run, spend stays within the budget',
    async (stream) => {
      const prefix = `race-two-${process.pid}-${prefixes++}:`;
      const probe = zenClient(sim);
      const { limit } = await tenCalls(probe);
      const inputTokens = (
        await probe.plan({
          model: MINI,
          request: { messages: [{ role: 'user', content: [{ type: 'text', text: messages[0]!.content }] }] },
        })
      ).analysis.inputTokens;
      const { release } = holdReplies(inputTokens);
      const env = {
        ...process.env,
        OPENAI_URL: sim.openaiBaseURL,
        REDIS_URL: redis.url,
        PREFIX: prefix,
        LIMIT_USD: String(limit),
        CALLS: '32',
        STREAM: stream ? '1' : '0',
        MAX_TOKENS: String(MAX_TOKENS),
      };
      let refusals = 0;
      let allRefused!: () => void;
      const refusedAll = new Promise<void>((resolve) => (allRefused = resolve));
      type Summary = { costs: number[]; refused: string[] };
      const processes = [0, 1].map(() => {
        const running = spawn(tsx, [child], { env, stdio: ['pipe', 'pipe', 'pipe'] });
        let stderr = '';
        running.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        let ready!: () => void;
        let done!: (summary: Summary) => void;
        let failed!: (error: Error) => void;
        const readyPromise = new Promise<void>((resolve) => (ready = resolve));
        const summary = new Promise<Summary>((resolve, reject) => {
          done = resolve;
          failed = reject;
        });
        createInterface({ input: running.stdout }).on('line', (line) => {
          if (line === 'ready') ready();
          else if (line === 'refused' && ++refusals === 54) allRefused();
          else if (line.startsWith('{')) done(JSON.parse(line) as Summary);
        });
        running.once('exit', (code) => {
          if (code !== 0) failed(new Error(`the child exited with ${code}: ${stderr}`));
        });
        return { running, ready: readyPromise, summary };
      });
      await Promise.all(processes.map((one) => one.ready));
      for (const one of processes) one.running.stdin.write('go\n');
      await refusedAll;
      expect(await stateOf(prefix, limit)).toEqual({ spent: 0, reserved: expect.closeTo(limit, 9) });
      release();
      const summaries = await Promise.all(processes.map((one) => one.summary));
      const costs = summaries.flatMap((summary) => summary.costs);
      const refused = summaries.flatMap((summary) => summary.refused);
      expect(costs).toHaveLength(10);
      expect(refused).toEqual(Array(54).fill('budget_exceeded'));
      expect(sim.callsFor('gpt-5-mini')).toHaveLength(10);
      const { spent, reserved } = await stateOf(prefix, limit);
      expect(reserved).toBe(0);
      expect(spent).toBeCloseTo(
        costs.reduce((sum, cost) => sum + cost, 0),
        9,
      );
      expect(spent).toBeLessThanOrEqual(limit + 1e-9);
    },
    90_000,
  );
});
