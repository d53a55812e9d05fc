import type { ZenErrorKind } from '../core/errors.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /**
   * Consecutive failures tolerated while closed; the next one opens the breaker. 0 opens it on the
   * first failure (default 4).
   */
  allowedFailures?: number;
  /** Failure rate over the window that opens the breaker (default 0.5). */
  failureRate?: number;
  /** Calls remembered for the failure rate (default 20). */
  windowSize?: number;
  /** Calls needed in the window before the rate counts (default 10). */
  minimumCalls?: number;
  /** How long an open breaker stays open (default 30 s). */
  cooldownMs?: number;
}

/** Failures that say something about a channel's health (a bad request or an abort says nothing). */
const COUNTS_AGAINST_CHANNEL: ReadonlySet<ZenErrorKind> = new Set<ZenErrorKind>([
  'rate_limited',
  'overloaded',
  'server',
  'timeout',
  'network',
  'stream_interrupted',
  'auth',
  'permission',
  'quota_exhausted',
  'not_found',
]);

export function countsAgainstChannel(kind: ZenErrorKind): boolean {
  return COUNTS_AGAINST_CHANNEL.has(kind);
}

/**
 * Leave to make one call through a breaker. The one trial call of a half-open breaker holds the
 * probe; only its outcome (or its release) frees the slot for the next probe.
 */
export interface BreakerPermit {
  readonly probe: boolean;
}

const CALL: BreakerPermit = Object.freeze({ probe: false });
const PROBE: BreakerPermit = Object.freeze({ probe: true });

export interface BreakerTransition {
  from: BreakerState;
  to: BreakerState;
  /** Until when an open breaker stays open (epoch ms). */
  openUntil?: number;
  reason: string;
}

/**
 * One channel's breaker: closed → open on too many failures (consecutive or by rate), open →
 * half-open when the cooldown ends (one probe call), half-open → closed on success or open again.
 * A cooldown is only ever extended to the later deadline, never shortened.
 */
export class CircuitBreaker {
  private stateValue: BreakerState = 'closed';
  private openUntilValue = 0;
  private consecutive = 0;
  private readonly window: boolean[] = [];
  private probeInFlight = false;
  private readonly allowedFailures: number;
  private readonly failureRate: number;
  private readonly windowSize: number;
  private readonly minimumCalls: number;
  private readonly cooldownMs: number;

  constructor(
    options: CircuitBreakerOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.allowedFailures = options.allowedFailures ?? 4;
    this.failureRate = options.failureRate ?? 0.5;
    this.windowSize = options.windowSize ?? 20;
    this.minimumCalls = options.minimumCalls ?? 10;
    this.cooldownMs = options.cooldownMs ?? 30_000;
  }

  get state(): BreakerState {
    if (this.stateValue === 'open' && this.now() >= this.openUntilValue) return 'half-open';
    return this.stateValue;
  }

  get openUntil(): number | undefined {
    return this.stateValue === 'open' ? this.openUntilValue : undefined;
  }

  /** Leave for a call now, or undefined. In half-open, only one probe at a time. */
  acquire(): BreakerPermit | undefined {
    const state = this.state;
    if (state === 'closed') return CALL;
    if (state === 'open' || this.probeInFlight) return undefined;
    this.probeInFlight = true;
    return PROBE;
  }

  /** Whether a call may go through now (see `acquire`). */
  tryAcquire(): boolean {
    return this.acquire() !== undefined;
  }

  /** Milliseconds until a call may go through (0 when closed or half-open). */
  get readyInMs(): number {
    return this.state === 'open' ? Math.max(0, this.openUntilValue - this.now()) : 0;
  }

  /** Ends a call without an outcome (the caller aborted it): a probe's slot is freed for the next probe. */
  release(permit: BreakerPermit = PROBE): void {
    if (permit.probe) this.probeInFlight = false;
  }

  /**
   * Records a success. Only the probe closes an open breaker: any other call still in flight
   * started before the breaker opened.
   */
  onSuccess(permit: BreakerPermit = PROBE): BreakerTransition | undefined {
    this.release(permit);
    this.consecutive = 0;
    this.remember(true);
    if (this.stateValue !== 'closed' && permit.probe) {
      const from = this.state;
      this.stateValue = 'closed';
      this.window.length = 0;
      return { from, to: 'closed', reason: 'probe succeeded' };
    }
    return undefined;
  }

  /** Records a failure; `retryAfterMs` from a 429 opens the breaker for at least that long. */
  onFailure(kind: ZenErrorKind, retryAfterMs?: number, permit: BreakerPermit = PROBE): BreakerTransition | undefined {
    this.release(permit);
    if (!countsAgainstChannel(kind)) return undefined;
    this.consecutive += 1;
    this.remember(false);
    const from = this.state;
    // While open (or half-open, for any call but the probe), a failure of a call that was already
    // in flight when the breaker opened says nothing new: only a longer Retry-After moves the deadline.
    let reason = from === 'closed' ? this.tripReason() : from === 'half-open' && permit.probe ? `probe failed (${kind})` : undefined;
    let cooldown = reason ? this.cooldownMs : 0;
    // A 429's Retry-After opens the breaker for at least that long; it never cuts the usual cooldown short.
    if (kind === 'rate_limited' && retryAfterMs !== undefined && retryAfterMs > cooldown) {
      reason = reason ? `${reason}; rate limited, Retry-After ${retryAfterMs} ms` : `rate limited, Retry-After ${retryAfterMs} ms`;
      cooldown = retryAfterMs;
    }
    if (!reason) return undefined;
    const until = this.now() + cooldown;
    // A running cooldown is never shortened by a later, shorter one.
    const extended = this.stateValue === 'open' ? Math.max(this.openUntilValue, until) : until;
    this.stateValue = 'open';
    this.openUntilValue = extended;
    return { from, to: 'open', openUntil: extended, reason };
  }

  /**
   * Holds the breaker open until `until` (epoch ms) because another process saw the channel fail
   * (a shared StateStore). Like any cooldown it only ever extends; a deadline already past does nothing.
   */
  holdOpen(until: number, reason: string): BreakerTransition | undefined {
    if (until <= this.now()) return undefined;
    if (this.stateValue === 'open' && this.openUntilValue >= until) return undefined;
    const from = this.state;
    this.stateValue = 'open';
    this.openUntilValue = until;
    return { from, to: 'open', openUntil: this.openUntilValue, reason };
  }

  /** Why a closed breaker opens now, if it does: too many consecutive failures, or the failure rate. */
  private tripReason(): string | undefined {
    if (this.consecutive > this.allowedFailures) return `${this.consecutive} consecutive failures (allowed ${this.allowedFailures})`;
    if (this.window.length < this.minimumCalls) return undefined;
    const failures = this.window.filter((ok) => !ok).length;
    return failures / this.window.length >= this.failureRate ? `failure rate ${failures}/${this.window.length}` : undefined;
  }

  private remember(ok: boolean): void {
    this.window.push(ok);
    if (this.window.length > this.windowSize) this.window.shift();
  }
}
