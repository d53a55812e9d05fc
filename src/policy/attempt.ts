import { AbortablePull } from '../core/abortable.js';
import { ZenError, type AbortedBy, type ZenErrorKind } from '../core/errors.js';
import type { GenerationRequest } from '../core/request.js';
import { isContentPart, type StreamPart } from '../core/stream-part.js';
import type { ProviderAdapter } from '../providers/types.js';
import type { Channel } from './catalog.js';

/** Why an attempt's signal fired, so its error is named for the cause and not for the symptom. */
export type StopReason =
  | { kind: 'aborted'; message: string; by?: AbortedBy }
  | { kind: 'timeout'; message: string }
  | { kind: 'hedge_lost'; message: string };

/** What a StopSwitch tells when it stops: an object with a method, so that listening allocates no closure. */
export interface StopListener {
  stop(reason: StopReason): void;
}

/**
 * A stop switch for the call deadline and a lane: the first reason wins and is told to listeners.
 * It is not an AbortSignal because Node spends ~2 µs and ~1 KB creating each EventTarget, and most
 * calls never stop; `signal` makes one on demand (for p-retry and backoff waits, which only
 * failures reach). One listener (an attempt) is the usual case: it has a slot of its own.
 */
export class StopSwitch {
  reason: StopReason | undefined;
  private listener: StopListener | undefined;
  private more: StopListener[] | undefined;
  private controller: AbortController | undefined;

  get stopped(): boolean {
    return this.reason !== undefined;
  }

  stop(reason: StopReason): void {
    if (this.reason) return;
    this.reason = reason;
    const { listener, more } = this;
    this.listener = undefined;
    this.more = undefined;
    listener?.stop(reason);
    if (more) for (const other of more) other.stop(reason);
    this.controller?.abort(reason);
  }

  /** Tells `listener` when the switch stops (at once if it has). */
  add(listener: StopListener): void {
    if (this.reason) {
      listener.stop(this.reason);
      return;
    }
    if (!this.listener) this.listener = listener;
    else (this.more ??= []).push(listener);
  }

  remove(listener: StopListener): void {
    if (this.listener === listener) this.listener = undefined;
    else if (this.more) {
      const index = this.more.indexOf(listener);
      if (index >= 0) this.more.splice(index, 1);
    }
  }

  /** An AbortSignal that aborts (with the StopReason) when the switch stops. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }
}

/** The reason a call stops when the caller's own AbortSignal aborts. */
export const CALLER_ABORTED: StopReason = { kind: 'aborted', message: 'The request was aborted by the caller.', by: 'signal' };

/** The reason a stream stops when the caller stops reading it (break, return) before its end. */
export const READER_STOPPED: StopReason = { kind: 'aborted', message: 'The caller stopped reading the stream.', by: 'reader' };

/**
 * Why the caller's signal aborted: a face that aborts because its reader stopped says so with a
 * ZenError reason (`abortedBy: 'reader'`); any other abort is the caller's.
 */
export function callerStop(signal: AbortSignal): StopReason {
  const reason: unknown = signal.reason;
  return ZenError.isInstance(reason) && reason.abortedBy === 'reader' ? READER_STOPPED : CALLER_ABORTED;
}

/** The ZenError a stop reason stands for (a lost hedge is an abort). */
export function stopError(reason: StopReason, channel?: Channel, cause?: unknown): ZenError {
  const kind: ZenErrorKind = reason.kind === 'hedge_lost' ? 'aborted' : reason.kind;
  return new ZenError({
    kind,
    message: reason.message,
    provider: channel?.provider.name,
    model: channel?.model.id,
    cause,
    retryable: kind === 'timeout',
    abortedBy: reason.kind === 'aborted' ? reason.by : undefined,
  });
}

/** A signal shared by attempts that only the call's deadline can stop (see deadline-cohort.ts). */
export interface SharedDeadlineSignal {
  /** The shared signal, or undefined when the attempt must make its own. */
  signal(): AbortSignal | undefined;
}

/**
 * One attempt's cancellation: the caller's signal, the call deadline, the lane and this attempt's
 * own timers all end up here, and the first reason wins. Its AbortSignal, made when first asked
 * for, is what the SDK gets (always: the SDKs' own timeouts stop at the headers, not the body).
 * An attempt that nothing but the deadline can stop (`shared`: no caller signal, no hedge, no
 * timer of its own) hands the SDK its deadline cohort's signal instead of making a controller.
 * Listens as an object (no closure per attempt): to the switches through `stop`, to the caller's
 * signal through `handleEvent`.
 */
export class AttemptSignal implements StopListener {
  reason: StopReason | undefined;
  private controller: AbortController | undefined;
  private sharedSignal: AbortSignal | undefined;
  private attemptTimer: ReturnType<typeof setTimeout> | undefined;
  private firstTokenTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(
    private readonly deadline: StopSwitch,
    private readonly lane: StopSwitch,
    private readonly caller: AbortSignal | undefined,
    private readonly shared?: SharedDeadlineSignal,
  ) {
    deadline.add(this);
    lane.add(this);
    if (caller) {
      if (caller.aborted) this.stop(callerStop(caller));
      else caller.addEventListener('abort', this, { once: true });
    }
  }

  /** The AbortSignal to hand the SDK (made on first use; aborted at once if the attempt has stopped). */
  get signal(): AbortSignal {
    if (this.sharedSignal) return this.sharedSignal;
    if (!this.controller) {
      if (!this.reason && this.shared) {
        this.sharedSignal = this.shared.signal();
        if (this.sharedSignal) return this.sharedSignal;
      }
      this.controller = new AbortController();
      if (this.reason) this.controller.abort(stopError(this.reason));
    }
    return this.controller.signal;
  }

  /** The caller's signal aborted (EventTarget calls an object listener's `handleEvent`). */
  handleEvent(): void {
    this.stop(callerStop(this.caller!));
  }

  stop(reason: StopReason): void {
    if (this.reason) return;
    this.reason = reason;
    if (this.controller) this.controller.abort(stopError(reason));
  }

  /** Stops the attempt on `channel` after `ms` (for its whole run), unless cleared. No limit, no timer. */
  startAttemptTimer(ms: number | undefined, channel: string): void {
    if (ms === undefined || !Number.isFinite(ms)) return;
    this.attemptTimer = setTimeout(
      () => this.stop({ kind: 'timeout', message: `The attempt on ${channel} exceeded ${ms} ms.` }),
      Math.max(0, ms),
    );
  }

  /** Stops the attempt after `ms` unless its first token came (cleared). No limit, no timer. */
  startFirstTokenTimer(ms: number | undefined, channel: string): void {
    if (ms === undefined || !Number.isFinite(ms)) return;
    this.firstTokenTimer = setTimeout(
      () => this.stop({ kind: 'timeout', message: `No first token from ${channel} within ${ms} ms.` }),
      Math.max(0, ms),
    );
  }

  clearAttemptTimer(): void {
    if (this.attemptTimer !== undefined) clearTimeout(this.attemptTimer);
    this.attemptTimer = undefined;
  }

  clearFirstTokenTimer(): void {
    if (this.firstTokenTimer !== undefined) clearTimeout(this.firstTokenTimer);
    this.firstTokenTimer = undefined;
  }

  /** Unhooks from the switches and the caller's signal (the timers are cleared by their owners). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.deadline.remove(this);
    this.lane.remove(this);
    this.caller?.removeEventListener('abort', this);
  }
}

/**
 * A signal that aborts when any of `signals` does (AbortSignal.any, which Node only has from 20.3),
 * with the first one's reason; `dispose` unhooks it.
 */
export function anySignal(signals: ReadonlyArray<AbortSignal | undefined>): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const cleanups: Array<() => void> = [];
  const dispose = (): void => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  };
  for (const signal of signals) {
    if (!signal) continue;
    if (signal.aborted) {
      controller.abort(signal.reason);
      dispose();
      break;
    }
    const onAbort = (): void => {
      controller.abort(signal.reason);
      dispose();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    cleanups.push(() => signal.removeEventListener('abort', onAbort));
  }
  return { signal: controller.signal, dispose };
}

/** Re-labels an error by the reason the attempt was stopped, when it was stopped by us. */
export function attemptError(error: unknown, stop: StopReason | undefined, channel: Channel): ZenError {
  if (stop) return stopError(stop, channel, error);
  if (ZenError.isInstance(error)) return error;
  return new ZenError({
    kind: 'server',
    message: `Unexpected failure from ${channel.provider.name}: ${error instanceof Error ? error.message : String(error)}`,
    provider: channel.provider.name,
    model: channel.model.id,
    cause: error,
  });
}

export interface StreamHead {
  /** Parts received up to and including the first content part. */
  buffered: StreamPart[];
  /** The rest of the stream, each read ended by the attempt's signal; whoever consumes it disposes it. */
  pull: AbortablePull<StreamPart>;
  firstTokenAt: number;
  /** The stream ended (with its finish) before any content: an empty answer. */
  ended: boolean;
}

/**
 * Opens a stream and reads until the first content part (or the end), so that a stream that fails
 * or stays silent before its first token can fail over before any byte reaches the caller.
 */
export async function openStreamHead(
  adapter: ProviderAdapter,
  channel: Channel,
  request: GenerationRequest,
  signal: AbortSignal,
  now: () => number,
): Promise<StreamHead> {
  const source = await adapter.stream({ modelId: channel.providerModelId, request, signal });
  const pull = new AbortablePull(source[Symbol.asyncIterator](), signal);
  const buffered: StreamPart[] = [];
  try {
    for (;;) {
      const next = await pull.next();
      if (next.done) return { buffered, pull, firstTokenAt: now(), ended: true };
      buffered.push(next.value);
      if (isContentPart(next.value)) return { buffered, pull, firstTokenAt: now(), ended: false };
      if (next.value.type === 'finish') return { buffered, pull, firstTokenAt: now(), ended: true };
    }
  } catch (error) {
    pull.dispose();
    throw error;
  }
}

/**
 * A limit on the time spent waiting for a stream's next item, with one timer for the whole stream
 * (a timer per item costs more than the item). Only waiting counts: time the caller takes to read
 * an item does not. `onIdle` runs once the current wait has lasted `ms`.
 */
export class IdleWatch {
  private waitingSince: number | undefined;
  private handle: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly ms: number | undefined,
    private readonly onIdle: () => void,
    private readonly now: () => number,
  ) {}

  /** Waiting for the next item, from now. */
  wait(): void {
    if (this.ms === undefined || !Number.isFinite(this.ms)) return;
    this.waitingSince = this.now();
    if (this.handle === undefined) this.arm(this.ms);
  }

  /** The item came (or the wait ended otherwise). */
  received(): void {
    this.waitingSince = undefined;
  }

  dispose(): void {
    if (this.handle !== undefined) clearTimeout(this.handle);
    this.handle = undefined;
    this.waitingSince = undefined;
  }

  private arm(ms: number): void {
    this.handle = setTimeout(
      () => {
        this.handle = undefined;
        // Not waiting now: the next wait arms the timer again.
        if (this.waitingSince === undefined) return;
        const waited = this.now() - this.waitingSince;
        if (waited >= this.ms!) this.onIdle();
        else this.arm(this.ms! - waited);
      },
      Math.max(0, ms),
    );
  }
}
