import { randomUUID } from 'node:crypto';
import { sendJson, type ProtocolRenderer, type SimContext, type SimRoute } from './protocol.js';
import type { Simulator } from './server.js';
import { simId } from './script.js';
import { renderResponseJson, renderResponseStream, type ResponsesEcho } from './openai-responses-render.js';
import type { SimRequestSummary } from './types.js';

/**
 * The OpenAI Responses API (`POST /v1/responses`, JSON and SSE), scriptable like the other
 * protocols: a reply's text, reasoning, tool calls, usage, timing and faults render as a
 * `Response` or its typed events. Hosted tools offered (web search, file search, code interpreter,
 * image generation, MCP) each leave one completed call item before the message, as OpenAI's do.
 * `store` (default true) keeps each response so that `previous_response_id` continues it, and
 * `GET` / `DELETE /v1/responses/{id}` read and remove it.
 *
 * Usage convention as in the chat protocol: `usage.input` is the whole prompt (cached tokens
 * included), `usage.output` the whole output (reasoning included).
 */

type Json = Record<string, unknown>;

function record(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

const FUNCTION_TOOL = 'function';

/** The text of a message's content: a string, or its `input_text` / `output_text` parts. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map(record)
    .filter((part) => (part.type === 'input_text' || part.type === 'output_text') && typeof part.text === 'string')
    .map((part) => part.text as string)
    .join('');
}

function outputText(output: unknown): string {
  return typeof output === 'string' ? output : contentText(output);
}

/** Input as a list of items (a string is one user message). */
function inputItems(input: unknown): Json[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  return Array.isArray(input) ? input.map(record) : [];
}

export function summarizeResponsesRequest(body: unknown, history: Json[] = []): SimRequestSummary {
  const request = record(body);
  const items = [...history, ...inputItems(request.input)];
  const lastUser = [...items].reverse().find((item) => item.role === 'user' && (item.type === undefined || item.type === 'message'));
  // Parallel calls come back as several trailing `function_call_output` items.
  const trailing: Json[] = [];
  for (let index = items.length - 1; index >= 0 && items[index]!.type === 'function_call_output'; index -= 1)
    trailing.unshift(items[index]!);
  const tools = (Array.isArray(request.tools) ? request.tools.map(record) : [])
    .filter((tool) => tool.type === FUNCTION_TOOL)
    .map((tool) => ({
      name: String(tool.name ?? ''),
      parameters: tool.parameters === undefined || tool.parameters === null ? undefined : record(tool.parameters),
    }));
  const choice = request.tool_choice;
  const choiceRecord = record(choice);
  const toolChoice =
    typeof choice === 'string'
      ? choice
      : choiceRecord.type === FUNCTION_TOOL && typeof choiceRecord.name === 'string'
        ? choiceRecord.name
        : choiceRecord.type === 'allowed_tools'
          ? String(choiceRecord.mode ?? 'auto')
          : 'auto';
  const format = record(record(request.text).format);
  return {
    model: String(request.model ?? ''),
    stream: request.stream === true,
    lastUserText: lastUser ? contentText(lastUser.content) : '',
    lastIsToolResult: trailing.length > 0,
    toolResultText: trailing.map((item) => outputText(item.output)).join('\n'),
    tools,
    toolChoice,
    jsonSchema: format.type === 'json_object' ? {} : format.type === 'json_schema' ? record(format.schema) : undefined,
    inputTokens: Math.max(1, Math.ceil(JSON.stringify([request.instructions ?? '', items, request.tools ?? []]).length / 4)),
    maxOutputTokens: typeof request.max_output_tokens === 'number' ? request.max_output_tokens : undefined,
  };
}

/** Hosted tools a reply uses: each offered one, once per turn, unless tool_choice says `none`. */
function hostedToolsUsed(body: Json, history: Json[]): string[] {
  if (body.tool_choice === 'none') return [];
  const items = [...history, ...inputItems(body.input)];
  // After a function result the model answers; the hosted tools already ran earlier in the turn.
  if (items.at(-1)?.type === 'function_call_output') return [];
  return (Array.isArray(body.tools) ? body.tools.map(record) : [])
    .map((tool) => String(tool.type ?? ''))
    .filter((type) => type !== FUNCTION_TOOL && type !== '');
}

interface StoredResponse {
  /** Every item of the conversation up to this response's input, and its output after it. */
  items: Json[];
  response: Json;
}

/** Responses kept per simulator for `previous_response_id` (`store` defaults to true, as at OpenAI). */
const stores = new WeakMap<Simulator, Map<string, StoredResponse>>();

function storeOf(simulator: Simulator): Map<string, StoredResponse> {
  let store = stores.get(simulator);
  if (!store) stores.set(simulator, (store = new Map()));
  return store;
}

function notFound(context: SimContext, id: string, param: string | null): void {
  sendJson(context.response, 404, {
    error: {
      message: `${param === 'previous_response_id' ? 'Previous response' : 'Response'} with id '${id}' not found.`,
      type: 'invalid_request_error',
      param,
      code: param === null ? null : 'previous_response_not_found',
    },
  });
}

function renderer(echo: ResponsesEcho): ProtocolRenderer {
  return {
    protocol: 'openai',
    renderJson: (plan, request) => renderResponseJson(plan, request, echo),
    renderStream: (plan, request) => renderResponseStream(plan, request, echo),
    errorBody: (status, message, code) => ({
      error: {
        message,
        type: status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error',
        param: null,
        code: code ?? null,
      },
    }),
    // A failure after the 200 headers: an `error` event, which the SDK yields as a ResponseErrorEvent.
    errorFrame: (message, code) =>
      `event: error\ndata: ${JSON.stringify({ type: 'error', code: code ?? 'server_error', message, param: null, sequence_number: 0 })}\n\n`,
    // Recorded events are JSON objects with a `type`; the API names each SSE event after it.
    envelope: (eventJson) => `event: ${String(record(safeParse(eventJson)).type ?? 'message')}\ndata: ${eventJson}\n\n`,
    replayTerminal: [],
    headers: () => ({ 'x-request-id': `req_${randomUUID().replace(/-/g, '')}` }),
  };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function handleCreate(context: SimContext): Promise<void> {
  const body = record(context.body);
  const store = storeOf(context.simulator);
  const previousId = typeof body.previous_response_id === 'string' ? body.previous_response_id : undefined;
  const previous = previousId === undefined ? undefined : store.get(previousId);
  if (previousId !== undefined && !previous) return notFound(context, previousId, 'previous_response_id');
  const history = previous?.items ?? [];
  const echo: ResponsesEcho = { body, hostedTools: hostedToolsUsed(body, history), id: simId('resp_') };
  if (body.store !== false) {
    const items = [...history, ...inputItems(body.input)];
    echo.onFinal = (response) => {
      const output = Array.isArray(response.output) ? response.output.map(record) : [];
      store.set(echo.id, { items: [...items, ...output], response });
    };
  }
  await context.simulator.respond(context, renderer(echo), summarizeResponsesRequest(body, history));
}

export const openaiResponsesRoutes: SimRoute[] = [
  { method: 'POST', pattern: /^\/v1\/responses$/, handle: handleCreate },
  {
    method: 'GET',
    pattern: /^\/v1\/responses\/([\w-]+)$/,
    async handle(context, match) {
      const stored = storeOf(context.simulator).get(match[1]!);
      if (!stored) return notFound(context, match[1]!, null);
      sendJson(context.response, 200, stored.response);
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/v1\/responses\/([\w-]+)$/,
    async handle(context, match) {
      const deleted = storeOf(context.simulator).delete(match[1]!);
      if (!deleted) return notFound(context, match[1]!, null);
      sendJson(context.response, 200, { id: match[1], object: 'response', deleted: true });
    },
  },
];
