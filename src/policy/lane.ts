import pRetry, { AbortError } from 'p-retry';
import type { AttemptRecord } from '../core/call-record.js';
import { ZenError, type ZenErrorKind } from '../core/errors.js';
import { anySignal, StopSwitch, type AttemptSignal, type StreamHead } from './attempt.js';
import type { BreakerPermit } from './circuit-breaker.js';
import type { LiveState } from './live-state.js';
import type { Candidate } from './types.js';

/**
 * A lane: one channel of a plan with its own retries. The execution runs one lane at a time, or
 * two while hedging; each ends in a committed answer (or stream) or in its last error.
 */

export interface ResolvedRetry {
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
}

/** What a lane ended with: an answer, or a stream past its first token. */
export type Committed<T> =
  | { kind: 'result'; candidate: Candidate; result: T; attempt: AttemptRecord }
  | {
      kind: 'stream';
      candidate: Candidate;
      head: StreamHead;
      signal: AttemptSignal;
      startedAt: number;
      retry: number;
      hedge: boolean;
      permit: BreakerPermit;
    };

export type LaneOutcome<T> = { lane: Lane<T>; ok: true; committed: Committed<T> } | { lane: Lane<T>; ok: false; error: ZenError };

export interface Lane<T> {
  candidate: Candidate;
  /** Stopped when the lane loses a race or the call ends. */
  switch: StopSwitch;
  promise: Promise<LaneOutcome<T>>;
  hedge: boolean;
}

/** What a lane needs from the execution it runs in. */
export interface LaneHost<T> {
  readonly retry: ResolvedRetry;
  /** The call's deadline. */
  readonly deadline: StopSwitch;
  readonly callerSignal: AbortSignal | undefined;
  readonly state: LiveState;
  attemptOnce(candidate: Candidate, retry: number, lane: StopSwitch, hedge: boolean, permit: BreakerPermit): Promise<Committed<T>>;
  /** Takes a retry or failover from the client's retry budget; false when it is empty. */
  takeBudget(kind: ZenErrorKind): boolean;
  /** A lane's failure as a ZenError, named for whoever stopped it. */
  laneError(error: unknown, candidate: Candidate, lane: StopSwitch): ZenError;
}

/** Starts a lane on `candidate`, whose breaker already gave `firstPermit`. */
export function runLane<T>(host: LaneHost<T>, candidate: Candidate, hedge: boolean, firstPermit: BreakerPermit): Lane<T> {
  const lane = { candidate, switch: new StopSwitch(), hedge } as Lane<T>;
  // Most calls succeed at once: the first attempt runs bare, and p-retry (with its stop signal)
  // is set up only for a failure that may be retried.
  lane.promise = host.attemptOnce(candidate, 0, lane.switch, hedge, firstPermit).then(
    (committed) => ({ lane, ok: true as const, committed }),
    (error: unknown) => retryLane(host, lane, error),
  );
  return lane;
}

/** Retries of a lane whose first attempt failed: backoff with jitter, Retry-After, budget (p-retry). */
function retryLane<T>(host: LaneHost<T>, lane: Lane<T>, firstError: unknown): Promise<LaneOutcome<T>> {
  const { candidate, switch: laneSwitch, hedge } = lane;
  const { retry } = host;
  const failed = (error: unknown): LaneOutcome<T> => ({ lane, ok: false as const, error: host.laneError(error, candidate, laneSwitch) });
  if (retry.retries === 0 || !ZenError.isInstance(firstError) || !firstError.retryable) return Promise.resolve(failed(firstError));
  const breaker = host.state.breaker(candidate.channel);
  // Backoff and Retry-After waits end as soon as the caller, the deadline or the race stops the lane.
  const stop = anySignal([laneSwitch.signal, host.deadline.signal, host.callerSignal]);
  return pRetry(
    async (attemptNumber) => {
      // Attempt 1 already ran: handing its error back lets p-retry decide and wait as for any other.
      if (attemptNumber === 1) throw firstError;
      const permit = breaker.acquire();
      if (!permit) {
        throw new AbortError(
          new ZenError({
            kind: 'overloaded',
            message: `The circuit breaker of ${candidate.channel.id} is open.`,
            provider: candidate.channel.provider.name,
            model: candidate.channel.model.id,
          }),
        );
      }
      return host.attemptOnce(candidate, attemptNumber - 1, laneSwitch, hedge, permit);
    },
    {
      retries: retry.retries,
      minTimeout: retry.minDelayMs,
      maxTimeout: retry.maxDelayMs,
      factor: 2,
      randomize: true,
      signal: stop.signal,
      shouldRetry: async ({ error }) => {
        if (!ZenError.isInstance(error) || !error.retryable || error.kind === 'aborted') return false;
        if (host.deadline.stopped || host.callerSignal?.aborted || laneSwitch.stopped) return false;
        // A long Retry-After is better spent on another channel.
        const wait = error.retryAfterMs ?? 0;
        if (wait > retry.maxRetryAfterMs) return false;
        // An open breaker is waited for only when it opened for this very Retry-After.
        if (breaker.readyInMs > wait) return false;
        if (!host.takeBudget(error.kind)) return false;
        if (wait > 0) await sleep(wait, stop.signal);
        return true;
      },
    },
  )
    .then((committed) => ({ lane, ok: true as const, committed }), failed)
    .finally(stop.dispose);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const handle = setTimeout(done, ms);
    function done(): void {
      clearTimeout(handle);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
