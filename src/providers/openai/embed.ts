import type OpenAI from 'openai';
import type { EmbeddingCreateParams, CreateEmbeddingResponse } from 'openai/resources/embeddings';
import type { EmbeddingRequest, EmbeddingResult } from '../../core/embedding.js';

/**
 * One batch through the Embeddings API (OpenAI, Azure, or an OpenAI-compatible server). The SDK
 * asks for base64 and decodes it to floats when no `encoding_format` is given, which is a quarter
 * of the JSON floats' size on the wire; the face encodes base64 again if the caller asked for it.
 */
export function embeddingParams(modelId: string, request: EmbeddingRequest): EmbeddingCreateParams {
  const params: EmbeddingCreateParams = { model: modelId, input: request.inputs as EmbeddingCreateParams['input'] };
  if (request.dimensions !== undefined) params.dimensions = request.dimensions;
  if (request.user !== undefined) params.user = request.user;
  return params;
}

/** The response's vectors in input order (the API says each one's `index`). */
export function convertEmbeddings(response: CreateEmbeddingResponse, count: number): EmbeddingResult {
  const vectors: number[][] = new Array<number[]>(count);
  for (const item of response.data ?? []) {
    if (!Number.isInteger(item.index) || item.index < 0 || item.index >= count)
      throw new Error(`embedding index ${String(item.index)} is outside the ${count} inputs sent`);
    vectors[item.index] = item.embedding as unknown as number[];
  }
  for (let index = 0; index < count; index += 1) {
    if (!Array.isArray(vectors[index])) throw new Error(`no embedding came back for input ${index} of ${count}`);
  }
  const tokens = response.usage?.prompt_tokens;
  return {
    vectors,
    ...(typeof tokens === 'number' ? { usage: { inputTokens: tokens, estimated: false } } : {}),
    ...(response.model ? { modelId: response.model } : {}),
    warnings: [],
  };
}

export async function embed(
  client: OpenAI,
  modelId: string,
  request: EmbeddingRequest,
  requestOptions: { signal?: AbortSignal; maxRetries: number },
): Promise<CreateEmbeddingResponse> {
  return client.embeddings.create(embeddingParams(modelId, request), requestOptions);
}
