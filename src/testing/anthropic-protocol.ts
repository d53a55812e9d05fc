import { estimateTokens, simId, splitIntoTokens, type PlannedReply } from './script.js';
import { sendJson, type ProtocolRenderer, type RenderedStream, type SimContext, type SimFrame, type SimRoute } from './protocol.js';
import type { SimFinishReason, SimRequestSummary } from './types.js';

/**
 * The Anthropic Messages wire protocol (`POST /v1/messages`), as the official @anthropic-ai/sdk
 * speaks it: JSON bodies, named SSE events, `{type:'error', error:{type, message}}` errors.
 */

type Json = Record<string, unknown>;

const STOP_REASONS: Record<SimFinishReason, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
};

/** Anthropic's error `type` for an HTTP status (https://docs.anthropic.com/en/api/errors). */
function errorTypeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 408:
    case 504:
      return 'timeout_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function blocksOf(content: unknown): Json[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? content.filter(isRecord) : [];
}

function textOf(blocks: Json[]): string {
  return blocks
    .filter((block) => block.type === 'text' && typeof block.text === 'string')
    .map((block) => block.text as string)
    .join('\n');
}

/** The text of a tool_result's `content`: a string or text blocks. */
function toolResultText(block: Json): string {
  return typeof block.content === 'string' ? block.content : textOf(blocksOf(block.content));
}

function toolChoiceOf(choice: unknown): string {
  if (!isRecord(choice)) return 'auto';
  switch (choice.type) {
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return typeof choice.name === 'string' ? choice.name : 'required';
    default:
      return 'auto';
  }
}

/** The native structured-output schema: `output_config.format` (GA) or the older `output_format` (beta). */
function jsonSchemaOf(body: Json): Record<string, unknown> | undefined {
  const config = isRecord(body.output_config) ? body.output_config : undefined;
  const format = isRecord(config?.format) ? config.format : isRecord(body.output_format) ? body.output_format : undefined;
  if (format?.type !== 'json_schema') return undefined;
  return isRecord(format.schema) ? format.schema : {};
}

export function summarizeAnthropicRequest(body: Json): SimRequestSummary {
  const messages = Array.isArray(body.messages) ? body.messages.filter(isRecord) : [];
  const userMessages = messages.filter((message) => message.role === 'user');
  let lastUserText = '';
  for (let index = userMessages.length - 1; index >= 0 && !lastUserText; index -= 1) {
    lastUserText = textOf(blocksOf(userMessages[index]!.content));
  }
  const last = messages[messages.length - 1];
  const toolResults = last?.role === 'user' ? blocksOf(last.content).filter((block) => block.type === 'tool_result') : [];
  const tools = (Array.isArray(body.tools) ? body.tools.filter(isRecord) : []).map((tool) => ({
    name: String(tool.name ?? ''),
    parameters: isRecord(tool.input_schema) ? tool.input_schema : undefined,
  }));
  return {
    model: typeof body.model === 'string' ? body.model : '',
    stream: body.stream === true,
    lastUserText,
    lastIsToolResult: toolResults.length > 0,
    toolResultText: toolResults.map(toolResultText).join('\n'),
    tools,
    toolChoice: toolChoiceOf(body.tool_choice),
    jsonSchema: jsonSchemaOf(body),
    inputTokens: estimateTokens(JSON.stringify([body.system ?? '', messages, body.tools ?? []])),
    maxOutputTokens: typeof body.max_tokens === 'number' ? body.max_tokens : undefined,
  };
}

/** Anthropic's `input_tokens` excludes cached tokens: cache reads and writes are counted apart. */
function inputUsage(plan: PlannedReply): Json {
  const { input, cachedInput, cacheWrite } = plan.usage;
  return {
    input_tokens: Math.max(0, input - cachedInput - cacheWrite),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cachedInput,
  };
}

function outputUsage(plan: PlannedReply): Json {
  return {
    output_tokens: plan.usage.output,
    ...(plan.usage.reasoning > 0 ? { output_tokens_details: { thinking_tokens: plan.usage.reasoning } } : {}),
  };
}

/** Parses tool arguments for a JSON body; a scripted non-JSON string is sent as the raw string. */
function toolInput(argumentsText: string): unknown {
  try {
    return JSON.parse(argumentsText || '{}');
  } catch {
    return argumentsText;
  }
}

function signatureFor(reasoning: string): string {
  return Buffer.from(`sim-signature:${reasoning.length}`).toString('base64');
}

function renderJson(plan: PlannedReply, request: SimRequestSummary): unknown {
  const content: Json[] = [];
  if (plan.reasoning) content.push({ type: 'thinking', thinking: plan.reasoning, signature: signatureFor(plan.reasoning) });
  if (plan.text || plan.toolCalls.length === 0) content.push({ type: 'text', text: plan.text });
  for (const call of plan.toolCalls) content.push({ type: 'tool_use', id: call.id, name: call.name, input: toolInput(call.arguments) });
  return {
    model: request.model,
    id: simId('msg_'),
    type: 'message',
    role: 'assistant',
    content,
    stop_reason: STOP_REASONS[plan.finishReason],
    stop_sequence: null,
    usage: { ...inputUsage(plan), ...outputUsage(plan) },
  };
}

function sse(event: Json, content = false): SimFrame {
  return { data: `event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`, content };
}

/** Splits tool arguments into partial_json pieces the way the API streams them (a few characters each). */
function jsonPieces(text: string): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += 12) pieces.push(text.slice(start, start + 12));
  return pieces;
}

function renderStream(plan: PlannedReply, request: SimRequestSummary): RenderedStream {
  const frames: SimFrame[] = [];
  frames.push(
    sse({
      type: 'message_start',
      message: {
        model: request.model,
        id: simId('msg_'),
        type: 'message',
        role: 'assistant',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...inputUsage(plan), output_tokens: 1 },
      },
    }),
  );
  let index = 0;
  if (plan.reasoning) {
    frames.push(sse({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
    for (const piece of splitIntoTokens(plan.reasoning)) {
      frames.push(sse({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: piece } }, true));
    }
    frames.push(sse({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: signatureFor(plan.reasoning) } }));
    frames.push(sse({ type: 'content_block_stop', index }));
    index += 1;
  }
  if (plan.text || plan.toolCalls.length === 0) {
    frames.push(sse({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
    frames.push(sse({ type: 'ping' }));
    for (const piece of splitIntoTokens(plan.text)) {
      frames.push(sse({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }, true));
    }
    frames.push(sse({ type: 'content_block_stop', index }));
    index += 1;
  }
  for (const call of plan.toolCalls) {
    frames.push(sse({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} } }));
    frames.push(sse({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } }));
    for (const piece of jsonPieces(call.arguments)) {
      frames.push(sse({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } }, true));
    }
    frames.push(sse({ type: 'content_block_stop', index }));
    index += 1;
  }
  frames.push(
    sse({
      type: 'message_delta',
      delta: { stop_reason: STOP_REASONS[plan.finishReason], stop_sequence: null },
      usage: { ...inputUsage(plan), ...outputUsage(plan) },
    }),
  );
  return { frames, terminal: [sse({ type: 'message_stop' }).data] };
}

export const anthropicRenderer: ProtocolRenderer = {
  protocol: 'anthropic',
  renderJson,
  renderStream,
  errorBody(status, message, code) {
    return { type: 'error', error: { type: code ?? errorTypeForStatus(status), message }, request_id: simId('req_') };
  },
  errorFrame(message, code) {
    return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: code ?? 'overloaded_error', message } })}\n\n`;
  },
  envelope(eventJson) {
    let type: unknown;
    try {
      type = (JSON.parse(eventJson) as Json).type;
    } catch {
      type = undefined;
    }
    return typeof type === 'string' ? `event: ${type}\ndata: ${eventJson}\n\n` : `data: ${eventJson}\n\n`;
  },
  replayTerminal: [],
  headers: () => ({ 'request-id': simId('req_') }),
};

async function handleMessages(context: SimContext): Promise<void> {
  if (!isRecord(context.body)) {
    // The real API answers a body it cannot parse with a 400 invalid_request_error.
    sendJson(
      context.response,
      400,
      anthropicRenderer.errorBody(400, 'The request body is not valid JSON.', undefined, { type: 'http', status: 400 }),
    );
    return;
  }
  await context.simulator.respond(context, anthropicRenderer, summarizeAnthropicRequest(context.body));
}

export const anthropicRoutes: SimRoute[] = [
  // The SDK adds `?beta=true` for beta calls; routes match the path only.
  { method: 'POST', pattern: /^\/v1\/messages\/?$/, handle: (context) => handleMessages(context) },
];
