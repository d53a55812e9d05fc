import type {
  ChatCompletionContentPart,
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import { ZenError } from '../core/errors.js';
import type {
  AssistantMessage,
  GenerationRequest,
  ImagePart,
  Message,
  ReasoningEffort,
  ResponseFormat,
  TextPart,
  ToolChoice,
  ToolDefinition,
} from '../core/request.js';
import type { CallWarning } from '../core/result.js';
import { parseDataUrl } from './data-url.js';

function invalid(message: string, param?: string): ZenError {
  return new ZenError({
    kind: 'invalid_request',
    message: param ? `${message} (param: ${param})` : message,
    retryable: false,
    code: param,
  });
}

function textOf(
  content: string | ReadonlyArray<{ type: string; text?: string; refusal?: string }> | null | undefined,
  param: string,
): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalid('Message content must be a string or an array of content parts.', param);
  return content
    .map((part, index) => {
      if (part.type === 'text') return part.text ?? '';
      if (part.type === 'refusal') return part.refusal ?? '';
      throw invalid(`Content part type "${part.type}" is not allowed here.`, `${param}[${index}]`);
    })
    .join('');
}

function userParts(content: string | ChatCompletionContentPart[], param: string): Array<TextPart | ImagePart> {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw invalid('User message content must be a string or an array of content parts.', param);
  return content.map((part, index): TextPart | ImagePart => {
    const where = `${param}[${index}]`;
    switch (part.type) {
      case 'text':
        return { type: 'text', text: part.text };
      case 'image_url': {
        const url = part.image_url?.url;
        if (typeof url !== 'string' || url === '') throw invalid('image_url.url must be an https URL or a data URL.', where);
        const detail = part.image_url.detail;
        if (url.startsWith('data:')) {
          const parsed = parseDataUrl(url);
          if (!parsed) throw invalid('image_url.url is a data URL that is not base64 encoded (expected data:<type>;base64,<data>).', where);
          return {
            type: 'image',
            source: { kind: 'base64', mediaType: parsed.mediaType, data: parsed.data },
            ...(detail ? { detail } : {}),
          };
        }
        if (!/^https?:\/\//i.test(url)) throw invalid('image_url.url must be an http(s) URL or a data URL.', where);
        return { type: 'image', source: { kind: 'url', url }, ...(detail ? { detail } : {}) };
      }
      case 'input_audio':
        throw invalid('Audio input is not supported by zenrouter yet.', where);
      case 'file':
        throw invalid('File content parts are not supported by zenrouter yet; send text or images.', where);
      default:
        throw invalid(`Unknown content part type "${(part as { type: string }).type}".`, where);
    }
  });
}

function convertMessages(messages: ChatCompletionMessageParam[]): Message[] {
  if (!Array.isArray(messages) || messages.length === 0) throw invalid('messages must be a non-empty array.', 'messages');
  const toolNames = new Map<string, string>();
  const out: Message[] = [];
  messages.forEach((message, index) => {
    const param = `messages[${index}]`;
    if (!message || typeof message !== 'object') throw invalid('Each message must be an object with a role.', param);
    switch (message.role) {
      case 'system':
      case 'developer':
        out.push({ role: 'system', content: textOf(message.content, `${param}.content`) });
        return;
      case 'user':
        out.push({ role: 'user', content: userParts(message.content, `${param}.content`) });
        return;
      case 'assistant': {
        const content: AssistantMessage['content'] = [];
        const text = textOf(message.content as never, `${param}.content`);
        if (text) content.push({ type: 'text', text });
        for (const [callIndex, call] of (message.tool_calls ?? []).entries()) {
          if (call.type !== 'function') throw invalid('Only function tool calls are supported.', `${param}.tool_calls[${callIndex}]`);
          toolNames.set(call.id, call.function.name);
          content.push({ type: 'tool-call', id: call.id, name: call.function.name, arguments: call.function.arguments ?? '{}' });
        }
        if (message.function_call) {
          const id = `call_legacy_${index}`;
          toolNames.set(id, message.function_call.name);
          content.push({ type: 'tool-call', id, name: message.function_call.name, arguments: message.function_call.arguments });
        }
        out.push({ role: 'assistant', content });
        return;
      }
      case 'tool': {
        const toolName = toolNames.get(message.tool_call_id);
        if (!toolName)
          throw invalid(
            `Tool message refers to tool_call_id "${message.tool_call_id}", which no earlier assistant message called.`,
            `${param}.tool_call_id`,
          );
        out.push({ role: 'tool', toolCallId: message.tool_call_id, toolName, content: textOf(message.content, `${param}.content`) });
        return;
      }
      case 'function':
        throw invalid('Legacy "function" role messages are not supported; use tool messages.', param);
      default:
        throw invalid(`Unknown message role "${(message as { role: string }).role}".`, `${param}.role`);
    }
  });
  return out;
}

function convertTools(tools: ChatCompletionTool[] | undefined): ToolDefinition[] | undefined {
  if (!tools) return undefined;
  return tools.map((tool, index) => {
    if (tool.type !== 'function') throw invalid('Only function tools are supported.', `tools[${index}]`);
    const fn = tool.function;
    if (!fn?.name) throw invalid('Each tool needs function.name.', `tools[${index}].function.name`);
    return {
      name: fn.name,
      ...(fn.description ? { description: fn.description } : {}),
      parameters: (fn.parameters as Record<string, unknown> | undefined) ?? { type: 'object', properties: {} },
      ...(fn.strict !== undefined && fn.strict !== null ? { strict: fn.strict } : {}),
    };
  });
}

function convertToolChoice(choice: ChatCompletionToolChoiceOption | undefined): ToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'none' || choice === 'auto' || choice === 'required') return choice;
  if (choice.type === 'function') return { type: 'tool', name: choice.function.name };
  throw invalid(`tool_choice of type "${choice.type}" is not supported.`, 'tool_choice');
}

function convertResponseFormat(format: ChatCompletionCreateParams['response_format']): ResponseFormat | undefined {
  if (!format) return undefined;
  switch (format.type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json' };
    case 'json_schema': {
      const schema = format.json_schema;
      if (!schema?.name || !schema.schema)
        throw invalid('response_format.json_schema needs a name and a schema.', 'response_format.json_schema');
      return {
        type: 'json-schema',
        name: schema.name,
        schema: schema.schema as Record<string, unknown>,
        ...(schema.description ? { description: schema.description } : {}),
        ...(schema.strict !== undefined && schema.strict !== null ? { strict: schema.strict } : {}),
      };
    }
    default:
      throw invalid(`response_format type "${(format as { type: string }).type}" is not supported.`, 'response_format');
  }
}

const EFFORTS: Record<string, ReasoningEffort> = {
  none: 'none',
  minimal: 'minimal',
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'high',
  max: 'high',
};

/** Fields that change what the caller gets and that no provider path here can honour. */
const REFUSED: Array<[string, (body: Record<string, unknown>) => boolean, string]> = [
  ['n', (body) => typeof body.n === 'number' && body.n > 1, 'n > 1 (several choices) is not supported; make several calls.'],
  ['modalities', (body) => Array.isArray(body.modalities) && body.modalities.includes('audio'), 'Audio output is not supported.'],
  ['audio', (body) => body.audio !== undefined && body.audio !== null, 'Audio output is not supported.'],
  ['web_search_options', (body) => body.web_search_options !== undefined, 'web_search_options is not supported across providers.'],
  ['functions', (body) => body.functions !== undefined, 'Legacy `functions` are not supported; use `tools`.'],
];

/** Fields that are dropped with a warning because dropping them does not change the answer's meaning. */
const IGNORED = [
  'logprobs',
  'top_logprobs',
  'logit_bias',
  'store',
  'service_tier',
  'prediction',
  'metadata',
  'prompt_cache_key',
  'safety_identifier',
  'verbosity',
];

/** Parameters copied as they are: OpenAI name → canonical name. */
const SCALARS: ReadonlyArray<[string, keyof GenerationRequest]> = [
  ['temperature', 'temperature'],
  ['top_p', 'topP'],
  ['seed', 'seed'],
  ['presence_penalty', 'presencePenalty'],
  ['frequency_penalty', 'frequencyPenalty'],
  ['parallel_tool_calls', 'parallelToolCalls'],
];

export interface ConvertedChatRequest {
  request: GenerationRequest;
  warnings: CallWarning[];
  stream: boolean;
  includeUsage: boolean;
}

/** OpenAI Chat Completions params → the canonical request. */
export function convertChatRequest(body: ChatCompletionCreateParams): ConvertedChatRequest {
  if (!body || typeof body !== 'object') throw invalid('The request body must be an object.');
  const raw = body as unknown as Record<string, unknown>;
  for (const [param, test, message] of REFUSED) if (test(raw)) throw invalid(message, param);
  const warnings: CallWarning[] = [];
  for (const param of IGNORED) {
    const value = raw[param];
    if (value !== undefined && value !== null && value !== false)
      warnings.push({ type: 'unsupported-setting', setting: param, message: `${param} is not forwarded by zenrouter's chat face.` });
  }
  const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? undefined;
  if (maxTokens !== undefined && (!Number.isInteger(maxTokens) || maxTokens < 1))
    throw invalid('max_completion_tokens must be a positive whole number.', 'max_completion_tokens');
  const stop = body.stop === undefined || body.stop === null ? undefined : typeof body.stop === 'string' ? [body.stop] : body.stop;
  const effort = body.reasoning_effort ?? undefined;
  if (effort !== undefined && !(effort in EFFORTS))
    throw invalid(`reasoning_effort "${effort}" is not one of ${Object.keys(EFFORTS).join(', ')}.`, 'reasoning_effort');
  const request: GenerationRequest = { messages: convertMessages(body.messages) };
  for (const [from, to] of SCALARS) {
    const value = raw[from];
    if (value !== undefined && value !== null) (request as unknown as Record<string, unknown>)[to] = value;
  }
  if (body.tools) request.tools = convertTools(body.tools);
  if (body.tool_choice !== undefined) request.toolChoice = convertToolChoice(body.tool_choice);
  if (body.response_format) request.responseFormat = convertResponseFormat(body.response_format);
  if (maxTokens !== undefined) request.maxOutputTokens = maxTokens;
  if (stop) request.stopSequences = stop;
  if (effort !== undefined) request.reasoningEffort = EFFORTS[effort]!;
  if (body.user) request.user = body.user;
  // OpenAI itself understands the finer efforts (`xhigh`, `max`): keep them for it.
  if (effort === 'xhigh' || effort === 'max') request.providerOptions = { openai: { reasoning_effort: effort } };
  return { request, warnings, stream: body.stream === true, includeUsage: body.stream_options?.include_usage === true };
}
