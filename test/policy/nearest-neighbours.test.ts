import { describe, expect, it } from 'vitest';
import { analyzePrompt } from '../../src/policy/analyze-prompt.js';
import { Catalog, type ProviderInfo } from '../../src/policy/catalog.js';
import { BetaQualityModel } from '../../src/policy/quality-model.js';
import { NearestNeighbourQualityModel, type GradedPrompt } from '../../src/policy/quality-models/nearest-neighbours.js';
import { ZenError } from '../../src/core/errors.js';

/**
 * The graded-prompt quality model on a synthetic evaluation set with a known structure: in one
 * group (arithmetic) which model answers well depends on the prompt (fractions go to b, integers
 * to a); in the other (trivia) scores are noise around each model's average. Cross-validation must
 * find the signal in the first and keep to the averages in the second.
 */

const provider: ProviderInfo = { name: 'p', family: 'openai', vendors: ['acme'], models: [] };
const catalog = new Catalog({
  models: {
    'acme/a': { price: { inputPerMTok: 1, outputPerMTok: 1 } },
    'acme/b': { price: { inputPerMTok: 1, outputPerMTok: 1 } },
    'acme/c': { price: { inputPerMTok: 1, outputPerMTok: 1 } },
  },
});
const a = catalog.channel('acme/a', provider);
const b = catalog.channel('acme/b', provider);
const c = catalog.channel('acme/c', provider);
const analysis = (text: string) => analyzePrompt({ messages: [{ role: 'user', content: [{ type: 'text', text }] }] });

const INSTRUCTION = 'Answer with a single number and nothing else.';
const NOUNS = ['apples', 'pears', 'coins', 'marbles', 'books', 'stamps', 'shells', 'cards', 'tickets', 'stones'];
const COUNTRIES = ['France', 'Peru', 'Kenya', 'Norway', 'Japan', 'Chile', 'Egypt', 'Canada', 'Nepal', 'Ghana', 'Spain', 'Laos'];

function examples(): GradedPrompt[] {
  const out: GradedPrompt[] = [];
  let seed = 11;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = 0; i < 60; i += 1) {
    const noun = NOUNS[i % NOUNS.length]!;
    const fractions = i % 2 === 0;
    const text = fractions
      ? `${INSTRUCTION}\nAdd the fractions ${i + 1}/7 and ${i + 2}/9 of the ${noun}, simplify the fraction numerator and denominator.`
      : `${INSTRUCTION}\nMultiply the whole integers ${i + 3} and ${i + 5} counting ${noun}, an integer product.`;
    out.push({ text, group: 'arithmetic', scores: { 'acme/a': fractions ? 0 : 1, 'acme/b': fractions ? 1 : 0 } });
  }
  for (let i = 0; i < 60; i += 1) {
    const country = COUNTRIES[i % COUNTRIES.length]!;
    out.push({
      text: `Trivia question: which city is the capital of ${country}, and what river runs through it (${i})?`,
      group: 'trivia',
      scores: { 'acme/a': random() < 0.7 ? 1 : 0, 'acme/b': random() < 0.4 ? 1 : 0 },
    });
  }
  return out;
}

describe('NearestNeighbourQualityModel', () => {
  const model = new NearestNeighbourQualityModel({ examples: examples() });

  it('puts a new prompt in its group by its text', () => {
    expect(model.groupOf(`${INSTRUCTION}\nAdd the fractions 2/3 and 5/11 of the pears, simplify the fraction.`, 'chat')).toBe('arithmetic');
    expect(model.groupOf('Trivia question: which city is the capital of Italy, and what river runs through it?', 'chat')).toBe('trivia');
  });

  it('follows the neighbours where they predict held-out scores, and names the shared instruction as boilerplate', () => {
    const fractions = analysis(
      `${INSTRUCTION}\nAdd the fractions 3/5 and 4/13 of the shells, simplify the fraction numerator and denominator.`,
    );
    const integers = analysis(`${INSTRUCTION}\nMultiply the whole integers 12 and 17 counting tickets, an integer product.`);
    expect(model.estimate(b, fractions.category, fractions).mean).toBeGreaterThan(0.8);
    expect(model.estimate(a, fractions.category, fractions).mean).toBeLessThan(0.2);
    expect(model.estimate(a, integers.category, integers).mean).toBeGreaterThan(0.8);
    expect(model.estimate(b, integers.category, integers).mean).toBeLessThan(0.2);
    const arithmetic = model.fit.groups.find((group) => group.group === 'arithmetic')!;
    expect(arithmetic.validation!.error).toBeLessThan(arithmetic.validation!.groupAverageError / 2);
    expect(model.fit.boilerplateLines).toBeGreaterThanOrEqual(1);
  });

  it('keeps to the group averages where the neighbours only add noise', () => {
    const trivia = model.fit.groups.find((group) => group.group === 'trivia')!;
    // The chosen setting did no worse than the averages alone on held-out examples.
    expect(trivia.validation!.error).toBeLessThanOrEqual(trivia.validation!.groupAverageError + 1e-9);
    const prompt = analysis('Trivia question: which city is the capital of Kenya, and what river runs through it?');
    const mean = (channel: typeof a) => model.estimate(channel, prompt.category, prompt).mean;
    const scores = examples().filter((example) => example.group === 'trivia');
    const average = (id: string) => scores.reduce((sum, example) => sum + example.scores[id]!, 0) / scores.length;
    expect(Math.abs(mean(a) - average('acme/a'))).toBeLessThan(0.1);
    expect(Math.abs(mean(b) - average('acme/b'))).toBeLessThan(0.1);
    expect(mean(a)).toBeGreaterThan(mean(b));
  });

  it('falls back for models without grades and for prompts without text', () => {
    const fallback = new BetaQualityModel();
    const prompt = analysis('Trivia question: which city is the capital of Peru?');
    expect(model.estimate(c, prompt.category, prompt)).toEqual(fallback.estimate(c, prompt.category));
    expect(model.estimate(a, 'chat')).toEqual(fallback.estimate(a, 'chat'));
  });

  it('uses fixed settings when given, without cross-validation', () => {
    const fixed = new NearestNeighbourQualityModel({ examples: examples(), k: 5, shrinkage: 1 });
    expect(fixed.fit.groups.map((group) => [group.k, group.shrinkage.common, group.shrinkage.specific, group.validation])).toEqual([
      [5, 1, 1, undefined],
      [5, 1, 1, undefined],
    ]);
  });

  it('with the one-standard-error rule, trusts the neighbours no more than the lowest error does, and still finds real signal', () => {
    const careful = new NearestNeighbourQualityModel({ examples: examples(), selection: 'one-standard-error' });
    const trusting = (group: { shrinkage: { common: number; specific: number } }) =>
      -Math.min(group.shrinkage.common, 1e9) - Math.min(group.shrinkage.specific, 1e9);
    for (const group of careful.fit.groups) {
      const lowest = model.fit.groups.find((other) => other.group === group.group)!;
      expect(trusting(group)).toBeLessThanOrEqual(trusting(lowest));
      // Never worse than the averages alone by more than noise, never better than the lowest.
      expect(group.validation!.error).toBeGreaterThanOrEqual(lowest.validation!.error - 1e-12);
    }
    // The noise group keeps to its averages: neither part of what the neighbours say is used.
    const trivia = careful.fit.groups.find((group) => group.group === 'trivia')!;
    expect(trivia.shrinkage).toEqual({ common: Number.POSITIVE_INFINITY, specific: Number.POSITIVE_INFINITY });
    // Where the lowest error, by luck on 60 noisy prompts, follows the neighbours' word on each model.
    expect(model.fit.groups.find((group) => group.group === 'trivia')!.shrinkage.specific).toBeLessThan(Number.POSITIVE_INFINITY);
    // The arithmetic group's signal is far beyond one standard error: still followed.
    const fractions = analysis(
      `${INSTRUCTION}\nAdd the fractions 3/5 and 4/13 of the shells, simplify the fraction numerator and denominator.`,
    );
    expect(careful.estimate(b, fractions.category, fractions).mean).toBeGreaterThan(0.8);
    expect(careful.estimate(a, fractions.category, fractions).mean).toBeLessThan(0.2);
  });

  it('rejects bad options with a configuration error that names them', () => {
    const bad = (options: object, pattern: RegExp) => {
      let error: unknown;
      try {
        new NearestNeighbourQualityModel({ examples: examples(), ...options });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ZenError);
      expect((error as ZenError).kind).toBe('configuration');
      expect((error as ZenError).message).toMatch(pattern);
    };
    bad({ k: 0 }, /k must be 'auto' or a number of at least 1/);
    bad({ shrinkage: -1 }, /shrinkage must be/);
    bad({ shrinkage: { common: 1 } }, /shrinkage must be/);
    bad({ folds: 1 }, /folds must be an integer of at least 2/);
    bad({ selection: 'best' }, /selection must be 'lowest-error' or 'one-standard-error', got "best"/);
    bad({ boilerplate: 0 }, /boilerplate must be a share/);
    bad({ examples: [{ text: 'x', scores: { 'acme/a': 2 } }] }, /example 0 scores acme\/a 2/);
    bad({ examples: [{ text: 3, scores: {} }] }, /example 0 must be/);
    bad({ examples: 'nope' }, /needs `examples`/);
  });
});
