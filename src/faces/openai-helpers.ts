import type { ChatCompletionRunner } from 'openai/lib/ChatCompletionRunner';
import type { ChatCompletionStream } from 'openai/lib/ChatCompletionStream';
import type { ChatCompletionStreamingRunner } from 'openai/lib/ChatCompletionStreamingRunner';
import type { parseChatCompletion, validateInputTools } from 'openai/lib/parser';
import { ZenError } from '../core/errors.js';
import { optionalPeerError } from '../core/optional-peer.js';
import { NoRequireError, requireUnbundled } from '../core/require-peer.js';

/**
 * The openai SDK's own chat helpers, which zenrouter runs over its routed calls rather than
 * copying them: the stream accumulator and its events, the tool runner, the structured-output
 * parser. They load on first use, from the app's `openai` (an optional peer).
 */
export interface OpenAIHelpers {
  ChatCompletionStream: typeof ChatCompletionStream;
  ChatCompletionRunner: typeof ChatCompletionRunner;
  ChatCompletionStreamingRunner: typeof ChatCompletionStreamingRunner;
  parseChatCompletion: typeof parseChatCompletion;
  validateInputTools: typeof validateInputTools;
}

/** How a module is loaded; tests pass one that fails as a missing package does. */
export type PeerLoader = (specifier: string, esm: string) => unknown;

let loaded: OpenAIHelpers | undefined;

function part<T>(load: PeerLoader, file: string, name: string): T {
  const module = load(`openai/lib/${file}`, `openai/lib/${file}.mjs`) as Record<string, unknown>;
  const value = module[name];
  if (value === undefined)
    throw new Error(`openai/lib/${file} has no export ${name}: an openai version zenrouter does not know (it supports 6 and 7)`);
  return value as T;
}

/**
 * The helpers, loaded synchronously (the SDK's `stream()` and `runTools()` return their object at
 * once). `method` names the zenrouter method in the error when `openai` is not installed, or this
 * runtime cannot load it (an edge runtime without `require`).
 */
export function openaiHelpers(method: string, load: PeerLoader = requireUnbundled): OpenAIHelpers {
  if (loaded && load === requireUnbundled) return loaded;
  let helpers: OpenAIHelpers;
  try {
    helpers = {
      ChatCompletionStream: part(load, 'ChatCompletionStream', 'ChatCompletionStream'),
      ChatCompletionRunner: part(load, 'ChatCompletionRunner', 'ChatCompletionRunner'),
      ChatCompletionStreamingRunner: part(load, 'ChatCompletionStreamingRunner', 'ChatCompletionStreamingRunner'),
      parseChatCompletion: part(load, 'parser', 'parseChatCompletion'),
      validateInputTools: part(load, 'parser', 'validateInputTools'),
    };
  } catch (error) {
    if (error instanceof NoRequireError) {
      throw new ZenError({
        kind: 'configuration',
        retryable: false,
        cause: error,
        message: `${method} runs the openai SDK's own helper, loaded synchronously from 'openai', which this runtime cannot do (${error.message}). Use chat.completions.create() (with stream: true) here.`,
      });
    }
    throw optionalPeerError('openai', method, error);
  }
  if (load === requireUnbundled) loaded = helpers;
  return helpers;
}
