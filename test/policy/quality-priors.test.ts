import { describe, expect, it } from 'vitest';
import { analyzePrompt } from '../../src/policy/analyze-prompt.js';
import { Catalog, type ProviderInfo } from '../../src/policy/catalog.js';
import { promptFeatures } from '../../src/policy/prompt-features.js';
import { BENCHMARK_PRIORS, PRIOR_FIGURES, PRIOR_SOURCES, UNINFORMATIVE_PRIORS } from '../../src/policy/quality-models/benchmark-priors.js';
import { ItemResponseQualityModel } from '../../src/policy/quality-models/item-response.js';
import { abilityPrior } from '../../src/policy/quality-models/priors.js';

/** The difficulty features, the benchmark priors and the item-response quality model, unit by unit. */

const analysis = (text: string) => {
  const result = analyzePrompt({ messages: [{ role: 'user', content: [{ type: 'text', text }] }] });
  result.features = promptFeatures(result);
  return result;
};

describe('prompt difficulty features', () => {
  it('orders a fixed set of prompts from trivial to very hard', () => {
    const ladder = [
      'Hello!',
      'Rewrite this sentence to be more formal: gonna be late, sorry.',
      'What is the capital of Australia?',
      'Explain the difference between a process and a thread, with an example of when each is the better choice, and the trade-offs for memory use.',
      'Refactor src/a.ts and src/b.ts so that they share one cache; keep the API.',
      'Find all positive integers n such that n^2 + 3n + 7 is divisible by 13, and prove that your list is complete.',
    ].map((text) => analysis(text).features!.difficulty);
    for (let k = 1; k < ladder.length; k += 1) expect(ladder[k]).toBeGreaterThan(ladder[k - 1]!);
    expect(ladder[0]).toBeLessThan(-3);
    expect(ladder.at(-1)).toBeGreaterThan(3);
  });

  it('names its cues, and hard prompts separate models more (discrimination)', () => {
    const proof = analysis('Prove that for every positive integer n, n^5 - n is divisible by 30.').features!;
    expect(proof.cues[0]).toBe('competition math');
    expect(proof.discrimination).toBeGreaterThan(1.3);
    const hello = analysis('Hello').features!;
    expect(hello.cues).toContain('greeting');
    expect(hello.discrimination).toBe(1);
    // Easy shapes do not count once a hard cue is present.
    const code = analysis('hi, in src/a.py and src/b.py fix the race condition').features!;
    expect(code.cues).not.toContain('greeting');
    expect(code.difficulty).toBeGreaterThan(2);
  });

  it('reads a long prompt at both ends: a cue in the middle of 60,000 characters is not seen, one at the end is', () => {
    const filler = 'The committee reviewed the quarterly figures and agreed to continue. '.repeat(900);
    const middle = analysis(
      `${filler.slice(0, 30_000)} Prove that n^5 - n is divisible by 30 for every positive integer n. ${filler.slice(30_000)}`,
    ).features!;
    const end = analysis(`${filler} Prove that n^5 - n is divisible by 30 for every positive integer n.`).features!;
    expect(middle.cues).not.toContain('competition math');
    expect(end.cues).toContain('competition math');
  });
});

describe('benchmark priors (benchmark-priors.ts)', () => {
  it('every figure names its source, licence and date, and every source its revision and an open licence', () => {
    expect(PRIOR_FIGURES.length).toBeGreaterThan(100);
    const sources = new Map<string, { licence: string }>(PRIOR_SOURCES.map((source) => [source.id, source]));
    for (const figure of PRIOR_FIGURES) {
      expect(figure.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(['Apache-2.0', 'MIT']).toContain(figure.licence);
      expect(sources.get(figure.source)?.licence).toBe(figure.licence);
      expect(figure.score).toBeGreaterThanOrEqual(0);
      expect(figure.score).toBeLessThanOrEqual(1);
    }
    for (const source of PRIOR_SOURCES) {
      expect(source.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(source.url).toMatch(/^https:\/\/github\.com\//);
    }
  });

  it('covers the README catalog families per category, and ranks strong models above small ones', () => {
    for (const id of [
      'openai/gpt-5',
      'openai/o4-mini',
      'openai/gpt-4.1-nano',
      'anthropic/claude-sonnet-4-20250514',
      'google/gemini-2.5-pro',
      'google/gemini-2.5-flash',
      'deepseek/deepseek-reasoner',
      'xai/grok-4',
      'alibaba/qwen3-235b-a22b',
    ]) {
      expect(BENCHMARK_PRIORS[id], id).toBeDefined();
    }
    const ability = (id: string, category: 'code' | 'math' | 'chat') => BENCHMARK_PRIORS[id]![category][0];
    expect(ability('openai/gpt-5', 'code')).toBeGreaterThan(ability('openai/gpt-4.1-nano', 'code') + 2);
    expect(ability('openai/o3', 'math')).toBeGreaterThan(ability('openai/gpt-4o-mini', 'math') + 1.5);
    expect(ability('google/gemini-2.5-pro', 'chat')).toBeGreaterThan(ability('openai/gpt-4.1-nano', 'chat'));
  });

  it('an unknown model gets the explicit uninformative prior (a middling model, ±1.5 logits), whatever its price', () => {
    const catalog = new Catalog({
      models: {
        'acme/cheap': { price: { inputPerMTok: 0.01, outputPerMTok: 0.02 } },
        'acme/dear': { price: { inputPerMTok: 100, outputPerMTok: 600 } },
      },
    });
    const cheap = abilityPrior(catalog.model('acme/cheap'), 'code');
    const dear = abilityPrior(catalog.model('acme/dear'), 'code');
    expect(cheap).toEqual(dear);
    expect(cheap).toEqual({ ability: UNINFORMATIVE_PRIORS.code[0], sd: 1.5, source: 'uninformative' });
  });

  it("the host's quality wins, per model and category; dated ids find their entry", () => {
    const catalog = new Catalog({ models: { 'openai/gpt-5': { quality: { code: 0.5 } } } });
    expect(abilityPrior(catalog.model('openai/gpt-5'), 'code')).toEqual({ ability: 0, sd: 0.3, source: 'host' });
    expect(abilityPrior(catalog.model('openai/gpt-5'), 'math').source).not.toBe('host');
    expect(abilityPrior(catalog.model('anthropic/claude-sonnet-4-20250514'), 'code').source).toBe('aider-polyglot');
  });
});

describe('ItemResponseQualityModel', () => {
  const provider: ProviderInfo = { name: 'p', family: 'openai', vendors: ['acme'], models: [] };
  const catalog = new Catalog({ models: { 'acme/m': { price: { inputPerMTok: 1, outputPerMTok: 1 }, quality: 0.8 } } });
  const channel = catalog.channel('acme/m', provider);

  it('a harder prompt lowers the chance, an easier one raises it', () => {
    const model = new ItemResponseQualityModel();
    const typical = model.estimate(channel, 'code').mean;
    const easy = model.estimate(channel, 'code', analysis('Hello')).mean;
    const hard = model.estimate(
      channel,
      'code',
      analysis('Refactor src/a.ts, src/b.ts and src/c.ts to remove the race condition; keep the API.'),
    ).mean;
    expect(easy).toBeGreaterThan(typical);
    expect(hard).toBeLessThan(typical - 0.2);
    // The host's 0.8 is the chance on a typical prompt (times the small prior defect rate).
    expect(typical).toBeGreaterThan(0.75);
    expect(typical).toBeLessThan(0.8);
  });

  it('graded answers move the ability with uncertainty; a judge counts less than an evaluation', () => {
    const byEvaluation = new ItemResponseQualityModel();
    const byJudge = new ItemResponseQualityModel();
    for (let k = 0; k < 5; k += 1) {
      byEvaluation.observe({ channel, category: 'code', success: true, score: 0, source: 'evaluation' });
      byJudge.observe({ channel, category: 'code', success: true, score: 0, source: 'judge' });
    }
    const prior = new ItemResponseQualityModel().ability(channel, 'code');
    const evaluated = byEvaluation.ability(channel, 'code');
    const judged = byJudge.ability(channel, 'code');
    expect(evaluated.ability).toBeLessThan(judged.ability);
    expect(judged.ability).toBeLessThan(prior.ability);
    expect(evaluated.graded).toBe(5);
    expect(byEvaluation.describe(channel, 'code')).toBe('host prior, 5 graded answers since');
  });

  it('a failed grade on a very hard prompt says less than one on an easy prompt', () => {
    const hard = new ItemResponseQualityModel();
    const easy = new ItemResponseQualityModel();
    hard.observe({ channel, category: 'math', success: true, score: 0, difficulty: 4, source: 'evaluation' });
    easy.observe({ channel, category: 'math', success: true, score: 0, difficulty: -3, source: 'evaluation' });
    expect(easy.ability(channel, 'math').ability).toBeLessThan(hard.ability(channel, 'math').ability);
  });

  it('never becomes certain (drift), so a channel that turns bad is followed down and back up', () => {
    const model = new ItemResponseQualityModel();
    for (let k = 0; k < 300; k += 1) model.observe({ channel, category: 'chat', success: true, score: 1, source: 'evaluation' });
    const settled = model.ability(channel, 'chat');
    expect(settled.sd).toBeGreaterThan(0.2);
    let calls = 0;
    while (model.estimate(channel, 'chat').mean > 0.5 && calls < 100) {
      model.observe({ channel, category: 'chat', success: true, score: 0, source: 'evaluation' });
      calls += 1;
    }
    expect(calls).toBeLessThan(30);
    let back = 0;
    while (model.estimate(channel, 'chat').mean < 0.9 && back < 200) {
      model.observe({ channel, category: 'chat', success: true, score: 1, source: 'evaluation' });
      back += 1;
    }
    expect(back).toBeLessThan(60);
  });

  it('quality events and failures lower the estimate through the defect rate; rate limits say nothing', () => {
    const model = new ItemResponseQualityModel();
    const before = model.estimate(channel, 'chat').mean;
    model.observe({ channel, category: 'chat', success: false, errorKind: 'rate_limited' });
    expect(model.estimate(channel, 'chat').mean).toBeCloseTo(before, 10);
    for (let k = 0; k < 10; k += 1) model.observe({ channel, category: 'chat', success: true, eventSeverities: [0.9] });
    expect(model.estimate(channel, 'chat').mean).toBeLessThan(before - 0.2);
  });

  it('the fast path agrees with estimate()', () => {
    const model = new ItemResponseQualityModel();
    model.prepare([channel]);
    const packed = model.logisticArrays('code');
    const prompt = analysis('Prove that n^5 - n is divisible by 30 for every positive integer n.');
    const { difficulty, discrimination: a } = prompt.features!;
    const at = 4 * channel.index;
    const mean = (1 / (1 + Math.exp(-a * (packed[at]! - packed[at + 1]! * difficulty)))) * packed[at + 2]!;
    expect(mean).toBeCloseTo(model.estimate(channel, 'code', prompt).mean, 4);
    const means = new Float64Array(1);
    const spreads = new Float64Array(1);
    model.estimateMany([channel], Int32Array.of(channel.index), Int32Array.of(0), 1, 'code', means, spreads, prompt);
    expect(means[0]).toBeCloseTo(mean, 4);
  });
});
