import { describe, expect, it } from 'vitest';
import {
  MemoryStateStore,
  ZenError,
  type BudgetEvent,
  type BudgetRecord,
  type StateStore,
  type ZenClient,
  type ZenClientOptions,
  type ZenErrorEvent,
} from '../../src/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { MINI, zenClient } from '../policy/execution-helpers.js';

/**
 * Budgets and rate limits per key, through the official SDKs and the simulator: a hard limit
 * refuses before any provider call, concurrent calls (plain and streamed) never spend past the
 * budget by more than what the admitted calls spent beyond their estimates, soft limits are events,
 * `auto` moves to cheaper candidates as a budget runs out, and windows roll over on an injected clock.
 */

const sim = useSimulator();
const messages = [{ role: 'user' as const, content: 'Summarise the plot of Hamlet in one sentence.' }];
const MAX_TOKENS = 40;

/** The plan's estimate for the test's request, and its prompt's token count as the router counted it. */
async function estimateOf(zen: ZenClient, model = MINI): Promise<{ usd: number; inputTokens: number }> {
  const plan = await zen.plan({
    model,
    request: { messages: [{ role: 'user', content: [{ type: 'text', text: messages[0]!.content }] }], maxOutputTokens: MAX_TOKENS },
  });
  // The budget holds estimates in whole nanodollars, rounded up: a limit of ten is ten of those.
  return { usd: Math.ceil(plan.order[0]!.cost * 1e9) / 1e9, inputTokens: plan.analysis.inputTokens };
}

function client(options: ZenClientOptions): ZenClient {
  return zenClient(sim, { routing: { retry: { retries: 0 } }, ...options });
}

interface Settled {
  ok: Array<{ cost: number; requestId: string }>;
  refused: ZenError[];
}

async function runAll(calls: Array<() => Promise<{ cost: number; requestId: string }>>): Promise<Settled> {
  const results = await Promise.allSettled(calls.map((call) => call()));
  const settled: Settled = { ok: [], refused: [] };
  for (const result of results) {
    if (result.status === 'fulfilled') settled.ok.push(result.value);
    else if (ZenError.isInstance(result.reason) && result.reason.kind === 'budget_exceeded') settled.refused.push(result.reason);
    else throw result.reason;
  }
  return settled;
}

describe('budgets: hard limits under concurrency', () => {
  it('64 concurrent calls against a budget of 10 calls: 10 run, 54 are refused without a provider call, spend stays within the budget', async () => {
    const probe = client({});
    const { usd, inputTokens } = await estimateOf(probe);
    // The simulator reports exactly the tokens the estimate assumed: each call spends its estimate.
    sim.setDefault('gpt-5-mini', { text: 'A prince avenges his father.', usage: { input: inputTokens, output: MAX_TOKENS } });
    const limit = 10 * usd;
    const zen = client({ budgets: { limits: [{ usd: limit, per: 'day' }] } });
    const events: BudgetEvent[] = [];
    zen.on('budget', (event) => events.push(event));
    const call = async () => {
      const completion = await zen.chat.completions.create({ model: MINI, messages, max_tokens: MAX_TOKENS, zen: { budgetKey: 'user:1' } });
      return { cost: completion.zen.cost.total, requestId: completion.zen.requestId };
    };
    const { ok, refused } = await runAll(Array.from({ length: 64 }, () => call));
    await zen.flush();
    expect(ok).toHaveLength(10);
    expect(refused).toHaveLength(54);
    expect(sim.callsFor('gpt-5-mini')).toHaveLength(10);
    for (const error of refused) {
      expect(error.budget).toMatchObject({ key: 'user:1', unit: 'usd', window: 'day', limit });
      expect(error.zen?.attempts).toEqual([]);
      expect(error.retryAfterMs).toBeGreaterThan(0);
      expect(error.message).toMatch(/Budget "user:1" would be exceeded/);
    }
    const spent = ok.reduce((sum, call) => sum + call.cost, 0);
    const [state] = await zen.budget('user:1');
    expect(state).toMatchObject({ key: 'user:1', unit: 'usd', window: 'day', reserved: 0 });
    expect(state!.spent).toBeCloseTo(spent, 9);
    expect(state!.spent).toBeLessThanOrEqual(limit + 1e-9);
    expect(events.filter((event) => event.event === 'hard_limit')).toHaveLength(54);
    // The refused calls are recorded with their kind, and the budget wrote its records.
    const records: BudgetRecord[] = [];
    const requests: string[] = [];
    for await (const record of zen.ledger.query()) {
      if (record.type === 'budget') records.push(record);
      if (record.type === 'request' && record.errorKind === 'budget_exceeded') requests.push(record.requestId);
    }
    expect(requests).toHaveLength(54);
    expect(records.filter((record) => record.event === 'hard_limit')).toHaveLength(54);
    const settled = records.filter((record) => record.event === 'settled');
    expect(settled).toHaveLength(10);
    for (const record of settled)
      expect(record).toMatchObject({
        type: 'budget',
        key: 'user:1',
        window: 'day',
        unit: 'usd',
        limit,
        windowStart: expect.stringMatching(/T00:00:00\.000Z$/),
      });
    expect(Math.max(...settled.map((record) => record.spent))).toBeCloseTo(spent, 9);
  });

  it('64 concurrent streams whose cost arrives at their end: only 10 start, and spend never reaches past the budget', async () => {
    const probe = client({});
    const { usd, inputTokens } = await estimateOf(probe);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Every admitted stream is held open until all 64 calls have been admitted or refused.
    sim.setDefault('gpt-5-mini', { text: 'A prince avenges his father.', usage: { input: inputTokens, output: MAX_TOKENS }, hold: gate });
    const limit = 10 * usd;
    const zen = client({ budgets: { limits: [{ usd: limit, per: 'month' }], key: () => 'team:streams' } });
    // A stream's create() resolves at its first content, which the gate holds: the refusals come first.
    let refusals = 0;
    let allRefused!: () => void;
    const refusedAll = new Promise<void>((resolve) => (allRefused = resolve));
    const started = Array.from({ length: 64 }, () =>
      zen.chat.completions.create({ model: MINI, messages, max_tokens: MAX_TOKENS, stream: true }).then(
        (stream) => ({ stream }),
        (error: unknown) => {
          if (++refusals === 54) allRefused();
          return { error: error as ZenError };
        },
      ),
    );
    await refusedAll;
    // While the 10 flow, the budget holds their estimates: nothing is spent yet, all of it is held.
    const [during] = await zen.budget('team:streams');
    expect(during!.spent).toBe(0);
    expect(during!.reserved).toBeCloseTo(limit, 9);
    release();
    const results = await Promise.all(started);
    const streams = results.flatMap((result) => ('stream' in result ? [result.stream] : []));
    const refused = results.flatMap((result) => ('error' in result ? [result.error] : []));
    expect(streams).toHaveLength(10);
    expect(refused).toHaveLength(54);
    expect(refused.every((error) => error.kind === 'budget_exceeded')).toBe(true);
    let cost = 0;
    for (const stream of streams) {
      for await (const _chunk of stream) {
        // read to the end
      }
      cost += (await stream.metadata()).cost.total;
    }
    await zen.flush();
    const [after] = await zen.budget('team:streams');
    expect(after!.reserved).toBe(0);
    expect(after!.spent).toBeCloseTo(cost, 9);
    expect(after!.spent).toBeLessThanOrEqual(limit + 1e-9);
    expect(sim.callsFor('gpt-5-mini')).toHaveLength(10);
  });

  it('calls that spend more than their estimate overspend by at most what the admitted calls spent beyond it', async () => {
    const probe = client({});
    const { usd, inputTokens } = await estimateOf(probe);
    // Each answer is three times the estimate's output: the estimate is wrong, the bound still holds.
    sim.setDefault('gpt-5-mini', { text: 'A long answer.', usage: { input: inputTokens, output: 3 * MAX_TOKENS } });
    const limit = 10 * usd;
    const zen = client({ budgets: { limits: [{ usd: limit, per: 'day' }] } });
    const call = async () => {
      const completion = await zen.chat.completions.create({
        model: MINI,
        messages,
        max_tokens: MAX_TOKENS,
        zen: { budgetKey: 'user:over' },
      });
      return { cost: completion.zen.cost.total, requestId: completion.zen.requestId };
    };
    const { ok, refused } = await runAll(Array.from({ length: 64 }, () => call));
    await zen.flush();
    const spent = ok.reduce((sum, one) => sum + one.cost, 0);
    const beyondEstimates = ok.reduce((sum, one) => sum + Math.max(0, one.cost - usd), 0);
    expect(ok.length).toBeGreaterThan(0);
    expect(ok.length).toBeLessThanOrEqual(10);
    expect(refused.length).toBe(64 - ok.length);
    expect(spent).toBeGreaterThan(limit - usd);
    expect(spent).toBeLessThanOrEqual(limit + beyondEstimates + 1e-9);
    // Once the spend is past the limit, the next call is refused without asking the provider.
    const before = sim.callsFor('gpt-5-mini').length;
    if (spent >= limit) {
      await expect(call()).rejects.toMatchObject({ kind: 'budget_exceeded' });
      expect(sim.callsFor('gpt-5-mini')).toHaveLength(before);
    }
  });
});

describe('budgets: soft limits, units, windows', () => {
  it('a soft limit is an event and a soft_limit record on the call that passes it; calls go on', async () => {
    sim.setDefault('gpt-5-mini', { text: 'ok', usage: { input: 100, output: 100 } });
    const zen = client({ budgets: { limits: [{ tokens: 450, per: 'hour', soft: true }] } });
    const events: BudgetEvent[] = [];
    zen.on('budget', (event) => events.push(event));
    for (let index = 0; index < 4; index += 1)
      await zen.chat.completions.create({ model: MINI, messages, zen: { budgetKey: 'user:soft' } });
    await zen.flush();
    // 200 tokens a call: the third call passes 450, once.
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ event: 'soft_limit', key: 'user:soft', unit: 'tokens', window: 'hour', limit: 450, spent: 600 });
    const records: BudgetRecord[] = [];
    for await (const record of zen.ledger.query({ types: ['budget'] })) records.push(record as BudgetRecord);
    expect(records.filter((record) => record.event === 'soft_limit')).toEqual([
      expect.objectContaining({ spent: 600, limit: 450, unit: 'tokens' }),
    ]);
    expect(
      records
        .filter((record) => record.event === 'settled')
        .map((record) => record.spent)
        .sort((a, b) => a - b),
    ).toEqual([200, 400, 600, 800]);
  });

  it('requests per minute: the limit refuses with the time to the next window, which opens on the clock', async () => {
    let now = Date.UTC(2026, 0, 5, 12, 0, 30);
    const zen = client({ budgets: { limits: [{ requests: 3, per: 'minute' }], now: () => now } });
    const ask = () => zen.chat.completions.create({ model: MINI, messages, zen: { budgetKey: 'api-key:7' } });
    for (let index = 0; index < 3; index += 1) await ask();
    const refused = await ask().catch((error: unknown) => error as ZenError);
    expect(refused).toMatchObject({
      kind: 'budget_exceeded',
      retryAfterMs: 30_000,
      budget: { unit: 'requests', window: 'minute', limit: 3, spent: 3, windowStart: '2026-01-05T12:00:00.000Z' },
    });
    now += 30_000;
    await expect(ask()).resolves.toBeDefined();
    expect(sim.callsFor('gpt-5-mini')).toHaveLength(4);
  });

  it('several keys and limits per call: the client key function and the request key both count, per-key limits apply', async () => {
    sim.setDefault('gpt-5-mini', { text: 'ok', usage: { input: 10, output: 10 } });
    const zen = client({
      budgets: {
        key: (call) => (call.options.tags?.project ? `project:${call.options.tags.project}` : undefined),
        limits: (key) => (key.startsWith('project:') ? [{ requests: 2, per: 'day' }] : [{ requests: 100, per: 'day' }]),
      },
    });
    await zen.chat.completions.create({ model: MINI, messages, zen: { budgetKey: 'user:a', tags: { project: 'x' } } });
    await zen.chat.completions.create({ model: MINI, messages, zen: { budgetKey: 'user:b', tags: { project: 'x' } } });
    await expect(
      zen.chat.completions.create({ model: MINI, messages, zen: { budgetKey: 'user:a', tags: { project: 'x' } } }),
    ).rejects.toMatchObject({ kind: 'budget_exceeded', budget: { key: 'project:x' } });
    await zen.flush();
    expect((await zen.budget('user:a'))[0]).toMatchObject({ spent: 1, limit: 100, remaining: 99 });
    expect((await zen.budget('project:x'))[0]).toMatchObject({ spent: 2, limit: 2, remaining: 0 });
    // A call without a key is not limited.
    await expect(zen.chat.completions.create({ model: MINI, messages })).resolves.toBeDefined();
  });
});

describe('budgets: auto moves to cheaper candidates as a budget runs out', () => {
  it('budgetPressure from the spent share, and a pick too dear for what is left is planned again under maxCost', async () => {
    sim.setDefault('gpt-5', { text: 'ok', usage: { input: 1_000, output: 1_000 } });
    sim.setDefault('gpt-5-mini', { text: 'ok', usage: { input: 1_000, output: 1_000 } });
    sim.setDefault('gpt-5-nano', { text: 'ok', usage: { input: 1_000, output: 1_000 } });
    const routing = {
      models: ['openai/gpt-5', 'openai/gpt-5-mini', 'openai/gpt-5-nano'],
      preference: 'quality' as const,
      exploration: false as const,
      retry: { retries: 0 },
    };
    const hard = 'Prove that there are infinitely many primes p such that p + 2 is also prime, or explain why this is open.';
    let limit = Number.POSITIVE_INFINITY;
    const zen = zenClient(sim, { routing, budgets: { limits: () => [{ usd: limit, per: 'day' }] } });
    const plan = await zen.plan({ model: 'auto', request: { messages: [{ role: 'user', content: [{ type: 'text', text: hard }] }] } });
    const dear = plan.order[0]!;
    expect(dear.channel.id).toBe('openai/gpt-5:openai');
    // Room for half the dear pick: it no longer fits, a cheaper one does, and the call is not refused.
    limit = dear.cost / 2;
    const cheaper = await zen.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: hard }],
      zen: { budgetKey: 'user:steer' },
    });
    expect(cheaper.zen.channel).not.toBe(dear.channel.id);
    expect(cheaper.zen.explanation).toMatch(/maxCost \$[\d.]+ left out \d+ dearer candidate/);
    expect(sim.callsFor('gpt-5')).toHaveLength(0);
    await zen.flush();
    // Three quarters of the budget spent: pressure rises from 0 at half (`steer.from`) to 1 at all of it.
    const [state] = await zen.budget('user:steer');
    limit = state!.spent / 0.75;
    const seen: number[] = [];
    zen.use(async (call, next) => next().finally(() => seen.push(call.routing.budgetPressure ?? 0)));
    await zen.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: 'Hello!' }], zen: { budgetKey: 'user:steer' } })
      .catch(() => undefined);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeCloseTo(0.5, 6);
  });
});

describe('budgets: bad options and a failing store', () => {
  it('bad limits and keys are refused with the field named', () => {
    const bad: Array<[unknown, RegExp]> = [
      [
        { limits: [{ usd: 5, tokens: 10, per: 'day' }] },
        /budgets\.limits\[0\] must be a limit with exactly one of usd, tokens and requests/,
      ],
      [
        { limits: [{ usd: 5, per: 'daily' }] },
        /budgets\.limits\[0\]\.per must be one of 'minute', 'hour', 'day', 'week', 'month', got "daily"/,
      ],
      [{ limits: [{ usd: -1, per: 'day' }] }, /budgets\.limits\[0\]\.usd must be a finite number of USD >= 0, got -1/],
      [{ limits: [{ requests: 1.5, per: 'day' }] }, /budgets\.limits\[0\]\.requests must be a whole number >= 0/],
      [{ limits: 'lots' }, /budgets\.limits must be an array of limits/],
      [{ limits: [], steer: 'yes' }, /budgets\.steer must be true, false or \{ from \}/],
      [{ limits: [], store: { cooldowns: () => undefined } }, /StateStore with the budget methods/],
    ];
    for (const [budgets, message] of bad) expect(() => client({ budgets: budgets as ZenClientOptions['budgets'] })).toThrow(message);
  });

  it('a bad zen.budgetKey is an invalid_request, and a limits function returning a bad limit a configuration error', async () => {
    const zen = client({ budgets: { limits: () => [{ usd: 5, per: 'fortnight' } as never] } });
    await expect(zen.chat.completions.create({ model: MINI, messages, zen: { budgetKey: 5 as never } })).rejects.toMatchObject({
      kind: 'invalid_request',
      code: 'zen.budgetKey',
    });
    await expect(zen.chat.completions.create({ model: MINI, messages, zen: { budgetKey: 'user:1' } })).rejects.toMatchObject({
      kind: 'configuration',
      message: expect.stringMatching(/budgets\.limits\.per must be one of/),
    });
    expect(sim.calls).toHaveLength(0);
  });

  it('a failing store lets calls go on with an error event (allow), or refuses them (refuse)', async () => {
    const broken: StateStore = Object.assign(new MemoryStateStore(), {
      reserveBudget: async () => Promise.reject(new Error('connection refused by redis://:hunter2secretpassword@10.0.0.1:6379')),
    });
    const errors: ZenErrorEvent[] = [];
    const allow = client({ budgets: { limits: [{ usd: 1, per: 'day' }], store: broken } });
    allow.on('error', (event) => errors.push(event));
    await expect(allow.chat.completions.create({ model: MINI, messages, zen: { budgetKey: 'user:1' } })).resolves.toBeDefined();
    expect(errors).toEqual([expect.objectContaining({ source: 'budget-store', operation: 'reserve' })]);
    expect(errors[0]!.error.message).not.toContain('hunter2');
    const refuse = client({ budgets: { limits: [{ usd: 1, per: 'day' }], store: broken, onStoreError: 'refuse' } });
    refuse.on('error', () => undefined);
    await expect(refuse.chat.completions.create({ model: MINI, messages, zen: { budgetKey: 'user:1' } })).rejects.toMatchObject({
      kind: 'budget_exceeded',
      code: 'budget_store',
    });
    expect(sim.callsFor('gpt-5-mini')).toHaveLength(1);
  });
});
