import type OpenAI from 'openai';
import type { RunnerOptions } from 'openai/lib/AbstractChatCompletionRunner';
import type { ChatCompletionRunner, ChatCompletionToolRunnerParams } from 'openai/lib/ChatCompletionRunner';
import type { ChatCompletionStream, ChatCompletionStreamParams } from 'openai/lib/ChatCompletionStream';
import type { ChatCompletionStreamingRunner, ChatCompletionStreamingToolRunnerParams } from 'openai/lib/ChatCompletionStreamingRunner';
import type { ExtractParsedContentFromParams } from 'openai/lib/parser';
import type { BaseFunctionsArgs } from 'openai/lib/RunnableFunction';
import type { ChatCompletionCreateParams, ChatCompletionParseParams, ParsedChatCompletion } from 'openai/resources/chat/completions';
import { ZenError } from '../core/errors.js';
import type { FromPeer } from '../core/peer-types.js';
import type { ZenAPIPromise } from './api-promise.js';
import { jsonAPIPromise } from './api-promise.js';
import type { ZenCallOptions } from './call-options.js';
import type { ZenMetadata, ZenRequestOptions } from './engine.js';
import { attachMetadata } from './face-shared.js';
import { invalidRequest, isRecord } from './invalid-request.js';
import { openaiHelpers, type PeerLoader } from './openai-helpers.js';
import { validateChatParams } from './validation/chat-params.js';

/**
 * `chat.completions.parse()`, `.stream()` and `.runTools()`: the openai SDK's own helpers (its
 * structured-output parser, its ChatCompletionStream with `content.delta` and
 * `finalChatCompletion()`, its tool runner), each run over zenrouter's routed
 * `chat.completions.create()` through a client-shaped adapter, so every family serves them and
 * their semantics are the SDK's, not a copy. They need `openai` installed (loaded on first use).
 */

/** The SDK's params with zenrouter's routing: a model id, a fallback list or `auto`, `models`, `zen`. */
export type Routed<T> = Omit<T, 'model'> & { model: string | string[]; models?: string[]; zen?: ZenRequestOptions };

export type ZenChatCompletionParseParams = Routed<FromPeer<ChatCompletionParseParams, 'openai'>>;
export type ZenChatCompletionStreamParams = Routed<FromPeer<ChatCompletionStreamParams, 'openai'>>;
export type ZenChatCompletionToolRunnerParams = Routed<FromPeer<ChatCompletionToolRunnerParams<BaseFunctionsArgs>, 'openai'>>;
export type ZenChatCompletionStreamingToolRunnerParams = Routed<
  FromPeer<ChatCompletionStreamingToolRunnerParams<BaseFunctionsArgs>, 'openai'>
>;

/** What the parsed content of a request is (the zod schema's type with zodResponseFormat), as the SDK reads it. */
export type ParsedContentOf<Params> = ExtractParsedContentFromParams<Params & ChatCompletionCreateParams>;

/** A ParsedChatCompletion with zenrouter's metadata as a non-enumerable `zen` property. */
export type ZenParsedChatCompletion<ParsedT> = FromPeer<ParsedChatCompletion<ParsedT>, 'openai'> & { readonly zen: ZenMetadata };

/** The runner's options (`maxChatCompletions`, `afterCompletion`) beside zenrouter's call options. */
export type ZenRunnerOptions = ZenCallOptions & Omit<FromPeer<RunnerOptions, 'openai'>, keyof ZenCallOptions>;

/** The part of ChatCompletions the helpers run on. */
export interface Completions {
  create(body: never, options?: ZenCallOptions): PromiseLike<unknown>;
}

/** Keeps what zenrouter takes of the SDK's request options: the signal, the deadline, retries, `zen`. */
function callOptions(options: (ZenCallOptions & Record<string, unknown>) | undefined): ZenCallOptions {
  if (!options) return {};
  const { signal, timeout, maxRetries, zen } = options;
  return {
    ...(signal ? { signal } : {}),
    ...(timeout !== undefined ? { timeout } : {}),
    ...(maxRetries !== undefined ? { maxRetries } : {}),
    ...(zen ? { zen } : {}),
  };
}

/**
 * What the SDK's helpers call `client.chat.completions.create` on. A call the helper's own
 * controller stopped ends as the SDK's abort (an `AbortError`), so that the helper emits `abort`.
 */
function clientShaped(completions: Completions): OpenAI {
  const create = async (body: unknown, options?: ZenCallOptions & Record<string, unknown>): Promise<unknown> => {
    try {
      return await completions.create(body as never, callOptions(options));
    } catch (error) {
      if (ZenError.isInstance(error) && error.kind === 'aborted' && options?.signal?.aborted) {
        throw Object.assign(new Error(error.message, { cause: error }), { name: 'AbortError' });
      }
      throw error;
    }
  };
  return { chat: { completions: { create } } } as unknown as OpenAI;
}

/** `parse()`: a non-streamed call whose answer the SDK's parser reads (`message.parsed`, parsed tool arguments). */
export function parseCompletion<ParsedT>(
  completions: Completions,
  body: ZenChatCompletionParseParams,
  options: ZenCallOptions | undefined,
  load?: PeerLoader,
): ZenAPIPromise<ZenParsedChatCompletion<ParsedT>> {
  const answer = (async () => {
    validateChatParams(body);
    const { parseChatCompletion, validateInputTools } = openaiHelpers('zen.chat.completions.parse()', load);
    validateInputTools(body.tools as ChatCompletionParseParams['tools']);
    const completion = (await completions.create({ ...body, stream: false } as never, options)) as { zen: ZenMetadata };
    const parsed = parseChatCompletion(completion as never, body as unknown as ChatCompletionParseParams) as ParsedChatCompletion<ParsedT>;
    return attachMetadata(parsed, completion.zen) as ZenParsedChatCompletion<ParsedT>;
  })();
  return jsonAPIPromise(answer);
}

/**
 * `stream()`: the SDK's ChatCompletionStream over a routed stream. A malformed request throws its
 * ZenError at once, naming the field; failures of the call itself come as the stream's `error`.
 */
export function streamCompletion<ParsedT>(
  completions: Completions,
  body: ZenChatCompletionStreamParams,
  options: ZenCallOptions | undefined,
  load?: PeerLoader,
): ChatCompletionStream<ParsedT> {
  validateChatParams(body);
  const { ChatCompletionStream } = openaiHelpers('zen.chat.completions.stream()', load);
  return ChatCompletionStream.createChatCompletion(
    clientShaped(completions),
    body as unknown as ChatCompletionStreamParams,
    options as never,
  ) as ChatCompletionStream<ParsedT>;
}

/**
 * `runTools()`: the SDK's tool runner (ChatCompletionRunner, or ChatCompletionStreamingRunner with
 * `stream: true`) calling routed completions until the model stops calling tools. The tools are
 * the runner's (callbacks, `parse`), checked by each call it makes; the rest is checked at once.
 */
export function runToolsCompletion(
  completions: Completions,
  body: ZenChatCompletionToolRunnerParams | ZenChatCompletionStreamingToolRunnerParams,
  options: ZenRunnerOptions | undefined,
  load?: PeerLoader,
): ChatCompletionRunner<unknown> | ChatCompletionStreamingRunner<unknown> {
  if (!isRecord(body)) throw invalidRequest('The request body must be an object with a model, messages and tools.', 'body');
  validateChatParams({ ...body, tools: undefined });
  if (!Array.isArray(body.tools) || body.tools.some((tool: unknown) => !isRecord(tool))) {
    throw invalidRequest(
      'tools must be an array of tools: { type: "function", function: { function, parse, parameters } } or zodFunction(...).',
      'tools',
    );
  }
  const helpers = openaiHelpers('zen.chat.completions.runTools()', load);
  const client = clientShaped(completions);
  if (body.stream === true) return helpers.ChatCompletionStreamingRunner.runTools(client, body as never, options as RunnerOptions);
  return helpers.ChatCompletionRunner.runTools(client, body as never, options as RunnerOptions);
}
