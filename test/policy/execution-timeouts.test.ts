import { describe, expect, it } from 'vitest';
import { ZenError } from '../../src/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { anthropicClient, attemptsOf, ch, HAIKU, MINI, run, sleep, tracedOpenAI, UP, zenClient, type TracedRequest } from './execution-helpers.js';

/**
 * Timeouts (total, per attempt, first token, idle gap) and cancellation, with real timing. Only
 * lower bounds and orderings are asserted; upper bounds, where any, are loose by a wide margin.
 */

const sim = useSimulator();
const MODES = [['stream', true], ['non-stream', false]] as const;
const SLOW = { text: 'too late', ttftMs: 2_000 };

describe.each(MODES)('%s', (_mode, stream) => {
  it('the total deadline (zen.timeouts.totalMs) ends the call with a typed timeout, and nothing starts after it', async () => {
    const zen = zenClient(sim);
    sim.enqueue(UP[MINI], SLOW);
    sim.enqueue(UP[HAIKU], { text: 'never asked' });
    const started = performance.now();
    const out = await run(zen, { model: [MINI, HAIKU], zen: { timeouts: { totalMs: 120 } } }, stream);
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
    expect(out.error?.kind).toBe('timeout');
    expect(out.error!.message).toContain('total deadline of 120 ms');
    expect(attemptsOf(out.zen)).toEqual([[ch(MINI), 'error', 'timeout', 0]]);
    await sleep(60);
    expect(sim.callsFor(UP[HAIKU])).toHaveLength(0);
  });

  it('the SDK-style second argument { timeout } is the total deadline', async () => {
    const zen = zenClient(sim);
    sim.enqueue(UP[MINI], SLOW);
    const started = performance.now();
    const out = await run(zen, { model: MINI }, stream, { timeout: 100 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    expect(out.error?.kind).toBe('timeout');
    expect(ZenError.isInstance(out.error)).toBe(true);
  });

  it('the total deadline also ends a retry backoff: the retry never starts', async () => {
    const zen = zenClient(sim, { routing: { retry: { retries: 1, minDelayMs: 1_500, maxDelayMs: 1_500 } } });
    sim.enqueue(UP[MINI], { fault: { type: 'http', status: 500 } }, { text: 'retried' });
    const started = performance.now();
    const out = await run(zen, { model: MINI, zen: { timeouts: { totalMs: 100 } } }, stream);
    const elapsed = performance.now() - started;
    expect(out.error?.kind).toBe('timeout');
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(1_400); // did not sit out the 1.5 s backoff
    expect(sim.callsFor(UP[MINI])).toHaveLength(1);
  });

  it('the attempt timeout (zen.timeouts.attemptMs) fails over to the next channel', async () => {
    const zen = zenClient(sim, { routing: { retry: { retries: 0 } } });
    sim.enqueue(UP[MINI], SLOW);
    sim.enqueue(UP[HAIKU], { text: 'in time' });
    const out = await run(zen, { model: [MINI, HAIKU], zen: { timeouts: { attemptMs: 80 } } }, stream);
    expect(out.text).toBe('in time');
    expect(attemptsOf(out.zen)).toEqual([[ch(MINI), 'error', 'timeout', 0], [ch(HAIKU), 'success', undefined, 0]]);
    expect(out.zen.attempts[0]!.durationMs).toBeGreaterThanOrEqual(75);
    expect(out.zen.attempts[0]!.message).toContain('exceeded 80 ms');
  });

  it("the caller's AbortSignal cancels a retry backoff: aborted, no further upstream call", async () => {
    const zen = zenClient(sim, { routing: { retry: { retries: 2, minDelayMs: 1_500, maxDelayMs: 1_500 } } });
    sim.enqueue(UP[MINI], { fault: { type: 'http', status: 500 } }, { text: 'retried' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 60);
    const started = performance.now();
    const out = await run(zen, { model: [MINI, HAIKU] }, stream, { signal: controller.signal });
    expect(out.error?.kind).toBe('aborted');
    expect(performance.now() - started).toBeLessThan(1_400);
    await sleep(50);
    expect(sim.callsFor(UP[MINI])).toHaveLength(1);
    expect(sim.callsFor(UP[HAIKU])).toHaveLength(0);
  });

  it('an already aborted signal makes no upstream call at all', async () => {
    const zen = zenClient(sim);
    const out = await run(zen, { model: [MINI, HAIKU] }, stream, { signal: AbortSignal.abort() });
    expect(out.error?.kind).toBe('aborted');
    expect(sim.calls).toHaveLength(0);
  });
});

describe('streams', () => {
  it('a first token later than firstTokenMs fails over before any chunk reaches the caller', async () => {
    const zen = zenClient(sim, { routing: { retry: { retries: 0 } } });
    sim.enqueue(UP[MINI], { text: 'slow primary words', ttftMs: 400 });
    sim.enqueue(UP[HAIKU], { text: 'Fast fallback words here.' });
    const out = await run(zen, { model: [MINI, HAIKU], zen: { timeouts: { firstTokenMs: 80 } } }, true);
    expect(out.pieces.join('')).toBe('Fast fallback words here.');
    for (const piece of out.pieces) expect('Fast fallback words here.').toContain(piece);
    expect(attemptsOf(out.zen)).toEqual([[ch(MINI), 'error', 'timeout', 0], [ch(HAIKU), 'success', undefined, 0]]);
    expect(out.zen.attempts[0]!.message).toContain('No first token');
    expect(out.zen.attempts[0]!.durationMs).toBeGreaterThanOrEqual(75);
  });

  it('a silent gap longer than idleMs mid-stream is a typed timeout, after the content already sent', async () => {
    const zen = zenClient(sim, { routing: { retry: { retries: 1 } } });
    sim.enqueue(UP[MINI], { text: 'one two three four five', tokensPerSecond: 4 }); // 250 ms between chunks
    const out = await run(zen, { model: [MINI, HAIKU], zen: { timeouts: { idleMs: 80 } } }, true);
    expect(out.error?.kind).toBe('timeout');
    expect(out.error!.message).toContain('silent for more than 80 ms');
    expect(out.text).toBe('one');
    // Content reached the caller: neither retried nor replayed elsewhere.
    expect(sim.callsFor(UP[HAIKU])).toHaveLength(0);
    expect(attemptsOf(out.zen)).toEqual([[ch(MINI), 'error', 'timeout', 0]]);
  });

  it('the total deadline also covers the stream after its first token: a typed timeout mid-stream', async () => {
    const zen = zenClient(sim);
    sim.enqueue(UP[MINI], { text: 'one two three four five six seven eight nine ten', tokensPerSecond: 20 }); // ~500 ms
    const out = await run(zen, { model: [MINI, HAIKU], zen: { timeouts: { totalMs: 150 } } }, true);
    expect(out.error?.kind).toBe('timeout');
    expect(out.error!.message).toContain('total deadline');
    expect(out.pieces.length).toBeGreaterThan(0);
    expect(out.pieces.length).toBeLessThan(10);
    expect(sim.callsFor(UP[HAIKU])).toHaveLength(0);
  });

  it('a steady stream slower in total than idleMs is not cut: the limit is per gap', async () => {
    const zen = zenClient(sim);
    sim.enqueue(UP[MINI], { text: 'a b c d e f g h', tokensPerSecond: 40 }); // 25 ms gaps, ~200 ms in all
    const out = await run(zen, { model: MINI, zen: { timeouts: { idleMs: 120 } } }, true);
    expect(out.error).toBeUndefined();
    expect(out.text).toBe('a b c d e f g h');
  });

  it('only waiting on the provider counts against idleMs: a caller that reads slowly is not cut off', async () => {
    const zen = zenClient(sim);
    sim.enqueue(UP[MINI], { text: 'a b c d e', tokensPerSecond: 200 }); // 5 ms gaps upstream
    const stream = await zen.chat.completions.create({ model: MINI, messages: [{ role: 'user', content: 'letters' }], stream: true, zen: { timeouts: { idleMs: 60 } } });
    const pieces: string[] = [];
    for await (const chunk of stream) {
      const piece = chunk.choices[0]?.delta.content;
      if (piece) pieces.push(piece);
      await sleep(100); // the caller takes longer over each chunk than idleMs allows the provider
    }
    expect(pieces.join('')).toBe('a b c d e');
    expect((await stream.metadata()).attempts.map((attempt) => attempt.outcome)).toEqual(['success']);
  });

  it("the caller's AbortSignal mid-stream ends iteration quietly and cancels the upstream request", async () => {
    const requests: TracedRequest[] = [];
    const zen = zenClient(sim, { providers: { openai: tracedOpenAI(sim, requests), anthropic: anthropicClient(sim) } });
    sim.enqueue(UP[MINI], { text: 'one two three four five six seven eight', tokensPerSecond: 20 });
    const controller = new AbortController();
    const stream = await zen.chat.completions.create({ model: [MINI, HAIKU], messages: [{ role: 'user', content: 'count' }], stream: true }, { signal: controller.signal });
    const pieces: string[] = [];
    for await (const chunk of stream) {
      const piece = chunk.choices[0]?.delta.content;
      if (piece) pieces.push(piece);
      if (pieces.length === 2) controller.abort();
    }
    expect(pieces).toHaveLength(2);
    const metadata = await stream.metadata();
    expect(attemptsOf(metadata)).toEqual([[ch(MINI), 'aborted', 'aborted', 0]]);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.signal?.aborted).toBe(true);
    await sleep(50);
    expect(sim.calls).toHaveLength(1);
  });

  it('stream.controller.abort() ends iteration quietly, like the openai SDK, and cancels upstream', async () => {
    const requests: TracedRequest[] = [];
    const zen = zenClient(sim, { providers: { openai: tracedOpenAI(sim, requests), anthropic: anthropicClient(sim) } });
    sim.enqueue(UP[MINI], { text: 'one two three four five six seven eight', tokensPerSecond: 20 });
    const stream = await zen.chat.completions.create({ model: MINI, messages: [{ role: 'user', content: 'count' }], stream: true });
    let chunks = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) chunks += 1;
      if (chunks === 1) stream.controller.abort();
    }
    expect(chunks).toBe(1);
    expect((await stream.metadata()).attempts.map((attempt) => attempt.outcome)).toEqual(['aborted']);
    expect(requests[0]!.signal?.aborted).toBe(true);
  });

  it('breaking out of the loop cancels the upstream request too', async () => {
    const requests: TracedRequest[] = [];
    const zen = zenClient(sim, { providers: { openai: tracedOpenAI(sim, requests), anthropic: anthropicClient(sim) } });
    sim.enqueue(UP[MINI], { text: 'one two three four five six seven eight', tokensPerSecond: 20 });
    const stream = await zen.chat.completions.create({ model: MINI, messages: [{ role: 'user', content: 'count' }], stream: true });
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) break;
    expect((await stream.metadata()).attempts.map((attempt) => attempt.outcome)).toEqual(['aborted']);
    expect(requests[0]!.signal?.aborted).toBe(true);
  });
});
