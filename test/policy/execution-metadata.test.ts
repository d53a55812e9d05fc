import { describe, expect, it } from 'vitest';
import type { ZenClient } from '../../src/index.js';
import type { PolicyEvents } from '../../src/policy/events.js';
import { useSimulator } from '../helpers/simulator.js';
import { gate, useVirtualTime } from '../helpers/virtual-time.js';
import { ch, HAIKU, MINI, run, UP, zenClient } from './execution-helpers.js';

/**
 * What every response and stream says about itself, and the events the engine emits. Durations
 * are measured in virtual time: a reply is held while the test moves the clock, so each one is
 * exactly what the test made it.
 */

const sim = useSimulator();
const time = useVirtualTime();

/** Every policy event in the order it was emitted. */
function eventLog(zen: ZenClient): Array<{ name: keyof PolicyEvents; payload: Record<string, unknown> }> {
  const log: Array<{ name: keyof PolicyEvents; payload: Record<string, unknown> }> = [];
  for (const name of ['route', 'attempt', 'failover', 'breaker', 'hedge'] as const) {
    zen.on(name, ((payload: Record<string, unknown>) => log.push({ name, payload })) as never);
  }
  return log;
}

describe('metadata', () => {
  it('a completion carries zen: model, channel, why, every attempt with its duration, usage, cost, throughput', async () => {
    const zen = zenClient(sim);
    const reply = gate();
    sim.enqueue(UP[MINI], {
      text: 'Twelve words of answer, more or less, to fill the stream.',
      hold: reply.promise,
      usage: { input: 200, output: 30 },
    });
    const pending = zen.chat.completions.create({ model: [MINI, HAIKU], messages: [{ role: 'user', content: 'Hi' }] });
    await time.until(() => sim.callsFor(UP[MINI]).length === 1, 'the call');
    await time.advance(40);
    reply.open();
    const completion = await pending;
    const meta = completion.zen;
    expect(meta).toMatchObject({
      face: 'openai-chat',
      requested: `${MINI},${HAIKU}`,
      model: MINI,
      channel: ch(MINI),
      provider: 'openai',
      policy: 'ordered',
      plan: [ch(MINI), ch(HAIKU)],
      sticky: false,
      finishReason: 'stop',
      usage: { input: { total: 200 }, output: { total: 30 } },
    });
    expect(meta.requestId).toMatch(/\S/);
    expect(meta.explanation).toContain(ch(MINI));
    expect(meta.attempts).toEqual([
      expect.objectContaining({ channel: ch(MINI), provider: 'openai', model: MINI, outcome: 'success', retry: 0, usage: meta.usage }),
    ]);
    expect(meta.attempts[0]!.durationMs).toBe(40);
    expect(meta.durationMs).toBe(40);
    // gpt-5-mini has a known price: 200 input and 30 output tokens cost something, and exactly the attempt's cost.
    expect(meta.cost.total).toBeGreaterThan(0);
    expect(meta.cost.estimated).toBe(false);
    expect(meta.cost).toEqual(meta.attempts[0]!.cost);
    expect(meta.tokensPerSecond).toBeGreaterThan(0);
    expect(JSON.stringify(completion)).not.toContain('"zen"');
  });

  it('a stream carries zen from the start and completes it at the end: time to first token, tokens per second', async () => {
    const zen = zenClient(sim);
    // 10 pieces, 20 (virtual) ms apart, after a 60 ms first token.
    const first = gate();
    sim.enqueue(UP[MINI], { text: 'a b c d e f g h i j', hold: first.promise, usage: { input: 50, output: 10 } });
    const pending = zen.chat.completions.create({ model: MINI, messages: [{ role: 'user', content: 'Hi' }], stream: true });
    await time.until(() => sim.callsFor(UP[MINI]).length === 1, 'the call');
    await time.advance(60);
    first.open();
    const stream = await pending;
    expect(stream.zen).toMatchObject({ model: MINI, channel: ch(MINI), provider: 'openai' });
    let text = '';
    const iterator = stream[Symbol.asyncIterator]();
    for (let result = await iterator.next(); !result.done; result = await iterator.next()) {
      const piece = result.value.choices[0]?.delta.content ?? '';
      text += piece;
      if (piece && !text.endsWith('j')) await time.advance(20);
    }
    expect(text).toBe('a b c d e f g h i j');
    const meta = await stream.metadata();
    expect(stream.zen).toBe(meta);
    expect(meta.ttftMs).toBe(60);
    expect(meta.attempts[0]!.ttftMs).toBe(60);
    expect(meta.durationMs).toBe(60 + 9 * 20);
    // 10 tokens over at least 180 ms of generation: never faster than the simulator paced them.
    expect(meta.tokensPerSecond).toBeGreaterThan(0);
    expect(meta.tokensPerSecond).toBeLessThanOrEqual(10 / 0.18 + 1);
    expect(meta.usage.output.total).toBe(10);
    expect(meta.cost.total).toBeGreaterThan(0);
    expect(meta.finishReason).toBe('stop');
  });

  it('a failed call carries zen on its error: every attempt, none chosen', async () => {
    const zen = zenClient(sim, { routing: { retry: { retries: 0 } } });
    const reply = gate();
    sim.enqueue(UP[MINI], { hold: reply.promise, fault: { type: 'http', status: 503 } });
    sim.enqueue(UP[HAIKU], { fault: { type: 'http', status: 500 } });
    const pending = run(zen, { model: [MINI, HAIKU] }, false);
    await time.until(() => sim.callsFor(UP[MINI]).length === 1, 'the call');
    await time.advance(30);
    reply.open();
    const out = await pending;
    expect(out.error?.kind).toBe('all_attempts_failed');
    expect(out.zen).toMatchObject({ channel: undefined, model: undefined, plan: [ch(MINI), ch(HAIKU)] });
    expect(out.zen.attempts.map((attempt) => [attempt.channel, attempt.errorKind])).toEqual([
      [ch(MINI), 'overloaded'],
      [ch(HAIKU), 'server'],
    ]);
    expect(out.zen.attempts[0]!.durationMs).toBe(30);
    expect(out.zen.attempts[0]!.message).toContain('503');
  });
});

describe.each([
  ['stream', true],
  ['non-stream', false],
] as const)('events (%s)', (_mode, stream) => {
  it('route, attempt, failover, attempt: typed payloads, in order, one request id', async () => {
    const zen = zenClient(sim, { routing: { retry: { retries: 0 } } });
    const log = eventLog(zen);
    sim.enqueue(UP[MINI], { fault: { type: 'http', status: 503 } });
    sim.enqueue(UP[HAIKU], { text: 'fallback' });
    const out = await run(zen, { model: [MINI, HAIKU], zen: { exclude: ['openai/gpt-5-nano'] } }, stream);
    expect(out.text).toBe('fallback');
    const requestId = out.zen.requestId;
    expect(log.map((entry) => entry.name)).toEqual(['route', 'attempt', 'failover', 'attempt']);
    expect(log[0]!.payload).toEqual({
      requestId,
      policy: 'ordered',
      requested: `${MINI},${HAIKU}`,
      chosen: ch(MINI),
      order: [ch(MINI), ch(HAIKU)],
      explanation: expect.stringContaining(ch(MINI)),
      frontier: undefined,
      rejected: [],
    });
    expect(log[1]!.payload).toEqual({ requestId, attempt: out.zen.attempts[0] });
    expect(log[1]!.payload.attempt).toMatchObject({ channel: ch(MINI), outcome: 'error', errorKind: 'overloaded' });
    expect(log[2]!.payload).toEqual({
      requestId,
      from: ch(MINI),
      to: ch(HAIKU),
      kind: 'overloaded',
      message: expect.stringContaining('503'),
    });
    expect(log[3]!.payload).toEqual({ requestId, attempt: out.zen.attempts[1] });
    expect(log[3]!.payload.attempt).toMatchObject({ channel: ch(HAIKU), outcome: 'success' });
  });

  it('a failover with nowhere to go says so (to: undefined)', async () => {
    const zen = zenClient(sim, { routing: { retry: { retries: 0 } } });
    const failovers: Array<Parameters<PolicyEvents['failover']>[0]> = [];
    zen.on('failover', (event) => failovers.push(event));
    sim.enqueue(UP[MINI], { fault: { type: 'http', status: 500 } });
    await run(zen, { model: MINI }, stream);
    expect(failovers).toEqual([expect.objectContaining({ from: ch(MINI), to: undefined, kind: 'server' })]);
  });

  it('the route event lists what was left out and why', async () => {
    const zen = zenClient(sim);
    const routes: Array<Parameters<PolicyEvents['route']>[0]> = [];
    zen.on('route', (event) => routes.push(event));
    await run(zen, { model: [MINI, HAIKU], zen: { exclude: [HAIKU] } }, stream);
    expect(routes[0]!.order).toEqual([ch(MINI)]);
    expect(routes[0]!.rejected).toEqual([{ channel: ch(HAIKU), reason: expect.stringMatching(/exclude/i) }]);
  });
});
