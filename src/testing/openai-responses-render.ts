import type { RenderedStream, SimFrame } from './server.js';
import { simId, splitIntoTokens, type PlannedReply } from './script.js';
import { tinyPng } from './png.js';
import type { SimRequestSummary } from './types.js';

/**
 * Renders a planned reply as a Responses API `Response` (JSON) or its typed SSE events, shaped like
 * the API's own: `response.created`, `response.in_progress`, one `output_item.added` … `done` run
 * per output item, then `response.completed` (or `response.incomplete` after a length cut).
 */

type Json = Record<string, unknown>;

/** What the request asked for that the rendered response echoes, and the tools OpenAI would run. */
export interface ResponsesEcho {
  /** The request body's fields echoed as they are (instructions, tools, tool_choice, text, ...). */
  body: Json;
  /** Types of the hosted tools offered (`web_search`, `file_search`, ...), if the model may use them. */
  hostedTools: string[];
  /** The id the response gets. */
  id: string;
  /** Told the final response once it is rendered (the store keeps it for `previous_response_id`). */
  onFinal?: (response: Json) => void;
}

function usageJson(plan: PlannedReply): Json {
  const { input, output, cachedInput, reasoning } = plan.usage;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cachedInput },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: input + output,
  };
}

/** The item a hosted tool leaves in the output, as OpenAI reports it once the tool ran. */
function hostedCall(type: string, request: SimRequestSummary): Json | undefined {
  switch (type) {
    case 'web_search':
    case 'web_search_preview':
    case 'web_search_2025_08_26':
    case 'web_search_preview_2025_03_11':
      return {
        type: 'web_search_call',
        id: simId('ws_'),
        status: 'completed',
        action: { type: 'search', query: request.lastUserText, sources: null },
      };
    case 'file_search':
      return { type: 'file_search_call', id: simId('fs_'), status: 'completed', queries: [request.lastUserText], results: null };
    case 'code_interpreter':
      return {
        type: 'code_interpreter_call',
        id: simId('ci_'),
        status: 'completed',
        code: 'print(6 * 7)',
        container_id: 'cntr_sim',
        outputs: [{ type: 'logs', logs: '42\n' }],
      };
    case 'image_generation':
      return {
        type: 'image_generation_call',
        id: simId('ig_'),
        status: 'completed',
        result: tinyPng(request.lastUserText).toString('base64'),
      };
    case 'mcp':
      return {
        type: 'mcp_call',
        id: simId('mcp_'),
        server_label: 'sim',
        name: 'lookup',
        arguments: '{}',
        output: 'simulated MCP result',
        error: null,
        status: 'completed',
      };
    default:
      return undefined;
  }
}

/** Hosted calls render before the message; web search adds a URL citation to it. */
function outputItems(plan: PlannedReply, request: SimRequestSummary, echo: ResponsesEcho): Json[] {
  const items: Json[] = [];
  const incomplete = plan.finishReason === 'length';
  if (plan.reasoning)
    items.push({
      type: 'reasoning',
      id: simId('rs_'),
      summary: [],
      content: [{ type: 'reasoning_text', text: plan.reasoning }],
      status: 'completed',
    });
  const calls = echo.hostedTools.map((type) => hostedCall(type, request)).filter((item): item is Json => item !== undefined);
  items.push(...calls);
  if (plan.text || (plan.toolCalls.length === 0 && calls.length === 0)) {
    const cited = calls.some((call) => call.type === 'web_search_call') && plan.text.length > 0;
    const annotations = cited
      ? [
          {
            type: 'url_citation',
            start_index: 0,
            end_index: plan.text.length,
            url: 'https://example.com/simulated',
            title: 'Simulated source',
          },
        ]
      : [];
    items.push({
      type: 'message',
      id: simId('msg_'),
      status: incomplete ? 'incomplete' : 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: plan.text, annotations, logprobs: [] }],
    });
  }
  for (const call of plan.toolCalls)
    items.push({
      type: 'function_call',
      id: simId('fc_'),
      call_id: call.id,
      name: call.name,
      arguments: call.arguments,
      status: 'completed',
    });
  return items;
}

function responseJson(plan: PlannedReply, request: SimRequestSummary, echo: ResponsesEcho, output: Json[], final: boolean): Json {
  const body = echo.body;
  const incomplete = plan.finishReason === 'length' || plan.finishReason === 'content_filter';
  const status = !final ? 'in_progress' : incomplete ? 'incomplete' : 'completed';
  return {
    id: echo.id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    background: false,
    error: null,
    incomplete_details: final && incomplete ? { reason: plan.finishReason === 'length' ? 'max_output_tokens' : 'content_filter' } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: request.model,
    output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: (body.reasoning as Json | undefined)?.effort ?? null, summary: null },
    service_tier: 'default',
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: (body.text as Json | undefined)?.format ?? { type: 'text' }, verbosity: 'medium' },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage: final ? usageJson(plan) : null,
    user: body.user ?? null,
    metadata: body.metadata ?? {},
  };
}

export function renderResponseJson(plan: PlannedReply, request: SimRequestSummary, echo: ResponsesEcho): Json {
  const response = responseJson(plan, request, echo, outputItems(plan, request, echo), true);
  echo.onFinal?.(response);
  return response;
}

/** Events of one output item: added, its deltas (content frames), done. */
function itemEvents(item: Json, outputIndex: number, frame: (event: Json, content: boolean) => SimFrame): SimFrame[] {
  const frames: SimFrame[] = [];
  const id = item.id as string;
  const base = { item_id: id, output_index: outputIndex };
  switch (item.type) {
    case 'message': {
      const part = (item.content as Json[])[0]!;
      const text = part.text as string;
      frames.push(
        frame(
          { type: 'response.output_item.added', output_index: outputIndex, item: { ...item, status: 'in_progress', content: [] } },
          false,
        ),
      );
      frames.push(
        frame(
          {
            type: 'response.content_part.added',
            ...base,
            content_index: 0,
            part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
          },
          false,
        ),
      );
      for (const piece of splitIntoTokens(text))
        frames.push(frame({ type: 'response.output_text.delta', ...base, content_index: 0, delta: piece, logprobs: [] }, true));
      const annotations = part.annotations as Json[];
      annotations.forEach((annotation, index) =>
        frames.push(
          frame({ type: 'response.output_text.annotation.added', ...base, content_index: 0, annotation_index: index, annotation }, false),
        ),
      );
      frames.push(frame({ type: 'response.output_text.done', ...base, content_index: 0, text, logprobs: [] }, false));
      frames.push(frame({ type: 'response.content_part.done', ...base, content_index: 0, part }, false));
      break;
    }
    case 'reasoning': {
      const text = ((item.content as Json[])[0]!.text as string) ?? '';
      frames.push(
        frame(
          { type: 'response.output_item.added', output_index: outputIndex, item: { ...item, status: 'in_progress', content: [] } },
          false,
        ),
      );
      frames.push(
        frame({ type: 'response.content_part.added', ...base, content_index: 0, part: { type: 'reasoning_text', text: '' } }, false),
      );
      for (const piece of splitIntoTokens(text))
        frames.push(frame({ type: 'response.reasoning_text.delta', ...base, content_index: 0, delta: piece }, true));
      frames.push(frame({ type: 'response.reasoning_text.done', ...base, content_index: 0, text }, false));
      frames.push(frame({ type: 'response.content_part.done', ...base, content_index: 0, part: { type: 'reasoning_text', text } }, false));
      break;
    }
    case 'function_call': {
      const args = item.arguments as string;
      frames.push(
        frame(
          { type: 'response.output_item.added', output_index: outputIndex, item: { ...item, arguments: '', status: 'in_progress' } },
          true,
        ),
      );
      for (const piece of splitIntoTokens(args))
        frames.push(frame({ type: 'response.function_call_arguments.delta', ...base, delta: piece }, true));
      frames.push(frame({ type: 'response.function_call_arguments.done', ...base, name: item.name, arguments: args }, false));
      break;
    }
    default: {
      // A hosted call: its progress events, as the API sends them for web search, file search, ...
      const kind = String(item.type);
      frames.push(frame({ type: 'response.output_item.added', output_index: outputIndex, item: { ...item, status: 'in_progress' } }, true));
      const progress = PROGRESS[kind] ?? [];
      for (const step of progress) frames.push(frame({ type: `response.${kind}.${step}`, ...base }, false));
    }
  }
  frames.push(frame({ type: 'response.output_item.done', output_index: outputIndex, item }, false));
  return frames;
}

const PROGRESS: Record<string, string[]> = {
  web_search_call: ['in_progress', 'searching', 'completed'],
  file_search_call: ['in_progress', 'searching', 'completed'],
  code_interpreter_call: ['in_progress', 'interpreting', 'completed'],
  image_generation_call: ['in_progress', 'generating', 'completed'],
  mcp_call: ['in_progress', 'completed'],
};

export function renderResponseStream(plan: PlannedReply, request: SimRequestSummary, echo: ResponsesEcho): RenderedStream {
  let sequence = 0;
  const frame = (event: Json, content: boolean): SimFrame => {
    const data = { ...event, sequence_number: sequence++ };
    return { data: `event: ${String(event.type)}\ndata: ${JSON.stringify(data)}\n\n`, content };
  };
  const output = outputItems(plan, request, echo);
  const frames: SimFrame[] = [
    frame({ type: 'response.created', response: responseJson(plan, request, echo, [], false) }, false),
    frame({ type: 'response.in_progress', response: responseJson(plan, request, echo, [], false) }, false),
  ];
  output.forEach((item, index) => frames.push(...itemEvents(item, index, frame)));
  const final = responseJson(plan, request, echo, output, true);
  echo.onFinal?.(final);
  // The terminal event is never sent on a cut: a stream without it was interrupted.
  const last = frame({ type: final.status === 'completed' ? 'response.completed' : 'response.incomplete', response: final }, false);
  return { frames, terminal: [last.data] };
}
