import type { CreateEmbeddingResponse, EmbeddingCreateParams } from 'openai/resources/embeddings';
import type { EmbeddingInput, EmbeddingRequest, EmbeddingResult } from '../core/embedding.js';
import type { FromPeer } from '../core/peer-types.js';
import { callOptions, type ZenCallOptions } from './call-options.js';
import type { Engine, ZenMetadata, ZenRequestOptions } from './engine.js';
import { attachMetadata, modelSpec, vendorModelName } from './face-shared.js';
import { validateEmbeddingParams } from './validation/embedding-params.js';
import { jsonAPIPromise, type ZenAPIPromise } from './api-promise.js';

/**
 * The routing fields: one embedding model (its channels at every provider that serves it fail
 * over), or, with `zen: { allowMixedEmbeddingModels: true }`, a list or `auto`.
 */
interface Routing {
  model: string | string[];
  models?: string[];
  zen?: ZenRequestOptions;
}

export type ZenEmbeddingCreateParams = Omit<FromPeer<EmbeddingCreateParams, 'openai'>, 'model'> & Routing;

/** An openai CreateEmbeddingResponse with zenrouter's metadata as a non-enumerable `zen` property. */
export type ZenCreateEmbeddingResponse = FromPeer<CreateEmbeddingResponse, 'openai'> & { readonly zen: ZenMetadata };

/** `input` in any of its four shapes → one canonical input per vector wanted. */
function inputsOf(input: EmbeddingCreateParams['input']): EmbeddingInput[] {
  if (typeof input === 'string') return [input];
  if (input.length > 0 && typeof input[0] === 'number') return [input as number[]];
  return input as EmbeddingInput[];
}

/** A vector as the API's base64: its float32 values, little-endian, as OpenAI sends them. */
export function float32Base64(vector: readonly number[]): string {
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  for (let index = 0; index < vector.length; index += 1) view.setFloat32(index * 4, vector[index]!, true);
  let binary = '';
  // String.fromCharCode takes its arguments on the stack: a few thousand at a time.
  for (let offset = 0; offset < bytes.length; offset += 0x2000) binary += String.fromCharCode(...bytes.subarray(offset, offset + 0x2000));
  return btoa(binary);
}

/** The canonical result → an openai CreateEmbeddingResponse. */
export function toEmbeddingResponse(
  result: EmbeddingResult,
  model: string,
  encoding: EmbeddingCreateParams['encoding_format'],
): CreateEmbeddingResponse {
  const tokens = result.usage?.inputTokens ?? 0;
  return {
    object: 'list',
    data: result.vectors.map((vector, index) => ({
      object: 'embedding' as const,
      index,
      // The SDK's type says number[]; with `encoding_format: 'base64'` the API (and the SDK) give the string.
      embedding: (encoding === 'base64' ? float32Base64(vector) : vector) as number[],
    })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

/** `zen.embeddings`: the openai SDK's Embeddings surface, served by OpenAI, Gemini / Vertex AI and OpenAI-compatible embedding models. */
export class Embeddings {
  constructor(private readonly engine: Engine) {}

  /**
   * Embeds `input` (a text, texts, token ids or lists of them): one vector per input, in order.
   * Inputs beyond what the provider takes per call go in batches; usage and cost are summed.
   */
  create(body: ZenEmbeddingCreateParams, options?: ZenCallOptions): ZenAPIPromise<ZenCreateEmbeddingResponse> {
    return jsonAPIPromise(this.embed(body, options));
  }

  private async embed(body: ZenEmbeddingCreateParams, options?: ZenCallOptions): Promise<ZenCreateEmbeddingResponse> {
    validateEmbeddingParams(body);
    const model = modelSpec(body.model, body.models);
    const call = callOptions(body.zen, options);
    const request: EmbeddingRequest = { inputs: inputsOf(body.input) };
    if (typeof body.dimensions === 'number') request.dimensions = body.dimensions;
    if (typeof body.user === 'string' && body.user) request.user = body.user;
    const { result, metadata } = await this.engine.run({
      operation: 'embedding',
      face: 'openai-embeddings',
      model,
      request,
      options: call.zen,
      signal: call.signal,
      warnings: [],
    });
    const name = result.modelId ?? vendorModelName(metadata.model) ?? String(model);
    return attachMetadata(toEmbeddingResponse(result, name, body.encoding_format ?? undefined), metadata);
  }
}
