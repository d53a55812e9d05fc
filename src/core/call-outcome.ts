import type { AttemptRecord } from './call-record.js';
import type { EmbeddingResult } from './embedding.js';
import type { ZenError } from './errors.js';
import type { GenerationResult, ImageResult } from './result.js';
import type { StreamPart } from './stream-part.js';

/**
 * What a call's pipeline hands back, by operation: the answer itself. What happened on the way
 * (attempts, cost, events) is the call's `CallRecord`, not the outcome's.
 */

/** A non-streamed text answer. */
export interface TextOutcome {
  readonly type: 'text';
  result: GenerationResult;
}

/** A streamed text answer: its parts as they come, and its end. */
export interface StreamOutcome {
  readonly type: 'stream';
  parts: AsyncIterable<StreamPart>;
  /**
   * Resolves when the stream ended upstream (finished, failed, timed out or was abandoned),
   * whether or not the caller has read it, with the error that ended it, if one did. Never rejects.
   */
  done: Promise<ZenError | undefined>;
}

/** Generated or edited images. */
export interface ImageOutcome {
  readonly type: 'image';
  result: ImageResult;
}

/** Embedding vectors, one per input, in order. */
export interface EmbeddingOutcome {
  readonly type: 'embedding';
  result: EmbeddingResult;
}

export type CallOutcome = TextOutcome | StreamOutcome | ImageOutcome | EmbeddingOutcome;

/** An attempt about to call a channel (`CallObserver.attemptStart`). */
export interface AttemptStart {
  channel: string;
  provider: string;
  model: string;
  /** A retry of the same channel (0 for the first try). */
  retry: number;
  /** Started as a hedge next to a slow first channel. */
  hedge: boolean;
  /** `performance.now()` when it started. */
  startedAt: number;
}

/**
 * Hooks into one call's execution, for steps that need more than the outcome (telemetry spans per
 * attempt, the recorder). Called synchronously, in order; they must not throw and should be quick.
 */
export interface CallObserver {
  /** An attempt is about to call its channel. */
  attemptStart?(attempt: AttemptStart): void;
  /** An attempt ended; `attempt` is the record the call's `attempts` holds (skipped channels included). */
  attemptEnd?(attempt: AttemptRecord): void;
  /**
   * The execution ended: the answer came, every channel failed, or a stream ended upstream. The
   * call record's execution fields (attempts, usage, cost, timing, winner) are final by now; the
   * insurance's fields (events, claims) are not yet.
   */
  executionEnd?(error: ZenError | undefined): void;
  /**
   * The call is settled: its record is final (the insurance's events, claims and judge costs
   * included) and its ledger records are queued. Called once for every call the record step saw
   * end, whatever ended it; for a stream, when it ended upstream.
   */
  settled?(error: ZenError | undefined): void;
}
