import type OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ZenError } from '../../src/index.js';
import { DeadlineCohorts, type CohortMember } from '../../src/policy/deadline-cohort.js';
import { useSimulator } from '../helpers/simulator.js';
import { inVirtualTime } from '../helpers/virtual-time.js';
import { attemptsOf, ch, FLASH, HAIKU, MINI, run, tracedOpenAI, UP, zenClient, type TracedRequest } from './execution-helpers.js';

/**
 * Calls whose deadlines fall due together share one timer and one AbortSignal (deadline-cohort.ts).
 * The units here run on fake timers; the calls below run the real openai SDK against the simulator
 * in virtual time, and check that a deadline kept through a shared signal behaves as one of its own.
 */

describe('DeadlineCohorts', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const member = (log: string[], name: string): CohortMember => ({ expire: () => log.push(name) });

  it('a short deadline keeps its exact time; calls due at the same instant share one timer', () => {
    const cohorts = new DeadlineCohorts();
    const log: string[] = [];
    const a = cohorts.join(member(log, 'a'), 1_000, 120);
    const b = cohorts.join(member(log, 'b'), 1_000, 120);
    const c = cohorts.join(member(log, 'c'), 1_000.5, 120);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(vi.getTimerCount()).toBe(2);
    vi.advanceTimersByTime(119);
    expect(log).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(log).toEqual(['a', 'b', 'c']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a long deadline is rounded up to its slot (1/1000 of it, at most 100 ms): late by at most that, never early', () => {
    const cohorts = new DeadlineCohorts();
    const log: string[] = [];
    // 20 s deadlines: 20 ms slots. Started at 3 and at 17, both fall due at 20,020.
    const a = cohorts.join(member(log, 'a'), 3, 20_000);
    const b = cohorts.join(member(log, 'b'), 17, 20_000);
    expect(b).toBe(a);
    expect(a.at).toBe(20_020);
    vi.advanceTimersByTime(20_016);
    expect(log).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(log).toEqual(['a', 'b']);
    // 10 min: 100 ms slots.
    expect(cohorts.join(member(log, 'c'), 1, 600_000).at).toBe(600_100);
  });

  it('takes at most 10 members and hands its signal out at most 10 times (Node warns past 10 listeners)', () => {
    const cohorts = new DeadlineCohorts();
    const first = cohorts.join(member([], '0'), 0, 60_000);
    for (let index = 1; index < 10; index += 1) expect(cohorts.join(member([], String(index)), 0, 60_000)).toBe(first);
    const eleventh = cohorts.join(member([], '10'), 0, 60_000);
    expect(eleventh).not.toBe(first);
    expect(eleventh.at).toBe(first.at);
    const signals = Array.from({ length: 11 }, () => first.signal());
    expect(new Set(signals.slice(0, 10)).size).toBe(1);
    expect(signals[10]).toBeUndefined();
  });

  it('a member that left is not expired', () => {
    const cohorts = new DeadlineCohorts();
    const log: string[] = [];
    const a = member(log, 'a');
    const cohort = cohorts.join(a, 0, 500);
    cohorts.join(member(log, 'b'), 0, 500);
    cohort.leave(a);
    vi.advanceTimersByTime(500);
    expect(log).toEqual(['b']);
  });

  it('an emptied cohort waits, idle, for the next call of its slot (calls one after another share it); one idle cohort at most', () => {
    const cohorts = new DeadlineCohorts();
    const a = member([], 'a');
    const first = cohorts.join(a, 1, 60_000); // 60 s: 60 ms slots, due at 60,060
    expect(vi.getTimerCount()).toBe(1);
    first.leave(a);
    // The next call, 29 ms later, falls due in the same slot: same cohort, same timer.
    const b = member([], 'b');
    expect(cohorts.join(b, 30, 60_000)).toBe(first);
    expect(vi.getTimerCount()).toBe(1);
    first.leave(b);
    // A call of a later slot empties its own cohort: the older idle one is closed, its timer cleared.
    const c = member([], 'c');
    const later = cohorts.join(c, 200, 60_000); // due at 60,240
    expect(later).not.toBe(first);
    expect(vi.getTimerCount()).toBe(2);
    later.leave(c);
    expect(vi.getTimerCount()).toBe(1);
    expect(cohorts.join(member([], 'd'), 30, 60_000)).not.toBe(first);
  });

  it("an idle cohort's timer does not keep the process alive; a member makes it hold again", () => {
    vi.useRealTimers();
    const timers = () => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
    const before = timers();
    const cohorts = new DeadlineCohorts();
    const a = member([], 'a');
    const cohort = cohorts.join(a, performance.now(), 60_000);
    expect(timers()).toBe(before + 1);
    cohort.leave(a);
    expect(timers()).toBe(before);
    const b = member([], 'b');
    expect(cohorts.join(b, performance.now(), 60_000)).toBe(cohort);
    expect(timers()).toBe(before + 1);
    cohort.leave(b);
    cohort.close();
    expect(timers()).toBe(before);
  });

  it('a cohort that took its 10 members closes as soon as the last leaves', () => {
    const cohorts = new DeadlineCohorts();
    const members = Array.from({ length: 10 }, (_, index) => member([], String(index)));
    const cohort = cohorts.join(members[0]!, 0, 60_000);
    for (const other of members.slice(1)) cohorts.join(other, 0, 60_000);
    for (const other of members) cohort.leave(other);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('expires each member before the shared signal aborts, so that each attempt takes its own reason first', () => {
    const cohorts = new DeadlineCohorts();
    let cohortSignal: AbortSignal | undefined;
    const seen: boolean[] = [];
    const cohort = cohorts.join({ expire: () => seen.push(cohortSignal!.aborted) }, 0, 50);
    cohortSignal = cohort.signal();
    vi.advanceTimersByTime(50);
    expect(seen).toEqual([false]);
    expect(cohortSignal!.aborted).toBe(true);
    expect(ZenError.isInstance(cohortSignal!.reason)).toBe(true);
    expect((cohortSignal!.reason as ZenError).kind).toBe('timeout');
    // A signal asked for after the cohort fired is aborted already.
    const late = cohorts.join({ expire: () => undefined }, 0, 50);
    expect(late).not.toBe(cohort);
    expect(cohort.signal()!.aborted).toBe(true);
  });
});

/** The real SDK, with the AbortSignal ZenClient hands each `chat.completions.create` noted down. */
function notingSignals(sdk: OpenAI, signals: Array<AbortSignal | undefined>): OpenAI {
  const completions = sdk.chat.completions;
  const create = completions.create.bind(completions);
  completions.create = ((body: never, options?: { signal?: AbortSignal | null }) => {
    signals.push(options?.signal ?? undefined);
    return create(body, options as never);
  }) as typeof completions.create;
  return sdk;
}

describe('calls sharing a deadline cohort (openai SDK against the simulator, virtual time)', () => {
  const sim = useSimulator();
  const STALL = { text: 'too late', fault: { type: 'stall' as const } };

  it('two stalled calls due together: each a typed timeout naming its deadline, each upstream request aborted, one signal', async () => {
    await inVirtualTime(async (time) => {
      const requests: TracedRequest[] = [];
      const signals: Array<AbortSignal | undefined> = [];
      const zen = zenClient(sim, { providers: { openai: notingSignals(tracedOpenAI(sim, requests), signals) } });
      sim.enqueue(UP[MINI], STALL, STALL);
      // 20 s: rounded up to a 20 ms slot, both calls share it (started at the same virtual instant).
      const body = { model: MINI, zen: { timeouts: { totalMs: 20_000 } } };
      const started = performance.now();
      const pending = [run(zen, body, false), run(zen, body, false)];
      await time.until(() => sim.callsFor(UP[MINI]).length === 2, 'both attempts');
      const slotEnd = Math.ceil((started + 20_000) / 20) * 20 - started;
      await time.advance(slotEnd - 1);
      expect(await time.settled(pending[0]!)).toBe(false);
      await time.advance(1);
      for (const out of await Promise.all(pending)) {
        expect(ZenError.isInstance(out.error)).toBe(true);
        expect(out.error!.kind).toBe('timeout');
        expect(out.error!.message).toContain('total deadline of 20000 ms');
        expect(attemptsOf(out.zen)).toEqual([[ch(MINI), 'error', 'timeout', 0]]);
      }
      expect(performance.now() - started).toBeGreaterThanOrEqual(20_000);
      expect(performance.now() - started).toBeLessThan(20_020);
      expect(requests).toHaveLength(2);
      // The SDK was handed the cohort's one signal, and that signal aborted both stalled bodies.
      expect(signals).toHaveLength(2);
      expect(signals[0]).toBeDefined();
      expect(signals[1]).toBe(signals[0]);
      expect(signals[0]!.aborted).toBe(true);
      expect(requests[0]!.signal?.aborted).toBe(true);
      expect(requests[1]!.signal?.aborted).toBe(true);
      await zen.close();
    });
  });

  it('the shared signal stops a stalled answer through the Anthropic and Google SDKs too', async () => {
    await inVirtualTime(async (time) => {
      const zen = zenClient(sim, { routing: { retry: { retries: 0 } } });
      sim.enqueue(UP[HAIKU], STALL);
      sim.enqueue(UP[FLASH], STALL);
      const body = (model: string) => ({ model, zen: { timeouts: { totalMs: 30_000 } } });
      const pending = [run(zen, body(HAIKU), false), run(zen, body(FLASH), false)];
      await time.until(() => sim.callsFor(UP[HAIKU]).length === 1 && sim.callsFor(UP[FLASH]).length === 1, 'both attempts');
      await time.advance(30_030);
      const outs = await Promise.all(pending);
      expect(outs.map((out) => out.error?.kind)).toEqual(['timeout', 'timeout']);
      expect(attemptsOf(outs[0]!.zen)).toEqual([[ch(HAIKU), 'error', 'timeout', 0]]);
      expect(attemptsOf(outs[1]!.zen)).toEqual([[ch(FLASH), 'error', 'timeout', 0]]);
      await zen.close();
    });
  });

  it('a call that answered leaves its cohort unharmed; the stalled one still times out, and counts for the breaker', async () => {
    await inVirtualTime(async (time) => {
      const zen = zenClient(sim, { breaker: { allowedFailures: 0, cooldownMs: 600_000 }, routing: { retry: { retries: 0 } } });
      sim.enqueue(UP[MINI], { text: 'in time' }, STALL);
      const body = { model: MINI, zen: { timeouts: { totalMs: 10_000 } } };
      const answered = await run(zen, body, false);
      expect(answered.text).toBe('in time');
      const stalled = run(zen, body, false);
      await time.until(() => sim.callsFor(UP[MINI]).length === 2, 'the second attempt');
      await time.advance(10_010);
      const out = await stalled;
      expect(out.error?.kind).toBe('timeout');
      // The timeout opened MINI's breaker: the next call skips it and fails over to HAIKU.
      sim.enqueue(UP[HAIKU], { text: 'from haiku' });
      const next = await run(zen, { model: [MINI, HAIKU] }, false);
      expect(next.text).toBe('from haiku');
      expect(next.zen.attempts.map((attempt) => [attempt.channel, attempt.outcome])).toEqual([
        [ch(MINI), 'skipped'],
        [ch(HAIKU), 'success'],
      ]);
      await zen.close();
    });
  });

  it("a caller's AbortSignal still aborts a non-streamed call (its attempt has a signal of its own)", async () => {
    await inVirtualTime(async (time) => {
      const requests: TracedRequest[] = [];
      const signals: Array<AbortSignal | undefined> = [];
      const zen = zenClient(sim, { providers: { openai: notingSignals(tracedOpenAI(sim, requests), signals) } });
      sim.enqueue(UP[MINI], STALL, STALL);
      const controller = new AbortController();
      const body = { model: MINI, zen: { timeouts: { totalMs: 20_000 } } };
      const shared = run(zen, body, false);
      const own = run(zen, body, false, { signal: controller.signal });
      await time.until(() => sim.callsFor(UP[MINI]).length === 2, 'both attempts');
      controller.abort();
      const out = await own;
      expect(out.error?.kind).toBe('aborted');
      expect(out.error?.abortedBy).toBe('signal');
      // The caller's call had a signal of its own: only its upstream request was aborted.
      expect(signals).toHaveLength(2);
      expect(signals[1]).not.toBe(signals[0]);
      expect(signals.map((signal) => signal?.aborted)).toEqual([false, true]);
      expect(requests.map((request) => request.signal?.aborted)).toEqual([false, true]);
      // The other call, on the cohort's signal, still waits for its deadline.
      expect(await time.settled(shared)).toBe(false);
      await time.advance(20_020);
      expect((await shared).error?.kind).toBe('timeout');
      await zen.close();
    });
  });

  it('an attempt timeout still fails over to the next channel (such an attempt keeps its own signal and timer)', async () => {
    await inVirtualTime(async (time) => {
      const zen = zenClient(sim, { routing: { retry: { retries: 0 } } });
      sim.enqueue(UP[MINI], STALL);
      sim.enqueue(UP[HAIKU], { text: 'in time' });
      const pending = run(zen, { model: [MINI, HAIKU], zen: { timeouts: { attemptMs: 80, totalMs: 20_000 } } }, false);
      await time.until(() => sim.callsFor(UP[MINI]).length === 1, 'the first attempt');
      await time.advance(80);
      const out = await pending;
      expect(out.text).toBe('in time');
      expect(attemptsOf(out.zen)).toEqual([
        [ch(MINI), 'error', 'timeout', 0],
        [ch(HAIKU), 'success', undefined, 0],
      ]);
      await zen.close();
    });
  });
});
