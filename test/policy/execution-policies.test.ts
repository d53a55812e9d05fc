import { describe, expect, it } from 'vitest';
import type { ModelDefinition, ZenClient } from '../../src/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { gate, inVirtualTime, type VirtualTime } from '../helpers/virtual-time.js';
import { anthropicClient, attemptsOf, ch, HAIKU, MINI, NANO, openaiClient, run, UP, zenClient } from './execution-helpers.js';

/** The built-in policies, end to end: which channel gets the call, and in which order the rest follow. */

const sim = useSimulator();
const FAIL = { fault: { type: 'http', status: 500 } } as const;

/** Prices and priors set here, so that the tests don't move when the data packages do. */
const MODELS: Record<string, ModelDefinition> = {
  [NANO]: { price: { inputPerMTok: 0.05, outputPerMTok: 0.4 }, quality: 0.55 },
  [MINI]: { price: { inputPerMTok: 0.25, outputPerMTok: 2 }, quality: 0.7 },
  [HAIKU]: { price: { inputPerMTok: 1, outputPerMTok: 5 }, quality: 0.88 },
};

describe('ordered', () => {
  it('fails over in the order of the model list', async () => {
    const zen = zenClient(sim, { models: MODELS, routing: { retry: { retries: 0 } } });
    sim.enqueue(UP[HAIKU], FAIL);
    sim.enqueue(UP[NANO], FAIL);
    const out = await run(zen, { model: [HAIKU, NANO, MINI] }, false);
    expect(out.zen.policy).toBe('ordered');
    expect(out.zen.plan).toEqual([ch(HAIKU), ch(NANO), ch(MINI)]);
    expect(attemptsOf(out.zen)).toEqual([
      [ch(HAIKU), 'error', 'server', 0],
      [ch(NANO), 'error', 'server', 0],
      [ch(MINI), 'success', undefined, 0],
    ]);
    expect(sim.calls.map((call) => call.model)).toEqual([UP[HAIKU], UP[NANO], UP[MINI]]);
  });

  it('takes an OpenRouter-style models list after model', async () => {
    const zen = zenClient(sim, { routing: { retry: { retries: 0 } } });
    sim.enqueue(UP[NANO], FAIL);
    const out = await run(zen, { model: NANO, models: [HAIKU] }, true);
    expect(out.zen.plan).toEqual([ch(NANO), ch(HAIKU)]);
    expect(out.zen.channel).toBe(ch(HAIKU));
  });
});

describe('cheapest', () => {
  it('orders by estimated cost and fails over up the price list', async () => {
    const zen = zenClient(sim, { models: MODELS, routing: { policy: 'cheapest', retry: { retries: 0 } } });
    sim.enqueue(UP[NANO], FAIL);
    const out = await run(zen, { model: [HAIKU, MINI, NANO] }, true);
    expect(out.zen.policy).toBe('cheapest');
    expect(out.zen.plan).toEqual([ch(NANO), ch(MINI), ch(HAIKU)]);
    expect(out.zen.explanation).toContain(`${ch(NANO)} has the lowest estimated cost`);
    expect(attemptsOf(out.zen)).toEqual([
      [ch(NANO), 'error', 'server', 0],
      [ch(MINI), 'success', undefined, 0],
    ]);
  });
});

describe.each([
  ['stream', true],
  ['non-stream', false],
] as const)('fastest (%s)', (_mode, stream) => {
  /** Warm-up calls that take exactly `latency` (virtual) ms each: each reply is held while the clock moves. */
  async function warmUp(zen: ZenClient, latency: Record<string, number>, time: VirtualTime): Promise<void> {
    for (const model of [MINI, NANO]) {
      const upstream = UP[model as keyof typeof UP];
      for (let call = 0; call < 5; call += 1) {
        const reply = gate();
        sim.enqueue(upstream, { text: 'warm-up answer', hold: reply.promise });
        const pending = run(zen, { model }, stream);
        await time.until(() => sim.callsFor(upstream).length === call + 1, `warm-up ${call + 1} of ${model}`);
        await time.advance(latency[model]!);
        reply.open();
        await pending;
      }
    }
  }

  it.each([
    ['gpt-5-nano', { [MINI]: 90, [NANO]: 5 }, NANO],
    ['gpt-5-mini', { [MINI]: 5, [NANO]: 90 }, MINI],
  ])('after warm-up calls prefers the channel measured faster (%s)', (_name, latency, fast) =>
    inVirtualTime(async (time) => {
      const zen = zenClient(sim, { models: MODELS });
      await warmUp(zen, latency, time);
      const out = await run(zen, { model: [MINI, NANO], zen: { policy: 'fastest' } }, stream);
      expect(out.zen.policy).toBe('fastest');
      expect(out.zen.channel).toBe(ch(fast));
      expect(out.zen.explanation).toContain('expected to finish first');
      // preference 'speed' picks the same policy.
      const bySpeed = await run(zen, { model: [MINI, NANO], zen: { preference: 'speed' } }, stream);
      expect(bySpeed.zen.policy).toBe('fastest');
      expect(bySpeed.zen.channel).toBe(ch(fast));
    }),
  );
});

describe('load-balance', () => {
  const A = 'openai/gpt-5-mini:a';
  const B = 'openai/gpt-5-mini:b';

  function balanced(weights: { a: number; b: number }): ZenClient {
    return zenClient(sim, {
      providers: {
        a: { client: openaiClient(sim, { apiKey: 'sk-test-key-a-000000000000000' }), vendors: ['openai'] },
        b: { client: openaiClient(sim, { apiKey: 'sk-test-key-b-000000000000000' }), vendors: ['openai'] },
        anthropic: anthropicClient(sim),
      },
      channels: { [A]: { weight: weights.a, providerModelId: 'mini-at-a' }, [B]: { weight: weights.b, providerModelId: 'mini-at-b' } },
      routing: { policy: 'load-balance', retry: { retries: 0 } },
    });
  }

  it('splits calls by channel weight (3:1 over 400 calls, within 4 binomial sigmas)', async () => {
    const zen = balanced({ a: 3, b: 1 });
    const n = 400;
    const p = 3 / 4;
    for (let batch = 0; batch < n / 20; batch += 1) {
      await Promise.all(Array.from({ length: 20 }, (_, index) => run(zen, { model: MINI }, index % 4 === 0)));
    }
    const atA = sim.callsFor('mini-at-a').length;
    expect(atA + sim.callsFor('mini-at-b').length).toBe(n);
    // Each call picks a with probability 3/4 independently: a binomial count.
    const sigma = Math.sqrt(n * p * (1 - p)); // ≈ 8.7
    expect(Math.abs(atA - n * p)).toBeLessThanOrEqual(4 * sigma);
  });

  it('the other channel of the model is the fallback; a weight of 0 is never drawn first', async () => {
    const zen = balanced({ a: 1, b: 0 });
    for (let call = 0; call < 30; call += 1) expect((await run(zen, { model: MINI }, false)).zen.channel).toBe(A);
    expect(sim.callsFor('mini-at-b')).toHaveLength(0);
    sim.enqueue('mini-at-a', FAIL);
    const out = await run(zen, { model: MINI }, false);
    expect(attemptsOf(out.zen)).toEqual([
      [A, 'error', 'server', 0],
      [B, 'success', undefined, 0],
    ]);
  });
});

describe.each([
  ['stream', true],
  ['non-stream', false],
] as const)('pareto for auto (%s)', (_mode, stream) => {
  const pool = [NANO, MINI, HAIKU];

  it.each([
    ['price', NANO],
    ['quality', HAIKU],
  ] as const)('preference %s picks %s from the pool, on the frontier, and says why', async (preference, expected) => {
    const zen = zenClient(sim, { models: MODELS, routing: { models: pool } });
    const out = await run(zen, { model: 'auto', zen: { preference } }, stream);
    expect(out.zen.policy).toBe('pareto');
    expect(out.zen.requested).toBe('auto');
    expect(out.zen.model).toBe(expected);
    expect(out.zen.preference).toBe(preference);
    expect(out.zen.frontier).toContain(ch(expected));
    expect(out.zen.explanation).toContain('cost/quality frontier');
    expect(out.zen.explanation).toContain(`preference "${preference}"`);
    expect(sim.calls.map((call) => call.model)).toEqual([UP[expected]]);
  });

  it('price and quality choose different models for the same prompt, and the plan keeps fallbacks', async () => {
    const zen = zenClient(sim, { models: MODELS, routing: { models: pool, retry: { retries: 0 } } });
    const cheap = await run(zen, { model: 'auto', zen: { preference: 'price' } }, stream);
    const good = await run(zen, { model: 'auto', zen: { preference: 'quality' } }, stream);
    expect(cheap.zen.channel).not.toBe(good.zen.channel);
    expect(cheap.zen.plan.length).toBeGreaterThan(1);
    // The first choice failing moves the call to the next in the plan.
    sim.enqueue(UP[NANO], FAIL);
    const failedOver = await run(zen, { model: 'auto', zen: { preference: 'price' } }, stream);
    expect(failedOver.zen.attempts[0]).toMatchObject({ channel: ch(NANO), outcome: 'error' });
    expect(failedOver.zen.channel).toBe(failedOver.zen.plan[1]);
  });
});
