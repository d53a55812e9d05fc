import type Anthropic from '@anthropic-ai/sdk';
import type {
  AssistantMessage,
  GenerationRequest,
  ImagePart,
  Message,
  ReasoningEffort,
  TextPart,
  ToolChoice,
  ToolDefinition,
} from '../core/request.js';
import type { CallWarning } from '../core/result.js';
import { ignoredSetting, invalidRequest, isRecord } from './invalid-request.js';

/**
 * @anthropic-ai/sdk `messages.create` params → the canonical request. Everything a routed model
 * can honour is mapped; Anthropic-only features that change the answer (documents, server tools,
 * citations, containers) are refused with the field named, rather than silently dropped.
 */

/** Sampling fields older API versions take (the SDK's types dropped them); they are still honoured where the model allows. */
export interface LegacySamplingParams {
  temperature?: number;
  top_p?: number;
  top_k?: number;
}

export type AnthropicCreateParams = Omit<Anthropic.MessageCreateParams, 'model'> & LegacySamplingParams;

export interface ConvertedMessagesRequest {
  request: GenerationRequest;
  warnings: CallWarning[];
  stream: boolean;
}

type Block = Record<string, unknown>;

const EFFORTS: Record<string, ReasoningEffort> = { low: 'low', medium: 'medium', high: 'high', xhigh: 'high', max: 'high' };

/** Fields that need Anthropic's own servers; no other model can stand in for them. */
const REFUSED_FIELDS: ReadonlyArray<[string, string]> = [
  ['container', 'Code-execution containers are Anthropic-only and are not supported by zenrouter.'],
  ['mcp_servers', 'Remote MCP servers are Anthropic-only and are not supported by zenrouter.'],
  ['context_management', 'Server-side context management is Anthropic-only and is not supported by zenrouter.'],
];

/** Fields dropped with a warning: they tune delivery or billing, not the answer. */
const IGNORED_FIELDS = ['service_tier', 'speed', 'inference_geo', 'cache_control', 'diagnostics', 'workspace_id', 'user_profile_id'];

const REFUSED_BLOCKS: Record<string, string> = {
  document: 'Document blocks (PDF and text documents) are not supported by zenrouter; send the text or images instead.',
  search_result: 'search_result blocks are not supported by zenrouter; send the text instead.',
  container_upload: 'container_upload blocks are Anthropic-only and are not supported by zenrouter.',
};

function textOf(content: unknown, param: string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalidRequest('Expected a string or an array of text blocks.', param);
  return content
    .map((block: unknown, index) => {
      if (!isRecord(block) || block.type !== 'text' || typeof block.text !== 'string')
        throw invalidRequest('Only text blocks are allowed here.', `${param}[${index}]`);
      refuseCitations(block, `${param}[${index}]`);
      return block.text;
    })
    .join('\n');
}

function refuseCitations(block: Block, param: string): void {
  if (Array.isArray(block.citations) && block.citations.length > 0) {
    throw invalidRequest(
      'Citations are Anthropic-only and are not supported by zenrouter; send the text without citations.',
      `${param}.citations`,
    );
  }
}

function refuseBlock(type: string, param: string): never {
  const message =
    REFUSED_BLOCKS[type] ??
    `Content block type "${type}" (server tools and their results) is not supported by zenrouter; only text, image, tool_use, tool_result and thinking blocks are.`;
  throw invalidRequest(message, `${param}.type`);
}

function imagePart(block: Block, param: string): ImagePart {
  const source = block.source;
  if (!isRecord(source)) throw invalidRequest('An image block needs a source.', `${param}.source`);
  if (source.type === 'base64') {
    if (typeof source.data !== 'string' || typeof source.media_type !== 'string')
      throw invalidRequest('A base64 image source needs media_type and data.', `${param}.source`);
    return { type: 'image', source: { kind: 'base64', mediaType: source.media_type, data: source.data } };
  }
  if (source.type === 'url') {
    if (typeof source.url !== 'string' || !/^https?:\/\//i.test(source.url))
      throw invalidRequest('A url image source needs an http(s) url.', `${param}.source.url`);
    return { type: 'image', source: { kind: 'url', url: source.url } };
  }
  if (source.type === 'file')
    throw invalidRequest(
      'Image sources from the Anthropic Files API (file_id) are not supported by zenrouter; send base64 or a url.',
      `${param}.source`,
    );
  throw invalidRequest(`Image source type "${String(source.type)}" is not supported.`, `${param}.source.type`);
}

function blocksOf(content: unknown, param: string): Block[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw invalidRequest('Message content must be a string or an array of content blocks.', param);
  return content.map((block: unknown, index) => {
    if (!isRecord(block) || typeof block.type !== 'string')
      throw invalidRequest('Each content block must be an object with a type.', `${param}[${index}]`);
    return block;
  });
}

/** A tool_result's content (a string or text blocks) as the canonical tool message text. */
function toolResultText(content: unknown, param: string): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalidRequest('tool_result content must be a string or an array of text blocks.', param);
  return content
    .map((block: unknown, index) => {
      const where = `${param}[${index}]`;
      if (!isRecord(block)) throw invalidRequest('Each tool_result content block must be an object.', where);
      if (block.type === 'text' && typeof block.text === 'string') return block.text;
      if (block.type === 'image')
        throw invalidRequest(
          'Images inside tool_result are not supported by zenrouter (tool results are text for every vendor); put the image in a user text/image block.',
          where,
        );
      return refuseBlock(String(block.type), where);
    })
    .join('\n');
}

interface MessageState {
  out: Message[];
  /** tool_use id → tool name, for the tool results that answer them. */
  toolNames: Map<string, string>;
}

function convertUser(content: unknown, param: string, state: MessageState): void {
  let pending: Array<TextPart | ImagePart> = [];
  const flush = (): void => {
    if (pending.length > 0) state.out.push({ role: 'user', content: pending });
    pending = [];
  };
  blocksOf(content, param).forEach((block, index) => {
    const where = `${param}[${index}]`;
    switch (block.type) {
      case 'text':
        if (typeof block.text !== 'string') throw invalidRequest('A text block needs text.', `${where}.text`);
        refuseCitations(block, where);
        pending.push({ type: 'text', text: block.text });
        return;
      case 'image':
        pending.push(imagePart(block, where));
        return;
      case 'tool_result': {
        const id = block.tool_use_id;
        const toolName = typeof id === 'string' ? state.toolNames.get(id) : undefined;
        if (!toolName)
          throw invalidRequest(
            `tool_result refers to tool_use_id "${String(id)}", which no earlier assistant tool_use block has.`,
            `${where}.tool_use_id`,
          );
        flush();
        state.out.push({
          role: 'tool',
          toolCallId: id as string,
          toolName,
          content: toolResultText(block.content, `${where}.content`),
          ...(block.is_error === true ? { isError: true } : {}),
        });
        return;
      }
      case 'tool_use':
      case 'thinking':
      case 'redacted_thinking':
        throw invalidRequest(`${block.type} blocks belong in assistant messages.`, `${where}.type`);
      default:
        refuseBlock(block.type as string, where);
    }
  });
  flush();
}

function convertAssistant(content: unknown, param: string, state: MessageState): void {
  const parts: AssistantMessage['content'] = [];
  blocksOf(content, param).forEach((block, index) => {
    const where = `${param}[${index}]`;
    switch (block.type) {
      case 'text':
        refuseCitations(block, where);
        parts.push({ type: 'text', text: String(block.text ?? '') });
        return;
      case 'thinking':
        parts.push({
          type: 'reasoning',
          text: String(block.thinking ?? ''),
          ...(typeof block.signature === 'string' && block.signature ? { signature: block.signature } : {}),
        });
        return;
      case 'redacted_thinking':
        parts.push({ type: 'reasoning', text: '', redactedData: String(block.data ?? '') });
        return;
      case 'tool_use': {
        if (typeof block.id !== 'string' || typeof block.name !== 'string')
          throw invalidRequest('A tool_use block needs an id and a name.', where);
        state.toolNames.set(block.id, block.name);
        parts.push({ type: 'tool-call', id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
        return;
      }
      case 'image':
      case 'tool_result':
        throw invalidRequest(`${block.type} blocks belong in user messages.`, `${where}.type`);
      default:
        refuseBlock(block.type as string, where);
    }
  });
  state.out.push({ role: 'assistant', content: parts });
}

function convertMessages(system: unknown, messages: unknown): Message[] {
  const state: MessageState = { out: [], toolNames: new Map() };
  if (system !== undefined && system !== null) {
    const text = textOf(system, 'system');
    if (text) state.out.push({ role: 'system', content: text });
  }
  if (!Array.isArray(messages) || messages.length === 0) throw invalidRequest('messages must be a non-empty array.', 'messages');
  messages.forEach((message: unknown, index) => {
    const param = `messages[${index}]`;
    if (!isRecord(message)) throw invalidRequest('Each message must be an object with a role and content.', param);
    switch (message.role) {
      case 'user':
        return convertUser(message.content, `${param}.content`, state);
      case 'assistant':
        return convertAssistant(message.content, `${param}.content`, state);
      case 'system':
        state.out.push({ role: 'system', content: textOf(message.content, `${param}.content`) });
        return;
      default:
        throw invalidRequest(`Unknown message role "${String(message.role)}"; use user or assistant.`, `${param}.role`);
    }
  });
  return state.out;
}

function convertTools(tools: unknown): ToolDefinition[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw invalidRequest('tools must be an array.', 'tools');
  return tools.map((tool: unknown, index): ToolDefinition => {
    const param = `tools[${index}]`;
    if (!isRecord(tool)) throw invalidRequest('Each tool must be an object.', param);
    if (tool.type !== undefined && tool.type !== null && tool.type !== 'custom') {
      throw invalidRequest(
        `Anthropic server and built-in tools ("${String(tool.type)}") are not supported by zenrouter; define a custom tool with input_schema.`,
        `${param}.type`,
      );
    }
    if (typeof tool.name !== 'string' || tool.name === '') throw invalidRequest('Each tool needs a name.', `${param}.name`);
    if (!isRecord(tool.input_schema)) throw invalidRequest('Each tool needs an input_schema object.', `${param}.input_schema`);
    return {
      name: tool.name,
      ...(typeof tool.description === 'string' ? { description: tool.description } : {}),
      parameters: tool.input_schema,
      ...(typeof tool.strict === 'boolean' ? { strict: tool.strict } : {}),
    };
  });
}

function convertToolChoice(choice: unknown, request: GenerationRequest): void {
  if (choice === undefined || choice === null) return;
  if (!isRecord(choice)) throw invalidRequest('tool_choice must be an object with a type.', 'tool_choice');
  let mapped: ToolChoice;
  switch (choice.type) {
    case 'auto':
      mapped = 'auto';
      break;
    case 'any':
      mapped = 'required';
      break;
    case 'none':
      mapped = 'none';
      break;
    case 'tool':
      if (typeof choice.name !== 'string' || choice.name === '')
        throw invalidRequest('tool_choice of type "tool" needs a name.', 'tool_choice.name');
      mapped = { type: 'tool', name: choice.name };
      break;
    default:
      throw invalidRequest(`tool_choice type "${String(choice.type)}" is not one of auto, any, tool, none.`, 'tool_choice.type');
  }
  request.toolChoice = mapped;
  if (choice.disable_parallel_tool_use === true) request.parallelToolCalls = false;
}

/** `thinking` and `output_config.effort` → a canonical budget or effort. */
function convertThinking(thinking: unknown, effort: unknown, request: GenerationRequest): void {
  let mappedEffort: ReasoningEffort | undefined;
  if (effort !== undefined && effort !== null) {
    mappedEffort = typeof effort === 'string' ? EFFORTS[effort] : undefined;
    if (!mappedEffort)
      throw invalidRequest(
        `output_config.effort "${String(effort)}" is not one of ${Object.keys(EFFORTS).join(', ')}.`,
        'output_config.effort',
      );
  }
  if (thinking === undefined || thinking === null) {
    if (mappedEffort) request.reasoningEffort = mappedEffort;
    return;
  }
  if (!isRecord(thinking)) throw invalidRequest('thinking must be an object with a type.', 'thinking');
  const display = thinking.display !== 'omitted';
  switch (thinking.type) {
    case 'enabled': {
      const budget = thinking.budget_tokens;
      if (typeof budget !== 'number' || !Number.isInteger(budget) || budget < 1)
        throw invalidRequest('thinking.budget_tokens must be a positive whole number.', 'thinking.budget_tokens');
      request.reasoningBudgetTokens = budget;
      request.includeReasoning = display;
      return;
    }
    case 'adaptive':
      // The model decides how long to think; the effort (default medium) is the only dial other vendors share.
      request.reasoningEffort = mappedEffort ?? 'medium';
      request.includeReasoning = display;
      return;
    case 'disabled':
      // An effort alone would switch thinking on for adaptive models; disabled wins.
      return;
    default:
      throw invalidRequest(
        `thinking type "${String(thinking.type)}" is not supported; use enabled, adaptive or disabled.`,
        'thinking.type',
      );
  }
}

function convertOutputFormat(format: unknown, param: string): GenerationRequest['responseFormat'] {
  if (format === undefined || format === null) return undefined;
  if (!isRecord(format) || format.type !== 'json_schema')
    throw invalidRequest('Only {type: "json_schema", schema} output formats are supported.', param);
  if (!isRecord(format.schema)) throw invalidRequest('A json_schema output format needs a schema object.', `${param}.schema`);
  return { type: 'json-schema', name: 'response', schema: format.schema };
}

function numberField(
  raw: Record<string, unknown>,
  field: string,
  request: GenerationRequest,
  target: 'temperature' | 'topP' | 'topK',
): void {
  const value = raw[field];
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidRequest(`${field} must be a number.`, field);
  request[target] = value;
}

/** Anthropic Messages params → the canonical request. */
export function convertMessagesRequest(body: AnthropicCreateParams): ConvertedMessagesRequest {
  if (!isRecord(body)) throw invalidRequest('The request body must be an object.');
  const raw = body as Record<string, unknown>;
  if (raw.max_tokens === undefined || raw.max_tokens === null)
    throw invalidRequest('max_tokens is required (as in the Anthropic API).', 'max_tokens');
  if (typeof raw.max_tokens !== 'number' || !Number.isInteger(raw.max_tokens) || raw.max_tokens < 1)
    throw invalidRequest('max_tokens must be a positive whole number.', 'max_tokens');
  for (const [field, message] of REFUSED_FIELDS) if (raw[field] !== undefined && raw[field] !== null) throw invalidRequest(message, field);
  const warnings: CallWarning[] = [];
  for (const field of IGNORED_FIELDS) {
    if (raw[field] !== undefined && raw[field] !== null)
      warnings.push(ignoredSetting(field, "is not forwarded by zenrouter's messages face."));
  }

  const request: GenerationRequest = { messages: convertMessages(raw.system, raw.messages), maxOutputTokens: raw.max_tokens };
  const tools = convertTools(raw.tools);
  if (tools && tools.length > 0) request.tools = tools;
  const choice: GenerationRequest = { messages: [] };
  convertToolChoice(raw.tool_choice, choice);
  // A tool choice without tools means nothing, and some vendors reject it: it is checked, then kept only with tools.
  if (request.tools && choice.toolChoice) request.toolChoice = choice.toolChoice;
  if (request.tools && choice.parallelToolCalls === false) request.parallelToolCalls = false;
  const outputConfig = raw.output_config;
  if (outputConfig !== undefined && outputConfig !== null && !isRecord(outputConfig))
    throw invalidRequest('output_config must be an object.', 'output_config');
  convertThinking(raw.thinking, outputConfig?.effort, request);
  const format =
    convertOutputFormat(outputConfig?.format, 'output_config.format') ?? convertOutputFormat(raw.output_format, 'output_format');
  if (format) request.responseFormat = format;

  const stop = raw.stop_sequences;
  if (stop !== undefined && stop !== null) {
    if (!Array.isArray(stop) || stop.some((entry) => typeof entry !== 'string'))
      throw invalidRequest('stop_sequences must be an array of strings.', 'stop_sequences');
    if (stop.length > 0) request.stopSequences = stop as string[];
  }
  const metadata = raw.metadata;
  if (isRecord(metadata) && typeof metadata.user_id === 'string' && metadata.user_id !== '') request.user = metadata.user_id;
  numberField(raw, 'temperature', request, 'temperature');
  numberField(raw, 'top_p', request, 'topP');
  numberField(raw, 'top_k', request, 'topK');
  return { request, warnings, stream: raw.stream === true };
}
