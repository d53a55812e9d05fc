import type {
  Response,
  ResponseCreateParams,
  ResponseFunctionToolCall,
  ResponseOutputItem,
  ResponseOutputMessage,
  ResponseReasoningItem,
  ResponseUsage,
} from 'openai/resources/responses/responses';
import type { ReasoningPart, TextPart, ToolCallPart } from '../core/request.js';
import type { FinishReason } from '../core/result.js';
import type { Usage } from '../core/usage.js';

/**
 * The canonical answer → an openai `Response`: output items (reasoning, message, function calls,
 * in the order the model produced them), usage with cached and reasoning tokens, `output_text`,
 * and `status` / `incomplete_details` for a length cut. The streamed face builds its items with
 * the same constructors, so that a stream's final response and a plain call's have one shape.
 */

/** What a response echoes of its request, and its ids. */
export interface ResponseContext {
  /** `resp_…`, also the key of the stored conversation. */
  id: string;
  createdAt: number;
  model: string;
  body: ResponseCreateParams;
}

/** `resp_<request id>`; its items are `msg_…`, `fc_…`, `rs_…` with their output index. */
export function responseId(requestId: string): string {
  return `resp_${requestId.replace(/^zen_/, '')}`;
}

export function itemId(responseId: string, prefix: 'msg' | 'fc' | 'rs', outputIndex: number): string {
  return `${prefix}_${responseId.slice('resp_'.length)}_${outputIndex}`;
}

export function messageItem(id: string, text: string, status: ResponseOutputMessage['status']): ResponseOutputMessage {
  return { type: 'message', id, status, role: 'assistant', content: [{ type: 'output_text', text, annotations: [], logprobs: [] }] };
}

export function reasoningItem(
  id: string,
  text: string,
  signature: string | undefined,
  status: NonNullable<ResponseReasoningItem['status']>,
): ResponseReasoningItem {
  // A signature (Anthropic thinking, Gemini thought) must come back with the next turn: it travels as encrypted_content.
  return {
    type: 'reasoning',
    id,
    summary: [],
    content: [{ type: 'reasoning_text', text }],
    ...(signature ? { encrypted_content: signature } : {}),
    status,
  };
}

export function functionCallItem(
  id: string,
  call: Pick<ToolCallPart, 'id' | 'name' | 'arguments'>,
  status: NonNullable<ResponseFunctionToolCall['status']>,
): ResponseFunctionToolCall {
  return { type: 'function_call', id, call_id: call.id, name: call.name, arguments: call.arguments, status };
}

/** Why an answer stopped short, in the API's words; undefined for a complete one. */
export function incompleteReason(finish: FinishReason): 'max_output_tokens' | 'content_filter' | undefined {
  if (finish.unified === 'length') return 'max_output_tokens';
  if (finish.unified === 'content-filter') return 'content_filter';
  return undefined;
}

/** Canonical content → output items: consecutive text is one message, consecutive reasoning one item. */
export function outputItems(
  content: ReadonlyArray<TextPart | ReasoningPart | ToolCallPart>,
  id: string,
  finish: FinishReason,
): ResponseOutputItem[] {
  const items: ResponseOutputItem[] = [];
  let last: TextPart['type'] | ReasoningPart['type'] | ToolCallPart['type'] | undefined;
  for (const part of content) {
    const index = items.length;
    if (part.type === 'text') {
      const open = items[index - 1];
      if (last === 'text' && open?.type === 'message' && open.content[0]?.type === 'output_text') open.content[0].text += part.text;
      else items.push(messageItem(itemId(id, 'msg', index), part.text, 'completed'));
    } else if (part.type === 'reasoning') {
      const open = items[index - 1];
      if (last === 'reasoning' && open?.type === 'reasoning' && open.content?.[0]) {
        open.content[0].text += part.text;
        if (part.signature) open.encrypted_content = part.signature;
      } else items.push(reasoningItem(itemId(id, 'rs', index), part.text, part.signature, 'completed'));
    } else {
      items.push(functionCallItem(itemId(id, 'fc', index), part, 'completed'));
    }
    last = part.type;
  }
  if (incompleteReason(finish)) markIncomplete(items);
  return items;
}

/** A cut answer: the item being written when it stopped (the last) is incomplete. */
export function markIncomplete(items: ResponseOutputItem[]): void {
  const last = items.at(-1);
  if (last && (last.type === 'message' || last.type === 'function_call' || last.type === 'reasoning')) last.status = 'incomplete';
}

export function responsesUsage(usage: Usage): ResponseUsage {
  return {
    input_tokens: usage.input.total,
    input_tokens_details: { cached_tokens: usage.input.cacheRead, cache_write_tokens: usage.input.cacheWrite },
    output_tokens: usage.output.total,
    output_tokens_details: { reasoning_tokens: usage.output.reasoning },
    total_tokens: usage.input.total + usage.output.total,
  };
}

/** The text of every output_text part, as the SDK's own `output_text` property joins it. */
export function outputText(items: readonly ResponseOutputItem[]): string {
  let text = '';
  for (const item of items) {
    if (item.type !== 'message') continue;
    for (const part of item.content) if (part.type === 'output_text') text += part.text;
  }
  return text;
}

/**
 * Fields of the Response that openai 7 types and openai 6 does not: `access_programs` is null
 * when no access program (OpenAI's Cyber tiers) applied, which is every call zenrouter answers.
 * A spread, so that the literal typechecks under both SDK majors.
 */
const NEWER_FIELDS = { access_programs: null };

/** The Response for `output`: in progress (no usage yet), or done with its usage and finish. */
export function buildResponse(
  context: ResponseContext,
  output: ResponseOutputItem[],
  done?: { usage: Usage; finish: FinishReason },
): Response {
  const body = context.body;
  const reason = done ? incompleteReason(done.finish) : undefined;
  const response: Response = {
    ...NEWER_FIELDS,
    id: context.id,
    object: 'response',
    created_at: context.createdAt,
    status: !done ? 'in_progress' : reason ? 'incomplete' : 'completed',
    background: false,
    error: null,
    incomplete_details: reason ? { reason } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    metadata: body.metadata ?? {},
    model: context.model,
    output,
    output_text: outputText(output),
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: body.reasoning?.effort ?? null, summary: body.reasoning?.summary ?? null },
    temperature: body.temperature ?? 1,
    text: { format: body.text?.format ?? { type: 'text' }, verbosity: body.text?.verbosity ?? 'medium' },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: body.truncation ?? 'disabled',
  };
  if (done) {
    response.usage = responsesUsage(done.usage);
    response.completed_at = reason ? null : Math.floor(Date.now() / 1000);
  }
  if (typeof body.user === 'string') response.user = body.user;
  return response;
}
