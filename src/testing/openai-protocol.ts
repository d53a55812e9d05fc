import { randomUUID } from 'node:crypto';
import { tinyPng } from './png.js';
import { sendJson, type ProtocolRenderer, type SimContext, type SimFrame, type SimRoute } from './protocol.js';
import type { Simulator } from './server.js';
import { simId, splitIntoTokens, type PlannedReply } from './script.js';
import type { SimRequestSummary } from './types.js';

/**
 * The OpenAI wire protocol: Chat Completions (JSON and SSE) and the Images API, shaped like the
 * recorded responses in shared/fixtures/recorded/openai. OpenAI-compatible vendors speak the same
 * protocol; `reasoning` in a reply is sent as DeepSeek's `reasoning_content`.
 *
 * Usage convention: `usage.input` is the whole prompt (OpenAI's `prompt_tokens`, cached tokens
 * included) and `usage.output` the whole completion (reasoning included).
 */

type Json = Record<string, unknown>;

const FINGERPRINT = 'fp_sim0001';

// ---------------------------------------------------------------- request summary

function record(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => record(part))
    .filter((part) => part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text as string)
    .join('');
}

function toolChoiceOf(choice: unknown): string {
  if (typeof choice === 'string') return choice;
  const name = record(record(choice).function).name;
  return typeof name === 'string' ? name : 'auto';
}

function jsonSchemaOf(format: unknown): Record<string, unknown> | undefined {
  const responseFormat = record(format);
  if (responseFormat.type === 'json_object') return {};
  if (responseFormat.type === 'json_schema') return record(record(responseFormat.json_schema).schema);
  return undefined;
}

export function summarizeChatRequest(body: unknown): SimRequestSummary {
  const request = record(body);
  const messages = Array.isArray(request.messages) ? request.messages.map(record) : [];
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  // Parallel tool calls come back as several trailing `tool` messages.
  const trailingTools: Json[] = [];
  for (let index = messages.length - 1; index >= 0 && messages[index]!.role === 'tool'; index -= 1) trailingTools.unshift(messages[index]!);
  const tools = (Array.isArray(request.tools) ? request.tools.map(record) : [])
    .filter((tool) => tool.type === 'function')
    .map((tool) => {
      const fn = record(tool.function);
      return { name: String(fn.name ?? ''), parameters: fn.parameters === undefined ? undefined : record(fn.parameters) };
    });
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  return {
    model: String(request.model ?? ''),
    stream: request.stream === true,
    lastUserText: lastUser ? messageText(lastUser.content) : '',
    lastIsToolResult: trailingTools.length > 0,
    toolResultText: trailingTools.map((message) => messageText(message.content)).join('\n'),
    tools,
    toolChoice: request.tool_choice === undefined ? 'auto' : toolChoiceOf(request.tool_choice),
    jsonSchema: jsonSchemaOf(request.response_format),
    inputTokens: Math.max(1, Math.ceil(JSON.stringify([request.messages ?? [], request.tools ?? []]).length / 4)),
    maxOutputTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
  };
}

// ---------------------------------------------------------------- chat rendering

function usageJson(plan: PlannedReply): Json {
  const { input, output, cachedInput, reasoning } = plan.usage;
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    prompt_tokens_details: { cached_tokens: cachedInput, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function toolCallsJson(plan: PlannedReply): Json[] {
  return plan.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }));
}

function renderChatJson(plan: PlannedReply, request: SimRequestSummary): Json {
  const hasTools = plan.toolCalls.length > 0;
  const message: Json = {
    role: 'assistant',
    // The API sends `content: null` when the model only called tools.
    content: hasTools && !plan.text ? null : plan.text,
    ...(plan.reasoning ? { reasoning_content: plan.reasoning } : {}),
    refusal: null,
    annotations: [],
    ...(hasTools ? { tool_calls: toolCallsJson(plan) } : {}),
  };
  return {
    id: simId('chatcmpl-'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: plan.finishReason }],
    usage: usageJson(plan),
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
  };
}

function renderChatStream(plan: PlannedReply, request: SimRequestSummary, includeUsage: boolean) {
  const head = {
    id: simId('chatcmpl-'),
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
  };
  const frame = (choices: Json[], content: boolean, usage: Json | null = null): SimFrame => ({
    data: `data: ${JSON.stringify({ ...head, choices, ...(includeUsage ? { usage } : {}) })}\n\n`,
    content,
  });
  const delta = (value: Json, content = true, finishReason: string | null = null): SimFrame =>
    frame([{ index: 0, delta: value, logprobs: null, finish_reason: finishReason }], content);

  const frames: SimFrame[] = [delta({ role: 'assistant', content: '', refusal: null }, false)];
  for (const piece of splitIntoTokens(plan.reasoning)) frames.push(delta({ reasoning_content: piece }));
  for (const piece of splitIntoTokens(plan.text)) frames.push(delta({ content: piece }));
  plan.toolCalls.forEach((call, index) => {
    frames.push(delta({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (const piece of splitIntoTokens(call.arguments)) frames.push(delta({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  frames.push(delta({}, false, plan.finishReason));
  // With include_usage the API sends one more chunk, with no choices, after the finish_reason.
  if (includeUsage) frames.push(frame([], false, usageJson(plan)));
  return { frames, terminal: ['data: [DONE]\n\n'] };
}

/** Error `type` and `code` by status, as the real API sends them. */
const ERROR_SHAPES: Record<number, { type: string; code: string | null }> = {
  400: { type: 'invalid_request_error', code: null },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory' },
  404: { type: 'invalid_request_error', code: 'model_not_found' },
  409: { type: 'invalid_request_error', code: null },
  413: { type: 'invalid_request_error', code: null },
  422: { type: 'invalid_request_error', code: null },
  429: { type: 'requests', code: 'rate_limit_exceeded' },
};

function errorShape(status: number, code: string | undefined): { type: string; code: string | null } {
  if (code === 'insufficient_quota') return { type: 'insufficient_quota', code };
  const shape = ERROR_SHAPES[status] ?? { type: status >= 500 ? 'server_error' : 'invalid_request_error', code: null };
  return code === undefined ? shape : { ...shape, code };
}

export function chatRenderer(includeUsage: boolean): ProtocolRenderer {
  return {
    protocol: 'openai',
    renderJson: renderChatJson,
    renderStream: (plan, request) => renderChatStream(plan, request, includeUsage),
    errorBody: (status, message, code) => ({ error: { message, ...errorShape(status, code), param: null } }),
    // A failure after the 200 headers arrives as a data line with an `error` member; the SDK's
    // Stream throws it as an APIError without status.
    errorFrame: (message, code) =>
      `data: ${JSON.stringify({ error: { message, type: code ?? 'server_error', param: null, code: code ?? null } })}\n\n`,
    envelope: (eventJson) => `data: ${eventJson}\n\n`,
    replayTerminal: ['data: [DONE]\n\n'],
    headers: () => ({ 'x-request-id': `req_${randomUUID().replace(/-/g, '')}` }),
  };
}

async function handleChat(context: SimContext): Promise<void> {
  const summary = summarizeChatRequest(context.body);
  const includeUsage = record(record(context.body).stream_options).include_usage === true;
  await context.simulator.respond(context, chatRenderer(includeUsage), summary);
}

// ---------------------------------------------------------------- images

/** Images served for `response_format: 'url'`, per simulator. */
const servedImages = new WeakMap<Simulator, Map<string, Buffer>>();

interface ImageParams {
  model: string;
  prompt: string;
  n: number;
  size: string | undefined;
  responseFormat: unknown;
}

const isGptImage = (model: string) => !model.startsWith('dall-e');

function imageRenderer(context: SimContext, params: ImageParams): ProtocolRenderer {
  const base = chatRenderer(false);
  return {
    ...base,
    renderJson: (plan) => {
      // GPT image models always answer base64; DALL·E defaults to a URL.
      const asUrl = !isGptImage(params.model) && params.responseFormat !== 'b64_json';
      const data = Array.from({ length: params.n }, (_, index) => {
        const png = tinyPng(`${params.prompt}#${index}`);
        const revised = params.model === 'dall-e-3' ? { revised_prompt: `A picture of ${params.prompt}` } : {};
        if (!asUrl) return { b64_json: png.toString('base64'), ...revised };
        const id = simId('img_');
        const files = servedImages.get(context.simulator) ?? new Map<string, Buffer>();
        servedImages.set(context.simulator, files);
        files.set(id, png);
        return { url: `${context.simulator.url}/files/${id}.png`, ...revised };
      });
      if (!isGptImage(params.model)) return { created: Math.floor(Date.now() / 1000), data };
      return {
        created: Math.floor(Date.now() / 1000),
        background: 'opaque',
        data,
        output_format: 'png',
        quality: 'low',
        size: params.size ?? '1024x1024',
        usage: {
          input_tokens: plan.usage.input,
          input_tokens_details: { text_tokens: plan.usage.input, image_tokens: 0 },
          output_tokens: 272 * params.n,
          total_tokens: plan.usage.input + 272 * params.n,
        },
      };
    },
  };
}

function imageSummary(params: ImageParams): SimRequestSummary {
  return {
    model: params.model,
    stream: false,
    lastUserText: params.prompt,
    lastIsToolResult: false,
    toolResultText: '',
    tools: [],
    toolChoice: 'auto',
    jsonSchema: undefined,
    inputTokens: Math.max(1, Math.ceil(params.prompt.length / 4)),
    maxOutputTokens: undefined,
    wantsImage: true,
  };
}

async function handleImages(context: SimContext, params: ImageParams): Promise<void> {
  if (isGptImage(params.model) && params.responseFormat !== undefined) {
    // The real API rejects the parameter for GPT image models.
    sendJson(context.response, 400, {
      error: {
        message: "Unknown parameter: 'response_format'.",
        type: 'invalid_request_error',
        param: 'response_format',
        code: 'unknown_parameter',
      },
    });
    return;
  }
  await context.simulator.respond(context, imageRenderer(context, params), imageSummary(params));
}

function imageParams(fields: Json): ImageParams {
  const n = Number(fields.n ?? 1);
  return {
    model: String(fields.model ?? 'dall-e-2'),
    prompt: String(fields.prompt ?? ''),
    n: Number.isInteger(n) && n > 0 ? Math.min(n, 10) : 1,
    size: typeof fields.size === 'string' ? fields.size : undefined,
    responseFormat: fields.response_format,
  };
}

/**
 * Reads a multipart edit request. The engine hands the body over as UTF-8 text, so file bytes
 * are not exact; the recorded call keeps each file's name and type instead.
 */
async function readEditForm(context: SimContext): Promise<Json> {
  const form = await new Request('http://simulator/', {
    method: 'POST',
    headers: { 'content-type': String(context.request.headers['content-type'] ?? '') },
    body: context.rawBody,
  }).formData();
  const fields: Json = {};
  for (const [key, value] of form.entries()) {
    const entry = typeof value === 'string' ? value : { name: value.name, type: value.type };
    if (key.endsWith('[]')) fields[key.slice(0, -2)] = [...((fields[key.slice(0, -2)] as unknown[]) ?? []), entry];
    else fields[key] = entry;
  }
  return fields;
}

// ---------------------------------------------------------------- routes

export const openaiRoutes: SimRoute[] = [
  { method: 'POST', pattern: /^\/v1\/chat\/completions$/, handle: handleChat },
  {
    method: 'POST',
    pattern: /^\/v1\/images\/generations$/,
    handle: (context) => handleImages(context, imageParams(record(context.body))),
  },
  {
    method: 'POST',
    pattern: /^\/v1\/images\/edits$/,
    async handle(context) {
      const fields = await readEditForm(context);
      // Record the parsed form so tests can see what was uploaded.
      await handleImages({ ...context, body: fields }, imageParams(fields));
    },
  },
  {
    method: 'GET',
    pattern: /^\/files\/([\w-]+)\.png$/,
    async handle(context, match) {
      const png = servedImages.get(context.simulator)?.get(match[1]!);
      if (!png) return sendJson(context.response, 404, { error: { message: 'No such file.' } });
      context.response.writeHead(200, { 'content-type': 'image/png', 'content-length': String(png.length) });
      context.response.end(png);
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/models$/,
    async handle(context) {
      const ids = ['gpt-5-mini', 'gpt-4.1-nano', 'gpt-image-1', 'dall-e-3'];
      sendJson(context.response, 200, {
        object: 'list',
        data: ids.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'system' })),
      });
    },
  },
];
