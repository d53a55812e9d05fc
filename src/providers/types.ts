import type { EmbeddingRequest, EmbeddingResult } from '../core/embedding.js';
import type { GenerationRequest, ImageRequest, ProviderFamily } from '../core/request.js';
import type { GenerationResult, ImageResult } from '../core/result.js';
import type { StreamPart } from '../core/stream-part.js';

// The canonical image request and result live in core with the other canonical types.
export type { ImageRequest, ImageResult };

/** One call of one channel: the provider's own model id and the canonical request. */
export interface ProviderCallOptions {
  /** The model id as this provider knows it (`claude-sonnet-4-5@20250929` on Vertex). */
  modelId: string;
  request: GenerationRequest;
  signal?: AbortSignal;
}

/** One batch of inputs to embed, on one model. */
export interface EmbedCallOptions {
  modelId: string;
  request: EmbeddingRequest;
  signal?: AbortSignal;
}

export interface ImageCallOptions {
  modelId: string;
  request: ImageRequest;
  /** How this model makes images: OpenAI Images API, Gemini IMAGE modality, or Imagen. */
  api: 'openai-images' | 'gemini-image' | 'imagen';
  signal?: AbortSignal;
}

/**
 * A configured SDK client behind the canonical interface. Each provider folder exports a factory
 * that wraps one SDK instance; the policy engine only ever sees this.
 */
export interface ProviderAdapter {
  /** The configured name (`openai`, `deepseek`, `vertex`, ...). */
  readonly name: string;
  readonly family: ProviderFamily;
  generate(options: ProviderCallOptions): Promise<GenerationResult>;
  /**
   * Starts a streamed call. Resolves when the provider accepted it (HTTP headers received), so
   * errors before the first byte reject here; errors later are thrown from the iterator.
   * The iterator must end with a `finish` part or throw a `stream_interrupted` ZenError.
   */
  stream(options: ProviderCallOptions): Promise<AsyncIterable<StreamPart>>;
  generateImages?(options: ImageCallOptions): Promise<ImageResult>;
  /** Embeds one batch (the caller keeps within the API's inputs per call); absent where the SDK has no embeddings API. */
  embed?(options: EmbedCallOptions): Promise<EmbeddingResult>;
}
