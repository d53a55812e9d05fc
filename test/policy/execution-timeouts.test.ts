import { describe, expect, it } from 'vitest';
import type { ZenClient } from '../../src/index.js';
import { ZenError } from '../../src/index.js';
import type { AttemptEvent } from '../../src/policy/events.js';
import { useSimulator } from '../helpers/simulator.js';
import { useVirtualTime } from '../helpers/virtual-time.js';
import { anthropicClient, attemptsOf, ch, HAIKU, MINI, run, tracedOpenAI, UP, zenClient, type TracedRequest } from './execution-helpers.js';

/**
 * Timeouts (total, per attempt, first token, idle gap) and cancellation, in virtual time: the
 * client's clock and timers are fake and move only when the test moves them, so each deadline
 * fires exactly when asserted, whatever the machine's load. A reply that must come too late is
 * scripted never to come (`stall`); the simulator's own pacing stays real.
 */

const sim = useSimulator();
const time = useVirtualTime();
const MODES = [
  ['stream', true],
  ['non-stream', false],
] as const;
/** Headers (a stream's) and then nothing: an upstream that answers too late, at any load. */
const STALL = { text: 'too late', fault: { type: 'stall' as const } };

function attemptEvents(zen: ZenClient): AttemptEvent[] {
  const events: AttemptEvent[] = [];
  zen.on('attempt', (event) => events.push(event));
  return events;
}

describe.each(MODES)('%s', (_mode, stream) => {
  it('the total deadline (zen.timeouts.totalMs) ends the call with a typed timeout, and nothing starts after it', async () => {
    const zen = zenClient(sim);
    sim.enqueue(UP[MINI], STALL);
    sim.enqueue(UP[HAIKU], { text: 'never asked' });
    const started = performance.now();
    const pending = run(zen, { model: [MINI, HAIKU], zen: { timeouts: { totalMs: 120 } } }, stream);
    await time.until(() => sim.callsFor(UP[MINI]).length === 1, 'the first attempt');
    await time.advance(119);
    expect(await time.settled(pending)).toBe(false);
    await time.advance(1);
    const out = await pending;
    expect(performance.now() - started).toBe(120);
    expect(out.error?.kind).toBe('timeout');
    expect(out.error!.message).toContain('total deadline of 120 ms');
    expect(attemptsOf(out.zen)).toEqual([[ch(MINI), 'error', 'timeout', 0]]);
    await time.advance(1_000);
    expect(sim.callsFor(UP[HAIKU])).toHaveLength(0);
  });

  it('the SDK-style second argument { timeout } is the total deadline', async () => {
    const zen = zenClient(sim);
    sim.enqueue(UP[MINI], STALL);
    const started = performance.now();
    const pending = run(zen, { model: MINI }, stream, { timeout: 100 });
    await time.until(() => sim.callsFor(UP[MINI]).length === 1, 'the attempt');
    await time.advance(99);
    expect(await time.settled(pending)).toBe(false);
    await time.advance(1);
    const out = await pending;
    expect(performance.now() - started).toBe(100);
    expect(out.error?.kind).toBe('timeout');
    expect(ZenError.isInstance(out.error)).toBe(true);
  });

  it('the total deadline also ends a retry backoff: the retry never starts', async () => {
    const zen = zenClient(sim, { routing: { retry: { retries: 1, minDelayMs: 1_500, maxDelayMs: 1_500 } } });
    const attempts = attemptEvents(zen);
    sim.enqueue(UP[MINI], { fault: { type: 'http', status: 500 } }, { text: 'retried' });
    const started = performance.now();
    const pending = run(zen, { model: MINI, zen: { timeouts: { totalMs: 100 } } }, stream);
    await time.until(() => attempts.length === 1, 'the failed first attempt');
    await time.advance(100);
    const out = await pending;
    expect(out.error?.kind).toBe('timeout');
    // Ended at the deadline, inside the 1.5 s backoff.
    expect(performance.now() - started).toBe(100);
    await time.advance(2_000);
    expect(sim.callsFor(UP[MINI])).toHaveLength(1);
  });

  it('the attempt timeout (zen.timeouts.attemptMs) fails over to the next channel', async () => {
    const zen = zenClient(sim, { routing: { retry: { retries: 0 } } });
    sim.enqueue(UP[MINI], STALL);
    sim.enqueue(UP[HAIKU], { text: 'in time' });
    const pending = run(zen, { model: [MINI, HAIKU], zen: { timeouts: { attemptMs: 80 } } }, stream);
    await time.until(() => sim.callsFor(UP[MINI]).length === 1, 'the first attempt');
    await time.advance(79);
    expect(sim.callsFor(UP[HAIKU])).toHaveLength(0);
    await time.advance(1);
    // The fallback answers in real time while the clock stands still: it cannot time out.
    const out = await pending;
    expect(out.text).toBe('in time');
    expect(attemptsOf(out.zen)).toEqual([
      [ch(MINI), 'error', 'timeout', 0],
      [ch(HAIKU), 'success', undefined, 0],
    ]);
    expect(out.zen.attempts[0]!.durationMs).toBe(80);
    expect(out.zen.attempts[0]!.message).toContain('exceeded 80 ms');
  });

  it("the caller's AbortSignal cancels a retry backoff: aborted, no further upstream call", async () => {
    const zen = zenClient(sim, { routing: { retry: { retries: 2, minDelayMs: 1_500, maxDelayMs: 1_500 } } });
    const attempts = attemptEvents(zen);
    sim.enqueue(UP[MINI], { fault: { type: 'http', status: 500 } }, { text: 'retried' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 60);
    const started = performance.now();
    const pending = run(zen, { model: [MINI, HAIKU] }, stream, { signal: controller.signal });
    await time.until(() => attempts.length === 1, 'the failed first attempt');
    await time.advance(60);
    const out = await pending;
    expect(out.error?.kind).toBe('aborted');
    expect(performance.now() - started).toBe(60);
    await time.advance(5_000);
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

/** Reads a stream, handing each content piece to `onPiece` (which may move time) before asking for the next. */
async function consume(
  stream: AsyncIterable<{ choices: Array<{ delta: { content?: string | null } }> }>,
  pieces: string[],
  onPiece?: () => Promise<void>,
): Promise<ZenError | undefined> {
  try {
    for await (const chunk of stream) {
      const piece = chunk.choices[0]?.delta.content;
      if (!piece) continue;
      pieces.push(piece);
      await onPiece?.();
    }
    return undefined;
  } catch (error) {
    expect(ZenError.isInstance(error)).toBe(true);
    return error as ZenError;
  }
}

describe('non-streamed calls', () => {
  // The SDKs' own request timeout ends when the headers come: a body that stalls is only ever
  // cut by the AbortSignal the attempt hands the SDK.
  it('the total deadline aborts the upstream request of a stalled body when it passes', async () => {
    const requests: TracedRequest[] = [];
    const zen = zenClient(sim, { providers: { openai: tracedOpenAI(sim, requests) } });
    sim.enqueue(UP[MINI], STALL);
    const pending = run(zen, { model: MINI, zen: { timeouts: { totalMs: 1_000 } } }, false);
    await time.until(() => sim.callsFor(UP[MINI]).length === 1, 'the attempt');
    await time.advance(1_000);
    const out = await pending;
    expect(out.error?.kind).toBe('timeout');
    expect(attemptsOf(out.zen)).toEqual([[ch(MINI), 'error', 'timeout', 0]]);
    expect(requests[0]!.signal?.aborted).toBe(true);
  });
});

describe('streams', () => {
  it('a first token later than firstTokenMs fails over before any chunk reaches the caller', async () => {
    const zen = zenClient(sim, { routing: { retry: { retries: 0 } } });
    sim.enqueue(UP[MINI], STALL);
    sim.enqueue(UP[HAIKU], { text: 'Fast fallback words here.' });
    const pending = run(zen, { model: [MINI, HAIKU], zen: { timeouts: { firstTokenMs: 80 } } }, true);
    await time.until(() => sim.callsFor(UP[MINI]).length === 1, 'the first attempt');
    await time.advance(80);
    const out = await pending;
    expect(out.pieces.join('')).toBe('Fast fallback words here.');
    for (const piece of out.pieces) expect('Fast fallback words here.').toContain(piece);
    expect(attemptsOf(out.zen)).toEqual([
      [ch(MINI), 'error', 'timeout', 0],
      [ch(HAIKU), 'success', undefined, 0],
    ]);
    expect(out.zen.attempts[0]!.message).toContain('No first token');
    expect(out.zen.attempts[0]!.durationMs).toBe(80);
  });

  it('a silent gap longer than idleMs mid-stream is a typed timeout, after the content already sent', async () => {
    const zen = zenClient(sim, { routing: { retry: { retries: 1 } } });
    // The first word, then silence.
    sim.enqueue(UP[MINI], { text: 'one two three four five', fault: { type: 'stall', afterChunks: 2 } });
    const stream = await zen.chat.completions.create({
      model: [MINI, HAIKU],
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
      zen: { timeouts: { idleMs: 80 } },
    });
    const pieces: string[] = [];
    const reading = consume(stream, pieces);
    await time.until(() => pieces.length === 1, 'the first word');
    await time.advance(79);
    expect(await time.settled(reading)).toBe(false);
    await time.advance(1);
    const error = await reading;
    expect(error?.kind).toBe('timeout');
    expect(error!.message).toContain('silent for more than 80 ms');
    expect(pieces.join('')).toBe('one');
    // Content reached the caller: neither retried nor replayed elsewhere.
    expect(sim.callsFor(UP[HAIKU])).toHaveLength(0);
    expect(attemptsOf(await stream.metadata())).toEqual([[ch(MINI), 'error', 'timeout', 0]]);
  });

  it('the total deadline also covers the stream after its first token: a typed timeout mid-stream', async () => {
    const zen = zenClient(sim);
    sim.enqueue(UP[MINI], { text: 'one two three four five six seven eight nine ten', fault: { type: 'stall', afterChunks: 4 } });
    const stream = await zen.chat.completions.create({
      model: [MINI, HAIKU],
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
      zen: { timeouts: { totalMs: 150 } },
    });
    const pieces: string[] = [];
    const reading = consume(stream, pieces);
    await time.until(() => pieces.length >= 1, 'the first words');
    await time.advance(150);
    const error = await reading;
    expect(error?.kind).toBe('timeout');
    expect(error!.message).toContain('total deadline');
    expect(pieces.length).toBeGreaterThan(0);
    expect(pieces.length).toBeLessThan(10);
    expect(sim.callsFor(UP[HAIKU])).toHaveLength(0);
  });

  it('a steady stream slower in total than idleMs is not cut: the limit is per gap', async () => {
    const zen = zenClient(sim);
    sim.enqueue(UP[MINI], { text: 'a b c d e f g h', tokensPerSecond: 10 }); // 100 ms (real) gaps upstream
    const stream = await zen.chat.completions.create({
      model: MINI,
      messages: [{ role: 'user', content: 'letters' }],
      stream: true,
      zen: { timeouts: { idleMs: 120 } },
    });
    const pieces: string[] = [];
    const started = performance.now();
    const iterator = stream[Symbol.asyncIterator]();
    for (;;) {
      const next = iterator.next();
      // 100 virtual ms pass while the call waits for the provider: under idleMs per gap, far over it in all.
      // A part the client already read ahead is not a wait for the provider: no time passes for it.
      if (!(await time.settled(next))) await time.advance(100);
      const result = await next;
      if (result.done) break;
      const piece = result.value.choices[0]?.delta.content;
      if (piece) pieces.push(piece);
    }
    expect(pieces.join('')).toBe('a b c d e f g h');
    expect(performance.now() - started).toBeGreaterThan(120 * 3);
    expect((await stream.metadata()).attempts.map((attempt) => attempt.outcome)).toEqual(['success']);
  });

  it('only waiting on the provider counts against idleMs: a caller that reads slowly is not cut off', async () => {
    const zen = zenClient(sim);
    sim.enqueue(UP[MINI], { text: 'a b c d e' });
    const stream = await zen.chat.completions.create({
      model: MINI,
      messages: [{ role: 'user', content: 'letters' }],
      stream: true,
      zen: { timeouts: { idleMs: 60 } },
    });
    const pieces: string[] = [];
    // The caller takes longer over each chunk than idleMs allows the provider.
    const error = await consume(stream, pieces, () => time.advance(100));
    expect(error).toBeUndefined();
    expect(pieces.join('')).toBe('a b c d e');
    expect((await stream.metadata()).attempts.map((attempt) => attempt.outcome)).toEqual(['success']);
  });

  it("the caller's AbortSignal mid-stream ends iteration quietly and cancels the upstream request", async () => {
    const requests: TracedRequest[] = [];
    const zen = zenClient(sim, { providers: { openai: tracedOpenAI(sim, requests), anthropic: anthropicClient(sim) } });
    sim.enqueue(UP[MINI], { text: 'one two three four five six seven eight', tokensPerSecond: 20 });
    const controller = new AbortController();
    const stream = await zen.chat.completions.create(
      { model: [MINI, HAIKU], messages: [{ role: 'user', content: 'count' }], stream: true },
      { signal: controller.signal },
    );
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
    await time.advance(1_000);
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
