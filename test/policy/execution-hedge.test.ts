import { describe, expect, it } from 'vitest';
import { HedgeLimiter } from '../../src/policy/hedge.js';
import { useSimulator } from '../helpers/simulator.js';
import { anthropicClient, attemptsOf, ch, MINI, NANO, recordEvents, run, sleep, tracedOpenAI, UP, zenClient, type TracedRequest } from './execution-helpers.js';

/** Hedging: a second channel when the first is slow; the first to show content wins. */

const sim = useSimulator();
const PLAN = { model: [MINI, NANO] };
const SLACK = 3;

function hedgingClient(requests: TracedRequest[], hedge: { fallbackDelayMs?: number; maxRate?: number; quantile?: number; minDelayMs?: number } = {}) {
  return zenClient(sim, {
    providers: { openai: tracedOpenAI(sim, requests), anthropic: anthropicClient(sim) },
    routing: { hedge: { fallbackDelayMs: 50, maxRate: 1, ...hedge } },
  });
}

describe.each([['stream', true], ['non-stream', false]] as const)('%s', (_mode, stream) => {
  it('a slow primary gets a hedge after the delay; the hedge wins, the primary is cancelled, both are paid for', async () => {
    const requests: TracedRequest[] = [];
    const zen = hedgingClient(requests);
    const events = recordEvents(zen);
    sim.enqueue(UP[MINI], { text: 'The slow primary answer.', ttftMs: 2_000, usage: { input: 1_000, output: 40 } });
    sim.enqueue(UP[NANO], { text: 'The quick hedge answer.', usage: { input: 1_000, output: 40 } });
    const started = Date.now();
    const out = await run(zen, PLAN, stream);

    expect(out.text).toBe('The quick hedge answer.');
    expect(out.zen.channel).toBe(ch(NANO));
    const [primaryCall, hedgeCall] = [sim.callsFor(UP[MINI])[0]!, sim.callsFor(UP[NANO])[0]!];
    expect(hedgeCall.at).toBeGreaterThanOrEqual(primaryCall.at);
    expect(hedgeCall.at - started).toBeGreaterThanOrEqual(50 - SLACK);

    expect(attemptsOf(out.zen)).toEqual(expect.arrayContaining([[ch(MINI), 'hedge_lost', 'aborted', 0], [ch(NANO), 'success', undefined, 0]]));
    const loser = out.zen.attempts.find((attempt) => attempt.outcome === 'hedge_lost')!;
    const winner = out.zen.attempts.find((attempt) => attempt.outcome === 'success')!;
    expect(winner.hedge).toBe(true);
    expect(loser.durationMs).toBeLessThan(1_500); // cancelled, not waited for

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
      { requestId: out.zen.requestId, primary: ch(MINI), hedge: ch(NANO), afterMs: expect.any(Number) },
      { requestId: out.zen.requestId, primary: ch(MINI), hedge: ch(NANO), afterMs: expect.any(Number), winner: ch(NANO) },
    ]);
    expect(events.hedge[0]!.afterMs).toBeGreaterThanOrEqual(50 - SLACK);
  });

  it('the primary still wins when it shows content first; the hedge is the one cancelled', async () => {
    const requests: TracedRequest[] = [];
    const zen = hedgingClient(requests);
    const events = recordEvents(zen);
    sim.enqueue(UP[MINI], { text: 'Primary, a little late.', ttftMs: 150 });
    sim.enqueue(UP[NANO], { text: 'Hedge, much later.', ttftMs: 2_000 });
    const out = await run(zen, PLAN, stream);
    expect(out.text).toBe('Primary, a little late.');
    expect(attemptsOf(out.zen)).toEqual(expect.arrayContaining([[ch(MINI), 'success', undefined, 0], [ch(NANO), 'hedge_lost', 'aborted', 0]]));
    expect(out.zen.attempts.find((attempt) => attempt.channel === ch(MINI))!.hedge).toBe(false);
    expect(requests.find((request) => request.model === UP[NANO])!.signal?.aborted).toBe(true);
    expect(events.hedge.at(-1)).toMatchObject({ primary: ch(MINI), hedge: ch(NANO), winner: ch(MINI) });
  });

  it('no hedge when the primary answers within the delay', async () => {
    const requests: TracedRequest[] = [];
    const zen = hedgingClient(requests, { fallbackDelayMs: 1_000 });
    const events = recordEvents(zen);
    sim.enqueue(UP[MINI], { text: 'In time.' });
    const out = await run(zen, PLAN, stream);
    expect(out.text).toBe('In time.');
    await sleep(20);
    expect(events.hedge).toEqual([]);
    expect(sim.callsFor(UP[NANO])).toHaveLength(0);
  });

  it('a primary that fails while its hedge runs leaves the hedge to answer', async () => {
    const requests: TracedRequest[] = [];
    const zen = hedgingClient(requests);
    sim.enqueue(UP[MINI], { ttftMs: 120, fault: { type: 'http', status: 401 } });
    sim.enqueue(UP[NANO], { text: 'Hedge answer.', ttftMs: 200 });
    const out = await run(zen, PLAN, stream);
    expect(out.text).toBe('Hedge answer.');
    expect(attemptsOf(out.zen)).toEqual([[ch(MINI), 'error', 'auth', 0], [ch(NANO), 'success', undefined, 0]]);
  });

  it("the caller's abort during a hedge cancels both, and the metadata lists both", async () => {
    const requests: TracedRequest[] = [];
    const zen = hedgingClient(requests);
    sim.enqueue(UP[MINI], { text: 'slow', ttftMs: 2_000 });
    sim.enqueue(UP[NANO], { text: 'slow too', ttftMs: 2_000 });
    const out = await run(zen, PLAN, stream, { signal: AbortSignal.timeout(120) });
    expect(out.error?.kind).toBe('aborted');
    expect(attemptsOf(out.zen).sort()).toEqual([[ch(MINI), 'aborted', 'aborted', 0], [ch(NANO), 'aborted', 'aborted', 0]].sort());
    expect(requests.map((request) => request.signal?.aborted)).toEqual([true, true]);
  });

  it('a hedge stopped because the primary failed for good is aborted, not "hedge_lost"', async () => {
    const requests: TracedRequest[] = [];
    const zen = hedgingClient(requests);
    sim.enqueue(UP[MINI], { ttftMs: 120, fault: { type: 'http', status: 400 } });
    sim.enqueue(UP[NANO], { text: 'slow', ttftMs: 2_000 });
    const out = await run(zen, PLAN, stream);
    expect(out.error?.kind).toBe('invalid_request');
    expect(attemptsOf(out.zen)).toEqual([[ch(MINI), 'error', 'invalid_request', 0], [ch(NANO), 'aborted', 'aborted', 0]]);
  });

  it('waits for the channel p95 once it has samples, not the fallback delay', async () => {
    const requests: TracedRequest[] = [];
    const zen = hedgingClient(requests, { fallbackDelayMs: 5_000 });
    sim.setDefault(UP[MINI], { text: 'quick' });
    // Five samples make a p95; until then the (long) fallback delay applies, so no hedge yet.
    for (let call = 0; call < 5; call += 1) await run(zen, PLAN, stream);
    expect(sim.callsFor(UP[NANO])).toHaveLength(0);
    sim.enqueue(UP[MINI], { text: 'suddenly slow', ttftMs: 2_500 });
    sim.enqueue(UP[NANO], { text: 'hedged' });
    const started = performance.now();
    const out = await run(zen, PLAN, stream);
    expect(out.text).toBe('hedged');
    expect(performance.now() - started).toBeLessThan(2_000); // neither the 5 s fallback nor the slow answer
  });

  it('never hedges sooner than minDelayMs, however small the observed p95', async () => {
    const requests: TracedRequest[] = [];
    const zen = hedgingClient(requests, { fallbackDelayMs: 5_000, minDelayMs: 150 });
    const events = recordEvents(zen);
    sim.setDefault(UP[MINI], { text: 'quick' });
    for (let call = 0; call < 5; call += 1) await run(zen, PLAN, stream); // a p95 of a few ms
    sim.enqueue(UP[MINI], { text: 'suddenly slow', ttftMs: 1_500 });
    sim.enqueue(UP[NANO], { text: 'hedged' });
    const out = await run(zen, PLAN, stream);
    expect(out.text).toBe('hedged');
    const start = events.hedge.find((event) => event.winner === undefined)!;
    expect(start.afterMs).toBeGreaterThanOrEqual(140);
  });
});

describe('the hedge rate cap', () => {
  it('keeps hedges within maxRate of the calls over many calls', async () => {
    const requests: TracedRequest[] = [];
    const zen = hedgingClient(requests, { fallbackDelayMs: 10, maxRate: 0.2, quantile: 0.01, minDelayMs: 0 });
    const events = recordEvents(zen);
    sim.setDefault(UP[MINI], { text: 'slow', ttftMs: 40 });
    sim.setDefault(UP[NANO], { text: 'fast' });
    const calls = 40;
    for (let call = 0; call < calls; call += 1) await run(zen, PLAN, call % 2 === 0);
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
});
