import type Anthropic from '@anthropic-ai/sdk';
import { ZenError } from '../../core/errors.js';
import type { GenerationRequest, ImagePart, Message, ToolCallPart, ToolChoice } from '../../core/request.js';
import type { CallWarning } from '../../core/result.js';
import type { ErrorContext } from '../shared.js';
import { DEFAULT_MAX_TOKENS, mapThinking } from './map-thinking.js';

/** The body of `client.messages.create`, without `stream` (the adapter adds it per call). */
export type AnthropicRequestBody = Omit<Anthropic.MessageCreateParamsNonStreaming, 'stream'>;

export interface ConvertedRequest {
  body: AnthropicRequestBody;
  warnings: CallWarning[];
}

type ContentBlock = Anthropic.ContentBlockParam;
type Turn = { role: 'user' | 'assistant'; content: ContentBlock[] };

/**
 * Canonical settings Anthropic cannot honour. API version 2026-10-21 (sent by @anthropic-ai/sdk 1.x)
 * rejects `temperature`, `top_p` and `top_k` with a 400 even at default values, so they are dropped
 * with a warning; a client pinned to an older version can still send them via
 * `providerOptions.anthropic`.
 */
const UNSUPPORTED_SETTINGS: ReadonlyArray<{ key: keyof GenerationRequest; reason: string }> = [
  { key: 'temperature', reason: 'removed from the Messages API in version 2026-10-21' },
  { key: 'topP', reason: 'removed from the Messages API in version 2026-10-21' },
  { key: 'topK', reason: 'removed from the Messages API in version 2026-10-21' },
  { key: 'seed', reason: 'not supported by Anthropic' },
  { key: 'presencePenalty', reason: 'not supported by Anthropic' },
  { key: 'frequencyPenalty', reason: 'not supported by Anthropic' },
];

const TOOL_CHOICE: Record<Exclude<ToolChoice, object>, Anthropic.ToolChoice['type']> = {
  auto: 'auto',
  required: 'any',
  none: 'none',
};

const JSON_MODE_INSTRUCTION = 'Respond with a single valid JSON object only, with no prose and no Markdown code fences.';

const IMAGE_MEDIA_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

export function convertRequest(request: GenerationRequest, modelId: string, context: ErrorContext): ConvertedRequest {
  const warnings: CallWarning[] = [];
  for (const { key, reason } of UNSUPPORTED_SETTINGS) {
    if (request[key] !== undefined)
      warnings.push({ type: 'unsupported-setting', setting: key, message: `${key} is ${reason}; it was dropped.` });
  }

  const system = request.messages.flatMap((message) => (message.role === 'system' && message.content ? [message.content] : []));
  if (request.responseFormat?.type === 'json') {
    // Native structured outputs need a schema; free JSON is asked for in the system prompt.
    system.push(JSON_MODE_INSTRUCTION);
    warnings.push({
      type: 'other',
      setting: 'responseFormat',
      message: 'Anthropic has no free-form JSON mode; JSON output was requested through the system prompt.',
    });
  }

  const tools = request.tools ?? [];
  const toolChoice = tools.length > 0 ? convertToolChoice(request.toolChoice, request.parallelToolCalls) : undefined;
  const thinkingWarnings: CallWarning[] = [];
  let thinking = mapThinking(request, modelId, thinkingWarnings);
  if (thinking.thinking && (toolChoice?.type === 'any' || toolChoice?.type === 'tool')) {
    // The API refuses thinking together with a forced tool; the forced tool is the stronger contract.
    warnings.push({
      type: 'unsupported-setting',
      setting: 'reasoningEffort',
      message: 'Anthropic cannot think while a tool call is forced; thinking was turned off.',
    });
    thinking = { maxTokens: request.maxOutputTokens ?? DEFAULT_MAX_TOKENS };
  } else {
    warnings.push(...thinkingWarnings);
  }

  const body: AnthropicRequestBody = {
    model: modelId,
    max_tokens: thinking.maxTokens,
    messages: convertMessages(request.messages, context),
  };
  if (system.length > 0) body.system = system.join('\n\n');
  if (tools.length > 0) {
    body.tools = tools.map((tool) => ({
      name: tool.name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      input_schema: { type: 'object' as const, ...tool.parameters },
      ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
    }));
  }
  if (toolChoice) body.tool_choice = toolChoice;
  if (thinking.thinking) body.thinking = thinking.thinking;

  const outputConfig: Anthropic.OutputConfig = {};
  if (thinking.effort) outputConfig.effort = thinking.effort;
  if (request.responseFormat?.type === 'json-schema') {
    outputConfig.format = { type: 'json_schema', schema: request.responseFormat.schema };
  }
  if (Object.keys(outputConfig).length > 0) body.output_config = outputConfig;

  if (request.stopSequences && request.stopSequences.length > 0) body.stop_sequences = request.stopSequences;
  if (request.user !== undefined) body.metadata = { user_id: request.user };

  return { body: { ...body, ...request.providerOptions?.anthropic } as AnthropicRequestBody, warnings };
}

function convertToolChoice(choice: ToolChoice | undefined, parallelToolCalls: boolean | undefined): Anthropic.ToolChoice | undefined {
  const parallel = parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined) return parallelToolCalls === false ? { type: 'auto', ...parallel } : undefined;
  if (typeof choice === 'object') return { type: 'tool', name: choice.name, ...parallel };
  const type = TOOL_CHOICE[choice];
  return type === 'none' ? { type: 'none' } : ({ type, ...parallel } as Anthropic.ToolChoice);
}

/**
 * Canonical messages → alternating user/assistant turns. System messages went to `system`; tool
 * results become `tool_result` blocks of a user turn; consecutive turns of one role are merged,
 * since Anthropic requires alternation.
 */
function convertMessages(messages: Message[], context: ErrorContext): Anthropic.MessageParam[] {
  const turns: Turn[] = [];
  const push = (role: Turn['role'], content: ContentBlock[]): void => {
    if (content.length === 0) return;
    const last = turns[turns.length - 1];
    if (last && last.role === role) last.content.push(...content);
    else turns.push({ role, content: [...content] });
  };
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        break;
      case 'user':
        push(
          'user',
          message.content.map((part) => (part.type === 'text' ? { type: 'text' as const, text: part.text } : convertImage(part))),
        );
        break;
      case 'assistant':
        push(
          'assistant',
          message.content.flatMap((part): ContentBlock[] => {
            switch (part.type) {
              case 'text':
                return part.text ? [{ type: 'text', text: part.text }] : []; // the API rejects empty text blocks
              case 'reasoning':
                if (part.redactedData !== undefined) return [{ type: 'redacted_thinking', data: part.redactedData }];
                // Thinking without Anthropic's signature (another vendor's reasoning) cannot be sent back.
                return part.signature ? [{ type: 'thinking', thinking: part.text, signature: part.signature }] : [];
              case 'tool-call':
                return [{ type: 'tool_use', id: part.id, name: part.name, input: parseToolArguments(part, context) }];
            }
          }),
        );
        break;
      case 'tool':
        push('user', [
          {
            type: 'tool_result',
            tool_use_id: message.toolCallId,
            content: message.content,
            ...(message.isError ? { is_error: true } : {}),
          },
        ]);
        break;
    }
  }
  return turns;
}

function convertImage(part: ImagePart): Anthropic.ImageBlockParam {
  const { source } = part;
  if (source.kind === 'base64')
    return { type: 'image', source: { type: 'base64', media_type: mediaType(source.mediaType), data: source.data } };
  // Data URLs (what OpenAI-shaped callers send) travel as base64 sources; Anthropic fetches only http(s) URLs.
  const dataUrl = /^data:([^;,]+);base64,(.*)$/s.exec(source.url);
  if (dataUrl) return { type: 'image', source: { type: 'base64', media_type: mediaType(dataUrl[1]!), data: dataUrl[2]! } };
  return { type: 'image', source: { type: 'url', url: source.url } };
}

function mediaType(value: string): Anthropic.Base64ImageSource['media_type'] {
  const normalized = value.toLowerCase() === 'image/jpg' ? 'image/jpeg' : value.toLowerCase();
  // Other types are passed on so that the API names the problem itself.
  return (IMAGE_MEDIA_TYPES.has(normalized) ? normalized : value) as Anthropic.Base64ImageSource['media_type'];
}

function parseToolArguments(part: ToolCallPart, context: ErrorContext): Record<string, unknown> {
  if (part.arguments.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(part.arguments);
  } catch {
    throw invalidArguments(part, context, 'is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidArguments(part, context, 'is not a JSON object');
  return parsed as Record<string, unknown>;
}

function invalidArguments(part: ToolCallPart, context: ErrorContext, problem: string): ZenError {
  return new ZenError({
    kind: 'invalid_request',
    message: `The arguments of tool call ${part.id} (${part.name}) ${problem}; Anthropic needs the tool input as a JSON object.`,
    provider: context.provider,
    model: context.model,
    retryable: false,
  });
}
