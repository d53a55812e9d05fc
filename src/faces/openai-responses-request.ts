import type { ResponseCreateParams } from 'openai/resources/responses/responses';
import type { GenerationRequest, HostedTool, ReasoningEffort, ResponseFormat, ToolChoice, ToolDefinition } from '../core/request.js';
import type { CallWarning } from '../core/result.js';
import { ignoredSetting, invalidRequest, isRecord } from './invalid-request.js';
import { convertInput } from './openai-responses-input.js';

/**
 * openai `responses.create` params → the canonical request. What every routed model can honour is
 * mapped; tools other than functions (web search, file search, code interpreter, computer use,
 * image generation, MCP, ...) only OpenAI runs, so they travel as hosted tools and keep the call
 * on OpenAI models. Settings that change the answer and that no path here can honour are refused
 * with the field named.
 */

type Body = Record<string, unknown>;

export interface ConvertedResponsesRequest {
  request: GenerationRequest;
  warnings: CallWarning[];
  stream: boolean;
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

/** Fields that need OpenAI's own servers in a way no routed call can stand in for. */
const REFUSED: ReadonlyArray<[string, (body: Body) => boolean, string]> = [
  ['background', (body) => body.background === true, 'Background responses are not supported; await the call (or stream it) instead.'],
  [
    'conversation',
    (body) => body.conversation !== undefined && body.conversation !== null,
    'OpenAI Conversations are not supported; continue with previous_response_id instead.',
  ],
  [
    'prompt',
    (body) => body.prompt !== undefined && body.prompt !== null,
    'Prompt templates stored at OpenAI are not supported; send the instructions and input.',
  ],
];

/** Fields dropped with a warning: they tune delivery, caching or billing, not the answer. */
const IGNORED = [
  'service_tier',
  'prompt_cache_key',
  'prompt_cache_retention',
  'prompt_cache_options',
  'safety_identifier',
  'top_logprobs',
  'context_management',
  'moderation',
];

/** `include` values zenrouter honours without being asked: reasoning signatures travel as encrypted_content. */
const HONOURED_INCLUDES: ReadonlySet<string> = new Set(['reasoning.encrypted_content']);

function convertTools(tools: unknown): { tools: ToolDefinition[]; hosted: HostedTool[] } {
  const out: ToolDefinition[] = [];
  const hosted: HostedTool[] = [];
  if (!Array.isArray(tools)) return { tools: out, hosted };
  tools.forEach((tool: unknown, index) => {
    if (!isRecord(tool) || typeof tool.type !== 'string')
      throw invalidRequest('Each tool must be an object with a type.', `tools[${index}]`);
    if (tool.type !== 'function') {
      hosted.push(tool as HostedTool);
      return;
    }
    if (typeof tool.name !== 'string' || tool.name === '') throw invalidRequest('A function tool needs a name.', `tools[${index}].name`);
    out.push({
      name: tool.name,
      ...(typeof tool.description === 'string' && tool.description ? { description: tool.description } : {}),
      parameters: isRecord(tool.parameters) ? tool.parameters : { type: 'object', properties: {} },
      ...(typeof tool.strict === 'boolean' ? { strict: tool.strict } : {}),
    });
  });
  return { tools: out, hosted };
}

interface ChoiceResult {
  choice?: ToolChoice;
  /** A hosted tool choice (`{ type: 'web_search_preview' }`), sent as it is to OpenAI's Responses API. */
  hostedChoice?: Record<string, unknown>;
  tools: ToolDefinition[];
  hosted: HostedTool[];
}

function functionNamed(tools: readonly ToolDefinition[], name: unknown, param: string): string {
  if (typeof name !== 'string' || !tools.some((tool) => tool.name === name)) {
    throw invalidRequest(
      `tool_choice names function "${String(name)}", which is not among the function tools (${tools.map((tool) => tool.name).join(', ') || 'none'}).`,
      param,
    );
  }
  return name;
}

/** `allowed_tools` keeps the named tools only; the others stay out of the call. */
function allowedTools(choice: Record<string, unknown>, tools: ToolDefinition[], hosted: HostedTool[]): ChoiceResult {
  const listed = Array.isArray(choice.tools) ? choice.tools.filter(isRecord) : [];
  const names = new Set(listed.filter((tool) => tool.type === 'function').map((tool) => tool.name));
  const types = new Set(listed.filter((tool) => tool.type !== 'function').map((tool) => tool.type));
  const mode = choice.mode === 'required' ? 'required' : 'auto';
  return { choice: mode, tools: tools.filter((tool) => names.has(tool.name)), hosted: hosted.filter((tool) => types.has(tool.type)) };
}

/** `web_search_preview_2025_03_11` and `web_search` are one tool to choose, as are the computer tools. */
function toolFamily(type: string): string {
  if (type.startsWith('web_search')) return 'web_search';
  if (type.startsWith('computer')) return 'computer';
  return type.replace(/_\d{4}_\d{2}_\d{2}$/, '');
}

function convertToolChoice(choice: unknown, tools: ToolDefinition[], hosted: HostedTool[]): ChoiceResult {
  if (choice === undefined || choice === null) return { tools, hosted };
  if (choice === 'none' || choice === 'auto' || choice === 'required') return { choice, tools, hosted };
  if (!isRecord(choice) || typeof choice.type !== 'string')
    throw invalidRequest("tool_choice must be 'none', 'auto', 'required' or an object with a type.", 'tool_choice');
  if (choice.type === 'function')
    return { choice: { type: 'tool', name: functionNamed(tools, choice.name, 'tool_choice.name') }, tools, hosted };
  if (choice.type === 'allowed_tools') return allowedTools(choice, tools, hosted);
  // A hosted tool, an MCP server or a custom tool: it must be one of the tools offered.
  if (!hosted.some((tool) => toolFamily(tool.type) === toolFamily(choice.type as string)))
    throw invalidRequest(`tool_choice asks for a "${choice.type}" tool, which is not among the tools offered.`, 'tool_choice');
  return { hostedChoice: choice, tools, hosted };
}

function convertFormat(text: unknown, warnings: CallWarning[]): ResponseFormat | undefined {
  if (!isRecord(text)) return undefined;
  if (text.verbosity !== undefined && text.verbosity !== null)
    warnings.push(ignoredSetting('text.verbosity', 'is not forwarded: vendors other than OpenAI have no such setting.'));
  const format = text.format;
  if (!isRecord(format)) return undefined;
  switch (format.type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json' };
    case 'json_schema':
      if (typeof format.name !== 'string' || format.name === '' || !isRecord(format.schema))
        throw invalidRequest('text.format of type json_schema needs a name and a schema.', 'text.format');
      return {
        type: 'json-schema',
        name: format.name,
        schema: format.schema,
        ...(typeof format.description === 'string' ? { description: format.description } : {}),
        ...(typeof format.strict === 'boolean' ? { strict: format.strict } : {}),
      };
    default:
      throw invalidRequest(
        `text.format type "${String(format.type)}" is not supported (text, json_object, json_schema).`,
        'text.format.type',
      );
  }
}

function convertReasoning(reasoning: unknown, request: GenerationRequest): void {
  if (!isRecord(reasoning)) return;
  const effort = reasoning.effort;
  if (effort !== undefined && effort !== null) {
    if (typeof effort !== 'string' || !(effort in EFFORTS))
      throw invalidRequest(`reasoning.effort "${String(effort)}" is not one of ${Object.keys(EFFORTS).join(', ')}.`, 'reasoning.effort');
    request.reasoningEffort = EFFORTS[effort]!;
    // OpenAI itself understands the finer efforts: keep them for it.
    if (effort === 'xhigh' || effort === 'max')
      request.providerOptions = { ...request.providerOptions, openai: { ...request.providerOptions?.openai, reasoning_effort: effort } };
  }
  // Asking for a summary means wanting the reasoning back where a vendor returns it.
  const summary = reasoning.summary ?? reasoning.generate_summary;
  if (typeof summary === 'string') request.includeReasoning = true;
}

/**
 * Converts the params. `history` is the stored conversation `previous_response_id` continues (its
 * input and output items), put before this call's input.
 */
export function convertResponsesRequest(body: ResponseCreateParams, history: readonly unknown[] = []): ConvertedResponsesRequest {
  if (!isRecord(body)) throw invalidRequest('The request body must be an object.');
  const raw = body as unknown as Body;
  for (const [param, test, message] of REFUSED) if (test(raw)) throw invalidRequest(message, param);
  const warnings: CallWarning[] = [];
  for (const param of IGNORED) {
    const value = raw[param];
    if (value !== undefined && value !== null) warnings.push(ignoredSetting(param, "is not forwarded by zenrouter's Responses face."));
  }
  if (raw.truncation === 'auto')
    warnings.push(
      ignoredSetting('truncation', "'auto' is not applied: an input over a model's context window fails over or fails instead."),
    );
  for (const value of Array.isArray(raw.include) ? raw.include : []) {
    if (typeof value === 'string' && !HONOURED_INCLUDES.has(value))
      warnings.push(ignoredSetting(`include: ${value}`, 'is not returned by zenrouter.'));
  }
  const given =
    raw.input === undefined || raw.input === null ? [] : typeof raw.input === 'string' ? [{ role: 'user', content: raw.input }] : raw.input;
  if (!Array.isArray(given)) throw invalidRequest('input must be a string or an array of input items.', 'input');
  if (history.length === 0 && given.length === 0)
    throw invalidRequest(
      'input is required (a string or an array of input items), unless previous_response_id continues a conversation.',
      'input',
    );
  // Items of the stored conversation come first; errors in this call's own items name them by their index in `input`.
  const { messages, hostedItems } = convertInput([...history, ...given], (index) =>
    index < history.length ? `previous_response_id (stored item ${index})` : `input[${index - history.length}]`,
  );
  const instructions = typeof raw.instructions === 'string' && raw.instructions !== '' ? raw.instructions : undefined;
  const request: GenerationRequest = { messages: instructions ? [{ role: 'system', content: instructions }, ...messages] : messages };
  if (hostedItems.length > 0)
    request.hostedItems = instructions ? hostedItems.map((entry) => ({ ...entry, after: entry.after + 1 })) : hostedItems;

  const offered = convertTools(raw.tools);
  const { choice, hostedChoice, tools, hosted } = convertToolChoice(raw.tool_choice, offered.tools, offered.hosted);
  if (tools.length > 0) request.tools = tools;
  if (hosted.length > 0) request.hostedTools = hosted;
  if (choice !== undefined) request.toolChoice = choice;
  if (hostedChoice)
    request.providerOptions = { ...request.providerOptions, openai: { ...request.providerOptions?.openai, tool_choice: hostedChoice } };
  if (typeof raw.parallel_tool_calls === 'boolean') request.parallelToolCalls = raw.parallel_tool_calls;
  const format = convertFormat(raw.text, warnings);
  if (format) request.responseFormat = format;
  convertReasoning(raw.reasoning, request);
  if (typeof raw.max_output_tokens === 'number') request.maxOutputTokens = raw.max_output_tokens;
  if (typeof raw.temperature === 'number') request.temperature = raw.temperature;
  if (typeof raw.top_p === 'number') request.topP = raw.top_p;
  if (typeof raw.user === 'string' && raw.user !== '') request.user = raw.user;
  if (hostedItems.length > 0 && hosted.length === 0) {
    warnings.push({
      type: 'other',
      message: `${hostedItems.length} input item(s) only OpenAI's Responses API reads (${[...new Set(hostedItems.map((entry) => entry.item.type))].join(', ')}) are left out: no tool of this call keeps it on OpenAI.`,
    });
  }
  return { request, warnings, stream: raw.stream === true };
}
