import { readFileSync } from 'node:fs';
import { countTokens } from 'gpt-tokenizer';
import OpenAI from 'openai';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ZenClient } from '../../src/index.js';
import type { GenerationRequest } from '../../src/core/request.js';
import { analyzePrompt, analyzePromptInSlices, countPromptTokens } from '../../src/policy/analyze-prompt.js';
import { Catalog, type ModelDefinition, type ProviderInfo } from '../../src/policy/catalog.js';
import { LiveState } from '../../src/policy/live-state.js';
import { builtInPolicies } from '../../src/policy/policies/index.js';
import { BetaQualityModel } from '../../src/policy/quality-model.js';
import { routeCountingTokens, type Route } from '../../src/policy/router.js';
import {
  clearTokenCache,
  countTextsTokens,
  EXACT_LIMIT,
  LONG_PIECE,
  TOKEN_CACHE_MAX_BYTES,
  tokenCacheSize,
  tokenCountWork,
} from '../../src/policy/token-count.js';
import { estimateTextTokens } from '../../src/policy/token-estimate.js';
import { useSimulator } from '../helpers/simulator.js';

const exact = (text: string): number => countTokens(text, { disallowedSpecial: new Set() });
const request = (text: string): GenerationRequest => ({ messages: [{ role: 'user', content: [{ type: 'text', text }] }] });

/** Ordinary texts of this repository: prose, tables and code. */
const ordinary = [
  readFileSync(new URL('../../README.md', import.meta.url), 'utf8'),
  readFileSync(new URL('../../src/policy/router.ts', import.meta.url), 'utf8'),
  readFileSync(new URL('../insurance/fixtures/redaction-labelled.ts', import.meta.url), 'utf8'),
  'Summarise the plot of Hamlet in one sentence.',
  "It's 9:30 — don't forget: naïve café, 東京タワー, Привет мир, 🦊🦊 and <|endoftext|> are text.",
];

/** Han characters without punctuation: one pre-tokenizer piece, the tokenizer's quadratic case. */
function chineseRun(length: number): string {
  let text = '';
  for (let index = 0; index < length; index += 1) text += String.fromCharCode(0x4e00 + ((index * 7919) % 0x1400));
  return text;
}

/** Resolves with whether a timer set before `work` started fired before `work` finished. */
async function timerFiresDuring(work: () => Promise<unknown>): Promise<boolean> {
  let fired = false;
  setTimeout(() => {
    fired = true;
  }, 0);
  let firedBeforeEnd = false;
  await work().then(() => {
    firedBeforeEnd = fired;
  });
  return firedBeforeEnd;
}

beforeEach(() => clearTokenCache());

describe('the token estimate', () => {
  it('bounds the exact count on ordinary text and in every script, and is within 12 % of it on prose and code', () => {
    for (const text of ordinary) {
      const estimate = estimateTextTokens(text);
      const count = exact(text);
      expect(estimate.low).toBeLessThanOrEqual(count);
      expect(estimate.high).toBeGreaterThanOrEqual(count);
      if (text.length > 1_000) expect(Math.abs(estimate.estimate / count - 1)).toBeLessThan(0.12);
    }
    for (const text of ['a'.repeat(3_000), chineseRun(2_000), '1234567890 '.repeat(200), '!?'.repeat(500), ' \n\t '.repeat(300)]) {
      const estimate = estimateTextTokens(text);
      const count = exact(text);
      expect(estimate.low).toBeLessThanOrEqual(count);
      expect(estimate.high).toBeGreaterThanOrEqual(count);
    }
  });

  it('analyses a prompt without loading or calling the tokenizer', () => {
    const before = tokenCountWork.tokenizerCalls;
    const analysis = analyzePrompt(request(ordinary[0]!));
    expect(analysis.inputTokensSource).toBe('estimated');
    expect(analysis.inputTokenBounds.low).toBeLessThanOrEqual(analysis.inputTokens);
    expect(analysis.inputTokenBounds.high).toBeGreaterThanOrEqual(analysis.inputTokens);
    expect(tokenCountWork.tokenizerCalls).toBe(before);
  });

  it('a 2 MB prompt is analysed in slices, with the same result as in one pass', async () => {
    const prompt = request('lorem ipsum dolor sit amet, '.repeat(75_000));
    let analysis: Awaited<ReturnType<typeof analyzePromptInSlices>> | undefined;
    expect(await timerFiresDuring(async () => (analysis = await analyzePromptInSlices(prompt)))).toBe(true);
    expect(analysis).toEqual(analyzePrompt(prompt));
  });
});

describe('counting', () => {
  for (const inThisThread of [true, false]) {
    it(`${inThisThread ? 'in this thread' : 'in a worker thread'}: equals gpt-tokenizer's count on ordinary text, special tokens counted as text`, async () => {
      const counts = await countTextsTokens(ordinary, { inThisThread });
      expect(counts.map((count) => count.tokens)).toEqual(ordinary.map(exact));
      expect(counts.every((count) => !count.sampled)).toBe(true);
      expect(tokenCountWork.backend).toBe(inThisThread ? 'this-thread' : 'worker');
    });
  }

  it('counts one long word in chunks: 100,000 letters in linear work, within a token per chunk', async () => {
    const calls = tokenCountWork.tokenizerCalls;
    const characters = tokenCountWork.charactersCounted;
    const [count] = await countTextsTokens(['a'.repeat(100_000)], { inThisThread: true });
    // o200k spells a run of a's in tokens of eight: 12,500, give or take a token where chunks meet.
    expect(count!.sampled).toBe(false);
    expect(Math.abs(count!.tokens - 12_500)).toBeLessThanOrEqual(10);
    expect(tokenCountWork.tokenizerCalls - calls).toBeGreaterThanOrEqual(100_000 / LONG_PIECE);
    expect(tokenCountWork.charactersCounted - characters).toBe(100_000);
  });

  it('20,000 Chinese characters without punctuation: counted in chunks, and the event loop gets turns meanwhile', async () => {
    const text = chineseRun(20_000);
    const pieces = tokenCountWork.longPieces;
    let counted: Awaited<ReturnType<typeof countTextsTokens>> = [];
    expect(await timerFiresDuring(async () => (counted = await countTextsTokens([text], { inThisThread: true })))).toBe(true);
    expect(tokenCountWork.longPieces).toBeGreaterThan(pieces);
    const bounds = estimateTextTokens(text);
    expect(counted[0]!.tokens).toBeGreaterThanOrEqual(bounds.low);
    expect(counted[0]!.tokens).toBeLessThanOrEqual(bounds.high);
  });

  it('a text above the exact limit (1 MB of one letter) is measured on a bounded sample', async () => {
    const characters = tokenCountWork.charactersCounted;
    const text = 'a'.repeat(1_000_000);
    let counted: Awaited<ReturnType<typeof countTextsTokens>> = [];
    expect(await timerFiresDuring(async () => (counted = await countTextsTokens([text], { inThisThread: true })))).toBe(true);
    expect(counted[0]!.sampled).toBe(true);
    expect(tokenCountWork.charactersCounted - characters).toBeLessThanOrEqual(EXACT_LIMIT);
    // Eight letters a token, as on the sample: the estimate's own guess (four) is corrected.
    expect(counted[0]!.tokens).toBeGreaterThan(1_000_000 / 8 - 1_000);
    expect(counted[0]!.tokens).toBeLessThan(1_000_000 / 8 + 1_000);
  });

  it('caches counts by a hash of the text, in a cache bounded in bytes', async () => {
    const long = 'The quick brown fox jumps over the lazy dog. '.repeat(2_000); // 90,000 characters
    await countTextsTokens([long], { inThisThread: true });
    const one = tokenCacheSize();
    expect(one.entries).toBe(1);
    expect(one.bytes).toBeLessThan(200); // the key is a hash, not the prompt
    const hits = tokenCountWork.cacheHits;
    await countTextsTokens([long], { inThisThread: true });
    expect(tokenCountWork.cacheHits).toBe(hits + 1);
    await countTextsTokens(
      Array.from({ length: 5_000 }, (_, index) => `message ${index}`),
      { inThisThread: true },
    );
    const full = tokenCacheSize();
    expect(full.bytes).toBeLessThanOrEqual(TOKEN_CACHE_MAX_BYTES);
    expect(full.entries).toBeLessThan(5_000);
    expect(full.entries).toBeGreaterThan(1_000);
  });

  it('countPromptTokens adds framing and images to the texts and keeps the rest of the analysis', async () => {
    const prompt: GenerationRequest = {
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture?' },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } },
          ],
        },
      ],
    };
    const counted = await countPromptTokens(prompt);
    expect(counted.inputTokensSource).toBe('counted');
    expect(counted.inputTokens).toBe(2 * 4 + 1_000 + exact('Be brief.') + exact('What is in this picture?'));
    expect(counted.inputTokenBounds).toEqual({ low: counted.inputTokens, high: counted.inputTokens });
    expect(counted.requires.vision).toBe(true);
  });
});

describe('routing counts only when the estimate leaves a decision open', () => {
  const provider: ProviderInfo = { name: 'p', family: 'openai', vendors: ['acme'], models: [] };
  const capabilities = { tools: true, vision: true, structuredOutput: true, reasoning: false, imageOutput: false, temperature: true };
  const models: Record<string, ModelDefinition> = {
    'acme/small': { contextWindow: 3_000, price: { inputPerMTok: 0.1, outputPerMTok: 0.4 }, capabilities, quality: 0.7 },
    'acme/large': { contextWindow: 1_000_000, price: { inputPerMTok: 2, outputPerMTok: 8 }, capabilities, quality: 0.7 },
  };
  const deps = {
    catalog: new Catalog({ models }),
    providers: () => [provider],
    quality: new BetaQualityModel(),
    state: new LiveState(),
    policies: builtInPolicies(),
  };
  const routeOf = (text: string) =>
    routeCountingTokens({ request: request(text), model: ['acme/small', 'acme/large'], routing: { policy: 'cheapest' } }, deps);
  // The price data loads on the first call; these tests look at later calls.
  beforeAll(() => deps.catalog.load(['acme']));

  it('a prompt far below every window is routed at once on the estimate: no promise, no tokenizer', () => {
    const calls = tokenCountWork.tokenizerCalls;
    const plan = routeOf('Summarise the plot of Hamlet in one sentence.');
    expect(plan).not.toBeInstanceOf(Promise);
    expect((plan as Route).analysis.inputTokensSource).toBe('estimated');
    expect((plan as Route).order[0]!.channel.id).toBe('acme/small:p');
    expect(tokenCountWork.tokenizerCalls).toBe(calls);
  });

  it('a window between the bounds makes the router count, and decide on the count', async () => {
    const text = ordinary[0]!.slice(0, 9_000); // about 2,000 tokens: bounds on both sides of 3,000
    const estimate = estimateTextTokens(text);
    expect(estimate.low).toBeLessThan(3_000);
    expect(estimate.high).toBeGreaterThan(3_000);
    const pending = routeOf(text);
    expect(pending).toBeInstanceOf(Promise);
    const plan = await pending;
    expect(plan.analysis.inputTokensSource).toBe('counted');
    expect(plan.analysis.inputTokens).toBe(4 + exact(text));
    expect(plan.order[0]!.channel.id).toBe(plan.analysis.inputTokens <= 3_000 ? 'acme/small:p' : 'acme/large:p');
  });

  it('a prompt too big for one window by its lower bound is not counted for it', () => {
    const text = 'word '.repeat(10_000); // at least 10,000 tokens
    const plan = routeOf(text);
    expect(plan).not.toBeInstanceOf(Promise);
    expect((plan as Route).order.map((candidate) => candidate.channel.id)).toEqual(['acme/large:p']);
  });
});

describe('ZenClient with pathological prompts', () => {
  const sim = useSimulator();

  it('a 1 MB prompt of one letter and 20,000 Chinese characters are answered, the loop free meanwhile', async () => {
    sim.setDefault('*', { text: 'ok', usage: { input: 10, output: 1 } });
    const zen = new ZenClient({
      providers: { openai: new OpenAI({ apiKey: 'sk-test-00000000000000000000', baseURL: sim.openaiBaseURL, maxRetries: 0 }) },
      routing: { models: ['openai/gpt-4o-mini', 'openai/gpt-4.1-mini'] },
    });
    for (const content of ['a'.repeat(1_000_000), chineseRun(20_000)]) {
      let answer: OpenAI.ChatCompletion | undefined;
      const free = await timerFiresDuring(
        async () =>
          (answer = (await zen.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content }] })) as OpenAI.ChatCompletion),
      );
      expect(free).toBe(true);
      expect(answer!.choices[0]!.message.content).toBe('ok');
    }
    await zen.close();
  });
});
