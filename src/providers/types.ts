import type { GenerationRequest, ProviderFamily } from '../core/request.js';
import type { GenerationResult, GeneratedImage, CallWarning } from '../core/result.js';
import type { StreamPart } from '../core/stream-part.js';

/** One call of one channel: the provider's own model id and the canonical request. */
export interface ProviderCallOptions {
  /** The model id as this provider knows it (`claude-sonnet-4-5@20250929` on Vertex). */
  modelId: string;
  request: GenerationRequest;
  signal?: AbortSignal;
}

export interface ImageRequest {
  prompt: string;
  n: number;
  size?: string;
  quality?: string;
  background?: 'transparent' | 'opaque' | 'auto';
  outputFormat?: 'png' | 'jpeg' | 'webp';
  responseFormat?: 'b64_json' | 'url';
  /** Input images for an edit, as base64 with media type. */
  images?: Array<{ data: string; mediaType: string }>;
  mask?: { data: string; mediaType: string };
  user?: string;
}

export interface ImageCallOptions {
  modelId: string;
  request: ImageRequest;
  /** How this model makes images: OpenAI Images API, Gemini IMAGE modality, or Imagen. */
  api: 'openai-images' | 'gemini-image' | 'imagen';
  signal?: AbortSignal;
}

export interface ImageResult {
  images: GeneratedImage[];
  created?: number;
  usage?: { inputTokens: number; outputTokens: number };
  warnings: CallWarning[];
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
}
