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

  create(body: ZenChatCompletionCreateParamsNonStreaming, options?: ZenCallOptions): Promise<ZenChatCompletion>;
  create(body: ZenChatCompletionCreateParamsStreaming, options?: ZenCallOptions): Promise<ZenChatCompletionStream>;
  create(body: ZenChatCompletionCreateParams, options?: ZenCallOptions): Promise<ZenChatCompletion | ZenChatCompletionStream>;
  async create(body: ZenChatCompletionCreateParams, options?: ZenCallOptions): Promise<ZenChatCompletion | ZenChatCompletionStream> {
    validateChatParams(body);
    const model = modelSpec(body.model, body.models);
    // The converter reads only the OpenAI fields; `model`, `models` and `zen` are routing's.
    const converted = convertChatRequest(body as ChatCompletionCreateParams);
    const call = callOptions(body.zen, options);
    if (!converted.stream) {
      const { result, metadata } = await this.engine.run({ operation: 'text', stream: false, face: 'openai-chat', model, request: converted.request, options: call.zen, signal: call.signal, warnings: converted.warnings });
      return attachMetadata(toChatCompletion(result, metadata.requestId, result.modelId ?? metadata.model ?? String(model)), metadata);
    }
    const { stream, controller } = await openEngineStream(
      this.engine,
      { operation: 'text', stream: true, face: 'openai-chat', model, request: converted.request, options: call.zen, warnings: converted.warnings },
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
