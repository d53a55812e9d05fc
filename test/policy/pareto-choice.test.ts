import { describe, expect, it } from 'vitest';
import { ZenError } from '../../src/core/errors.js';
import { analyzePrompt } from '../../src/policy/analyze-prompt.js';
import { Catalog, type ModelDefinition, type ProviderInfo } from '../../src/policy/catalog.js';
import { LiveState } from '../../src/policy/live-state.js';
import { builtInPolicies, paretoPolicy } from '../../src/policy/policies/index.js';
import { ItemResponseQualityModel } from '../../src/policy/quality-models/item-response.js';
import { route, type RouterDeps } from '../../src/policy/router.js';
import type { RoutingOptions } from '../../src/policy/types.js';

/** The pareto policy's choice: the quality cap, maxCost, budget pressure, exploration and cascades. */

const capabilities = { tools: true, vision: false, structuredOutput: true, reasoning: false, imageOutput: false, temperature: true };
const provider: ProviderInfo = { name: 'p', family: 'openai', vendors: ['acme'], models: [] };
/** Three models a factor of ten apart in price; the host says how good each is on a typical prompt. */
const MODELS: Record<string, ModelDefinition> = {
  'acme/small': { price: { inputPerMTok: 0.1, outputPerMTok: 0.4 }, capabilities, quality: 0.8 },
  'acme/medium': { price: { inputPerMTok: 1, outputPerMTok: 4 }, capabilities, quality: 0.9 },
  'acme/large': { price: { inputPerMTok: 10, outputPerMTok: 40 }, capabilities, quality: 0.97 },
};

function setup(options: Parameters<typeof paretoPolicy>[0] = {}, models = MODELS): RouterDeps {
  return {
    catalog: new Catalog({ models }),
    providers: () => [provider],
    quality: new ItemResponseQualityModel(),
    state: new LiveState(),
    policies: { ...builtInPolicies(), pareto: paretoPolicy(options) },
    autoPool: Object.keys(models),
  };
}

function pick(deps: RouterDeps, text: string, routing: RoutingOptions = {}) {
  const request = { messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text }] }] };
  const plan = route({ request, model: 'auto', routing: { exploration: false, ...routing }, analysis: analyzePrompt(request) }, deps);
  return { model: plan.order[0]!.channel.model.id, plan, explanation: plan.decision.explanation };
}

const TYPICAL = 'Write a function that parses an ISO date and returns the weekday, with tests for leap years and time zones.';
const MIDDLE =
  'Write a function that parses an ISO 8601 date string and returns the weekday name. Add unit tests that cover leap years, time zones and invalid input.';
const HARD =
  'Refactor src/a.ts, src/b.ts and src/c.ts: the cache they share has a race condition. Keep the API, ensure tests pass, and explain the trade-offs.';

describe('pareto: the pick', () => {
  it('moves from the cheapest to the best as the preference rises, for a typical prompt', () => {
    const deps = setup();
    expect(pick(deps, TYPICAL, { preference: 'price' }).model).toBe('acme/small');
    expect(pick(deps, TYPICAL, { preference: 'quality' }).model).toBe('acme/large');
    const picks = [0.1, 0.3, 0.5, 0.7, 0.9].map((preference) => Object.keys(MODELS).indexOf(pick(deps, TYPICAL, { preference }).model));
    for (let k = 1; k < picks.length; k += 1) expect(picks[k]).toBeGreaterThanOrEqual(picks[k - 1]!);
  });

  it('a greeting goes to the cheapest at every preference short of quality', () => {
    const deps = setup();
    for (const preference of ['price', 0.25, 'balanced', 0.75, 0.95] as const)
      expect(pick(deps, 'Hello!', { preference }).model).toBe('acme/small');
    expect(pick(deps, 'Hello!', { preference: 'quality' }).model).toBe('acme/large');
  });

  it('a hard prompt goes further up than a typical one at the same preference', () => {
    const deps = setup();
    const order = Object.keys(MODELS);
    expect(order.indexOf(pick(deps, HARD, { preference: 'balanced' }).model)).toBeGreaterThan(
      order.indexOf(pick(deps, TYPICAL, { preference: 'balanced' }).model),
    );
  });

  it('the cap and the cost weight are options of the policy', () => {
    // With no cap (goodEnough 1) and no weight on cost, a greeting goes to the best model too.
    const deps = setup({ goodEnough: 1, costWeight: 0 });
    expect(pick(deps, 'Hello!', { preference: 'balanced' }).model).toBe('acme/large');
  });
});

describe('pareto: answer value', () => {
  it('picks by value × quality − cost: more value buys a stronger model for a hard prompt, a greeting stays cheapest', () => {
    const deps = setup();
    const order = Object.keys(MODELS);
    const picks = [1e-5, 1e-3, 1e-1].map((answerValue) => order.indexOf(pick(deps, HARD, { answerValue }).model));
    expect(picks[0]).toBe(0);
    expect(picks[2]).toBe(2);
    expect(picks[1]).toBeGreaterThanOrEqual(picks[0]!);
    expect(pick(deps, 'Hello!', { answerValue: 1 }).model).toBe('acme/small');
    const explained = pick(deps, HARD, { answerValue: 0.1, budgetPressure: 0.5 }).explanation;
    expect(explained).toContain('picked for an answer value of $0.0500');
    expect(explained).toContain('budget pressure 0.5 scaled the answer value down to $0.0500');
  });
});

describe('pareto: budgets', () => {
  it('with maxCost, picks the best candidate under it and says so', () => {
    const deps = setup();
    const free = pick(deps, HARD, { preference: 'quality' });
    expect(free.model).toBe('acme/large');
    const ceiling = free.plan.order.find((candidate) => candidate.channel.model.id === 'acme/medium')!.cost * 1.01;
    const capped = pick(deps, HARD, { preference: 'quality', maxCost: ceiling });
    expect(capped.model).toBe('acme/medium');
    expect(capped.explanation).toMatch(/maxCost \$[\d.e-]+ left out 1 dearer candidate: the best that fits/);
    expect(capped.plan.rejected).toEqual([
      expect.objectContaining({ channel: 'acme/large:p', reason: expect.stringContaining('above maxCost') }),
    ]);
  });

  it('budgetPressure moves the preference towards price, in proportion, and says so', () => {
    const deps = setup();
    expect(pick(deps, HARD, { preference: 'quality' }).model).toBe('acme/large');
    const pressed = pick(deps, HARD, { preference: 'quality', budgetPressure: 0.9 });
    expect(pressed.model).not.toBe('acme/large');
    expect(pressed.explanation).toContain('budget pressure 0.9 moved the preference from 1 to 0.1');
    expect(pick(deps, HARD, { preference: 'quality', budgetPressure: 1 }).model).toBe('acme/small');
  });
});

describe('pareto: exploration', () => {
  /** A deterministic random source (a linear congruential generator). */
  function seeded(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      return state / 2 ** 31;
    };
  }
  // Two models of equal price; one known (host prior), one unknown (uninformative, uncertain).
  const PAIR: Record<string, ModelDefinition> = {
    'acme/known': { price: { inputPerMTok: 1, outputPerMTok: 4 }, capabilities, quality: 0.9 },
    'acme/unknown': { price: { inputPerMTok: 1, outputPerMTok: 4 }, capabilities },
  };

  it('explores at most `share` of the calls, spread out, and tries the uncertain candidate', () => {
    const deps = setup({ random: seeded(1), now: () => 0 }, PAIR);
    const picks: string[] = [];
    for (let k = 0; k < 400; k += 1)
      picks.push(pick(deps, TYPICAL, { preference: 'balanced', exploration: { share: 0.1, dailyUsd: 100 } }).model);
    const explored = picks.filter((model) => model === 'acme/unknown').length;
    expect(explored).toBeGreaterThan(0);
    expect(explored).toBeLessThanOrEqual(40);
    // Never more than share × calls at any point.
    let seen = 0;
    picks.forEach((model, k) => {
      if (model === 'acme/unknown') seen += 1;
      expect(seen).toBeLessThanOrEqual(0.1 * (k + 1));
    });
  });

  it('stops when the day’s exploration budget is spent, and starts again the next day', () => {
    let now = Date.UTC(2025, 0, 1, 12);
    const deps = setup({ random: seeded(2), now: () => now }, PAIR);
    const request = { messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: TYPICAL }] }] };
    const cost = route({ request, model: 'auto', routing: { exploration: false }, analysis: analyzePrompt(request) }, deps).order[0]!.cost;
    const exploration = { share: 0.5, dailyUsd: cost * 2.5 }; // room for two explored calls a day
    const count = () => {
      let explored = 0;
      for (let k = 0; k < 200; k += 1) {
        const chosen = pick(deps, TYPICAL, { preference: 'balanced', exploration });
        if (chosen.model === 'acme/unknown') {
          explored += 1;
          expect(chosen.explanation).toMatch(/exploring: a Thompson sample of the uncertain estimates picked it instead of acme\/known:p/);
        }
      }
      return explored;
    };
    expect(count()).toBe(2);
    expect(count()).toBe(0);
    now += 86_400_000;
    expect(count()).toBe(2);
  });

  it('exploration: false never explores', () => {
    const deps = setup({ random: seeded(3) }, PAIR);
    for (let k = 0; k < 200; k += 1) expect(pick(deps, TYPICAL, { preference: 'balanced', exploration: false }).model).toBe('acme/known');
  });
});

describe('pareto: cascades', () => {
  /** A good, cheap check (a fifth of the first answer's cost): cascades pay. */
  const good = { recall: 0.9, falseAlarms: 0.05, checkCost: 0.2 };

  it('plans a cheaper candidate first and a stronger one as the escalation, where it pays, and says so', () => {
    const deps = setup();
    const plain = pick(deps, MIDDLE, { preference: 'balanced' });
    expect(plain.model).toBe('acme/small');
    const chosen = pick(deps, MIDDLE, { preference: 'balanced', cascade: good });
    expect(chosen.plan.decision.cascade).toEqual({ first: 'acme/small:p', escalation: 'acme/medium:p', samples: 1 });
    expect(chosen.plan.order.map((candidate) => candidate.channel.id).slice(0, 2)).toEqual(['acme/small:p', 'acme/medium:p']);
    expect(chosen.explanation).toMatch(
      /cascade: acme\/small:p first \(est\. \$[\d.e-]+, quality 0\.\d+\), escalating to acme\/medium:p \(est\. \$[\d.e-]+, quality 0\.\d+\) when its answer fails a check: expected quality 0\.\d+ for est\. \$[\d.e-]+, checks included/,
    );
  });

  it('does not cascade where it cannot pay', () => {
    const deps = setup();
    // At quality, the default check (one more full sample, recall 0.7, false alarms 0.15) does not beat the best alone.
    expect(pick(deps, MIDDLE, { preference: 'quality', cascade: true }).plan.decision.cascade).toBeUndefined();
    // A check that never catches a wrong answer only adds its cost.
    expect(
      pick(deps, MIDDLE, { preference: 'balanced', cascade: { ...good, recall: 0, falseAlarms: 0 } }).plan.decision.cascade,
    ).toBeUndefined();
    // At price, any added cost outweighs the gain.
    expect(pick(deps, MIDDLE, { preference: 'price', cascade: good }).plan.decision.cascade).toBeUndefined();
    // Per category: a check that is no good for code is not used for code, whatever it does elsewhere.
    expect(
      pick(deps, MIDDLE, { preference: 'balanced', cascade: { ...good, recall: { code: 0.05 }, falseAlarms: { code: 0.9 } } }).plan.decision
        .cascade,
    ).toBeUndefined();
    expect(
      pick(deps, MIDDLE, {
        preference: 'balanced',
        cascade: { ...good, recall: { math: 0.05, code: 0.9 }, falseAlarms: { math: 0.9, code: 0.05 } },
      }).plan.decision.cascade,
    ).toBeDefined();
  });
});

describe('pareto: bad options', () => {
  it.each([
    [{ answerValue: -1 }, 'zen.answerValue must be a finite number of at least 0, got -1.'],
    [{ budgetPressure: 1.5 }, 'zen.budgetPressure must be a number from 0 to 1, got 1.5.'],
    [{ exploration: { share: 2 } }, 'zen.exploration.share must be a number from 0 to 1, got 2.'],
    [{ exploration: 'yes' }, 'zen.exploration must be false or { share, dailyUsd }, got "yes".'],
    [{ cascade: { recall: { code: 3 } } }, 'zen.cascade.recall.code must be a number from 0 to 1, got 3.'],
    [{ cascade: { samples: 1.5 } }, 'zen.cascade.samples must be a whole number from 0 to 10, got 1.5.'],
    [{ cascade: { checkModel: '' } }, 'zen.cascade.checkModel must be a model id (e.g. "openai/gpt-5-nano"), got "".'],
  ])('%j is refused with a clear invalid_request error', (options, message) => {
    const deps = setup();
    const error = (() => {
      try {
        pick(deps, TYPICAL, options as RoutingOptions);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(ZenError.isInstance(error)).toBe(true);
    expect((error as ZenError).kind).toBe('invalid_request');
    expect((error as ZenError).message).toBe(message);
  });

  it('the policy options too, as configuration errors', () => {
    expect(() => paretoPolicy({ goodEnough: 0 })).toThrow(/goodEnough must be a number above 0 and at most 1, got 0/);
    expect(() => paretoPolicy({ costWeight: Number.NaN })).toThrow(/costWeight must be a finite number of at least 0, got NaN/);
  });
});
