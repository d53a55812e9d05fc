import type { Response, ResponseUsage } from 'openai/resources/responses/responses';
import type { ReasoningPart, TextPart, ToolCallPart } from '../../core/request.js';
import { RESPONSES_OUTPUT_METADATA, type CallWarning, type FinishReason, type GenerationResult } from '../../core/result.js';
import { makeUsage, type Usage } from '../../core/usage.js';

/** OpenAI Responses API answers → the canonical result; the API's own output items travel along for the Responses face. */

export function responsesUsage(usage: ResponseUsage | null | undefined): Usage {
  return makeUsage({
    inputTotal: usage?.input_tokens,
    cacheRead: usage?.input_tokens_details?.cached_tokens,
    outputTotal: usage?.output_tokens,
    reasoning: usage?.output_tokens_details?.reasoning_tokens,
  });
}

/** `completed` is a stop (or tool calls), `incomplete` says why, `failed` is an error. */
export function responsesFinishReason(response: Pick<Response, 'status' | 'incomplete_details' | 'output'>): FinishReason {
  const status = response.status ?? 'completed';
  if (status === 'incomplete') {
    const reason = response.incomplete_details?.reason;
    return {
      unified: reason === 'content_filter' ? 'content-filter' : reason === 'max_output_tokens' ? 'length' : 'other',
      raw: reason ?? status,
    };
  }
  if (status === 'failed') return { unified: 'error', raw: status };
  const calls = response.output.some((item) => item.type === 'function_call');
  return { unified: calls ? 'tool-calls' : 'stop', raw: status };
}

export function responsesContent(response: Pick<Response, 'output'>): Array<TextPart | ReasoningPart | ToolCallPart> {
  const content: Array<TextPart | ReasoningPart | ToolCallPart> = [];
  for (const item of response.output) {
    if (item.type === 'message') {
      for (const part of item.content) content.push({ type: 'text', text: part.type === 'output_text' ? part.text : part.refusal });
    } else if (item.type === 'reasoning') {
      const parts = item.content?.length ? item.content : item.summary;
      const text = parts.map((part) => part.text).join('\n');
      if (text) content.push({ type: 'reasoning', text });
    } else if (item.type === 'function_call') {
      content.push({ type: 'tool-call', id: item.call_id, name: item.name, arguments: item.arguments });
    }
  }
  return content;
}

export function responsesMetadata(response: Pick<Response, 'output' | 'service_tier'>): Record<string, unknown> {
  return { [RESPONSES_OUTPUT_METADATA]: response.output, ...(response.service_tier ? { service_tier: response.service_tier } : {}) };
}

export function convertResponsesResponse(response: Response, warnings: CallWarning[]): GenerationResult {
  return {
    id: response.id,
    modelId: response.model,
    created: response.created_at,
    content: responsesContent(response),
    finishReason: responsesFinishReason(response),
    usage: responsesUsage(response.usage),
    warnings,
    providerMetadata: responsesMetadata(response),
  };
}
