import type {
  ResponseCreateParamsNonStreaming,
  ResponseCreateParamsStreaming,
  ResponseInputContent,
  ResponseInputItem,
  Tool,
} from 'openai/resources/responses/responses';
import type { GenerationRequest, ImagePart, Message, ResponseFormat, TextPart } from '../../core/request.js';
import type { CallWarning } from '../../core/result.js';
import type { ConvertedRequest } from './convert-request.js';

/**
 * The canonical request → OpenAI Responses API params, for calls with hosted tools (web search,
 * file search, code interpreter, ...), which only that API runs. Hosted input items go back in
 * their place among the messages. OpenAI is not asked to store the response (`store: false`):
 * zenrouter keeps conversations itself, in the store the host chose.
 */

function userContent(parts: Array<TextPart | ImagePart>): ResponseInputContent[] {
  return parts.map(
    (part): ResponseInputContent =>
      part.type === 'text'
        ? { type: 'input_text', text: part.text }
        : {
            type: 'input_image',
            detail: part.detail ?? 'auto',
            image_url: part.source.kind === 'url' ? part.source.url : `data:${part.source.mediaType};base64,${part.source.data}`,
          },
  );
}

function messageItems(message: Message): ResponseInputItem[] {
  switch (message.role) {
    case 'system':
      return [{ role: 'system', content: message.content }];
    case 'user':
      return [{ role: 'user', content: userContent(message.content) }];
    case 'tool':
      return [{ type: 'function_call_output', call_id: message.toolCallId, output: message.content }];
    case 'assistant':
      // Reasoning stays behind: the API takes back only the reasoning items it made itself, by id.
      return message.content.flatMap((part): ResponseInputItem[] => {
        if (part.type === 'text') return part.text ? [{ role: 'assistant', content: part.text }] : [];
        if (part.type === 'tool-call') return [{ type: 'function_call', call_id: part.id, name: part.name, arguments: part.arguments }];
        return [];
      });
  }
}

/** Messages and hosted items in order: a hosted item `after` k goes after the first k messages. */
function inputItems(request: GenerationRequest): ResponseInputItem[] {
  const hosted = request.hostedItems ?? [];
  const items: ResponseInputItem[] = [];
  let next = 0;
  request.messages.forEach((message, index) => {
    while (next < hosted.length && hosted[next]!.after <= index) items.push(hosted[next++]!.item as unknown as ResponseInputItem);
    items.push(...messageItems(message));
  });
  while (next < hosted.length) items.push(hosted[next++]!.item as unknown as ResponseInputItem);
  return items;
}

function textFormat(format: ResponseFormat): Record<string, unknown> | undefined {
  switch (format.type) {
    case 'text':
      return undefined;
    case 'json':
      return { type: 'json_object' };
    case 'json-schema':
      return {
        type: 'json_schema',
        name: format.name,
        schema: format.schema,
        ...(format.description !== undefined ? { description: format.description } : {}),
        ...(format.strict !== undefined ? { strict: format.strict } : {}),
      };
  }
}

/** Canonical settings the Responses API has no field for. */
const UNSUPPORTED: ReadonlyArray<[keyof GenerationRequest, string]> = [
  ['stopSequences', 'stop sequences'],
  ['seed', 'a seed'],
  ['presencePenalty', 'a presence penalty'],
  ['frequencyPenalty', 'a frequency penalty'],
  ['topK', 'top-k sampling'],
  ['reasoningBudgetTokens', 'a reasoning budget in tokens (it takes an effort)'],
];

function convertBody(request: GenerationRequest, modelId: string, warnings: CallWarning[]): Record<string, unknown> {
  const body: Record<string, unknown> = { model: modelId, input: inputItems(request), store: false };
  const tools: Tool[] = (request.tools ?? []).map((tool) => ({
    type: 'function',
    name: tool.name,
    parameters: tool.parameters,
    strict: tool.strict ?? false,
    ...(tool.description !== undefined ? { description: tool.description } : {}),
  }));
  tools.push(...((request.hostedTools ?? []) as unknown as Tool[]));
  if (tools.length > 0) body.tools = tools;
  if (request.toolChoice !== undefined)
    body.tool_choice = typeof request.toolChoice === 'string' ? request.toolChoice : { type: 'function', name: request.toolChoice.name };
  if (request.parallelToolCalls !== undefined && tools.length > 0) body.parallel_tool_calls = request.parallelToolCalls;
  const format = request.responseFormat && textFormat(request.responseFormat);
  if (format) body.text = { format };
  if (request.maxOutputTokens !== undefined) body.max_output_tokens = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.user !== undefined) body.user = request.user;
  for (const [setting, what] of UNSUPPORTED) {
    if (request[setting] !== undefined)
      warnings.push({ type: 'unsupported-setting', setting, message: `OpenAI's Responses API takes no ${what}; ${setting} was dropped.` });
  }
  // The chat path's extras: `reasoning_effort` is `reasoning.effort` here; the rest goes as it is.
  const { reasoning_effort: finerEffort, ...extras } = request.providerOptions?.openai ?? {};
  const effort = finerEffort ?? request.reasoningEffort;
  // 'none' is left out: models that know it default to it, others reject it (as on the chat path).
  if (effort !== undefined && effort !== 'none') body.reasoning = { effort, ...(request.includeReasoning ? { summary: 'auto' } : {}) };
  return { ...body, ...extras };
}

export function convertResponsesRequest(request: GenerationRequest, modelId: string): ConvertedRequest<ResponseCreateParamsNonStreaming> {
  const warnings: CallWarning[] = [];
  return { body: convertBody(request, modelId, warnings) as unknown as ResponseCreateParamsNonStreaming, warnings };
}

export function convertResponsesStreamRequest(
  request: GenerationRequest,
  modelId: string,
): ConvertedRequest<ResponseCreateParamsStreaming> {
  const warnings: CallWarning[] = [];
  return { body: { ...convertBody(request, modelId, warnings), stream: true } as unknown as ResponseCreateParamsStreaming, warnings };
}
