import { describe, expect, it } from 'vitest';
import type { ZenClient } from '../../src/index.js';
import type { SimReply } from '../../src/testing/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { useVirtualTime } from '../helpers/virtual-time.js';
import { attemptsOf, ch, HAIKU, MINI, recordEvents, run, UP, zenClient } from './execution-helpers.js';

/**
 * The per-channel circuit breaker through real calls: closed → open → half-open → closed. The
 * breaker's clock is virtual: a cooldown ends exactly when the test moves time past it.
 */

const sim = useSimulator();
const time = useVirtualTime();
const FAIL = { fault: { type: 'http', status: 500 } } as const;
const PLAN = { model: [MINI, HAIKU] };

function breakerState(zen: ZenClient, channel: string): string {
  const found = zen.catalog.channels().find((candidate) => candidate.id === channel);
  return found ? zen.state.breakerState(found) : 'closed';
}

describe.each([
  ['stream', true],
  ['non-stream', false],
] as const)('%s', (_mode, stream) => {
  it('closed → open → half-open → closed, with a typed event for each change', async () => {
    const zen = zenClient(sim, { breaker: { allowedFailures: 1, cooldownMs: 100 }, routing: { retry: { retries: 0 } } });
    const events = recordEvents(zen);
    sim.setDefault(UP[HAIKU], { text: 'fallback' });
    sim.enqueue(UP[MINI], FAIL, FAIL, { text: 'recovered' });

    expect((await run(zen, PLAN, stream)).zen.channel).toBe(ch(HAIKU));
    expect(breakerState(zen, ch(MINI))).toBe('closed'); // one failure is allowed
    expect((await run(zen, PLAN, stream)).zen.channel).toBe(ch(HAIKU));
    expect(breakerState(zen, ch(MINI))).toBe('open');
    expect(events.breaker).toEqual([
      { channel: ch(MINI), from: 'closed', to: 'open', openUntil: expect.any(Number), reason: '2 consecutive failures (allowed 1)' },
    ]);

    const skipped = await run(zen, PLAN, stream);
    expect(attemptsOf(skipped.zen)[0]).toEqual([ch(MINI), 'skipped', undefined, 0]);
    expect(skipped.zen.attempts[0]!.message).toBe('circuit breaker open');
    expect(sim.callsFor(UP[MINI])).toHaveLength(2);

    await time.advance(99);
    expect(breakerState(zen, ch(MINI))).toBe('open');
    await time.advance(1);
    expect(breakerState(zen, ch(MINI))).toBe('half-open');
    const probe = await run(zen, PLAN, stream);
    expect(probe.text).toBe('recovered');
    expect(breakerState(zen, ch(MINI))).toBe('closed');
    expect(events.breaker[1]).toEqual({ channel: ch(MINI), from: 'half-open', to: 'closed', reason: 'probe succeeded' });
  });

  it('a failed probe opens it again for a full cooldown', async () => {
    const zen = zenClient(sim, { breaker: { allowedFailures: 0, cooldownMs: 80 }, routing: { retry: { retries: 0 } } });
    const events = recordEvents(zen);
    sim.setDefault(UP[HAIKU], { text: 'fallback' });
    sim.enqueue(UP[MINI], FAIL, FAIL);
    await run(zen, PLAN, stream);
    await time.advance(80);
    const probed = await run(zen, PLAN, stream);
    expect(attemptsOf(probed.zen)[0]).toEqual([ch(MINI), 'error', 'server', 0]);
    expect(events.breaker.map((event) => [event.from, event.to])).toEqual([
      ['closed', 'open'],
      ['half-open', 'open'],
    ]);
    expect(events.breaker[1]!.reason).toBe('probe failed (server)');
    expect((await run(zen, PLAN, stream)).zen.attempts[0]!.outcome).toBe('skipped');
  });

  it('lets one probe through at a time in half-open; the others go elsewhere', async () => {
    const zen = zenClient(sim, { breaker: { allowedFailures: 0, cooldownMs: 60 }, routing: { retry: { retries: 0 } } });
    sim.setDefault(UP[HAIKU], { text: 'fallback' });
    sim.enqueue(UP[MINI], FAIL);
    // Long enough (real time) that the other two calls always meet the probe in flight.
    sim.setDefault(UP[MINI], { text: 'slow probe', ttftMs: 1_000 });
    await run(zen, PLAN, stream);
    await time.advance(60);
    const outs = await Promise.all([run(zen, PLAN, stream), run(zen, PLAN, stream), run(zen, PLAN, stream)]);
    expect(sim.callsFor(UP[MINI])).toHaveLength(2); // the first failure and one probe
    expect(outs.map((out) => out.zen.channel).sort()).toEqual([ch(HAIKU), ch(HAIKU), ch(MINI)].sort());
    const waiting = outs.filter((out) => out.zen.channel === ch(HAIKU));
    for (const out of waiting)
      expect(out.zen.attempts[0]).toMatchObject({ channel: ch(MINI), outcome: 'skipped', message: 'circuit breaker half-open' });
    expect(breakerState(zen, ch(MINI))).toBe('closed');
  });

  it('a probe the caller aborts frees the probe slot: the next call probes', async () => {
    const zen = zenClient(sim, { breaker: { allowedFailures: 0, cooldownMs: 60 }, routing: { retry: { retries: 0 } } });
    sim.setDefault(UP[HAIKU], { text: 'fallback' });
    sim.enqueue(UP[MINI], FAIL, { text: 'slow', ttftMs: 1_000 }, { text: 'probe ok' });
    await run(zen, PLAN, stream);
    await time.advance(60);
    const controller = new AbortController();
    const pending = run(zen, PLAN, stream, { signal: controller.signal });
    await time.until(() => sim.callsFor(UP[MINI]).length === 2, 'the probe');
    controller.abort();
    const aborted = await pending;
    expect(aborted.error?.kind).toBe('aborted');
    const next = await run(zen, PLAN, stream);
    expect(next.text).toBe('probe ok');
    expect(breakerState(zen, ch(MINI))).toBe('closed');
  });

  it('an older call cancelled while a probe runs does not free the probe slot', async () => {
    const zen = zenClient(sim, { breaker: { allowedFailures: 0, cooldownMs: 60 }, routing: { retry: { retries: 0 } } });
    sim.setDefault(UP[HAIKU], { text: 'fallback' });
    // Each call says who it is, so that the answers don't depend on which request lands first.
    const replies: Record<string, SimReply> = { old: { text: 'old', ttftMs: 2_000 }, fail: FAIL, probe: { text: 'probe', ttftMs: 1_000 } };
    sim.setDefault(UP[MINI], (request) => replies[request.lastUserText] ?? { text: 'a second probe' });
    const say = (text: string) => ({ ...PLAN, messages: [{ role: 'user' as const, content: text }] });
    // The old call starts while the breaker is closed and is still waiting when it opens.
    const controller = new AbortController();
    const old = run(zen, say('old'), stream, { signal: controller.signal });
    const asked = (text: string) =>
      sim.callsFor(UP[MINI]).some((call) => (call.body as { messages: Array<{ content: string }> }).messages[0]!.content === text);
    await time.until(() => asked('old'), 'the old call');
    await run(zen, say('fail'), stream); // open
    await time.advance(60); // half-open
    const probe = run(zen, say('probe'), stream);
    await time.until(() => asked('probe'), 'the probe');
    controller.abort(); // the old call ends while the probe is in flight
    expect((await old).error?.kind).toBe('aborted');
    const during = await run(zen, say('during'), stream);
    expect(during.zen.attempts[0]).toMatchObject({ channel: ch(MINI), outcome: 'skipped', message: 'circuit breaker half-open' });
    expect((await probe).text).toBe('probe');
    expect(
      sim
        .callsFor(UP[MINI])
        .map((call) => (call.body as { messages: Array<{ content: string }> }).messages[0]!.content)
        .sort(),
    ).toEqual(['fail', 'old', 'probe']);
  });

  it("a 429's Retry-After opens the breaker for that long, below the failure threshold", async () => {
    const zen = zenClient(sim, { breaker: { allowedFailures: 10, cooldownMs: 60_000 }, routing: { retry: { maxRetryAfterMs: 50 } } });
    const events = recordEvents(zen);
    sim.setDefault(UP[HAIKU], { text: 'fallback' });
    sim.enqueue(UP[MINI], { fault: { type: 'http', status: 429, retryAfter: 0.2 } }, { text: 'back' });
    const before = Date.now();
    await run(zen, PLAN, stream);
    expect(events.breaker).toEqual([
      expect.objectContaining({ channel: ch(MINI), from: 'closed', to: 'open', reason: 'rate limited, Retry-After 200 ms' }),
    ]);
    expect(events.breaker[0]!.openUntil).toBeGreaterThanOrEqual(before + 200);
    expect(events.breaker[0]!.openUntil).toBeLessThan(before + 60_000);
    expect((await run(zen, PLAN, stream)).zen.attempts[0]!.outcome).toBe('skipped');
    expect(events.breaker[0]!.openUntil).toBe(before + 200);
    await time.advance(199);
    expect((await run(zen, PLAN, stream)).zen.attempts[0]!.outcome).toBe('skipped');
    await time.advance(1);
    expect((await run(zen, PLAN, stream)).text).toBe('back');
  });

  it('opens on the failure rate over the window, without consecutive failures', async () => {
    const zen = zenClient(sim, {
      breaker: { allowedFailures: 100, failureRate: 0.5, windowSize: 4, minimumCalls: 4, cooldownMs: 60_000 },
      routing: { retry: { retries: 0 } },
    });
    const events = recordEvents(zen);
    sim.setDefault(UP[HAIKU], { text: 'fallback' });
    sim.enqueue(UP[MINI], { text: 'ok' }, FAIL, { text: 'ok' }, FAIL);
    for (let call = 0; call < 4; call += 1) await run(zen, PLAN, stream);
    expect(events.breaker).toEqual([expect.objectContaining({ to: 'open', reason: 'failure rate 2/4' })]);
    expect((await run(zen, PLAN, stream)).zen.attempts[0]!.outcome).toBe('skipped');
  });

  it('with every channel open the call fails at once, saying so, without a request', async () => {
    const zen = zenClient(sim, { breaker: { allowedFailures: 0, cooldownMs: 60_000 }, routing: { retry: { retries: 0 } } });
    sim.enqueue(UP[MINI], FAIL);
    sim.enqueue(UP[HAIKU], FAIL);
    await run(zen, PLAN, stream);
    const calls = sim.calls.length;
    const out = await run(zen, PLAN, stream);
    expect(out.error?.kind).toBe('all_attempts_failed');
    expect(out.error!.message).toContain('Every channel of the plan is unavailable (circuit breaker open)');
    expect(attemptsOf(out.zen)).toEqual([
      [ch(MINI), 'skipped', undefined, 0],
      [ch(HAIKU), 'skipped', undefined, 0],
    ]);
    expect(sim.calls).toHaveLength(calls);
  });
});

it('breakers are per channel: the same model at another provider stays open for business', async () => {
  const { openaiClient, anthropicClient } = await import('./execution-helpers.js');
  const zen = zenClient(sim, {
    providers: {
      a: { client: openaiClient(sim, { apiKey: 'sk-test-key-a-000000000000000' }), vendors: ['openai'] },
      b: { client: openaiClient(sim, { apiKey: 'sk-test-key-b-000000000000000' }), vendors: ['openai'] },
      anthropic: anthropicClient(sim),
    },
    channels: { 'openai/gpt-5-mini:a': { providerModelId: 'mini-at-a' }, 'openai/gpt-5-mini:b': { providerModelId: 'mini-at-b' } },
    breaker: { allowedFailures: 0, cooldownMs: 60_000 },
    routing: { retry: { retries: 0 } },
  });
  sim.enqueue('mini-at-a', FAIL);
  sim.setDefault('mini-at-b', { text: 'from b' });
  const first = await run(zen, { model: MINI }, false);
  expect(attemptsOf(first.zen)).toEqual([
    ['openai/gpt-5-mini:a', 'error', 'server', 0],
    ['openai/gpt-5-mini:b', 'success', undefined, 0],
  ]);
  const second = await run(zen, { model: MINI }, false);
  expect(attemptsOf(second.zen)).toEqual([
    ['openai/gpt-5-mini:a', 'skipped', undefined, 0],
    ['openai/gpt-5-mini:b', 'success', undefined, 0],
  ]);
  expect(sim.callsFor('mini-at-a')).toHaveLength(1);
});
