import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionCreateParams,
} from 'openai/resources/chat/completions';
import { ZenError } from '../core/errors.js';
import { convertChatRequest } from './openai-chat-request.js';
import { toChatCompletion } from './openai-chat-response.js';
import { toChatChunks, ZenChatCompletionStream } from './openai-chat-stream.js';
import type { Engine, ZenMetadata, ZenRequestOptions } from './engine.js';
import { callOptions, type ZenCallOptions } from './call-options.js';

/** A model id, an ordered fallback list, or `auto`; plus OpenRouter-style `models` and the `zen` extension. */
type WithRouting<T> = Omit<T, 'model'> & {
  model: string | string[];
  /** OpenRouter-style fallback list, tried after (or instead of) `model`. */
  models?: string[];
  zen?: ZenRequestOptions;
};

export type ZenChatCompletionCreateParamsNonStreaming = WithRouting<ChatCompletionCreateParamsNonStreaming>;
export type ZenChatCompletionCreateParamsStreaming = WithRouting<ChatCompletionCreateParamsStreaming>;
export type ZenChatCompletionCreateParams = WithRouting<ChatCompletionCreateParams>;

/** An OpenAI ChatCompletion with zenrouter's metadata as a non-enumerable `zen` property. */
export type ZenChatCompletion = ChatCompletion & { readonly zen: ZenMetadata };

/** Attaches metadata without changing what JSON.stringify prints (the plain OpenAI shape). */
export function attachMetadata<T extends object>(target: T, metadata: ZenMetadata | (() => ZenMetadata)): T & { readonly zen: ZenMetadata } {
  Object.defineProperty(target, 'zen', typeof metadata === 'function' ? { get: metadata, enumerable: false } : { value: metadata, enumerable: false });
  return target as T & { readonly zen: ZenMetadata };
}

export function modelSpec(model: unknown, models: unknown): string | string[] {
  const list: string[] = [];
  if (Array.isArray(model)) list.push(...model);
  else if (typeof model === 'string' && model.trim() !== '') list.push(model.trim());
  if (Array.isArray(models)) list.push(...models);
  if (list.length === 0 || list.some((entry) => typeof entry !== 'string' || entry.trim() === '')) {
    throw new ZenError({ kind: 'invalid_request', retryable: false, message: 'model must be a model id (e.g. "openai/gpt-5-mini"), a non-empty list of ids, or "auto".', code: 'model' });
  }
  if (list.includes('auto') && list.length > 1) {
    throw new ZenError({ kind: 'invalid_request', retryable: false, message: '"auto" cannot be combined with other models; use zen.models to limit the auto pool.', code: 'model' });
  }
  return list.length === 1 ? list[0]! : [...new Set(list)];
}

/** `zen.chat.completions`: the openai SDK's Chat Completions surface, served by any routed model. */
export class ChatCompletions {
  constructor(private readonly engine: Engine) {}

  create(body: ZenChatCompletionCreateParamsNonStreaming, options?: ZenCallOptions): Promise<ZenChatCompletion>;
  create(body: ZenChatCompletionCreateParamsStreaming, options?: ZenCallOptions): Promise<ZenChatCompletionStream>;
  create(body: ZenChatCompletionCreateParams, options?: ZenCallOptions): Promise<ZenChatCompletion | ZenChatCompletionStream>;
  async create(body: ZenChatCompletionCreateParams, options?: ZenCallOptions): Promise<ZenChatCompletion | ZenChatCompletionStream> {
    const model = modelSpec(body?.model, body?.models);
    // The converter reads only the OpenAI fields; `model`, `models` and `zen` are routing's.
    const converted = convertChatRequest(body as ChatCompletionCreateParams);
    const call = callOptions(body.zen, options);
    if (!converted.stream) {
      const { result, metadata } = await this.engine.generate({ face: 'openai-chat', model, request: converted.request, options: call.zen, signal: call.signal, warnings: converted.warnings });
      return attachMetadata(toChatCompletion(result, metadata.requestId, result.modelId ?? metadata.model ?? String(model)), metadata);
    }
    const controller = new AbortController();
    const unlink = linkSignal(call.signal, controller);
    const stream = await this.engine.stream({ face: 'openai-chat', model, request: converted.request, options: call.zen, signal: controller.signal, warnings: converted.warnings });
    void stream.done.finally(unlink);
    const chunks = toChatChunks(stream.parts, {
      requestId: stream.metadata().requestId,
      model: () => stream.metadata().model?.split('/').pop() ?? String(model),
      includeUsage: converted.includeUsage,
    });
    return new ZenChatCompletionStream(() => chunks, controller, stream);
  }
}

/** Makes `target` abort when `source` does; returns the unlink function. */
export function linkSignal(source: AbortSignal | undefined, target: AbortController): () => void {
  if (!source) return () => {};
  if (source.aborted) {
    target.abort(source.reason);
    return () => {};
  }
  const onAbort = (): void => target.abort(source.reason);
  source.addEventListener('abort', onAbort, { once: true });
  return () => source.removeEventListener('abort', onAbort);
}
