import type {
  ChatCompletionContentPart,
  ChatCompletionContentPartImage,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import type { GenerationRequest, ImagePart, Message, ReasoningEffort, ResponseFormat, TextPart, ToolChoice } from '../../core/request.js';
import type { CallWarning } from '../../core/result.js';

/** Which spelling of the output limit the endpoint understands. */
export type MaxTokensParameter = 'max_completion_tokens' | 'max_tokens';

export interface ConvertRequestOptions {
  modelId: string;
  maxTokensParameter: MaxTokensParameter;
}

export interface ConvertedRequest<Body> {
  body: Body;
  warnings: CallWarning[];
}

/**
 * OpenAI itself (and Azure OpenAI) take `max_completion_tokens`, and reasoning models reject
 * `max_tokens`; most compatible vendors only know `max_tokens`.
 */
export function maxTokensParameterFor(baseURL: string): MaxTokensParameter {
  let host = '';
  try {
    host = new URL(baseURL).hostname;
  } catch {
    return 'max_tokens';
  }
  return host === 'api.openai.com' || host.endsWith('.openai.azure.com') ? 'max_completion_tokens' : 'max_tokens';
}

function imageUrl(part: ImagePart): string {
  return part.source.kind === 'url' ? part.source.url : `data:${part.source.mediaType};base64,${part.source.data}`;
}

function userContent(parts: Array<TextPart | ImagePart>): string | ChatCompletionContentPart[] {
  // A lone text part goes as a plain string, the shape every compatible vendor accepts.
  if (parts.length === 1 && parts[0]!.type === 'text') return parts[0]!.text;
  return parts.map(
    (part): ChatCompletionContentPart =>
      part.type === 'text'
        ? { type: 'text', text: part.text }
        : { type: 'image_url', image_url: { url: imageUrl(part), ...(part.detail ? { detail: imageDetail(part.detail) } : {}) } },
  );
}

/**
 * openai 7 types `detail: 'original'` for chat images and openai 6 does not; the SDK sends the
 * value as given either way, so it goes through under both majors.
 */
const imageDetail = (detail: NonNullable<ImagePart['detail']>) => detail as ChatCompletionContentPartImage.ImageURL['detail'];

function convertMessage(message: Message): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content };
    case 'user':
      return { role: 'user', content: userContent(message.content) };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    case 'assistant': {
      // Reasoning parts stay behind: the Chat API has no field to send them back in.
      const text = message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
      const toolCalls = message.content.flatMap((part) =>
        part.type === 'tool-call'
          ? [{ id: part.id, type: 'function' as const, function: { name: part.name, arguments: part.arguments } }]
          : [],
      );
      return {
        role: 'assistant',
        content: text === '' && toolCalls.length > 0 ? null : text,
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      };
    }
  }
}

function convertToolChoice(choice: ToolChoice): ChatCompletionToolChoiceOption {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

function convertResponseFormat(format: ResponseFormat): ChatCompletionCreateParamsNonStreaming['response_format'] {
  switch (format.type) {
    case 'text':
      return undefined;
    case 'json':
      return { type: 'json_object' };
    case 'json-schema':
      return {
        type: 'json_schema',
        json_schema: {
          name: format.name,
          schema: format.schema,
          ...(format.description !== undefined ? { description: format.description } : {}),
          ...(format.strict !== undefined ? { strict: format.strict } : {}),
        },
      };
  }
}

/** Token budgets map to OpenAI's effort buckets; the edges follow common thinking-budget presets. */
const EFFORT_BY_BUDGET: Array<[maxTokens: number, effort: ReasoningEffort]> = [
  [0, 'none'],
  [2_048, 'low'],
  [8_192, 'medium'],
  [Number.POSITIVE_INFINITY, 'high'],
];

function reasoningEffort(request: GenerationRequest, warnings: CallWarning[]): ReasoningEffort | undefined {
  const budget = request.reasoningBudgetTokens;
  if (budget !== undefined && request.reasoningEffort !== undefined) {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'reasoningBudgetTokens',
      message: 'OpenAI takes a reasoning effort, not a token budget; the budget was dropped in favour of reasoningEffort.',
    });
  }
  if (request.reasoningEffort !== undefined || budget === undefined) return request.reasoningEffort;
  const effort = EFFORT_BY_BUDGET.find(([maxTokens]) => budget <= maxTokens)![1];
  warnings.push({
    type: 'other',
    setting: 'reasoningBudgetTokens',
    message: `OpenAI takes a reasoning effort, not a token budget: ${budget} tokens were mapped to effort '${effort}'.`,
  });
  return effort;
}

/** Canonical settings that map one to one onto a body field. */
const DIRECT_SETTINGS = [
  ['temperature', 'temperature'],
  ['topP', 'top_p'],
  ['seed', 'seed'],
  ['presencePenalty', 'presence_penalty'],
  ['frequencyPenalty', 'frequency_penalty'],
  ['user', 'user'],
] as const satisfies ReadonlyArray<readonly [keyof GenerationRequest, keyof ChatCompletionCreateParamsNonStreaming]>;

function convertBody(request: GenerationRequest, options: ConvertRequestOptions, warnings: CallWarning[]): Record<string, unknown> {
  const body: Record<string, unknown> = { model: options.modelId, messages: request.messages.map(convertMessage) };
  for (const [from, to] of DIRECT_SETTINGS) if (request[from] !== undefined) body[to] = request[from];
  if (request.maxOutputTokens !== undefined) body[options.maxTokensParameter] = request.maxOutputTokens;
  if (request.stopSequences?.length) body.stop = request.stopSequences;
  if (request.tools?.length) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description !== undefined ? { description: tool.description } : {}),
        parameters: tool.parameters,
        ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
      },
    }));
    // OpenAI rejects parallel_tool_calls when no tools are sent, so it only travels with them.
    if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  }
  if (request.toolChoice !== undefined) body.tool_choice = convertToolChoice(request.toolChoice);
  const responseFormat = request.responseFormat && convertResponseFormat(request.responseFormat);
  if (responseFormat) body.response_format = responseFormat;
  const effort = reasoningEffort(request, warnings);
  // 'none' is left out: non-reasoning models reject the parameter and older reasoning models
  // reject the value, while models that know 'none' default to it.
  if (effort !== undefined && effort !== 'none') body.reasoning_effort = effort;
  if (request.topK !== undefined)
    warnings.push({
      type: 'unsupported-setting',
      setting: 'topK',
      message: 'OpenAI chat completions have no top-k sampling; topK was dropped.',
    });
  return body;
}

export function convertRequest(
  request: GenerationRequest,
  options: ConvertRequestOptions,
): ConvertedRequest<ChatCompletionCreateParamsNonStreaming> {
  const warnings: CallWarning[] = [];
  const converted = convertBody(request, options, warnings);
  // A copy only when provider options override fields (the usual call has none).
  const extra = request.providerOptions?.openai;
  const body = extra ? { ...converted, ...extra } : converted;
  return { body: body as unknown as ChatCompletionCreateParamsNonStreaming, warnings };
}

/** The streamed variant always asks for the usage chunk: cost accounting needs it. */
export function convertStreamRequest(
  request: GenerationRequest,
  options: ConvertRequestOptions,
): ConvertedRequest<ChatCompletionCreateParamsStreaming> {
  const warnings: CallWarning[] = [];
  const body = {
    ...convertBody(request, options, warnings),
    stream: true,
    stream_options: { include_usage: true },
    ...request.providerOptions?.openai,
  };
  return { body: body as unknown as ChatCompletionCreateParamsStreaming, warnings };
}
