import { describe, expect, it } from 'vitest';
import type { ZenClient } from '../../src/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { useVirtualTime } from '../helpers/virtual-time.js';
import { anthropicClient, attemptsOf, ch, HAIKU, MINI, run, tracedOpenAI, UP, zenClient, type TracedRequest } from './execution-helpers.js';

/**
 * Retries through p-retry: backoff, Retry-After up to a cap, and the retry budget. In virtual
 * time: a wait is shown to hold by moving the clock to just before its end (no new request was
 * made: requests are counted when fetch is called, not when they arrive) and then past it.
 */

const sim = useSimulator();
const time = useVirtualTime();
const MODES = [
  ['stream', true],
  ['non-stream', false],
] as const;
const FAIL = { fault: { type: 'http', status: 500 } } as const;

/** A client whose OpenAI requests are counted as they are made, and its failed attempts as they end. */
function tracedClient(options: Parameters<typeof zenClient>[1] = {}): {
  zen: ZenClient;
  requests: TracedRequest[];
  failures: () => number;
} {
  const requests: TracedRequest[] = [];
  const zen = zenClient(sim, { providers: { openai: tracedOpenAI(sim, requests), anthropic: anthropicClient(sim) }, ...options });
  let failed = 0;
  zen.on('attempt', (event) => {
    if (event.attempt.outcome === 'error') failed += 1;
  });
  return { zen, requests, failures: () => failed };
}

describe.each(MODES)('%s', (_mode, stream) => {
  it('backs off exponentially between retries (at least minDelay, then twice that; p-retry randomizes up to double)', async () => {
    const { zen, requests, failures } = tracedClient({ routing: { retry: { retries: 2, minDelayMs: 60, maxDelayMs: 1_000 } } });
    sim.enqueue(UP[MINI], FAIL, FAIL, { text: 'third try' });
    const pending = run(zen, { model: MINI }, stream);
    await time.until(() => failures() === 1, 'the first failure');
    await time.advance(59);
    expect(requests).toHaveLength(1);
    await time.advance(61); // 120: the first backoff is 60 to 120 ms
    expect(requests).toHaveLength(2);
    await time.until(() => failures() === 2, 'the second failure');
    await time.advance(119);
    expect(requests).toHaveLength(2);
    await time.advance(121); // 240: the second is 120 to 240 ms
    expect(requests).toHaveLength(3);
    const out = await pending;
    expect(out.text).toBe('third try');
    expect(attemptsOf(out.zen)).toEqual([
      [ch(MINI), 'error', 'server', 0],
      [ch(MINI), 'error', 'server', 1],
      [ch(MINI), 'success', undefined, 2],
    ]);
  });

  it('waits for a Retry-After within maxRetryAfterMs before retrying the same channel', async () => {
    const { zen, requests, failures } = tracedClient();
    sim.enqueue(UP[MINI], { fault: { type: 'http', status: 429, retryAfter: 0.3 } }, { text: 'after the wait' });
    const pending = run(zen, { model: [MINI, HAIKU] }, stream);
    await time.until(() => failures() === 1, 'the 429');
    await time.advance(299);
    expect(requests).toHaveLength(1);
    await time.advance(1 + 20); // the Retry-After, then p-retry's own backoff (at most 20 ms here)
    expect(requests).toHaveLength(2);
    const out = await pending;
    expect(out.text).toBe('after the wait');
    expect(attemptsOf(out.zen)).toEqual([
      [ch(MINI), 'error', 'rate_limited', 0],
      [ch(MINI), 'success', undefined, 1],
    ]);
    expect(sim.callsFor(UP[HAIKU])).toHaveLength(0);
  });

  it('reads retry-after-ms too', async () => {
    const { zen, requests, failures } = tracedClient();
    sim.enqueue(UP[MINI], { fault: { type: 'http', status: 429, retryAfterMs: 150 } }, { text: 'after the wait' });
    const pending = run(zen, { model: [MINI, HAIKU] }, stream);
    await time.until(() => failures() === 1, 'the 429');
    await time.advance(149);
    expect(requests).toHaveLength(1);
    await time.advance(1 + 20);
    expect(requests).toHaveLength(2);
    expect((await pending).text).toBe('after the wait');
  });

  it('a Retry-After above maxRetryAfterMs is not waited for: the next channel is tried at once', async () => {
    const zen = zenClient(sim, { routing: { retry: { retries: 3, maxRetryAfterMs: 200 } } });
    sim.enqueue(UP[MINI], { fault: { type: 'http', status: 429, retryAfter: 5 } }, { text: 'should not be asked' });
    sim.enqueue(UP[HAIKU], { text: 'elsewhere' });
    const started = Date.now();
    // The clock stands still: whatever is asked happens "at once".
    const out = await run(zen, { model: [MINI, HAIKU] }, stream);
    expect(out.text).toBe('elsewhere');
    expect(attemptsOf(out.zen)).toEqual([
      [ch(MINI), 'error', 'rate_limited', 0],
      [ch(HAIKU), 'success', undefined, 0],
    ]);
    expect(sim.callsFor(UP[MINI])).toHaveLength(1);
    expect(sim.callsFor(UP[HAIKU])[0]!.at).toBe(started);
    // The channel stays closed to other calls for the 5 s it asked for.
    await time.advance(4_999);
    const next = await run(zen, { model: [MINI, HAIKU] }, stream);
    expect(next.zen.attempts[0]).toMatchObject({ channel: ch(MINI), outcome: 'skipped' });
  });

  it('a non-retryable kind is never retried, whatever retries says', async () => {
    const zen = zenClient(sim, { routing: { retry: { retries: 5 } } });
    sim.enqueue(UP[MINI], { fault: { type: 'http', status: 401 } }, { text: 'would work' });
    sim.enqueue(UP[HAIKU], { text: 'elsewhere' });
    const out = await time.settle(run(zen, { model: [MINI, HAIKU] }, stream));
    expect(attemptsOf(out.zen)).toEqual([
      [ch(MINI), 'error', 'auth', 0],
      [ch(HAIKU), 'success', undefined, 0],
    ]);
  });

  it('maxRetries in the second argument sets the retries of this call', async () => {
    const zen = zenClient(sim, { routing: { retry: { retries: 0 } } });
    sim.enqueue(UP[MINI], FAIL, FAIL, FAIL, { text: 'fourth' });
    const out = await time.settle(run(zen, { model: MINI }, stream, { maxRetries: 3 }));
    expect(out.text).toBe('fourth');
    expect(sim.callsFor(UP[MINI])).toHaveLength(4);
  });
});

describe('the retry budget', () => {
  it('empties under an outage, so later calls stop retrying and failing over; successes refill it', async () => {
    // Breakers stay out of the way so that only the budget limits the calls.
    const zen = zenClient(sim, {
      retryBudget: { capacity: 10, retryCost: 5, successRefill: 1 },
      breaker: { allowedFailures: 1_000, minimumCalls: 1_000 },
    });
    sim.setDefault(UP[MINI], FAIL);
    sim.setDefault(UP[HAIKU], FAIL);

    // Call 1: one retry (5) and one failover (5) empty the bucket; Haiku's retry finds it empty.
    const first = await time.settle(run(zen, { model: [MINI, HAIKU] }, false));
    expect(first.error?.kind).toBe('all_attempts_failed');
    expect(attemptsOf(first.zen)).toEqual([
      [ch(MINI), 'error', 'server', 0],
      [ch(MINI), 'error', 'server', 1],
      [ch(HAIKU), 'error', 'server', 0],
    ]);
    expect(first.error!.message).toContain('retry budget is exhausted');
    expect(zen.retryBudget.available).toBe(0);

    // Call 2: neither a retry nor a failover.
    const second = await time.settle(run(zen, { model: [MINI, HAIKU] }, true));
    expect(attemptsOf(second.zen)).toEqual([[ch(MINI), 'error', 'server', 0]]);
    expect(sim.callsFor(UP[MINI])).toHaveLength(3);
    expect(sim.callsFor(UP[HAIKU])).toHaveLength(1);

    // The outage ends: first-try successes put tokens back, one each.
    sim.setDefault(UP[MINI], { text: 'ok' });
    for (let call = 0; call < 5; call += 1) expect((await time.settle(run(zen, { model: MINI }, false))).text).toBe('ok');
    expect(zen.retryBudget.available).toBe(5);

    // Enough for one retry again; a success after it refunds what it took.
    sim.enqueue(UP[MINI], FAIL);
    const recovered = await time.settle(run(zen, { model: [MINI, HAIKU] }, false));
    expect(attemptsOf(recovered.zen)).toEqual([
      [ch(MINI), 'error', 'server', 0],
      [ch(MINI), 'success', undefined, 1],
    ]);
    expect(zen.retryBudget.available).toBe(5);
  });

  it('a timeout costs more than another failure (timeoutCost)', async () => {
    const zen = zenClient(sim, { retryBudget: { capacity: 12, retryCost: 5, timeoutCost: 10 }, routing: { retry: { retries: 1 } } });
    sim.setDefault(UP[MINI], { text: 'late', fault: { type: 'stall' } });
    sim.setDefault(UP[HAIKU], { text: 'late', fault: { type: 'stall' } });
    const pending = run(zen, { model: [MINI, HAIKU], zen: { timeouts: { attemptMs: 40 } } }, false);
    await time.until(() => sim.callsFor(UP[MINI]).length === 1, 'the first attempt');
    await time.advance(40 + 20); // the timeout, then the backoff
    await time.until(() => sim.callsFor(UP[MINI]).length === 2, 'the retry');
    await time.advance(40);
    const out = await pending;
    // 12 tokens: one timeout retry (10); the failover (10) no longer fits.
    expect(attemptsOf(out.zen)).toEqual([
      [ch(MINI), 'error', 'timeout', 0],
      [ch(MINI), 'error', 'timeout', 1],
    ]);
    expect(zen.retryBudget.available).toBe(2);
  });
});
