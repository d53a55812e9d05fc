import type { ChatCompletion, ChatCompletionChunk, ChatCompletionMessageToolCall } from 'openai/resources/chat/completions';
import type { FinishReason, GenerationResult } from '../core/result.js';
import type { Usage } from '../core/usage.js';

type OpenAIFinish = ChatCompletion.Choice['finish_reason'];

const FINISH: Record<FinishReason['unified'], OpenAIFinish> = {
  stop: 'stop',
  length: 'length',
  'tool-calls': 'tool_calls',
  'content-filter': 'content_filter',
  error: 'stop',
  other: 'stop',
};

export function openaiFinishReason(reason: FinishReason): OpenAIFinish {
  return FINISH[reason.unified];
}

export function openaiUsage(usage: Usage): NonNullable<ChatCompletion['usage']> {
  return {
    prompt_tokens: usage.input.total,
    completion_tokens: usage.output.total,
    total_tokens: usage.input.total + usage.output.total,
    prompt_tokens_details: { cached_tokens: usage.input.cacheRead },
    completion_tokens_details: { reasoning_tokens: usage.output.reasoning },
  };
}

export function completionId(vendorId: string | undefined, requestId: string): string {
  return vendorId?.startsWith('chatcmpl') ? vendorId : `chatcmpl-${requestId}`;
}

/** The canonical result → an OpenAI ChatCompletion, each object built once in its final shape. */
export function toChatCompletion(result: GenerationResult, requestId: string, model: string): ChatCompletion {
  let text = '';
  let reasoning = '';
  let toolCalls: ChatCompletionMessageToolCall[] | undefined;
  for (const part of result.content) {
    if (part.type === 'text') text += part.text;
    else if (part.type === 'reasoning') reasoning += part.text;
    else (toolCalls ??= []).push({ id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments } });
  }
  const message: ChatCompletion.Choice['message'] & { reasoning_content?: string } = {
    role: 'assistant',
    content: text === '' && toolCalls ? null : text,
    refusal: null,
    annotations: [],
  };
  if (toolCalls) message.tool_calls = toolCalls;
  // DeepSeek's field name for visible reasoning; OpenAI clients ignore it.
  if (reasoning) message.reasoning_content = reasoning;
  const completion: ChatCompletion = {
    id: completionId(result.id, requestId),
    object: 'chat.completion',
    created: result.created ?? Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, finish_reason: openaiFinishReason(result.finishReason), logprobs: null }],
    usage: openaiUsage(result.usage),
  };
  const fingerprint = result.providerMetadata?.system_fingerprint;
  if (typeof fingerprint === 'string') completion.system_fingerprint = fingerprint;
  return completion;
}

export type ChunkDelta = ChatCompletionChunk.Choice.Delta & { reasoning_content?: string };
