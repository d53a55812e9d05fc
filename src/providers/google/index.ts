import type { Content, GenerateContentConfig, GenerateContentResponse, GoogleGenAI, HttpOptions } from '@google/genai';
import { ZenError } from '../../core/errors.js';
import type { CallWarning } from '../../core/result.js';
import type { StreamPart } from '../../core/stream-part.js';
import { credentialsHint } from '../credentials-hint.js';
import { buildRequest, unreadableAnswer } from '../failure-origin.js';
import { abortedError, guardStream, type ErrorContext } from '../shared.js';
import type { EmbedCallOptions, ImageCallOptions, ImageResult, ProviderAdapter, ProviderCallOptions } from '../types.js';
import { convertEmbedResponse, embedContent, embedParams } from './embed.js';
import { aspectRatioOf, convertImageRequest, convertRequest, imageWarnings, type GeminiRequest } from './convert-request.js';
import { convertImageResponses, convertImagenResponse, convertResponse, type GeminiResponse } from './convert-response.js';
import { convertStream } from './convert-stream.js';
import { mapGoogleError } from './map-error.js';

/**
 * @google/genai retries only when `httpOptions.retryOptions` is set (on the client or per call).
 * ZenClient owns the only retry loop, so every call pins one attempt: this also neutralises a
 * client the host app built with retryOptions.
 */
const ONE_ATTEMPT: HttpOptions = { retryOptions: { attempts: 1 } };

const IMAGEN_ASPECT_RATIOS = ['1:1', '3:4', '4:3', '9:16', '16:9'];

/**
 * The @google/genai config for one call: generation settings, system instruction, tools, then
 * `providerOptions.google` on top, except for what zenrouter controls: retries and the abort signal.
 */
function configOf(
  request: GeminiRequest,
  extra: Record<string, unknown>,
  signal: AbortSignal | undefined,
  warnings: CallWarning[],
): GenerateContentConfig {
  const { httpOptions, abortSignal: _ignored, ...rest } = extra as { httpOptions?: HttpOptions; abortSignal?: unknown };
  if (httpOptions?.retryOptions) {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'httpOptions.retryOptions',
      message: 'SDK retries are disabled: zenrouter retries and fails over itself.',
    });
  }
  const config = {
    ...request.generationConfig,
    ...(request.systemInstruction ? { systemInstruction: request.systemInstruction } : {}),
    ...(request.tools ? { tools: request.tools } : {}),
    ...(request.toolConfig ? { toolConfig: request.toolConfig } : {}),
    ...rest,
    httpOptions: { ...httpOptions, ...ONE_ATTEMPT },
    ...(signal ? { abortSignal: signal } : {}),
  };
  // Our wire types spell enums as their JSON strings, which is what the SDK sends.
  return config as GenerateContentConfig;
}

/** Wraps one `GoogleGenAI` client: Gemini API (API key) or Vertex AI (`vertexai: true`). */
export function createGoogleProvider(name: string, client: GoogleGenAI): ProviderAdapter {
  const credentials = credentialsHint(name, 'google', client);
  function call(modelId: string, request: GeminiRequest, config: GenerateContentConfig) {
    return { model: modelId, contents: request.contents as Content[], config };
  }

  return {
    name,
    family: 'google',

    async generate({ modelId, request, signal }: ProviderCallOptions) {
      const context: ErrorContext = { provider: name, model: modelId, credentials };
      const { converted, config } = buildRequest(context, () => {
        const converted = convertRequest(request, { family: 'google', modelId });
        return { converted, config: configOf(converted.request, converted.providerOptions, signal, converted.warnings) };
      });
      let response: GenerateContentResponse;
      try {
        response = await client.models.generateContent(call(modelId, converted.request, config));
      } catch (error) {
        throw mapGoogleError(error, { ...context, signal });
      }
      try {
        return convertResponse(response as GeminiResponse, converted.warnings);
      } catch (error) {
        throw unreadableAnswer(error, context);
      }
    },

    async stream({ modelId, request, signal }: ProviderCallOptions): Promise<AsyncIterable<StreamPart>> {
      const context: ErrorContext = { provider: name, model: modelId, credentials };
      const { converted, config } = buildRequest(context, () => {
        const converted = convertRequest(request, { family: 'google', modelId });
        return { converted, config: configOf(converted.request, converted.providerOptions, signal, converted.warnings) };
      });
      let chunks: AsyncGenerator<GenerateContentResponse>;
      try {
        // Resolves once the response headers arrived: errors before the first byte reject here.
        chunks = await client.models.generateContentStream(call(modelId, converted.request, config));
      } catch (error) {
        throw mapGoogleError(error, { ...context, signal });
      }
      return guardStream(convertStream(chunks as AsyncIterable<GeminiResponse>, converted.warnings, context), context, (error) =>
        mapGoogleError(error, { ...context, signal, streaming: true }),
      );
    },

    async generateImages({ modelId, request, api, signal }: ImageCallOptions): Promise<ImageResult> {
      const context: ErrorContext = { provider: name, model: modelId, credentials };
      const warnings: CallWarning[] = [];
      if (signal?.aborted) throw abortedError(context);
      if (api === 'openai-images') {
        throw new ZenError({
          kind: 'configuration',
          message: `${name} (@google/genai) cannot serve the OpenAI Images API for ${modelId}.`,
          provider: name,
          model: modelId,
        });
      }
      if (api === 'imagen') {
        if (!client.vertexai) {
          // @google/genai v2 sends generateImages to Vertex AI only.
          throw new ZenError({
            kind: 'configuration',
            message: `${name} uses the Gemini API; Imagen (${modelId}) needs a GoogleGenAI client with vertexai: true, or a Gemini image model.`,
            provider: name,
            model: modelId,
          });
        }
        if (request.images?.length) {
          throw new ZenError({
            kind: 'invalid_request',
            message: `${name} ${modelId}: Imagen generateImages cannot edit images; use a Gemini image model for edits.`,
            provider: name,
            model: modelId,
          });
        }
        imageWarnings(request, warnings);
        const aspectRatio = aspectRatioOf(request.size, warnings, IMAGEN_ASPECT_RATIOS);
        let outputMimeType: string | undefined;
        if (request.outputFormat === 'webp')
          warnings.push({ type: 'unsupported-setting', setting: 'outputFormat', message: 'Imagen returns PNG or JPEG; webp was dropped.' });
        else if (request.outputFormat) outputMimeType = `image/${request.outputFormat}`;
        try {
          const response = await client.models.generateImages({
            model: modelId,
            prompt: request.prompt,
            config: {
              numberOfImages: request.n,
              ...(aspectRatio ? { aspectRatio } : {}),
              ...(outputMimeType ? { outputMimeType } : {}),
              httpOptions: ONE_ATTEMPT,
              ...(signal ? { abortSignal: signal } : {}),
            },
          });
          return convertImagenResponse(response, warnings, context);
        } catch (error) {
          throw mapGoogleError(error, { ...context, signal });
        }
      }
      const gemini = convertImageRequest(request, warnings);
      const config = configOf(gemini, {}, signal, warnings);
      try {
        // A Gemini image model draws one image per answer: n images are n calls.
        const responses = await Promise.all(
          Array.from({ length: Math.max(1, request.n) }, () => client.models.generateContent(call(modelId, gemini, config))),
        );
        return convertImageResponses(responses as GeminiResponse[], warnings, context);
      } catch (error) {
        throw mapGoogleError(error, { ...context, signal });
      }
    },

    async embed({ modelId, request, signal }: EmbedCallOptions) {
      const context: ErrorContext = { provider: name, model: modelId, credentials };
      const warnings: CallWarning[] = [];
      const params = buildRequest(context, () => embedParams(modelId, request, warnings, ONE_ATTEMPT, signal));
      let response;
      try {
        response = await embedContent(client, params);
      } catch (error) {
        throw mapGoogleError(error, { ...context, signal });
      }
      try {
        return convertEmbedResponse(response, request.inputs.length, warnings);
      } catch (error) {
        throw unreadableAnswer(error, context);
      }
    },
  };
}

export { convertRequest, convertImageRequest, type GeminiRequest, type GeminiContent, type GeminiPart } from './convert-request.js';
export { convertResponse, convertImageResponses, convertImagenResponse, type GeminiResponse } from './convert-response.js';
export { convertStream } from './convert-stream.js';
export { mapGoogleError } from './map-error.js';
