import type Anthropic from '@anthropic-ai/sdk';
import type { FinishReason, GenerationResult, CallWarning } from '../core/result.js';
import type { Usage } from '../core/usage.js';
import { parseArgumentsObject } from './invalid-request.js';

/** The canonical result → an Anthropic `Message`, whichever vendor answered. */

export function messageId(vendorId: string | undefined, requestId: string): string {
  return vendorId?.startsWith('msg_') ? vendorId : `msg_${requestId}`;
}

/** The stop sequence that ended the answer, where the vendor says (Anthropic does). */
export function stopSequenceOf(providerMetadata: Record<string, unknown> | undefined): string | null {
  const anthropic = providerMetadata?.anthropic as { stopSequence?: unknown } | undefined;
  return typeof anthropic?.stopSequence === 'string' ? anthropic.stopSequence : null;
}

export function anthropicStopReason(reason: FinishReason, stopSequence: string | null): Anthropic.StopReason {
  switch (reason.unified) {
    case 'stop':
      return stopSequence !== null || reason.raw === 'stop_sequence' ? 'stop_sequence' : 'end_turn';
    case 'length':
      return reason.raw === 'model_context_window_exceeded' ? 'model_context_window_exceeded' : 'max_tokens';
    case 'tool-calls':
      return 'tool_use';
    case 'content-filter':
      return 'refusal';
    default:
      return reason.raw === 'pause_turn' ? 'pause_turn' : 'end_turn';
  }
}

/** Anthropic counts `input_tokens` without cache reads and writes; those have their own fields. */
export function anthropicUsage(usage: Usage): Anthropic.Usage {
  return {
    input_tokens: usage.input.noCache,
    output_tokens: usage.output.total,
    cache_read_input_tokens: usage.input.cacheRead,
    cache_creation_input_tokens: usage.input.cacheWrite,
    cache_creation: null,
    output_tokens_details: usage.output.reasoning > 0 ? { thinking_tokens: usage.output.reasoning } : null,
    server_tool_use: null,
    service_tier: null,
    inference_geo: null,
    speed: null,
  };
}

/** A tool call's JSON text → the `input` object Anthropic users read; `{}` (with a warning) when it is not an object. */
export function toolInput(argumentsText: string, name: string, warnings: CallWarning[]): Record<string, unknown> {
  const parsed = parseArgumentsObject(argumentsText);
  if (parsed) return parsed;
  warnings.push({
    type: 'other',
    setting: 'tool_use.input',
    message: `The model's arguments for ${name} are not a JSON object; tool_use.input is {}.`,
  });
  return {};
}

export function toMessage(result: GenerationResult, requestId: string, model: string, warnings: CallWarning[]): Anthropic.Message {
  const content: Anthropic.ContentBlock[] = [];
  for (const part of result.content) {
    if (part.type === 'text') {
      if (part.text === '') continue;
      const last = content[content.length - 1];
      // One text block per run of text, as Anthropic answers.
      if (last?.type === 'text') last.text += part.text;
      else content.push({ type: 'text', text: part.text, citations: null });
    } else if (part.type === 'reasoning') {
      const last = content[content.length - 1];
      if (part.redactedData !== undefined) content.push({ type: 'redacted_thinking', data: part.redactedData });
      // A signature without text signs the thought before it (Gemini's convention), as in a stream.
      else if (!part.text && part.signature && last?.type === 'thinking' && !last.signature) last.signature = part.signature;
      else content.push({ type: 'thinking', thinking: part.text, signature: part.signature ?? '' });
    } else {
      content.push({
        type: 'tool_use',
        id: part.id,
        name: part.name,
        input: toolInput(part.arguments, part.name, warnings),
        caller: { type: 'direct' },
      });
    }
  }
  const stopSequence = stopSequenceOf(result.providerMetadata);
  const stopReason = anthropicStopReason(result.finishReason, stopSequence);
  return {
    id: messageId(result.id, requestId),
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReason,
    stop_sequence: stopSequence,
    stop_details: stopReason === 'refusal' ? { type: 'refusal', category: null, explanation: null } : null,
    container: null,
    diagnostics: null,
    usage: anthropicUsage(result.usage),
  };
}
