import type { ResponseOutputItem } from 'openai/resources/responses/responses';
import { RESPONSES_OUTPUT_METADATA } from '../core/result.js';

const CANONICAL_TYPES: ReadonlySet<string> = new Set(['message', 'function_call', 'reasoning']);

/** The Responses API's output items, if OpenAI's Responses API made this answer (see RESPONSES_OUTPUT_METADATA). */
export function rawResponsesOutput(providerMetadata: Record<string, unknown> | undefined): ResponseOutputItem[] | undefined {
  const output = providerMetadata?.[RESPONSES_OUTPUT_METADATA];
  return Array.isArray(output) ? (output as ResponseOutputItem[]) : undefined;
}

/** Its items that have no canonical form (hosted tool calls), in their order. */
export function hostedOutput(providerMetadata: Record<string, unknown> | undefined): ResponseOutputItem[] {
  return (rawResponsesOutput(providerMetadata) ?? []).filter((item) => !CANONICAL_TYPES.has(item.type));
}

/** The citations of the last message OpenAI made: they belong to the last message a stream showed. */
export function lastMessageAnnotations(providerMetadata: Record<string, unknown> | undefined): unknown[] {
  const messages = (rawResponsesOutput(providerMetadata) ?? []).filter((item) => item.type === 'message');
  const last = messages.at(-1);
  if (last?.type !== 'message') return [];
  return last.content.flatMap((part) => (part.type === 'output_text' ? part.annotations : []));
}
