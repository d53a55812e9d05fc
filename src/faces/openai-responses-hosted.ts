import type { ResponseOutputItem } from 'openai/resources/responses/responses';

/**
 * The output of a call that OpenAI's Responses API answered (a call with hosted tools): the OpenAI
 * adapter keeps the API's own output items in the result's provider metadata under this key, so
 * that the face returns them as they came (web search calls, citations, code runs), where the
 * canonical content holds only text, reasoning and function calls.
 */
export const RESPONSES_OUTPUT_KEY = 'openaiResponsesOutput';

const CANONICAL_TYPES: ReadonlySet<string> = new Set(['message', 'function_call', 'reasoning']);

/** The Responses API's output items, if OpenAI's Responses API made this answer. */
export function rawResponsesOutput(providerMetadata: Record<string, unknown> | undefined): ResponseOutputItem[] | undefined {
  const output = providerMetadata?.[RESPONSES_OUTPUT_KEY];
  return Array.isArray(output) ? (output as ResponseOutputItem[]) : undefined;
}

/** Its items that have no canonical form (hosted tool calls), in their order. */
export function hostedOutput(providerMetadata: Record<string, unknown> | undefined): ResponseOutputItem[] {
  return (rawResponsesOutput(providerMetadata) ?? []).filter((item) => !CANONICAL_TYPES.has(item.type));
}
