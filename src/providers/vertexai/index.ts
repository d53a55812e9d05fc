import type { GenerateContentRequest, GenerativeModel, VertexAI } from '@google-cloud/vertexai';
import { ZenError } from '../../core/errors.js';
import type { GenerationRequest } from '../../core/request.js';
import type { CallWarning } from '../../core/result.js';
import type { StreamPart } from '../../core/stream-part.js';
import { convertImageRequest, convertRequest, type GeminiRequest } from '../google/convert-request.js';
import { convertImageResponses, convertResponse, type GeminiResponse } from '../google/convert-response.js';
import { convertStream } from '../google/convert-stream.js';
import { mapGoogleError } from '../google/map-error.js';
import { credentialsHint } from '../credentials-hint.js';
import { buildRequest, unreadableAnswer } from '../failure-origin.js';
import { abortedError, guardStream, type ErrorContext } from '../shared.js';
import type { ImageCallOptions, ImageResult, ProviderAdapter, ProviderCallOptions } from '../types.js';
import { abortable, abortableIterable } from '../../core/abortable.js';

/**
 * The deprecated @google-cloud/vertexai (v1) SDK. It posts the Gemini wire JSON as given, so the
 * google converters serve it unchanged. It makes one fetch per call and never retries.
 */

/** The v1 SDK drops topK outside (0, 40] without a word; say so. */
const VERTEX_SDK_MAX_TOP_K = 40;

/**
 * The request body: the converted request with `providerOptions.vertexai` on top (its
 * `generationConfig` merged into ours). The v1 SDK's types predate fields it passes through
 * untouched (thinkingConfig, responseJsonSchema, parametersJsonSchema, thought signatures).
 */
function requestOf(request: GenerationRequest, modelId: string): { body: GenerateContentRequest; warnings: CallWarning[] } {
  const { request: gemini, warnings, providerOptions } = convertRequest(request, { family: 'vertexai', modelId });
  const { generationConfig: extraGeneration, ...rest } = providerOptions as { generationConfig?: Record<string, unknown> };
  const body: GeminiRequest = { ...gemini, ...rest, generationConfig: { ...gemini.generationConfig, ...extraGeneration } };
  const topK = body.generationConfig.topK;
  if (topK !== undefined && !(topK > 0 && topK <= VERTEX_SDK_MAX_TOP_K)) {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'topK',
      message: `@google-cloud/vertexai drops topK outside 1-${VERTEX_SDK_MAX_TOP_K}; ${topK} was not sent.`,
    });
  }
  return { body: body as unknown as GenerateContentRequest, warnings };
}

/** Wraps one `VertexAI` instance (project, location and credentials are the instance's). */
export function createVertexAIProvider(name: string, client: VertexAI): ProviderAdapter {
  const credentials = credentialsHint(name, 'vertexai', client);
  const models = new Map<string, GenerativeModel>();
  function modelFor(modelId: string): GenerativeModel {
    let model = models.get(modelId);
    if (!model) {
      model = client.getGenerativeModel({ model: modelId });
      models.set(modelId, model);
    }
    return model;
  }

  return {
    name,
    family: 'vertexai',

    async generate({ modelId, request, signal }: ProviderCallOptions) {
      const context: ErrorContext = { provider: name, model: modelId, credentials };
      const { body, warnings } = buildRequest(context, () => requestOf(request, modelId));
      let result: Awaited<ReturnType<GenerativeModel['generateContent']>>;
      try {
        if (signal?.aborted) throw abortedError(context);
        result = await abortable(modelFor(modelId).generateContent(body), signal);
      } catch (error) {
        throw mapGoogleError(error, { ...context, signal });
      }
      try {
        return convertResponse(result.response as GeminiResponse, warnings);
      } catch (error) {
        throw unreadableAnswer(error, context);
      }
    },

    async stream({ modelId, request, signal }: ProviderCallOptions): Promise<AsyncIterable<StreamPart>> {
      const context: ErrorContext = { provider: name, model: modelId, credentials };
      const { body, warnings } = buildRequest(context, () => requestOf(request, modelId));
      let chunks: AsyncIterable<GeminiResponse>;
      try {
        if (signal?.aborted) throw abortedError(context);
        // Resolves once the response headers arrived: errors before the first byte reject here.
        const result = await abortable(modelFor(modelId).generateContentStream(body), signal);
        // The SDK also aggregates the stream into `response`, which rejects when the stream fails.
        result.response.catch(() => undefined);
        chunks = abortableIterable(result.stream as AsyncIterable<GeminiResponse>, signal);
      } catch (error) {
        throw mapGoogleError(error, { ...context, signal });
      }
      return guardStream(convertStream(chunks, warnings, context), context, (error) =>
        mapGoogleError(error, { ...context, signal, streaming: true }),
      );
    },

    /** Gemini image models only: the v1 SDK has no Imagen API. */
    async generateImages({ modelId, request, api, signal }: ImageCallOptions): Promise<ImageResult> {
      const context: ErrorContext = { provider: name, model: modelId, credentials };
      if (api !== 'gemini-image') {
        throw new ZenError({
          kind: 'configuration',
          message: `${name} (@google-cloud/vertexai) serves Gemini image models only, not ${api} (${modelId}); use @google/genai with vertexai: true for Imagen.`,
          provider: name,
          model: modelId,
        });
      }
      const warnings: CallWarning[] = [];
      const body = convertImageRequest(request, warnings) as unknown as GenerateContentRequest;
      try {
        if (signal?.aborted) throw abortedError(context);
        const model = modelFor(modelId);
        // A Gemini image model draws one image per answer: n images are n calls.
        const results = await abortable(
          Promise.all(Array.from({ length: Math.max(1, request.n) }, () => model.generateContent(body))),
          signal,
        );
        return convertImageResponses(
          results.map((result) => result.response as GeminiResponse),
          warnings,
          context,
        );
      } catch (error) {
        throw mapGoogleError(error, { ...context, signal });
      }
    },
  };
}
