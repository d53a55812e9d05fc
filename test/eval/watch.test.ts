import { afterEach, describe, expect, it } from 'vitest';
import { scriptHleAnswers } from '../../src/testing/hle-answers.js';
import { parseEvery, type WatchScheduler } from '../../src/eval/watch.js';
import type { DegradationEvent, WatchRun } from '../../src/eval/watch-types.js';
import type { EvalItem } from '../../src/eval/types.js';
import { A, B, sampleItems, useTwoHosts } from './helpers.js';

const hosts = useTwoHosts();

afterEach(() => {
  hosts.primary.reset();
  hosts.second.reset();
});

/** A scheduler the test drives: it records what the watch asked for and never fires by itself. */
function manualScheduler(): WatchScheduler & { delays: number[]; pending: Array<() => void> } {
  const delays: number[] = [];
  const pending: Array<() => void> = [];
  return {
    delays,
    pending,
    schedule(run, delayMs) {
      delays.push(delayMs);
      pending.push(run);
      return { cancel: () => void pending.splice(pending.indexOf(run), 1) };
    },
  };
}

const RUN_ITEMS = 10;
// The test machine's load is not the channel's: here latencies under 500 ms are one level.
const FLOOR = { latencyFloorMs: 500 };

async function canary(): Promise<EvalItem[]> {
  return (await sampleItems()).filter((item) => !item.image).slice(0, RUN_ITEMS);
}

describe('zen.watch', () => {
  it('flags a channel that starts answering wrongly after N calls within 2 canary runs, and acts on it', async () => {
    const items = await canary();
    const CHANGE_AFTER = 60; // calls: 3 baseline runs and 3 watched runs are healthy
    scriptHleAnswers(hosts.primary, items, { accuracy: 0.9, seed: 7 });
    scriptHleAnswers(hosts.second, items, { accuracy: (_model, call) => (call > CHANGE_AFTER ? 0 : 0.9), seed: 7 });
    const zen = await hosts.client();
    const scheduler = manualScheduler();
    const degradations: DegradationEvent[] = [];
    const onClient: DegradationEvent[] = [];
    zen.on('degradation', (event) => onClient.push(event));
    const runs: WatchRun[] = [];
    const watch = zen.watch({
      dataset: items,
      channels: [A, B],
      every: '15m',
      budgetUsdPerDay: 5,
      scheduler,
      immediate: false,
      openBreaker: { cooldownMs: 60_000 },
      ...FLOOR,
    });
    watch.on('degradation', (event) => degradations.push(event));
    watch.on('run', (run) => runs.push(run));
    expect(scheduler.delays).toEqual([15 * 60_000]);

    const channelB = (await zen.plan({ model: B, request: { messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] } }))
      .order[0]!.channel;
    let beforeChange = 0;
    for (let run = 1; run <= 10; run += 1) {
      await watch.runOnce();
      if (run === 6) beforeChange = zen.quality.estimate(channelB, 'math').mean;
    }
    // Nothing before the change; the change starts with run 7; flagged by run 8 at the latest.
    expect(degradations.length).toBeGreaterThan(0);
    const first = degradations[0]!;
    expect(first.channel).toBe(B);
    expect(first.metric).toBe('accuracy');
    const flaggedAt = runs.find((run) => run.run === first.run)!.index;
    expect(flaggedAt).toBeGreaterThanOrEqual(7);
    expect(flaggedAt).toBeLessThanOrEqual(8);
    expect(first.baseline).toBeGreaterThan(0.7);
    expect(first.observed).toBeLessThan(0.2);
    expect(degradations.every((event) => event.channel === B)).toBe(true);
    expect(onClient).toEqual(degradations);
    // The router acts on it: the breaker is held open and the quality estimate fell.
    expect(first.breakerOpened).toBe(true);
    expect(zen.state.breakerState(channelB)).toBe('open');
    expect(zen.quality.estimate(channelB, 'math').mean).toBeLessThan(beforeChange - 0.2);
    // And the ledger has it.
    await zen.flush();
    const records = [];
    for await (const record of zen.ledger.query({ types: ['degradation'] })) records.push(record);
    expect(records).toHaveLength(degradations.length);
    expect(watch.status().find((entry) => entry.channel === B)!.degraded).toContain('accuracy');
    await watch.stop();
  });

  it('raises no alarm on a healthy channel over 300 canary runs (3,000 answers at 80 % accuracy)', async () => {
    const items = await canary();
    scriptHleAnswers(hosts.primary, items, { accuracy: 0.8, seed: 11 });
    const zen = await hosts.client();
    const degradations: DegradationEvent[] = [];
    const watch = zen.watch({
      dataset: items,
      channels: [A],
      every: 1_000,
      budgetUsdPerDay: 50,
      scheduler: manualScheduler(),
      immediate: false,
      concurrency: 5,
      ...FLOOR,
    });
    watch.on('degradation', (event) => degradations.push(event));
    let correct = 0;
    for (let run = 0; run < 300; run += 1) correct += (await watch.runOnce())!.channels[0]!.correct;
    // The channel really was noisy (so the test can fail), and no alarm was raised.
    expect(correct / 3_000).toBeGreaterThan(0.7);
    expect(correct / 3_000).toBeLessThan(0.9);
    expect(degradations).toEqual([]);
    expect(watch.status()[0]!.phase).toBe('watching');
    await watch.stop();
  }, 180_000);

  it('keeps to its daily budget: a run that would not fit is skipped until the next day', async () => {
    const items = (await canary()).slice(0, 3);
    scriptHleAnswers(hosts.primary, items, { accuracy: 1 });
    const zen = await hosts.client();
    let now = Date.parse('2025-03-01T10:00:00Z');
    const skipped: unknown[] = [];
    const watch = zen.watch({
      dataset: items,
      channels: [A],
      every: '1h',
      budgetUsdPerDay: 0.001,
      maxOutputTokens: 64,
      scheduler: manualScheduler(),
      immediate: false,
      now: () => now,
    });
    watch.on('skipped', (event) => skipped.push(event));
    const spent: number[] = [];
    for (let k = 0; k < 12; k += 1) {
      const run = await watch.runOnce();
      if (run) spent.push(run.spentUsd);
    }
    const total = spent.reduce((sum, value) => sum + value, 0);
    expect(total).toBeLessThanOrEqual(0.001);
    expect(total).toBeGreaterThan(0);
    expect(skipped.length).toBeGreaterThan(0);
    expect(spent.length + skipped.length).toBe(12);
    now += 86_400_000;
    const nextDay = await watch.runOnce();
    expect(nextDay?.spentUsd).toBeGreaterThan(0);
    await watch.stop();
  });

  it('counts production calls’ detector events as evidence', async () => {
    const items = await canary();
    scriptHleAnswers(hosts.primary, items, { accuracy: 1 });
    const zen = await hosts.client();
    const degradations: DegradationEvent[] = [];
    const watch = zen.watch({
      dataset: items,
      channels: [A],
      every: '1h',
      budgetUsdPerDay: 1,
      scheduler: manualScheduler(),
      immediate: false,
      production: { baselineCalls: 30 },
    });
    watch.on('degradation', (event) => degradations.push(event));
    const ask = () => zen.chat.completions.create({ model: A, messages: [{ role: 'user', content: 'Summarise the meeting.' }] });
    for (let k = 0; k < 30; k += 1) await ask();
    expect(degradations).toEqual([]);
    // Now the channel refuses: the refusal detector files an event per call.
    hosts.primary.setDefault('gpt-5-mini', { text: "I'm sorry, but I can't help with that." });
    let calls = 0;
    while (degradations.length === 0 && calls < 20) {
      await ask();
      calls += 1;
    }
    expect(degradations[0]?.metric).toBe('defects');
    // p0 = 1/32 from the clean calls, p1 = p0 + 0.1: each refusal adds ln(p1/p0) ≈ 1.44 to the CUSUM, h = ln(10,000) ≈ 9.2.
    expect(calls).toBeLessThanOrEqual(8);
    await watch.stop();
  });

  it('flags a channel whose answers become several times slower', async () => {
    const items = await canary();
    scriptHleAnswers(hosts.primary, items, { accuracy: 1 });
    // Fast at first, then 2 s to the first token from call 51 on (run 6).
    scriptHleAnswers(hosts.second, items, { accuracy: 1, ttftMs: (_model, call) => (call > 50 ? 2_000 : 0) });
    const zen = await hosts.client();
    const degradations: DegradationEvent[] = [];
    const runs: WatchRun[] = [];
    const watch = zen.watch({
      dataset: items,
      channels: [A, B],
      every: '1h',
      budgetUsdPerDay: 5,
      scheduler: manualScheduler(),
      immediate: false,
      concurrency: 10,
      ...FLOOR,
    });
    watch.on('degradation', (event) => degradations.push(event));
    watch.on('run', (run) => runs.push(run));
    for (let run = 1; run <= 8 && degradations.length === 0; run += 1) await watch.runOnce();
    const latency = degradations.find((event) => event.metric === 'latency');
    expect(latency?.channel).toBe(B);
    expect(latency!.observed).toBeGreaterThan(1_900);
    // The change starts with run 6; at least fourfold slower (the floor is 500 ms), it is flagged by run 8.
    const at = runs.find((run) => run.run === latency!.run)!.index;
    expect(at).toBeGreaterThanOrEqual(6);
    expect(at).toBeLessThanOrEqual(8);
    expect(degradations.filter((event) => event.channel === A)).toEqual([]);
    await watch.stop();
  });

  it('reads `every` and refuses bad options', async () => {
    expect(parseEvery('30s')).toBe(30_000);
    expect(parseEvery('1.5h')).toBe(5_400_000);
    expect(parseEvery(250)).toBe(250);
    expect(() => parseEvery('soon')).toThrow(/every/);
    const zen = await hosts.client();
    expect(() => zen.watch({ dataset: [], channels: [A], every: '1h', budgetUsdPerDay: 1 })).toThrow(/non-empty/);
    expect(() =>
      zen.watch({
        dataset: [{ id: 'a', question: 'q', answer: '1', answerType: 'exactMatch' }],
        channels: [A],
        every: '1h',
        budgetUsdPerDay: 0,
      }),
    ).toThrow(/budgetUsdPerDay/);
  });
});
