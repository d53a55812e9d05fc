import { afterEach, describe, expect, it } from 'vitest';
import { ZenError } from '../../src/index.js';
import { scriptHleAnswers } from '../../src/testing/hle-answers.js';
import { normalizeAnswer, exactMatch } from '../../src/eval/grade.js';
import { wilsonInterval } from '../../src/eval/stats.js';
import type { EvalItem, ItemResult } from '../../src/eval/types.js';
import { A, B, sampleItems, useTwoHosts } from './helpers.js';

const hosts = useTwoHosts();

afterEach(() => {
  hosts.primary.reset();
  hosts.second.reset();
});

async function scripted(accuracyA: number, accuracyB: number, extra: Parameters<typeof scriptHleAnswers>[2] = {}): Promise<EvalItem[]> {
  const items = await sampleItems();
  scriptHleAnswers(hosts.primary, items, { accuracy: accuracyA, ...extra });
  scriptHleAnswers(hosts.second, items, { accuracy: accuracyB, ...extra });
  return items;
}

describe('zen.evaluate', () => {
  it('grades every item on each pinned channel, with Wilson intervals, calibration, cost and latency', async () => {
    const items = await scripted(1, 0.3);
    const zen = await hosts.client();
    const results: ItemResult[] = [];
    const report = await zen.evaluate({
      dataset: items,
      channels: [A, B],
      concurrency: 4,
      onResult: (result) => void results.push(result),
    });

    expect(results).toHaveLength(60);
    // Each call went to its own host, never failed over: 30 calls on each simulator.
    expect(hosts.primary.callsFor('gpt-5-mini')).toHaveLength(30);
    expect(hosts.second.callsFor('gpt-5-mini')).toHaveLength(30);
    for (const result of results) {
      const item = items.find((entry) => entry.id === result.item)!;
      expect(result.outcome).toBe(exactMatch(result.extracted!, item.answer, item.answerType) ? 'correct' : 'incorrect');
      expect(result.confidence).toBeGreaterThan(0);
      expect(result.ttftMs).toBeTypeOf('number');
    }
    const [a, b] = report.channels;
    expect(a!.channel).toBe(A);
    expect(a!.accuracy).toBe(1);
    const rightB = results.filter((result) => result.channel === B && result.outcome === 'correct').length;
    expect(rightB).toBeGreaterThan(2);
    expect(rightB).toBeLessThan(20);
    expect(b!.correct).toBe(rightB);
    expect(b!.ci95).toEqual(wilsonInterval(rightB, 30));
    expect(b!.calibrationErrorRms).toBeGreaterThan(0.1);
    expect(a!.costUsd).toBeGreaterThan(0);
    expect(a!.latency.p50Ms).toBeTypeOf('number');
    expect(a!.byCategory.map((category) => category.category)).toContain('Physics');
    expect(a!.byCategory.reduce((sum, category) => sum + category.graded, 0)).toBe(30);

    // McNemar on the same items flags the second host's channel as worse, with the items listed.
    const comparison = report.comparisons[0]!;
    expect(comparison.worse).toBe(B);
    expect(comparison.onlyA).toBe(30 - rightB);
    expect(comparison.onlyB).toBe(0);
    expect(comparison.disagreements.every((entry) => entry.correct === A)).toBe(true);
    expect(comparison.pValue).toBeLessThan(1e-3);

    // The ledger marks the calls as evaluation calls, and holds one evaluation record per answer.
    await zen.flush();
    const evaluations = [];
    const tagged = [];
    for await (const record of zen.ledger.query()) {
      if (record.type === 'evaluation') evaluations.push(record);
      if (record.type === 'request' && record.tags?.zen_eval === report.run) tagged.push(record);
    }
    expect(evaluations).toHaveLength(60);
    expect(tagged).toHaveLength(60);
    expect(tagged.every((record) => record.attempts.length === 1)).toBe(true);
    // No content in the ledger's evaluation records.
    expect(JSON.stringify(evaluations)).not.toContain('Explanation');

    // The router's quality model heard the graded answers: the second host's channel now ranks lower.
    const channelA = (await zen.plan({ model: A, request: { messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] } }))
      .order[0]!.channel;
    const channelB = (await zen.plan({ model: B, request: { messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] } }))
      .order[0]!.channel;
    expect(zen.quality.estimate(channelA, 'reasoning').mean).toBeGreaterThan(zen.quality.estimate(channelB, 'reasoning').mean + 0.2);
  });

  it('never spends more than its budget, and stops with what it graded', async () => {
    const items = await scripted(0.8, 0.8);
    const zen = await hosts.client();
    const unlimited = await zen.evaluate({ dataset: items.slice(0, 4), channels: [A], maxOutputTokens: 256 });
    const budgetUsd = 0.003;
    const report = await zen.evaluate({ dataset: items, channels: [A, B], maxOutputTokens: 256, budgetUsd, concurrency: 3 });
    expect(report.stopped).toBe('budget');
    expect(report.spentUsd).toBeLessThanOrEqual(budgetUsd);
    expect(report.spentUsd).toBeGreaterThan(0);
    expect(report.budgetOverruns).toBe(0);
    const answered = report.channels.reduce((sum, channel) => sum + channel.attempted, 0);
    expect(answered).toBeGreaterThan(0);
    expect(answered).toBeLessThan(60);
    expect(unlimited.stopped).toBeUndefined();
  });

  it('grades with an LLM judge through the router when asked', async () => {
    const items = await scripted(0.6, 0.6);
    const zen = await hosts.client();
    const results: ItemResult[] = [];
    const report = await zen.evaluate({
      dataset: items.slice(0, 10),
      channels: [A],
      judge: 'google/gemini-2.5-flash',
      onResult: (result) => void results.push(result),
    });
    expect(results.every((result) => result.grader === 'judge')).toBe(true);
    expect(report.channels[0]!.judgeCostUsd).toBeGreaterThan(0);
    expect(hosts.primary.callsFor('gemini-2.5-flash')).toHaveLength(10);
    for (const result of results) {
      const item = items.find((entry) => entry.id === result.item)!;
      expect(
        normalizeAnswer(result.extracted!) === normalizeAnswer(item.answer) ||
          (item.answerType === 'multipleChoice' && result.extracted === item.answer),
      ).toBe(result.outcome === 'correct');
    }
  });

  it('resumes: earlier results are kept and their items are not asked again', async () => {
    const items = await scripted(0.7, 0.4);
    const zen = await hosts.client();
    const first: ItemResult[] = [];
    await zen.evaluate({ dataset: items, channels: [A, B], limit: 10, onResult: (result) => void first.push(result) });
    hosts.primary.calls.length = 0;
    const report = await zen.evaluate({ dataset: items, channels: [A, B], resume: first });
    expect(hosts.primary.callsFor('gpt-5-mini')).toHaveLength(20);
    expect(report.resumed).toBe(20);
    expect(report.channels.map((channel) => channel.attempted)).toEqual([30, 30]);
    expect(report.comparisons[0]!.paired).toBe(30);
  });

  it('stops when its signal aborts, keeping what was graded', async () => {
    const items = await scripted(0.7, 0.7, { ttftMs: 30 });
    const zen = await hosts.client();
    const controller = new AbortController();
    const results: ItemResult[] = [];
    const report = await zen.evaluate({
      dataset: items,
      channels: [A],
      concurrency: 2,
      signal: controller.signal,
      onResult: (result) => {
        results.push(result);
        if (results.length === 5) controller.abort();
      },
    });
    expect(report.stopped).toBe('aborted');
    expect(report.channels[0]!.attempted).toBe(results.length);
    expect(results.length).toBeGreaterThanOrEqual(5);
    expect(results.length).toBeLessThan(30);
    expect(results.every((result) => result.outcome !== 'error')).toBe(true);
  });

  it('counts errors apart from accuracy, and refusals as wrong', async () => {
    const items = (await scripted(1, 1)).slice(0, 6);
    hosts.primary.enqueue('gpt-5-mini', { fault: { type: 'http', status: 500 } }, { text: "I'm sorry, but I can't help with that." });
    const zen = await hosts.client();
    const report = await zen.evaluate({ dataset: items, channels: [A], concurrency: 1 });
    const summary = report.channels[0]!;
    expect(summary.errors).toBe(1);
    expect(summary.refusals).toBe(1);
    expect(summary.graded).toBe(5);
    expect(summary.correct).toBe(4);
    expect(summary.accuracy).toBeCloseTo(4 / 5, 12);
  });

  it('reads the dataset lazily: an endless generator is pulled only as far as it is asked', async () => {
    const items = await scripted(1, 1);
    const zen = await hosts.client();
    let pulled = 0;
    async function* endless(): AsyncGenerator<EvalItem> {
      for (let k = 0; ; k += 1) {
        pulled += 1;
        yield { ...items[k % items.length]!, id: `gen-${k}` };
      }
    }
    let pulledAtFirstResult = -1;
    const report = await zen.evaluate({
      dataset: endless(),
      channels: [A],
      concurrency: 3,
      limit: 12,
      onResult: () => void (pulledAtFirstResult = pulledAtFirstResult < 0 ? pulled : pulledAtFirstResult),
    });
    expect(report.channels[0]!.attempted).toBe(12);
    expect(pulled).toBeLessThanOrEqual(13);
    expect(pulledAtFirstResult).toBeLessThanOrEqual(4);
  });

  it('refuses bad options and bad items with a clear ZenError', async () => {
    const items = await scripted(1, 1);
    const zen = await hosts.client();
    const failure = async (promise: Promise<unknown>): Promise<ZenError> => {
      try {
        await promise;
      } catch (error) {
        if (ZenError.isInstance(error)) return error;
        throw error;
      }
      throw new Error('expected a ZenError');
    };
    expect((await failure(zen.evaluate({ dataset: items }))).message).toMatch(/channels` or `models/);
    expect((await failure(zen.evaluate({ dataset: items, channels: [A], concurrency: 0 }))).message).toMatch(/concurrency.*>= 1/);
    expect((await failure(zen.evaluate({ dataset: 'hle.jsonl' as never, channels: [A] }))).message).toMatch(/dataset.*iterable/);
    expect((await failure(zen.evaluate({ dataset: items, channels: [A], budgetUsd: -1 }))).message).toMatch(/budgetUsd/);
    const bad = await failure(
      zen.evaluate({
        dataset: [items[0]!, { id: 'x', question: 'q', answer: '', answerType: 'exactMatch' }],
        channels: [A],
        concurrency: 1,
      }),
    );
    expect(bad.kind).toBe('invalid_request');
    expect(bad.message).toMatch(/item 1.*'answer'/);
    expect((await failure(zen.evaluate({ dataset: items, channels: ['openai/gpt-5-mini:nowhere'] }))).kind).toBe('configuration');
  });
});
