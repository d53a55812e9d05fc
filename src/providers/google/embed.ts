import type { EmbedContentParameters, EmbedContentResponse, GoogleGenAI, HttpOptions } from '@google/genai';
import type { EmbeddingRequest, EmbeddingResult } from '../../core/embedding.js';
import type { CallWarning } from '../../core/result.js';

/**
 * One batch through @google/genai's `models.embedContent`, which picks the wire call itself: the
 * Gemini API's `:batchEmbedContents`, Vertex AI's `:predict` (text-embedding-*, gemini-embedding-001)
 * or `:embedContent` (newer Gemini embedding models, one input per call). The texts go as plain
 * strings, each its own input (a list of Content objects would be read as parts of one).
 */
export function embedParams(
  modelId: string,
  request: EmbeddingRequest,
  warnings: CallWarning[],
  httpOptions: HttpOptions,
  signal: AbortSignal | undefined,
): EmbedContentParameters {
  const texts = request.inputs.map((input, index) => {
    if (typeof input !== 'string') throw new TypeError(`input[${index}] is a token array; Gemini embedding models take text only`);
    return input;
  });
  if (request.user !== undefined)
    warnings.push({ type: 'unsupported-setting', setting: 'user', message: 'Gemini embeddings take no end-user id; `user` was not sent.' });
  return {
    model: modelId,
    contents: texts,
    config: {
      ...(request.dimensions !== undefined ? { outputDimensionality: request.dimensions } : {}),
      httpOptions,
      ...(signal ? { abortSignal: signal } : {}),
    },
  };
}

/** The vectors in input order; usage where the API reports it (Vertex's per-input token counts). */
export function convertEmbedResponse(response: EmbedContentResponse, count: number, warnings: CallWarning[]): EmbeddingResult {
  const embeddings = response.embeddings ?? [];
  if (embeddings.length !== count) throw new Error(`${embeddings.length} embeddings came back for ${count} inputs`);
  let tokens = 0;
  let counted = true;
  const vectors = embeddings.map((embedding, index) => {
    if (!Array.isArray(embedding.values)) throw new Error(`embedding ${index} has no values`);
    const tokenCount = embedding.statistics?.tokenCount;
    if (typeof tokenCount === 'number') tokens += tokenCount;
    else counted = false;
    return embedding.values;
  });
  return { vectors, ...(counted && count > 0 ? { usage: { inputTokens: tokens, estimated: false } } : {}), warnings };
}

export function embedContent(client: GoogleGenAI, params: EmbedContentParameters): Promise<EmbedContentResponse> {
  return client.models.embedContent(params);
}
