import { describe, expect, it } from 'vitest';
import { HedgeLimiter } from '../../src/policy/hedge.js';
import { useSimulator } from '../helpers/simulator.js';
import { gate, useVirtualTime } from '../helpers/virtual-time.js';
import {
  anthropicClient,
  attemptsOf,
  ch,
  MINI,
  NANO,
  recordEvents,
  run,
  tracedOpenAI,
  UP,
  zenClient,
  type TracedRequest,
} from './execution-helpers.js';

/**
 * Hedging: a second channel when the first is slow; the first to show content wins. In virtual
 * time: the hedge delay passes exactly when the test moves the clock, and which reply comes first
 * is scripted (a held reply is released after the other started; a loser's never comes).
 */

const sim = useSimulator();
const time = useVirtualTime();
const PLAN = { model: [MINI, NANO] };
/** A reply that never comes in a test's life (the simulator stops waiting when the client leaves). */
const NEVER = 600_000;

function hedgingClient(
  requests: TracedRequest[],
  hedge: { fallbackDelayMs?: number; maxRate?: number; quantile?: number; minDelayMs?: number } = {},
) {
  return zenClient(sim, {
    providers: { openai: tracedOpenAI(sim, requests), anthropic: anthropicClient(sim) },
    routing: { hedge: { fallbackDelayMs: 50, maxRate: 1, ...hedge } },
  });
}

describe.each([
  ['stream', true],
  ['non-stream', false],
] as const)('%s', (_mode, stream) => {
  it('a slow primary gets a hedge after the delay; the hedge wins, the primary is cancelled, both are paid for', async () => {
    const requests: TracedRequest[] = [];
    const zen = hedgingClient(requests);
    const events = recordEvents(zen);
    sim.enqueue(UP[MINI], { text: 'The slow primary answer.', ttftMs: NEVER, usage: { input: 1_000, output: 40 } });
    sim.enqueue(UP[NANO], { text: 'The quick hedge answer.', usage: { input: 1_000, output: 40 } });
    const started = Date.now();
    const pending = run(zen, PLAN, stream);
    await time.until(() => sim.callsFor(UP[MINI]).length === 1, 'the primary');
    await time.advance(49);
    expect(sim.callsFor(UP[NANO])).toHaveLength(0);
    await time.advance(1);
    const out = await pending;

    expect(out.text).toBe('The quick hedge answer.');
    expect(out.zen.channel).toBe(ch(NANO));
    const [primaryCall, hedgeCall] = [sim.callsFor(UP[MINI])[0]!, sim.callsFor(UP[NANO])[0]!];
    expect(primaryCall.at).toBe(started);
    expect(hedgeCall.at).toBe(started + 50);

    expect(attemptsOf(out.zen)).toEqual(
      expect.arrayContaining([
        [ch(MINI), 'hedge_lost', 'aborted', 0],
        [ch(NANO), 'success', undefined, 0],
      ]),
    );
    const loser = out.zen.attempts.find((attempt) => attempt.outcome === 'hedge_lost')!;
    const winner = out.zen.attempts.find((attempt) => attempt.outcome === 'success')!;
    expect(winner.hedge).toBe(true);
    expect(loser.durationMs).toBe(50); // cancelled when the hedge answered, not waited for

    // The loser's upstream request was cancelled (its connection closed).
    const primaryRequest = requests.find((request) => request.model === UP[MINI])!;
    expect(primaryRequest.signal?.aborted).toBe(true);
    expect(requests.find((request) => request.model === UP[NANO])!.signal?.aborted).toBe(false);

    // Both are in the cost: the winner's real usage, the loser's estimate.
    expect(winner.cost!.total).toBeGreaterThan(0);
    expect(loser.cost!.total).toBeGreaterThan(0);
    expect(out.zen.cost.total).toBeCloseTo(winner.cost!.total + loser.cost!.total, 9);
    expect(out.zen.cost.source).toContain('estimate');

    expect(events.hedge).toEqual([
      { requestId: out.zen.requestId, primary: ch(MINI), hedge: ch(NANO), afterMs: 50 },
      { requestId: out.zen.requestId, primary: ch(MINI), hedge: ch(NANO), afterMs: 50, winner: ch(NANO) },
    ]);
  });

  it('the primary still wins when it shows content first; the hedge is the one cancelled', async () => {
    const requests: TracedRequest[] = [];
    const zen = hedgingClient(requests);
    const events = recordEvents(zen);
    const primary = gate();
    sim.enqueue(UP[MINI], { text: 'Primary, a little late.', hold: primary.promise });
    sim.enqueue(UP[NANO], { text: 'Hedge, much later.', ttftMs: NEVER });
    const pending = run(zen, PLAN, stream);
    await time.until(() => sim.callsFor(UP[MINI]).length === 1, 'the primary');
    await time.advance(50);
    await time.until(() => sim.callsFor(UP[NANO]).length === 1, 'the hedge');
    primary.open(); // after the hedge started, before it answers
    const out = await pending;
    expect(out.text).toBe('Primary, a little late.');
    expect(attemptsOf(out.zen)).toEqual(
      expect.arrayContaining([
        [ch(MINI), 'success', undefined, 0],
        [ch(NANO), 'hedge_lost', 'aborted', 0],
      ]),
    );
    expect(out.zen.attempts.find((attempt) => attempt.channel === ch(MINI))!.hedge).toBe(false);
    expect(requests.find((request) => request.model === UP[NANO])!.signal?.aborted).toBe(true);
    expect(events.hedge.at(-1)).toMatchObject({ primary: ch(MINI), hedge: ch(NANO), winner: ch(MINI) });
  });

  it('no hedge when the primary answers within the delay', async () => {
    const requests: TracedRequest[] = [];
    const zen = hedgingClient(requests, { fallbackDelayMs: 1_000 });
    const events = recordEvents(zen);
    sim.enqueue(UP[MINI], { text: 'In time.' });
    // The clock stands still while the primary answers: it is always within the delay.
    const out = await run(zen, PLAN, stream);
    expect(out.text).toBe('In time.');
    await time.advance(2_000);
    expect(events.hedge).toEqual([]);
    expect(sim.callsFor(UP[NANO])).toHaveLength(0);
  });

  it('a primary that fails while its hedge runs leaves the hedge to answer', async () => {
    const requests: TracedRequest[] = [];
    const zen = hedgingClient(requests);
    const failures: string[] = [];
    zen.on('attempt', (event) => failures.push(event.attempt.channel));
    const primary = gate();
    const hedge = gate();
    sim.enqueue(UP[MINI], { hold: primary.promise, fault: { type: 'http', status: 401 } });
    sim.enqueue(UP[NANO], { text: 'Hedge answer.', hold: hedge.promise });
    const pending = run(zen, PLAN, stream);
    await time.until(() => sim.callsFor(UP[MINI]).length === 1, 'the primary');
    await time.advance(50);
    await time.until(() => sim.callsFor(UP[NANO]).length === 1, 'the hedge');
    primary.open(); // the primary fails while the hedge is still running
    await time.until(() => failures.includes(ch(MINI)), 'the primary failure');
    hedge.open();
    const out = await pending;
    expect(out.text).toBe('Hedge answer.');
    expect(attemptsOf(out.zen)).toEqual([
      [ch(MINI), 'error', 'auth', 0],
      [ch(NANO), 'success', undefined, 0],
    ]);
  });

  it("the caller's abort during a hedge cancels both, and the metadata lists both", async () => {
    const requests: TracedRequest[] = [];
    const zen = hedgingClient(requests);
    sim.enqueue(UP[MINI], { text: 'slow', ttftMs: NEVER });
    sim.enqueue(UP[NANO], { text: 'slow too', ttftMs: NEVER });
    const controller = new AbortController();
    const pending = run(zen, PLAN, stream, { signal: controller.signal });
    await time.until(() => sim.callsFor(UP[MINI]).length === 1, 'the primary');
    await time.advance(50);
    await time.until(() => sim.callsFor(UP[NANO]).length === 1, 'the hedge');
    controller.abort();
    const out = await pending;
    expect(out.error?.kind).toBe('aborted');
    expect(attemptsOf(out.zen).sort()).toEqual(
      [
        [ch(MINI), 'aborted', 'aborted', 0],
        [ch(NANO), 'aborted', 'aborted', 0],
      ].sort(),
    );
    expect(requests.map((request) => request.signal?.aborted)).toEqual([true, true]);
  });

  it('a hedge stopped because the primary failed for good is aborted, not "hedge_lost"', async () => {
    const requests: TracedRequest[] = [];
    const zen = hedgingClient(requests);
    const primary = gate();
    sim.enqueue(UP[MINI], { hold: primary.promise, fault: { type: 'http', status: 400 } });
    sim.enqueue(UP[NANO], { text: 'slow', ttftMs: NEVER });
    const pending = run(zen, PLAN, stream);
    await time.until(() => sim.callsFor(UP[MINI]).length === 1, 'the primary');
    await time.advance(50);
    await time.until(() => sim.callsFor(UP[NANO]).length === 1, 'the hedge');
    primary.open();
    const out = await pending;
    expect(out.error?.kind).toBe('invalid_request');
    expect(attemptsOf(out.zen)).toEqual([
      [ch(MINI), 'error', 'invalid_request', 0],
      [ch(NANO), 'aborted', 'aborted', 0],
    ]);
  });

  it('waits for the channel p95 once it has samples, not the fallback delay', async () => {
    const requests: TracedRequest[] = [];
    const zen = hedgingClient(requests, { fallbackDelayMs: 5_000 });
    const events = recordEvents(zen);
    // Five samples of exactly 100 ms make a p95; until then the (long) fallback delay applies, so no hedge yet.
    for (let call = 0; call < 5; call += 1) {
      const reply = gate();
      sim.enqueue(UP[MINI], { text: 'quick', hold: reply.promise });
      const pending = run(zen, PLAN, stream);
      await time.until(() => sim.callsFor(UP[MINI]).length === call + 1, `sample ${call + 1}`);
      await time.advance(100);
      reply.open();
      await pending;
    }
    expect(sim.callsFor(UP[NANO])).toHaveLength(0);
    sim.enqueue(UP[MINI], { text: 'suddenly slow', ttftMs: NEVER });
    sim.enqueue(UP[NANO], { text: 'hedged' });
    const pending = run(zen, PLAN, stream);
    await time.until(() => sim.callsFor(UP[MINI]).length === 6, 'the slow call');
    await time.advance(99);
    expect(sim.callsFor(UP[NANO])).toHaveLength(0);
    await time.advance(1);
    const out = await pending;
    expect(out.text).toBe('hedged');
    // Neither the 5 s fallback nor the 50 ms minimum: the p95.
    expect(events.hedge[0]!.afterMs).toBe(100);
  });

  it('never hedges sooner than minDelayMs, however small the observed p95', async () => {
    const requests: TracedRequest[] = [];
    const zen = hedgingClient(requests, { fallbackDelayMs: 5_000, minDelayMs: 150 });
    const events = recordEvents(zen);
    sim.setDefault(UP[MINI], { text: 'quick' });
    for (let call = 0; call < 5; call += 1) await run(zen, PLAN, stream); // a p95 of 0 ms (the clock stands still)
    sim.enqueue(UP[MINI], { text: 'suddenly slow', ttftMs: NEVER });
    sim.enqueue(UP[NANO], { text: 'hedged' });
    const pending = run(zen, PLAN, stream);
    await time.until(() => sim.callsFor(UP[MINI]).length === 6, 'the slow call');
    await time.advance(149);
    expect(sim.callsFor(UP[NANO])).toHaveLength(0);
    await time.advance(1);
    const out = await pending;
    expect(out.text).toBe('hedged');
    const start = events.hedge.find((event) => event.winner === undefined)!;
    expect(start.afterMs).toBe(150);
  });
});

describe('the hedge rate cap', () => {
  it('keeps hedges within maxRate of the calls over many calls', async () => {
    const requests: TracedRequest[] = [];
    const zen = hedgingClient(requests, { fallbackDelayMs: 10, maxRate: 0.2, quantile: 0.01, minDelayMs: 0 });
    const events = recordEvents(zen);
    sim.setDefault(UP[NANO], { text: 'fast' });
    const calls = 40;
    for (let call = 0; call < calls; call += 1) {
      // Every primary is slow: it answers only after its hedge (if the cap allowed one) was started.
      const reply = gate();
      sim.enqueue(UP[MINI], { text: 'slow', hold: reply.promise });
      const pending = run(zen, PLAN, call % 2 === 0);
      await time.until(() => sim.callsFor(UP[MINI]).length === call + 1, `call ${call + 1}`);
      await time.advance(10);
      reply.open();
      await pending;
    }
    const started = events.hedge.filter((event) => event.winner === undefined).length;
    // A hedge cancelled at once (the primary answered meanwhile) may never reach the server.
    expect(sim.callsFor(UP[NANO]).length).toBeLessThanOrEqual(started);
    // At most maxRate of the calls, plus the one hedge a window always allows; and the cap is not a ban.
    expect(started).toBeLessThanOrEqual(Math.floor(0.2 * calls) + 1);
    expect(started).toBeGreaterThanOrEqual(4);
  });
  it('HedgeLimiter: one hedge for a fresh client, then no more than maxRate of the window', () => {
    const limiter = new HedgeLimiter(100);
    limiter.onCall();
    expect(limiter.tryHedge(0.1)).toBe(true);
    let granted = 1;
    for (let call = 1; call < 300; call += 1) {
      limiter.onCall();
      if (limiter.tryHedge(0.1)) granted += 1;
    }
    expect(granted).toBeLessThanOrEqual(31);
    expect(granted).toBeGreaterThanOrEqual(25);
    expect(new HedgeLimiter().tryHedge(0)).toBe(false);
  });
  it('HedgeLimiter: its ring of recent calls decides as a plain sliding window of the last `window` calls does', () => {
    // The window as a list: push, drop the oldest past `window`, mark the latest unhedged call.
    const window = 7;
    const recent: boolean[] = [];
    const push = (hedged: boolean) => {
      recent.push(hedged);
      if (recent.length > window) recent.shift();
    };
    const reference = (maxRate: number): boolean => {
      if (maxRate <= 0) return false;
      const hedged = recent.filter(Boolean).length;
      if (hedged + 1 > Math.max(1, maxRate * recent.length)) return false;
      const index = recent.lastIndexOf(false);
      if (index < 0) push(true);
      else recent[index] = true;
      return true;
    };
    const limiter = new HedgeLimiter(window);
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const decisions: boolean[] = [];
    for (let step = 0; step < 2_000; step += 1) {
      if (random() < 0.4) {
        limiter.onCall();
        push(false);
      } else {
        const maxRate = [0, 0.1, 0.3, 0.6, 1][Math.floor(random() * 5)]!;
        const granted = limiter.tryHedge(maxRate);
        expect(granted).toBe(reference(maxRate));
        decisions.push(granted);
      }
    }
    // Both answers came up, many times each.
    expect(decisions.filter(Boolean).length).toBeGreaterThan(100);
    expect(decisions.filter((granted) => !granted).length).toBeGreaterThan(100);
  });
});
