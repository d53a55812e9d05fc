import type Anthropic from '@anthropic-ai/sdk';
import { ZenError } from '../../core/errors.js';
import type { ReasoningPart, TextPart, ToolCallPart } from '../../core/request.js';
import type { CallWarning, FinishReason, GenerationResult, UnifiedFinishReason } from '../../core/result.js';
import { makeUsage, type Usage } from '../../core/usage.js';
import type { ErrorContext } from '../shared.js';

const FINISH_REASONS: Record<string, UnifiedFinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool-calls',
  refusal: 'content-filter',
  pause_turn: 'other',
};

export function mapStopReason(raw: string | null | undefined): FinishReason {
  return { unified: (raw && FINISH_REASONS[raw]) || 'other', raw: raw ?? undefined };
}

/** The usage fields both `Message.usage` and a `message_delta`'s cumulative usage may carry. */
export interface AnthropicUsageFields {
  input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  output_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

/** Anthropic's `input_tokens` excludes cache reads and writes; the canonical total includes them. */
export function mapUsage(usage: AnthropicUsageFields | null | undefined): Usage {
  const cacheRead = usage?.cache_read_input_tokens ?? 0;
  const cacheWrite = usage?.cache_creation_input_tokens ?? 0;
  return makeUsage({
    inputTotal: (usage?.input_tokens ?? 0) + cacheRead + cacheWrite,
    cacheRead,
    cacheWrite,
    outputTotal: usage?.output_tokens ?? 0,
    reasoning: usage?.output_tokens_details?.thinking_tokens ?? 0,
  });
}

type Part = TextPart | ReasoningPart | ToolCallPart;

/** One response block → canonical parts; server-tool blocks (web search results, …) carry no caller content. */
function convertBlock(block: Anthropic.ContentBlock): Part[] {
  switch (block.type) {
    case 'text':
      return [{ type: 'text', text: block.text }];
    case 'thinking':
      return [{ type: 'reasoning', text: block.thinking, signature: block.signature }];
    case 'redacted_thinking':
      return [{ type: 'reasoning', text: '', redactedData: block.data }];
    case 'tool_use':
      return [{ type: 'tool-call', id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) }];
    default:
      return [];
  }
}

export function convertResponse(message: Anthropic.Message, warnings: CallWarning[], context: ErrorContext): GenerationResult {
  if (!message || typeof message !== 'object' || !Array.isArray(message.content)) {
    throw new ZenError({
      kind: 'server',
      message: `${context.provider} returned a response for ${context.model} that is not an Anthropic message.`,
      provider: context.provider,
      model: context.model,
    });
  }
  const providerMetadata: Record<string, unknown> = {};
  if (message.stop_sequence) providerMetadata.stopSequence = message.stop_sequence;
  if (message.usage?.service_tier) providerMetadata.serviceTier = message.usage.service_tier;
  return {
    id: message.id,
    modelId: message.model,
    content: message.content.flatMap(convertBlock),
    finishReason: mapStopReason(message.stop_reason),
    usage: mapUsage(message.usage),
    warnings,
    ...(Object.keys(providerMetadata).length > 0 ? { providerMetadata: { anthropic: providerMetadata } } : {}),
  };
}
