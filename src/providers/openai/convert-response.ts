import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { ReasoningPart, TextPart, ToolCallPart } from '../../core/request.js';
import type { CallWarning, FinishReason, GenerationResult, UnifiedFinishReason } from '../../core/result.js';
import { makeUsage, type Usage } from '../../core/usage.js';

const FINISH_REASONS: Record<string, UnifiedFinishReason> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool-calls',
  function_call: 'tool-calls',
  content_filter: 'content-filter',
};

export function mapFinishReason(raw: string | null | undefined): FinishReason {
  return { unified: (raw && FINISH_REASONS[raw]) || 'other', raw: raw ?? undefined };
}

/** Compatible vendors add fields the SDK types do not know (DeepSeek, vLLM, OpenRouter). */
interface VendorUsage extends CompletionUsage {
  prompt_cache_hit_tokens?: number;
}

export function convertUsage(usage: VendorUsage | null | undefined): Usage {
  return makeUsage({
    inputTotal: usage?.prompt_tokens,
    cacheRead: usage?.prompt_tokens_details?.cached_tokens ?? usage?.prompt_cache_hit_tokens,
    outputTotal: usage?.completion_tokens,
    reasoning: usage?.completion_tokens_details?.reasoning_tokens,
  });
}

/** DeepSeek and vLLM send `reasoning_content`; OpenRouter sends `reasoning`. */
export function reasoningText(message: object | undefined): string | undefined {
  const record = message as { reasoning_content?: unknown; reasoning?: unknown } | undefined;
  const text = record?.reasoning_content ?? record?.reasoning;
  return typeof text === 'string' && text !== '' ? text : undefined;
}

/** Vendor extras kept under the API's own names, for faces that echo them. */
export function providerMetadata(source: {
  system_fingerprint?: string | null;
  service_tier?: string | null;
}): Record<string, unknown> | undefined {
  const metadata: Record<string, unknown> = {};
  if (source.system_fingerprint) metadata.system_fingerprint = source.system_fingerprint;
  if (source.service_tier) metadata.service_tier = source.service_tier;
  return Object.keys(metadata).length > 0 ? metadata : undefined;
}

export function convertResponse(completion: ChatCompletion, warnings: CallWarning[]): GenerationResult {
  const choice = completion.choices?.[0];
  const message = choice?.message;
  const content: Array<TextPart | ReasoningPart | ToolCallPart> = [];
  const reasoning = reasoningText(message);
  if (reasoning) content.push({ type: 'reasoning', text: reasoning });
  if (message?.content) content.push({ type: 'text', text: message.content });
  const toolCalls = message?.tool_calls;
  if (toolCalls) {
    for (const call of toolCalls) {
      if (call.type === 'function')
        content.push({ type: 'tool-call', id: call.id, name: call.function.name, arguments: call.function.arguments });
    }
  }
  const result: GenerationResult = {
    id: completion.id,
    modelId: completion.model,
    created: completion.created,
    content,
    finishReason: mapFinishReason(choice?.finish_reason),
    usage: convertUsage(completion.usage),
    warnings,
  };
  // Built in place, made only when there is something to keep (most answers have none): the
  // vendor extras, then a refusal (what the model said, in its own field, for the OpenAI face to echo).
  let metadata: Record<string, unknown> | undefined;
  if (completion.system_fingerprint) (metadata ??= {}).system_fingerprint = completion.system_fingerprint;
  if (completion.service_tier) (metadata ??= {}).service_tier = completion.service_tier;
  if (message?.refusal) (metadata ??= {}).refusal = message.refusal;
  if (metadata) result.providerMetadata = metadata;
  return result;
}
