import type { FaceName, GenerationRequest } from '../core/request.js';
import type { CallWarning, GenerationResult } from '../core/result.js';
import type { StreamPart } from '../core/stream-part.js';
import type { ImageRequest, ImageResult } from '../providers/types.js';
import type { CallFacts } from '../insurance/records.js';
import type { RequestInsurance } from '../insurance/options.js';
import type { Preference, Rejection, RoutingOptions } from '../policy/types.js';

/** Per-request insurance switches (the client's insurance options hold the defaults). */
export type RequestInsuranceOptions = RequestInsurance;

/** The typed extension field a request may carry in any face: `zen: { ... }`. */
export interface ZenRequestOptions extends RoutingOptions {
  insurance?: RequestInsuranceOptions;
  /** Free-form labels stored with the ledger record. */
  tags?: Record<string, string>;
}

/** What happened on a call: attached to every response and stream as `zen`. */
export interface ZenMetadata extends CallFacts {
  policy: string;
  /** Why that channel, in words: its place on the frontier and the preference, or the order. */
  explanation: string;
  frontier?: string[];
  preference?: Preference;
  /** The session's pinned channel was used. */
  sticky: boolean;
  /** The planned channels in order. */
  plan: string[];
  /** Channels left out of the plan and why (up to 20). */
  rejected: Rejection[];
  warnings: CallWarning[];
}

export interface EngineCall {
  face: FaceName;
  model: string | string[];
  request: GenerationRequest;
  options?: ZenRequestOptions;
  signal?: AbortSignal;
  /** Warnings the face raised while converting. */
  warnings: CallWarning[];
}

export interface EngineStream {
  parts: AsyncIterable<StreamPart>;
  /** Metadata as known so far (complete once `done` resolves). */
  metadata(): ZenMetadata;
  /** Resolves when the stream ended, failed or was abandoned, after detectors and the ledger ran. */
  done: Promise<ZenMetadata>;
}

export interface ImageEngineCall {
  face: 'openai-images';
  model: string | string[];
  request: ImageRequest;
  options?: ZenRequestOptions;
  signal?: AbortSignal;
  warnings: CallWarning[];
}

/** What a face needs from the client: one engine behind every face. */
export interface Engine {
  generate(call: EngineCall): Promise<{ result: GenerationResult; metadata: ZenMetadata }>;
  stream(call: EngineCall): Promise<EngineStream>;
  generateImages(call: ImageEngineCall): Promise<{ result: ImageResult; metadata: ZenMetadata }>;
}
