import { configurationError, ZenError } from '../core/errors.js';
import type { BreakerTransition } from './circuit-breaker.js';
import type { LiveState } from './live-state.js';
import type { SharedStateOptions, StateStore } from './state-store.js';

const DEFAULT_REFRESH_MS = 1_000;
const DEFAULT_SESSION_TTL_MS = 60 * 60 * 1_000;
const DEFAULT_TIMEOUT_MS = 250;

export type SharedStateOperation = 'cooldowns' | 'extendCooldown' | 'pinSession' | 'sessionChannel';

export interface SharedStateEvents {
  /** A breaker this process holds open because another process reported the channel down. */
  breaker(transition: BreakerTransition & { channel: string }): void;
  /** The store failed; the call went on with this process's own state. */
  error(operation: SharedStateOperation, error: ZenError): void;
}

/**
 * Keeps this process's live state in step with a StateStore. Nothing here is on a call's critical
 * path except a cooldown read at most every `refreshMs` and a session read for calls that name a
 * session, each bounded by `timeoutMs`. Writes go out in the background. A store that fails or
 * hangs never fails a call: the error is reported and routing goes on with what this process knows.
 */
export class SharedState {
  private readonly store: StateStore;
  private readonly refreshMs: number;
  private readonly sessionTtlMs: number;
  private readonly timeoutMs: number;
  private readAt = Number.NEGATIVE_INFINITY;

  constructor(
    options: SharedStateOptions,
    private readonly live: LiveState,
    private readonly events: SharedStateEvents,
    private readonly now: () => number = Date.now,
  ) {
    validateSharedStateOptions(options);
    this.store = options.store;
    this.refreshMs = options.refreshMs ?? DEFAULT_REFRESH_MS;
    this.sessionTtlMs = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /**
   * Reads the shared cooldowns if this process's copy is older than `refreshMs` (undefined when it
   * is fresh). The call that finds it stale waits for the read, at most `timeoutMs`; calls during
   * the read go on with what this process knows. A late answer is still applied when it comes.
   */
  refresh(): Promise<void> | undefined {
    const at = this.now();
    if (at - this.readAt < this.refreshMs) return undefined;
    this.readAt = at;
    const read = settled(() => this.store.cooldowns(at)).then((cooldowns) =>
      this.live.applySharedCooldowns(cooldowns, this.events.breaker),
    );
    return this.within('cooldowns', read);
  }

  /** A breaker opened in this process: the others hold it open too. */
  publishCooldown(channel: string, openUntil: number): void {
    settled(() => this.store.extendCooldown(channel, openUntil)).catch((error: unknown) => this.fail('extendCooldown', error));
  }

  /** Brings the session's shared pin into the live state before the call is routed. */
  async loadSession(session: string): Promise<void> {
    const channel = await this.within(
      'sessionChannel',
      settled(() => this.store.sessionChannel(session)),
    );
    if (channel !== undefined && channel !== this.live.sessionChannel(session)) this.live.pinSession(session, channel);
  }

  /** The session was served by `channel`: the other processes serve its next turns there too. */
  pinSession(session: string, channel: string): void {
    settled(() => this.store.pinSession(session, channel, this.sessionTtlMs)).catch((error: unknown) => this.fail('pinSession', error));
  }

  /** The store's answer, or undefined when it fails or is slower than `timeoutMs` (reported either way). */
  private within<T>(operation: SharedStateOperation, work: Promise<T>): Promise<T | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.events.error(
          operation,
          new ZenError({
            kind: 'timeout',
            retryable: true,
            message: `The shared state store did not answer (${operation}) within ${this.timeoutMs} ms; the call went on with this process's own state.`,
          }),
        );
        resolve(undefined);
      }, this.timeoutMs);
      work.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          this.fail(operation, error);
          resolve(undefined);
        },
      );
    });
  }

  private fail(operation: SharedStateOperation, error: unknown): void {
    const cause = error instanceof Error ? error.message : String(error);
    this.events.error(
      operation,
      new ZenError({ kind: 'network', retryable: true, message: `The shared state store failed (${operation}): ${cause}`, cause: error }),
    );
  }
}

/** A host store's method as a promise, even when it throws before returning one. */
function settled<T>(call: () => Promise<T>): Promise<T> {
  try {
    return Promise.resolve(call());
  } catch (error) {
    return Promise.reject(error);
  }
}

function validateSharedStateOptions(options: SharedStateOptions): void {
  if (typeof options !== 'object' || options === null)
    throw configurationError('sharedState must be an object: { store, refreshMs?, sessionTtlMs?, timeoutMs? }.');
  const store = options.store as Partial<StateStore> | undefined;
  const missing = (['extendCooldown', 'cooldowns', 'pinSession', 'sessionChannel'] as const).filter(
    (method) => typeof store?.[method] !== 'function',
  );
  if (missing.length > 0) {
    throw configurationError(
      `sharedState.store must be a StateStore (MemoryStateStore, RedisStateStore or your own); it lacks ${missing.join(', ')}.`,
    );
  }
  for (const [name, value, min] of [
    ['refreshMs', options.refreshMs, 0],
    ['sessionTtlMs', options.sessionTtlMs, 1],
    ['timeoutMs', options.timeoutMs, 1],
  ] as const) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < min)) {
      throw configurationError(`sharedState.${name} must be a number of milliseconds >= ${min}, got ${String(value)}.`);
    }
  }
}
