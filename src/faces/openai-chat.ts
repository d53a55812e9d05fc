import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionCreateParams,
} from 'openai/resources/chat/completions';
import { convertChatRequest } from './openai-chat-request.js';
import { toChatCompletion } from './openai-chat-response.js';
import { toChatChunks, ZenChatCompletionStream } from './openai-chat-stream.js';
import type { FromPeer } from '../core/peer-types.js';
import type { Engine, ZenMetadata, ZenRequestOptions } from './engine.js';
import { callOptions, type ZenCallOptions } from './call-options.js';
import { attachMetadata, modelSpec, openEngineStream, vendorModelName } from './face-shared.js';
import { validateChatParams } from './validation/chat-params.js';
import type { ChatCompletionRunner } from 'openai/lib/ChatCompletionRunner';
import type { ChatCompletionStream } from 'openai/lib/ChatCompletionStream';
import type { ChatCompletionStreamingRunner } from 'openai/lib/ChatCompletionStreamingRunner';
import { jsonAPIPromise, streamAPIPromise, type ZenAPIPromise } from './api-promise.js';
import { isRecord } from './invalid-request.js';
import {
  parseCompletion,
  runToolsCompletion,
  streamCompletion,
  type ParsedContentOf,
  type ZenChatCompletionParseParams,
  type ZenChatCompletionStreamingToolRunnerParams,
  type ZenChatCompletionStreamParams,
  type ZenChatCompletionToolRunnerParams,
  type ZenParsedChatCompletion,
  type ZenRunnerOptions,
} from './openai-chat-helpers.js';

/** A model id, an ordered fallback list, or `auto`; plus OpenRouter-style `models` and the `zen` extension. */
type WithRouting<T> = Omit<T, 'model'> & {
  model: string | string[];
  /** OpenRouter-style fallback list, tried after (or instead of) `model`. */
  models?: string[];
  zen?: ZenRequestOptions;
};

export type ZenChatCompletionCreateParamsNonStreaming = WithRouting<FromPeer<ChatCompletionCreateParamsNonStreaming, 'openai'>>;
export type ZenChatCompletionCreateParamsStreaming = WithRouting<FromPeer<ChatCompletionCreateParamsStreaming, 'openai'>>;
export type ZenChatCompletionCreateParams = WithRouting<FromPeer<ChatCompletionCreateParams, 'openai'>>;

/** An OpenAI ChatCompletion with zenrouter's metadata as a non-enumerable `zen` property. */
export type ZenChatCompletion = FromPeer<ChatCompletion, 'openai'> & { readonly zen: ZenMetadata };

/** `zen.chat.completions`: the openai SDK's Chat Completions surface, served by any routed model. */
export class ChatCompletions {
  constructor(private readonly engine: Engine) {}

  /** Every call returns the SDK's kind of promise: awaited it is the answer; `.withResponse()` and `.asResponse()` add a `Response`. */
  create(body: ZenChatCompletionCreateParamsNonStreaming, options?: ZenCallOptions): ZenAPIPromise<ZenChatCompletion>;
  create(body: ZenChatCompletionCreateParamsStreaming, options?: ZenCallOptions): ZenAPIPromise<ZenChatCompletionStream>;
  create(body: ZenChatCompletionCreateParams, options?: ZenCallOptions): ZenAPIPromise<ZenChatCompletion | ZenChatCompletionStream>;
  create(body: ZenChatCompletionCreateParams, options?: ZenCallOptions): ZenAPIPromise<ZenChatCompletion | ZenChatCompletionStream> {
    const answer = this.run(body, options);
    return isRecord(body) && body.stream === true
      ? streamAPIPromise(answer as Promise<ZenChatCompletionStream>)
      : jsonAPIPromise(answer as Promise<ZenChatCompletion>);
  }

  /**
   * The openai SDK's `parse()`: with `zodResponseFormat(schema, name)` the answer's
   * `message.parsed` is the schema's type; `zodFunction` tools get parsed arguments. Needs `openai`.
   */
  parse<Params extends ZenChatCompletionParseParams, ParsedT = ParsedContentOf<Params>>(
    body: Params,
    options?: ZenCallOptions,
  ): ZenAPIPromise<ZenParsedChatCompletion<ParsedT>> {
    return parseCompletion<ParsedT>(this, body, options);
  }

  /** The openai SDK's ChatCompletionStream (`content.delta`, `chunk`, `finalChatCompletion()`, ...) over a routed stream. Needs `openai`. */
  stream<Params extends ZenChatCompletionStreamParams, ParsedT = ParsedContentOf<Params>>(
    body: Params,
    options?: ZenCallOptions,
  ): ChatCompletionStream<ParsedT> {
    return streamCompletion<ParsedT>(this, body, options);
  }

  /** The openai SDK's tool runner: calls the tools the model asks for and calls the model again, on any family. Needs `openai`. */
  runTools<Params extends ZenChatCompletionToolRunnerParams, ParsedT = ParsedContentOf<Params>>(
    body: Params,
    options?: ZenRunnerOptions,
  ): ChatCompletionRunner<ParsedT>;
  runTools<Params extends ZenChatCompletionStreamingToolRunnerParams, ParsedT = ParsedContentOf<Params>>(
    body: Params,
    options?: ZenRunnerOptions,
  ): ChatCompletionStreamingRunner<ParsedT>;
  runTools(
    body: ZenChatCompletionToolRunnerParams | ZenChatCompletionStreamingToolRunnerParams,
    options?: ZenRunnerOptions,
  ): ChatCompletionRunner<unknown> | ChatCompletionStreamingRunner<unknown> {
    return runToolsCompletion(this, body, options);
  }

  /**
   * A non-streamed call is a `then` on the engine's run rather than an async function: one async
   * frame less for every call in flight. Bad input still comes back as a rejected promise.
   */
  private run(body: ZenChatCompletionCreateParams, options?: ZenCallOptions): Promise<ZenChatCompletion | ZenChatCompletionStream> {
    try {
      validateChatParams(body);
      const model = modelSpec(body.model, body.models);
      // The converter reads only the OpenAI fields; `model`, `models` and `zen` are routing's.
      const converted = convertChatRequest(body as ChatCompletionCreateParams);
      const call = callOptions(body.zen, options);
      if (converted.stream) return this.runStream(model, converted, call);
      return this.engine
        .run({
          operation: 'text',
          stream: false,
          face: 'openai-chat',
          model,
          request: converted.request,
          options: call.zen,
          signal: call.signal,
          warnings: converted.warnings,
        })
        .then(({ result, metadata }) =>
          attachMetadata(toChatCompletion(result, metadata.requestId, result.modelId ?? metadata.model ?? String(model)), metadata),
        );
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private async runStream(
    model: string | string[],
    converted: ReturnType<typeof convertChatRequest>,
    call: ReturnType<typeof callOptions>,
  ): Promise<ZenChatCompletionStream> {
    const { stream, controller } = await openEngineStream(
      this.engine,
      {
        operation: 'text',
        stream: true,
        face: 'openai-chat',
        model,
        request: converted.request,
        options: call.zen,
        warnings: converted.warnings,
      },
      [call.signal],
    );
    const chunks = toChatChunks(stream.parts, {
      requestId: stream.metadata().requestId,
      model: () => vendorModelName(stream.metadata().model) ?? String(model),
      includeUsage: converted.includeUsage,
    });
    return new ZenChatCompletionStream(() => chunks, controller, stream);
  }
}
