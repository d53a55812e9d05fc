import type { FaceName, GenerationRequest } from '../core/request.js';
import type { GeneratedImage, GenerationResult } from '../core/result.js';
import type { StreamPart } from '../core/stream-part.js';
import type { AttemptRecord, QualityEventKind } from './types.js';
import type { ResolvedInsurance } from './options.js';

/**
 * What a detector may ask of the router: one more call (the groundedness judge, a consistency
 * sample), routed like any other call. Its cost is added to the insured call's cost and its
 * attempts are recorded with a `purpose`; it is never insured itself.
 */
export interface Subcall {
  model: string | string[];
  request: GenerationRequest;
}

export type SubcallRunner = (purpose: 'judge' | 'consistency', call: Subcall) => Promise<GenerationResult>;

/** What a detector found, before the runner stamps it with ids, the channel and the time. */
export interface EventDraft {
  kind: QualityEventKind;
  /** 0..1: how bad (1 = unusable). */
  severity: number;
  /** What happened, in words, without quoting the prompt or the answer. */
  message: string;
  /** The channel at fault, when it is not the one that answered (a failed attempt before a failover). */
  channel?: string;
  /** Facts that quote no content: measurements, limits, counts, names. */
  detail?: Record<string, unknown>;
  /**
   * Content quoted as evidence (the unsupported claims, the refusal text). Kept in events only when
   * the client captures content: redacted with `captureContent: 'redacted'`, dropped with `none`.
   */
  evidence?: unknown;
}

export type DetectorOutput = EventDraft[] | void | Promise<EventDraft[] | void>;

/** Timings of the call as the caller saw them. */
export interface DetectorTiming {
  /** From the start of the call to the first content (streams only). */
  ttftMs: number | undefined;
  durationMs: number;
  tokensPerSecond: number | undefined;
  outputTokens: number;
}

/** The channel's rolling p95 as it was before this call (undefined until it has enough samples). */
export interface ChannelBaseline {
  ttftP95Ms: number | undefined;
  totalP95Ms: number | undefined;
}

/** What every detector sees when a call starts. */
export interface DetectorStart {
  requestId: string;
  face: FaceName;
  stream: boolean;
  /** `image` for the images face: only delivery detectors and the empty check apply. */
  output: 'text' | 'image';
  request: GenerationRequest;
  /** The channel that produced the answer. */
  channel: string;
  baseline: ChannelBaseline;
  settings: ResolvedInsurance;
  signal: AbortSignal | undefined;
}

/** What a detector sees once an answer (or, for delivery detectors, the whole call) is complete. */
export interface DetectorContext extends DetectorStart {
  /** The answer; assembled from the parts for streams. */
  result: GenerationResult;
  /** Images produced by the images face. */
  images?: GeneratedImage[];
  timing: DetectorTiming;
  /** Every attempt of the call so far (delivery detectors see failovers here). */
  attempts: readonly AttemptRecord[];
  subcall: SubcallRunner;
}

/** Watches a stream as its parts flow; events returned by `onPart` are filed at once. */
export interface StreamObserver {
  /** `atMs`: milliseconds since the call started, when the part reached zenrouter. */
  onPart(part: StreamPart, atMs: number): EventDraft[] | void;
  onEnd(context: DetectorContext): DetectorOutput;
}

/**
 * `answer` detectors judge what the model said: they run on every answer before it is accepted
 * (non-streamed), so their covered events can trigger a repair. `delivery` detectors judge how
 * the call went (latency, throughput, failovers) and run once, on the call as the caller saw it.
 */
export type DetectorScope = 'answer' | 'delivery';

/**
 * A quality check. Implement `inspectResult`, `observeStream`, or both: a stream without an
 * observer is inspected once it is complete, with the answer assembled from its parts.
 */
export interface Detector {
  readonly name: string;
  readonly scope: DetectorScope;
  inspectResult?(context: DetectorContext): DetectorOutput;
  observeStream?(start: DetectorStart): StreamObserver;
}

/** The text and tool calls of an answer. */
export function answerText(result: GenerationResult): string {
  let text = '';
  for (const part of result.content) if (part.type === 'text') text += part.text;
  return text;
}
