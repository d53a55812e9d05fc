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

/**
 * A stop switch for the call deadline and a lane: the first reason wins and is told to listeners.
 * It is not an AbortSignal because Node spends ~2 µs creating each EventTarget, and most calls never
 * stop; `signal` makes one on demand (for p-retry and backoff waits, which only failures reach).
 */
export class StopSwitch {
  reason: StopReason | undefined;
  private listeners: Array<(reason: StopReason) => void> | undefined;
  private controller: AbortController | undefined;

  get stopped(): boolean {
    return this.reason !== undefined;
  }

  stop(reason: StopReason): void {
    if (this.reason) return;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) for (const listener of listeners) listener(reason);
    this.controller?.abort(reason);
  }

  /** Calls `listener` when the switch stops (at once if it has); returns the unsubscribe function. */
  onStop(listener: (reason: StopReason) => void): () => void {
    if (this.reason) {
      listener(this.reason);
      return () => {};
    }
    (this.listeners ??= []).push(listener);
    return () => {
      const index = this.listeners?.indexOf(listener) ?? -1;
      if (index >= 0) this.listeners!.splice(index, 1);
    };
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

/**
 * One attempt's cancellation: the caller's signal, the call deadline, the lane and this attempt's
 * own timers all end up here, and the first reason wins. Its AbortSignal is what the SDK gets.
 */
export class AttemptSignal {
  readonly controller = new AbortController();
  reason: StopReason | undefined;
  private readonly cleanups: Array<() => void> = [];

  constructor(switches: StopSwitch[], caller: AbortSignal | undefined) {
    for (const parent of switches) {
      this.cleanups.push(parent.onStop((reason) => this.stop(reason)));
    }
    if (caller) {
      if (caller.aborted) this.stop(callerStop(caller));
      else {
        const onAbort = (): void => this.stop(callerStop(caller));
        caller.addEventListener('abort', onAbort, { once: true });
        this.cleanups.push(() => caller.removeEventListener('abort', onAbort));
      }
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  stop(reason: StopReason): void {
    if (this.reason) return;
    this.reason = reason;
    this.controller.abort(stopError(reason));
  }

  /** Starts a timer that stops the attempt unless cleared. */
  timer(ms: number | undefined, reason: StopReason): () => void {
    if (ms === undefined || !Number.isFinite(ms)) return () => {};
    const handle = setTimeout(() => this.stop(reason), Math.max(0, ms));
    return () => clearTimeout(handle);
  }

  dispose(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
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
export async function openStreamHead(adapter: ProviderAdapter, channel: Channel, request: GenerationRequest, signal: AbortSignal, now: () => number): Promise<StreamHead> {
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
    this.handle = setTimeout(() => {
      this.handle = undefined;
      // Not waiting now: the next wait arms the timer again.
      if (this.waitingSince === undefined) return;
      const waited = this.now() - this.waitingSince;
      if (waited >= this.ms!) this.onIdle();
      else this.arm(this.ms! - waited);
    }, Math.max(0, ms));
  }
}
