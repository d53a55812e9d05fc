import type { CallRecord } from '../core/call-record.js';
import type { CallObserver, CallOutcome } from '../core/call-outcome.js';
import type { EmbeddingRequest, EmbeddingResult } from '../core/embedding.js';
import type { FaceName, GenerationRequest, ImageRequest } from '../core/request.js';
import type { CallWarning, GenerationResult, ImageResult } from '../core/result.js';
import type { StreamPart } from '../core/stream-part.js';
import type { RequestInsurance } from '../insurance/options.js';
import type { Route } from '../policy/router.js';
import type { RoutingOptions } from '../policy/types.js';

/** Per-request insurance switches (the client's insurance options hold the defaults). */
export type RequestInsuranceOptions = RequestInsurance;

/** The typed extension field a request may carry in any face: `zen: { ... }`. */
export interface ZenRequestOptions extends RoutingOptions {
  insurance?: RequestInsuranceOptions;
  /** Free-form labels stored with the ledger record. */
  tags?: Record<string, string>;
  /**
   * The budget keys this call counts against (`user:42`, `project:x`), besides those the client's
   * `budgets.key(call)` gives: see ZenClientOptions.budgets.
   */
  budgetKey?: string | string[];
}

/** What happened on a call: attached to every response and stream as `zen` (see CallRecord). */
export type ZenMetadata = CallRecord;

interface CallInputBase {
  face: FaceName;
  /** A model id, an ordered fallback list, or `auto`. */
  model: string | string[];
  /** The request's `zen` field, merged with the SDK-style call options. */
  options?: ZenRequestOptions;
  signal?: AbortSignal;
  /** Warnings the face raised while converting. */
  warnings: CallWarning[];
}

/** A chat generation, as a face hands it to the pipeline. */
export interface TextCallInput extends CallInputBase {
  operation: 'text';
  request: GenerationRequest;
  stream: boolean;
}

/** An image generation or edit, as a face hands it to the pipeline. */
export interface ImageCallInput extends CallInputBase {
  operation: 'image';
  request: ImageRequest;
}

/** Texts (or token arrays) to embed, as a face hands them to the pipeline. */
export interface EmbeddingCallInput extends CallInputBase {
  operation: 'embedding';
  request: EmbeddingRequest;
}

/** What a face hands the pipeline: the canonical call. */
export type CallInput = TextCallInput | ImageCallInput | EmbeddingCallInput;

interface CallBase {
  readonly requestId: string;
  readonly face: FaceName;
  /** A model id, an ordered fallback list, or `auto`; a step before routing may change it. */
  model: string | string[];
  /** The call's own options (the request's `zen` field and the call options), as given. */
  readonly options: ZenRequestOptions;
  /** The options routing and execution use: the client's `routing` defaults under `options`. */
  readonly routing: ZenRequestOptions;
  readonly signal: AbortSignal | undefined;
  /**
   * A call the insurance makes on the caller's behalf (the groundedness judge, consistency
   * samples): not validated, insured or recorded on its own; its attempts and cost are added to the
   * call it serves. Host steps see these too (a span, a budget); a guardrail may let them pass.
   */
  readonly internal: boolean;
  /** What happened so far; complete once the outcome (or, for streams, its `done`) has come back. */
  readonly record: CallRecord;
  /** The plan, once the routing step has run. */
  route: Route | undefined;
  /** Adds hooks into this call's execution: attempt start and end, the execution's end. */
  observe(observer: CallObserver): void;
}

/** A chat generation, streamed or not, as the steps see it. */
export interface TextCall extends CallBase {
  readonly operation: 'text';
  /** The canonical request; a step before routing may replace it (a guardrail that rewrites a prompt). */
  request: GenerationRequest;
  readonly stream: boolean;
}

/** An image generation or edit, as the steps see it. */
export interface ImageCall extends CallBase {
  readonly operation: 'image';
  request: ImageRequest;
  readonly stream: false;
}

/** An embedding call, as the steps see it. */
export interface EmbeddingCall extends CallBase {
  readonly operation: 'embedding';
  request: EmbeddingRequest;
  readonly stream: false;
}

/** One call on its way through the pipeline. */
export type ZenCall = TextCall | ImageCall | EmbeddingCall;

/** Runs the rest of the pipeline (the steps after this one) and resolves with its outcome. */
export type Next = () => Promise<CallOutcome>;

/**
 * One step of the call pipeline. It may look at or change the call, call `next()` once and
 * return (or wrap) its outcome, return an outcome of its own without calling `next()` (a cache),
 * or throw a ZenError (a guardrail). The outcome must fit the call: `text` for a non-streamed text
 * call, `stream` for a streamed one, `image` for an image call, `embedding` for an embedding call.
 */
export type Step = (call: ZenCall, next: Next) => Promise<CallOutcome>;

/** A non-streamed text call's answer and record. */
export interface TextRun {
  result: GenerationResult;
  metadata: ZenMetadata;
}

/** A streamed call: its parts, the record so far, and the record once the stream is over. */
export interface StreamRun {
  parts: AsyncIterable<StreamPart>;
  /** Metadata as known so far (complete once `done` resolves). */
  metadata(): ZenMetadata;
  /** Resolves when the stream ended, failed or was abandoned, after detectors and the ledger ran. */
  done: Promise<ZenMetadata>;
}

/** An image call's images and record. */
export interface ImageRun {
  result: ImageResult;
  metadata: ZenMetadata;
}

/** An embedding call's vectors and record. */
export interface EmbeddingRun {
  result: EmbeddingResult;
  metadata: ZenMetadata;
}

/** What a face needs from the client: one entry for every kind of call. */
export interface CallRunner {
  run(call: TextCallInput & { stream: false }): Promise<TextRun>;
  run(call: TextCallInput & { stream: true }): Promise<StreamRun>;
  run(call: ImageCallInput): Promise<ImageRun>;
  run(call: EmbeddingCallInput): Promise<EmbeddingRun>;
}
