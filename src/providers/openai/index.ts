import type OpenAI from 'openai';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { configurationError } from '../../core/errors.js';
import type { StreamPart } from '../../core/stream-part.js';
import { credentialsHint } from '../credentials-hint.js';
import { buildError, buildRequest, unreadableAnswer } from '../failure-origin.js';
import { guardStream } from '../shared.js';
import type { EmbedCallOptions, ImageCallOptions, ProviderAdapter, ProviderCallOptions } from '../types.js';
import { convertRequest, convertStreamRequest, maxTokensParameterFor, type ConvertRequestOptions } from './convert-request.js';
import { convertResponse } from './convert-response.js';
import { convertStream } from './convert-stream.js';
import { generateImages } from './generate-images.js';
import { convertEmbeddings, embed } from './embed.js';
import { mapOpenAIError, sdkErrorClasses } from './map-error.js';
import { convertResponsesRequest, convertResponsesStreamRequest } from './responses-request.js';
import { convertResponsesResponse } from './responses-response.js';
import { convertResponsesStream } from './responses-stream.js';

export { maxTokensParameterFor } from './convert-request.js';

/**
 * Wraps one `openai` client (OpenAI itself, Azure, or any OpenAI-compatible vendor through its
 * baseURL). The SDK is only a type here: the app passes the instance, so zenrouter never loads it.
 */
export function createOpenAIProvider(name: string, client: OpenAI): ProviderAdapter {
  const maxTokensParameter = maxTokensParameterFor(client.baseURL);
  const classes = sdkErrorClasses(client);
  const credentials = credentialsHint(name, 'openai', client);
  const errorContext = (model: string, streaming: boolean, signal: AbortSignal | undefined) => ({
    provider: name,
    model,
    streaming,
    signal,
    classes,
    credentials,
  });
  // ZenClient owns the only retry loop; this also covers clients the app built with SDK retries on.
  const requestOptions = (signal: AbortSignal | undefined) => ({ signal, maxRetries: 0 });

  // The conversion options of each model, made once (a call's hot path allocates nothing for them).
  const convertOptions = new Map<string, ConvertRequestOptions>();
  const optionsFor = (modelId: string): ConvertRequestOptions => {
    let options = convertOptions.get(modelId);
    if (!options) convertOptions.set(modelId, (options = { modelId, maxTokensParameter }));
    return options;
  };

  /**
   * A chat completion, the usual call: `then` handlers on the SDK's promise rather than an async
   * function (one async frame less for every call in flight: 64 calls in flight keep 64 of them
   * alive through every young-generation collection), with the error context built only on a failure.
   */
  function generateChat(modelId: string, request: ProviderCallOptions['request'], signal: AbortSignal | undefined) {
    let converted: ReturnType<typeof convertRequest>;
    let pending: Promise<ChatCompletion>;
    try {
      converted = convertRequest(request, optionsFor(modelId));
    } catch (error) {
      return Promise.reject(buildError(error, errorContext(modelId, false, signal)));
    }
    try {
      pending = client.chat.completions.create(converted.body, requestOptions(signal));
    } catch (error) {
      return Promise.reject(mapOpenAIError(error, errorContext(modelId, false, signal)));
    }
    return pending.then(
      (response) => {
        try {
          return convertResponse(response, converted.warnings);
        } catch (error) {
          throw unreadableAnswer(error, errorContext(modelId, false, signal));
        }
      },
      (error: unknown) => {
        throw mapOpenAIError(error, errorContext(modelId, false, signal));
      },
    );
  }

  /** Tools only OpenAI runs (web search, ...) exist in its Responses API alone. */
  async function generateResponses(modelId: string, request: ProviderCallOptions['request'], signal: AbortSignal | undefined) {
    const context = errorContext(modelId, false, signal);
    const { body, warnings } = buildRequest(context, () => convertResponsesRequest(request, modelId));
    let response;
    try {
      response = await client.responses.create(body, requestOptions(signal));
    } catch (error) {
      throw mapOpenAIError(error, context);
    }
    try {
      return convertResponsesResponse(response, warnings);
    } catch (error) {
      throw unreadableAnswer(error, context);
    }
  }

  return {
    name,
    family: 'openai',

    generate({ modelId, request, signal }: ProviderCallOptions) {
      return request.hostedTools?.length ? generateResponses(modelId, request, signal) : generateChat(modelId, request, signal);
    },

    async stream({ modelId, request, signal }: ProviderCallOptions): Promise<AsyncIterable<StreamPart>> {
      const context = errorContext(modelId, true, signal);
      const onAborted = (reason: unknown) => mapOpenAIError(reason, context);
      if (request.hostedTools?.length) {
        const { body, warnings } = buildRequest(context, () => convertResponsesStreamRequest(request, modelId));
        let events;
        try {
          events = await client.responses.create(body, requestOptions(signal));
        } catch (error) {
          throw mapOpenAIError(error, { ...context, streaming: false });
        }
        return guardStream(convertResponsesStream(events, { warnings, signal, onAborted, context }), context, (error) =>
          mapOpenAIError(error, context),
        );
      }
      const { body, warnings } = buildRequest(context, () => convertStreamRequest(request, optionsFor(modelId)));
      let chunks;
      try {
        chunks = await client.chat.completions.create(body, requestOptions(signal));
      } catch (error) {
        throw mapOpenAIError(error, { ...context, streaming: false });
      }
      return guardStream(convertStream(chunks, { warnings, signal, onAborted }), context, (error) => mapOpenAIError(error, context));
    },

    async generateImages({ modelId, request, api, signal }: ImageCallOptions) {
      if (api !== 'openai-images')
        throw configurationError(`The ${name} provider makes images through the OpenAI Images API, not '${api}'.`);
      try {
        return await generateImages(client, modelId, request, requestOptions(signal));
      } catch (error) {
        throw mapOpenAIError(error, errorContext(modelId, false, signal));
      }
    },

    async embed({ modelId, request, signal }: EmbedCallOptions) {
      const context = errorContext(modelId, false, signal);
      let response;
      try {
        response = await embed(client, modelId, request, requestOptions(signal));
      } catch (error) {
        throw mapOpenAIError(error, context);
      }
      try {
        return convertEmbeddings(response, request.inputs.length);
      } catch (error) {
        throw unreadableAnswer(error, context);
      }
    },
  };
}
