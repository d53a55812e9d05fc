import { describe, expect, it } from 'vitest';
import { ZenError, type RoutingOptions, type ZenErrorKind } from '../../src/index.js';
import type { SimReply } from '../../src/testing/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { useVirtualTime } from '../helpers/virtual-time.js';
import { attemptsOf, ch, FLASH, HAIKU, MINI, NANO, recordEvents, run, UP, zenClient } from './execution-helpers.js';

/**
 * The error matrix: every kind the simulator can make a real SDK report, streamed and not, against
 * the three things the engine does with a failure: retry the channel, fail over, count it on the
 * channel's breaker.
 */

const sim = useSimulator();
const time = useVirtualTime();

type Mode = 'stream' | 'non-stream';

interface Row {
  kind: ZenErrorKind;
  label: string;
  /** What the primary channel answers. */
  reply: SimReply;
  modes: Mode[];
  /** The same channel is tried again. */
  retry: boolean;
  /** The next channel of the plan is tried. */
  failover: boolean;
  /** The failure counts against the channel (its breaker opens at `allowedFailures: 0`). */
  breaker: boolean;
  routing?: RoutingOptions;
  /** The caller aborts this long after the call starts. */
  abortAfterMs?: number;
}

const BOTH: Mode[] = ['stream', 'non-stream'];
const http = (status: number, extra: { retryAfter?: number; code?: string } = {}): SimReply => ({
  fault: { type: 'http', status, ...extra },
});

const ROWS: Row[] = [
  {
    kind: 'rate_limited',
    label: '429, Retry-After 0',
    reply: http(429, { retryAfter: 0 }),
    modes: BOTH,
    retry: true,
    failover: true,
    breaker: true,
  },
  {
    kind: 'rate_limited',
    label: '429, Retry-After 0.05 s',
    reply: http(429, { retryAfter: 0.05 }),
    modes: BOTH,
    retry: true,
    failover: true,
    breaker: true,
  },
  { kind: 'overloaded', label: '503', reply: http(503), modes: BOTH, retry: true, failover: true, breaker: true },
  { kind: 'overloaded', label: '529', reply: http(529), modes: BOTH, retry: true, failover: true, breaker: true },
  { kind: 'server', label: '500', reply: http(500), modes: BOTH, retry: true, failover: true, breaker: true },
  {
    kind: 'server',
    label: 'error frame (a 500 when not streamed)',
    reply: { fault: { type: 'error-frame', message: 'The server had an error while processing your request.' } },
    modes: BOTH,
    retry: true,
    failover: true,
    breaker: true,
  },
  {
    kind: 'server',
    label: 'malformed JSON body',
    reply: { fault: { type: 'malformed' } },
    modes: ['non-stream'],
    retry: true,
    failover: true,
    breaker: true,
  },
  {
    kind: 'timeout',
    label: 'attempt timeout',
    reply: { text: 'too late', ttftMs: 60_000 },
    modes: BOTH,
    retry: true,
    failover: true,
    breaker: true,
    routing: { timeouts: { attemptMs: 80 } },
  },
  {
    kind: 'network',
    label: 'connection reset',
    reply: { fault: { type: 'reset' } },
    modes: BOTH,
    retry: true,
    failover: true,
    breaker: true,
  },
  {
    kind: 'timeout',
    label: 'stalled after the headers',
    reply: { fault: { type: 'stall' } },
    modes: BOTH,
    retry: true,
    failover: true,
    breaker: true,
    routing: { timeouts: { attemptMs: 80 } },
  },
  {
    kind: 'timeout',
    label: 'no first token in time',
    reply: { text: 'too late', ttftMs: 60_000 },
    modes: ['stream'],
    retry: true,
    failover: true,
    breaker: true,
    routing: { timeouts: { firstTokenMs: 80 } },
  },
  {
    kind: 'stream_interrupted',
    label: 'stream cut before content',
    reply: { fault: { type: 'cut', afterChunks: 1 } },
    modes: ['stream'],
    retry: true,
    failover: true,
    breaker: true,
  },
  {
    kind: 'stream_interrupted',
    label: 'malformed SSE data',
    reply: { fault: { type: 'malformed' } },
    modes: ['stream'],
    retry: true,
    failover: true,
    breaker: true,
  },
  { kind: 'auth', label: '401', reply: http(401), modes: BOTH, retry: false, failover: true, breaker: true },
  { kind: 'permission', label: '403', reply: http(403), modes: BOTH, retry: false, failover: true, breaker: true },
  { kind: 'not_found', label: '404', reply: http(404), modes: BOTH, retry: false, failover: true, breaker: true },
  {
    kind: 'quota_exhausted',
    label: '429 insufficient_quota',
    reply: http(429, { code: 'insufficient_quota' }),
    modes: BOTH,
    retry: false,
    failover: true,
    breaker: true,
  },
  {
    kind: 'context_length',
    label: '400 context_length_exceeded',
    reply: http(400, { code: 'context_length_exceeded' }),
    modes: BOTH,
    retry: false,
    failover: true,
    breaker: false,
  },
  {
    kind: 'content_filter',
    label: '400 content_filter',
    reply: http(400, { code: 'content_filter' }),
    modes: BOTH,
    retry: false,
    failover: true,
    breaker: false,
  },
  { kind: 'invalid_request', label: '400', reply: http(400), modes: BOTH, retry: false, failover: false, breaker: false },
  {
    kind: 'aborted',
    label: 'caller AbortSignal',
    reply: { text: 'too late', ttftMs: 60_000 },
    modes: BOTH,
    retry: false,
    failover: false,
    breaker: false,
    abortAfterMs: 60,
  },
];

function callerSignal(row: Row): { signal: AbortSignal } | undefined {
  if (row.abortAfterMs === undefined) return undefined;
  const controller = new AbortController();
  setTimeout(() => controller.abort(), row.abortAfterMs);
  return { signal: controller.signal };
}

const failedOutcome = (row: Row): string => (row.kind === 'aborted' ? 'aborted' : 'error');

/** The longest retry backoff of these tests' clients (execution-helpers' zenClient). */
const MAX_BACKOFF_MS = 20;

/**
 * Awaits a call in virtual time. A row with a short deadline (an 80 ms timeout, a 60 ms abort)
 * moves time past it only once the simulator holds that attempt's request, and not at all while
 * the fallback answers: the fallback can never meet the same deadline. Other rows only wait for
 * backoffs, which any steps pass.
 */
async function drive<T>(row: Row, pending: Promise<T>, attempts: string[]): Promise<T> {
  const deadline = row.abortAfterMs ?? row.routing?.timeouts?.attemptMs ?? row.routing?.timeouts?.firstTokenMs;
  if (deadline === undefined) return time.settle(pending);
  const seen = new Map<string, number>();
  for (const [index, upstream] of attempts.entries()) {
    const count = (seen.get(upstream) ?? 0) + 1;
    seen.set(upstream, count);
    await time.until(() => sim.callsFor(upstream).length >= count, `attempt ${index + 1} (${upstream})`);
    await time.advance(deadline);
    if (index < attempts.length - 1) await time.advance(MAX_BACKOFF_MS);
  }
  return pending;
}

describe.each(ROWS)('$kind ($label)', (row) => {
  it.each(row.modes)('%s: retried only when retryable, then failed over only when allowed', async (mode) => {
    const zen = zenClient(sim, { routing: { retry: { retries: 1 }, ...row.routing } });
    sim.enqueue(UP[MINI], row.reply, row.reply);
    sim.enqueue(UP[HAIKU], { text: 'from haiku' });
    const tries = row.retry ? 2 : 1;
    const out = await drive(row, run(zen, { model: [MINI, HAIKU] }, mode === 'stream', callerSignal(row)), Array(tries).fill(UP[MINI]));
    const failed = Array.from({ length: tries }, (_, retry) => [ch(MINI), failedOutcome(row), row.kind, retry]);
    expect(sim.callsFor(UP[MINI])).toHaveLength(tries);
    if (row.failover) {
      expect(out.error).toBeUndefined();
      expect(out.text).toBe('from haiku');
      expect(out.zen.channel).toBe(ch(HAIKU));
      expect(attemptsOf(out.zen)).toEqual([...failed, [ch(HAIKU), 'success', undefined, 0]]);
      expect(sim.callsFor(UP[HAIKU])).toHaveLength(1);
    } else {
      expect(ZenError.isInstance(out.error)).toBe(true);
      expect(out.error!.kind).toBe(row.kind);
      expect(attemptsOf(out.zen)).toEqual(failed);
      await time.advance(1_000); // nothing is started after the call gave up
      expect(sim.callsFor(UP[HAIKU])).toHaveLength(0);
      expect(sim.callsFor(UP[MINI])).toHaveLength(tries);
    }
  });

  it.each(row.modes)('%s: counts against the channel only when it says something about the channel', async (mode) => {
    const zen = zenClient(sim, { breaker: { allowedFailures: 0, cooldownMs: 60_000 }, routing: { retry: { retries: 0 }, ...row.routing } });
    const events = recordEvents(zen);
    sim.enqueue(UP[MINI], row.reply);
    await drive(row, run(zen, { model: [MINI, HAIKU] }, mode === 'stream', callerSignal(row)), [UP[MINI]]);
    expect(sim.callsFor(UP[MINI])).toHaveLength(1);
    const second = await time.settle(run(zen, { model: [MINI, HAIKU] }, mode === 'stream'));
    expect(second.error).toBeUndefined();
    if (row.breaker) {
      expect(events.breaker).toEqual([expect.objectContaining({ channel: ch(MINI), from: 'closed', to: 'open' })]);
      expect(events.breaker[0]!.openUntil).toBeGreaterThanOrEqual(Date.now() + 50_000);
      expect(second.zen.attempts[0]).toMatchObject({ channel: ch(MINI), outcome: 'skipped' });
      expect(second.zen.channel).toBe(ch(HAIKU));
      expect(sim.callsFor(UP[MINI])).toHaveLength(1);
    } else {
      expect(events.breaker).toEqual([]);
      expect(attemptsOf(second.zen)).toEqual([[ch(MINI), 'success', undefined, 0]]);
      expect(sim.callsFor(UP[MINI])).toHaveLength(2);
    }
  });
});

describe('when every channel fails', () => {
  const failing = ROWS.filter((row) => row.failover);

  // A reason no retry can fix, shared by every attempt, is the error's kind (`auth` on every channel: `error.kind === 'auth'`).
  it.each(failing.flatMap((row) => row.modes.map((mode) => ({ ...row, mode }))))(
    '$kind ($label, $mode): the error lists every attempt; its kind is the shared reason when retrying cannot fix it, else all_attempts_failed',
    async (row) => {
      const zen = zenClient(sim, { routing: { retry: { retries: 1 }, ...row.routing } });
      sim.enqueue(UP[MINI], row.reply, row.reply);
      sim.enqueue(UP[NANO], row.reply, row.reply);
      const tries = row.retry ? 2 : 1;
      const out = await drive(row, run(zen, { model: [MINI, NANO] }, row.mode === 'stream'), [
        ...Array(tries).fill(UP[MINI]),
        ...Array(tries).fill(UP[NANO]),
      ]);
      expect(out.error?.kind).toBe(row.retry ? 'all_attempts_failed' : row.kind);
      const expected = [
        ...Array(tries).fill({ channel: ch(MINI), kind: row.kind }),
        ...Array(tries).fill({ channel: ch(NANO), kind: row.kind }),
      ];
      expect(out.error!.attempts!.map(({ channel, kind }) => ({ channel, kind }))).toEqual(expected);
      expect((out.error!.cause as ZenError).kind).toBe(row.kind);
      expect(out.zen.attempts.map((attempt) => attempt.errorKind)).toEqual(expected.map((entry) => entry.kind));
      expect(out.zen.channel).toBeUndefined();
      expect(sim.callsFor(UP[MINI])).toHaveLength(tries);
      expect(sim.callsFor(UP[NANO])).toHaveLength(tries);
    },
  );

  it.each(BOTH)(
    '%s: auth on every channel is kind auth, with every attempt kept; mixed failures stay all_attempts_failed',
    async (mode) => {
      const stream = mode === 'stream';
      const zen = zenClient(sim, { routing: { retry: { retries: 1 } } });
      sim.enqueue(UP[MINI], http(401));
      sim.enqueue(UP[NANO], http(401));
      const auth = await time.settle(run(zen, { model: [MINI, NANO] }, stream));
      expect(auth.error?.kind).toBe('auth');
      expect(auth.error!.retryable).toBe(false);
      expect(auth.error!.attempts!.map(({ channel, kind }) => [channel, kind])).toEqual([
        [ch(MINI), 'auth'],
        [ch(NANO), 'auth'],
      ]);
      expect(auth.error!.message).toContain('All 2 attempts failed, each with auth.');
      expect(auth.zen.attempts.map((attempt) => attempt.errorKind)).toEqual(['auth', 'auth']);

      // One channel, one wrong key: the same.
      sim.enqueue(UP[MINI], http(401));
      const single = await time.settle(run(zen, { model: MINI }, stream));
      expect(single.error?.kind).toBe('auth');
      expect(single.error!.attempts).toEqual([expect.objectContaining({ channel: ch(MINI), kind: 'auth' })]);

      // Two different reasons no retry fixes: nothing to name but the whole.
      sim.enqueue(UP[MINI], http(401));
      sim.enqueue(UP[NANO], http(403));
      const mixed = await time.settle(run(zen, { model: [MINI, NANO] }, stream));
      expect(mixed.error?.kind).toBe('all_attempts_failed');
      expect(mixed.error!.attempts!.map(({ kind }) => kind)).toEqual(['auth', 'permission']);

      // A retryable failure beside an auth one: the same.
      sim.enqueue(UP[MINI], http(500), http(500));
      sim.enqueue(UP[NANO], http(401));
      const withServer = await time.settle(run(zen, { model: [MINI, NANO] }, stream));
      expect(withServer.error?.kind).toBe('all_attempts_failed');
      expect(withServer.error!.attempts!.map(({ kind }) => kind)).toEqual(['server', 'server', 'auth']);
    },
  );

  it('a channel skipped for an open breaker is a different reason: auth elsewhere stays all_attempts_failed', async () => {
    const zen = zenClient(sim, { breaker: { allowedFailures: 0, cooldownMs: 60_000 }, routing: { retry: { retries: 0 } } });
    sim.enqueue(UP[MINI], http(500));
    await run(zen, { model: MINI }, false); // opens MINI's breaker
    sim.enqueue(UP[NANO], http(401));
    const out = await run(zen, { model: [MINI, NANO] }, false);
    expect(attemptsOf(out.zen)).toEqual([
      [ch(MINI), 'skipped', undefined, 0],
      [ch(NANO), 'error', 'auth', 0],
    ]);
    expect(out.error?.kind).toBe('all_attempts_failed');
  });

  it('a single failing channel with nowhere to go still says all_attempts_failed, with the cause', async () => {
    const zen = zenClient(sim, { routing: { retry: { retries: 2 } } });
    sim.enqueue(UP[MINI], http(503), http(503), http(500));
    const out = await time.settle(run(zen, { model: MINI }, false));
    expect(out.error?.kind).toBe('all_attempts_failed');
    expect(out.error!.attempts!.map((attempt) => attempt.kind)).toEqual(['overloaded', 'overloaded', 'server']);
    expect(out.error!.message).toContain('All 3 attempts failed');
    expect(attemptsOf(out.zen).map(([, , , retry]) => retry)).toEqual([0, 1, 2]);
  });
});

describe.each([
  ['Anthropic', HAIKU],
  ['Gemini', FLASH],
] as const)('the same rules through the %s SDK', (_vendor, primary) => {
  const rows: Array<Pick<Row, 'kind' | 'label' | 'reply' | 'retry'> & { modes?: Mode[] }> = [
    { kind: 'rate_limited', label: '429, Retry-After 0.05 s', reply: http(429, { retryAfter: 0.05 }), retry: true },
    { kind: 'overloaded', label: primary === HAIKU ? '529' : '503', reply: http(primary === HAIKU ? 529 : 503), retry: true },
    { kind: 'server', label: '500', reply: http(500), retry: true },
    { kind: 'network', label: 'connection reset', reply: { fault: { type: 'reset' } }, retry: true },
    {
      kind: 'stream_interrupted',
      label: 'stream cut before content',
      reply: { fault: { type: 'cut', afterChunks: 1 } },
      retry: true,
      modes: ['stream'],
    },
    { kind: 'auth', label: '401', reply: http(401), retry: false },
    { kind: 'permission', label: '403', reply: http(403), retry: false },
    { kind: 'not_found', label: '404', reply: http(404), retry: false },
  ];
  const cases = rows.flatMap((row) => (row.modes ?? BOTH).map((mode) => ({ ...row, mode })));

  it.each(cases)('$kind ($label, $mode): retried only when retryable, then failed over', async (row) => {
    const zen = zenClient(sim, { routing: { retry: { retries: 1 } } });
    sim.enqueue(UP[primary], row.reply, row.reply);
    sim.enqueue(UP[MINI], { text: 'from mini' });
    const out = await time.settle(run(zen, { model: [primary, MINI] }, row.mode === 'stream'));
    const tries = row.retry ? 2 : 1;
    expect(out.text).toBe('from mini');
    expect(attemptsOf(out.zen)).toEqual([
      ...Array.from({ length: tries }, (_, retry) => [ch(primary), 'error', row.kind, retry]),
      [ch(MINI), 'success', undefined, 0],
    ]);
    expect(sim.callsFor(UP[primary])).toHaveLength(tries);
  });

  it.each(BOTH)('invalid_request (400, %s) is neither retried nor failed over', async (mode) => {
    const zen = zenClient(sim, { routing: { retry: { retries: 1 } } });
    sim.enqueue(UP[primary], http(400));
    const out = await time.settle(run(zen, { model: [primary, MINI] }, mode === 'stream'));
    expect(out.error?.kind).toBe('invalid_request');
    expect(sim.callsFor(UP[primary])).toHaveLength(1);
    expect(sim.callsFor(UP[MINI])).toHaveLength(0);
  });
});
