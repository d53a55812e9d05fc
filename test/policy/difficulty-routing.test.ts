import { describe, expect, it } from 'vitest';
import type { ZenClient } from '../../src/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { zenClient } from './execution-helpers.js';

/**
 * `auto` reads how hard a prompt is: with OpenAI, Anthropic and Google configured (the catalog's
 * default pool, the benchmark priors, no host quality), easy prompts go to the cheapest candidate
 * at every preference short of `quality`, and hard ones to a reasoning model at `balanced`. Real
 * SDKs against the simulator; exploration off, so that each pick is the estimate's.
 */

const sim = useSimulator();

const EASY: Array<[string, RegExp]> = [
  ['Hello!', /greeting/],
  ['hi there', /greeting/],
  ['Thanks, that helped a lot.', /greeting/],
  ['Good morning!', /greeting/],
  ['Rewrite this sentence to be more formal: gonna be late, sorry.', /one-line rewrite/],
  ['Translate to French: The meeting moved to Tuesday.', /one-line rewrite/],
  ['Fix the grammar: me and him goes to the store yesterday.', /one-line rewrite/],
  ['Rephrase this so it sounds friendlier: Send the report now.', /one-line rewrite/],
];

const HARD: Array<[string, RegExp]> = [
  ['Find all positive integers n such that n^2 + 3n + 7 is divisible by 13, and prove that your list is complete.', /competition math/],
  ['Prove that for every positive integer n, the number n^5 - n is divisible by 30.', /competition math/],
  ['Let $f(x) = \\frac{x^2+1}{x-1}$. Find all real $x$ such that $f(f(x)) = x$, and prove there are no others.', /competition math/],
  [
    'Refactor our TypeScript monorepo: src/server/router.ts, src/server/cache.ts and src/client/api.ts share a race condition in the session cache. ' +
      'Move the cache into a package both use, keep the public API unchanged, and add tests.',
    /files/,
  ],
  [
    'In services/billing/invoice.py, services/billing/tax.py and api/routes/checkout.py the totals drift by a cent under concurrency. ' +
      'Find the cause across the modules, fix it without changing the HTTP API, and explain the fix.',
    /files/,
  ],
];

function client(): ZenClient {
  return zenClient(sim, { routing: { exploration: false, retry: { retries: 0 } } });
}

function plan(zen: ZenClient, text: string, preference: 'price' | 'balanced' | 'quality' | number) {
  return zen.plan({
    model: 'auto',
    request: { messages: [{ role: 'user', content: [{ type: 'text', text }] }] },
    options: { preference, exploration: false },
  });
}

async function ask(zen: ZenClient, text: string, preference: 'price' | 'balanced' | 'quality' | number) {
  const completion = await zen.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: text }], zen: { preference } });
  return completion.zen;
}

describe('difficulty-aware auto', () => {
  it.each(EASY)('an easy prompt (%s) goes to the cheapest candidate at every preference short of quality', async (text, cue) => {
    const zen = client();
    for (const preference of ['balanced', 0.75, 0.9] as const) {
      // Estimates move with each answer (observed output lengths): plan, then call, in that order.
      const cheapest = (await plan(zen, text, 'price')).order[0]!;
      const chosen = (await plan(zen, text, preference)).order[0]!;
      const meta = await ask(zen, text, preference);
      expect(meta.channel).toBe(chosen.channel.id);
      // The cheapest estimate (two models may share it).
      expect(chosen.cost, `preference ${preference}`).toBeCloseTo(cheapest.cost, 12);
      expect(meta.explanation).toMatch(cue);
      expect(meta.explanation).toMatch(/every candidate is likely to answer this (trivial|easy) prompt .* well .*so the cheapest/);
    }
    // `quality` is the one preference that pays for the last fraction of a point.
    const best = await ask(zen, text, 'quality');
    expect(best.explanation).toContain('the best expected quality');
  });

  it.each(HARD)('a hard prompt (%s) goes to a reasoning model at balanced, and says why', async (text, cue) => {
    const zen = client();
    const chosen = (await plan(zen, text, 'balanced')).order[0]!;
    const meta = await ask(zen, text, 'balanced');
    expect(meta.channel).toBe(chosen.channel.id);
    expect(chosen.channel.model.capabilities.reasoning).toBe(true);
    expect(meta.explanation).toMatch(/very hard prompt|hard prompt/);
    expect(meta.explanation).toMatch(cue);
    // Not the cheapest: its extra chance of a good answer is worth the price.
    const cheapest = (await plan(zen, text, 'price')).order[0]!;
    expect(cheapest.channel.id).not.toBe(meta.channel);
    expect(chosen.quality.mean).toBeGreaterThan(cheapest.quality.mean + 0.2);
    expect(meta.explanation).toMatch(
      /worth [\d.]+× the cost of the cheapest|the cheapest candidate likely to answer this very hard prompt/,
    );
  });

  it('the same preference picks a cheap model for a greeting and a strong one for a competition proof', async () => {
    const zen = client();
    const easy = (await plan(zen, 'Hello!', 'balanced')).order[0]!;
    const hard = (await plan(zen, HARD[0]![0], 'balanced')).order[0]!;
    const greeting = await ask(zen, 'Hello!', 'balanced');
    const proof = await ask(zen, HARD[0]![0], 'balanced');
    expect(proof.cost.total).toBeGreaterThan(0);
    expect(easy.channel.id).toBe(greeting.channel);
    expect(hard.channel.id).toBe(proof.channel);
    // The proof's model costs at least ten times the greeting's per token.
    expect(hard.channel.price!.outputPerMTok).toBeGreaterThan(10 * easy.channel.price!.outputPerMTok);
  });
});
