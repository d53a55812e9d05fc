import type {
  Response,
  ResponseFunctionToolCall,
  ResponseOutputItem,
  ResponseOutputMessage,
  ResponseReasoningItem,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses';
import type { StreamPart } from '../core/stream-part.js';
import { ZenStream } from './zen-stream.js';
import {
  buildResponse,
  functionCallItem,
  incompleteReason,
  itemId,
  messageItem,
  reasoningItem,
  type ResponseContext,
} from './openai-responses-response.js';
import { hostedOutput, lastMessageAnnotations } from './openai-responses-hosted.js';

/** An event without its sequence number: the writer numbers them in the order it sends them. */
type Unnumbered<E> = E extends unknown ? Omit<E, 'sequence_number'> : never;
type Event = Unnumbered<ResponseStreamEvent>;

export interface ResponseEventsContext {
  /** The response's context, read when the first part arrives (the answering channel is known by then). */
  context: (first: StreamPart) => ResponseContext;
  /** Keeps the final response (the conversation store) before the terminal event goes out. */
  onFinal?: (response: Response) => Promise<void>;
}

/**
 * Canonical stream parts → the Responses API's typed events, in the order OpenAI sends them:
 * `response.created`, `response.in_progress`, then per output item `output_item.added`, its
 * content part and deltas, their `.done` events and `output_item.done`, and last
 * `response.completed` (`response.incomplete` after a length cut). Every event carries its
 * `sequence_number`; the openai SDK's ResponseStream accumulator rebuilds the same response.
 */
export async function* toResponseEvents(
  parts: AsyncIterable<StreamPart>,
  options: ResponseEventsContext,
): AsyncGenerator<ResponseStreamEvent> {
  let sequence = 0;
  const numbered = (event: Event): ResponseStreamEvent => ({ ...event, sequence_number: sequence++ }) as ResponseStreamEvent;
  let context: ResponseContext | undefined;
  const output: ResponseOutputItem[] = [];
  let message: { item: ResponseOutputMessage; index: number } | undefined;
  let reasoning: { item: ResponseReasoningItem; index: number } | undefined;
  /** Canonical tool-call index → its item; calls stay open until the answer ends (deltas may interleave). */
  const calls = new Map<number, { item: ResponseFunctionToolCall; index: number; id: string }>();

  function* closeMessage(status: ResponseOutputMessage['status'] = 'completed'): Generator<ResponseStreamEvent> {
    if (!message) return;
    const { item, index } = message;
    message = undefined;
    const part = item.content[0]!;
    const text = part.type === 'output_text' ? part.text : '';
    item.status = status;
    yield numbered({ type: 'response.output_text.done', item_id: item.id, output_index: index, content_index: 0, text, logprobs: [] });
    yield numbered({
      type: 'response.content_part.done',
      item_id: item.id,
      output_index: index,
      content_index: 0,
      part: structuredClone(part),
    });
    yield numbered({ type: 'response.output_item.done', output_index: index, item: structuredClone(item) });
  }
  function* closeReasoning(status: NonNullable<ResponseReasoningItem['status']> = 'completed'): Generator<ResponseStreamEvent> {
    if (!reasoning) return;
    const { item, index } = reasoning;
    reasoning = undefined;
    const text = item.content?.[0]?.text ?? '';
    item.status = status;
    yield numbered({ type: 'response.reasoning_text.done', item_id: item.id, output_index: index, content_index: 0, text });
    yield numbered({
      type: 'response.content_part.done',
      item_id: item.id,
      output_index: index,
      content_index: 0,
      part: { type: 'reasoning_text', text },
    });
    yield numbered({ type: 'response.output_item.done', output_index: index, item: structuredClone(item) });
  }
  function* closeCalls(lastStatus: NonNullable<ResponseFunctionToolCall['status']>): Generator<ResponseStreamEvent> {
    const open = [...calls.values()].sort((a, b) => a.index - b.index);
    calls.clear();
    for (const { item, index, id } of open) {
      item.status = index === output.length - 1 ? lastStatus : 'completed';
      yield numbered({
        type: 'response.function_call_arguments.done',
        item_id: id,
        output_index: index,
        // openai 6 types `name` on this event and openai 7 does not; OpenAI sends it.
        ...{ name: item.name },
        arguments: item.arguments,
      });
      yield numbered({ type: 'response.output_item.done', output_index: index, item: structuredClone(item) });
    }
  }

  /** Citations OpenAI's Responses API gave the message still open at the end (web search). */
  function* annotate(annotations: unknown[]): Generator<ResponseStreamEvent> {
    const text = message?.item.content[0];
    if (!message || text?.type !== 'output_text') return;
    for (const annotation of annotations) {
      text.annotations.push(structuredClone(annotation) as (typeof text.annotations)[number]);
      yield numbered({
        type: 'response.output_text.annotation.added',
        item_id: message.item.id,
        output_index: message.index,
        content_index: 0,
        annotation_index: text.annotations.length - 1,
        // openai 7 types the citation kinds here, openai 6 `unknown`.
        annotation: annotation as (typeof text.annotations)[number],
      });
    }
  }

  for await (const part of parts) {
    if (!context) {
      context = options.context(part);
      const empty = buildResponse(context, []);
      yield numbered({ type: 'response.created', response: empty });
      yield numbered({ type: 'response.in_progress', response: structuredClone(empty) });
    }
    const id = context.id;
    switch (part.type) {
      case 'stream-start':
        break;
      case 'text-delta': {
        if (!part.delta) break;
        if (!message) {
          yield* closeReasoning();
          const index = output.length;
          const item = messageItem(itemId(id, 'msg', index), '', 'in_progress');
          const added = structuredClone(item);
          added.content = [];
          output.push(item);
          message = { item, index };
          yield numbered({ type: 'response.output_item.added', output_index: index, item: added });
          yield numbered({
            type: 'response.content_part.added',
            item_id: item.id,
            output_index: index,
            content_index: 0,
            part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
          });
        }
        const text = message.item.content[0]!;
        if (text.type === 'output_text') text.text += part.delta;
        yield numbered({
          type: 'response.output_text.delta',
          item_id: message.item.id,
          output_index: message.index,
          content_index: 0,
          delta: part.delta,
          logprobs: [],
        });
        break;
      }
      case 'reasoning-delta': {
        if (!part.delta && !part.signature) break;
        if (!reasoning) {
          yield* closeMessage();
          const index = output.length;
          const item = reasoningItem(itemId(id, 'rs', index), '', undefined, 'in_progress');
          output.push(item);
          reasoning = { item, index };
          yield numbered({
            type: 'response.output_item.added',
            output_index: index,
            item: { type: 'reasoning', id: item.id, summary: [], status: 'in_progress' },
          });
          yield numbered({
            type: 'response.content_part.added',
            item_id: item.id,
            output_index: index,
            content_index: 0,
            part: { type: 'reasoning_text', text: '' },
          });
        }
        if (part.signature) reasoning.item.encrypted_content = part.signature;
        if (part.delta) {
          reasoning.item.content![0]!.text += part.delta;
          yield numbered({
            type: 'response.reasoning_text.delta',
            item_id: reasoning.item.id,
            output_index: reasoning.index,
            content_index: 0,
            delta: part.delta,
          });
        }
        break;
      }
      case 'tool-call-start': {
        yield* closeMessage();
        yield* closeReasoning();
        const index = output.length;
        const callItemId = itemId(id, 'fc', index);
        const item = functionCallItem(callItemId, { id: part.id, name: part.name, arguments: '' }, 'in_progress');
        output.push(item);
        calls.set(part.index, { item, index, id: callItemId });
        yield numbered({ type: 'response.output_item.added', output_index: index, item: structuredClone(item) });
        break;
      }
      case 'tool-call-delta': {
        const call = calls.get(part.index);
        if (!call || !part.argumentsDelta) break;
        call.item.arguments += part.argumentsDelta;
        yield numbered({
          type: 'response.function_call_arguments.delta',
          item_id: call.id,
          output_index: call.index,
          delta: part.argumentsDelta,
        });
        break;
      }
      case 'finish': {
        const cut = incompleteReason(part.finishReason) !== undefined;
        const last = output.length - 1;
        yield* annotate(lastMessageAnnotations(part.providerMetadata));
        yield* closeMessage(cut && message?.index === last ? 'incomplete' : 'completed');
        yield* closeReasoning(cut && reasoning?.index === last ? 'incomplete' : 'completed');
        yield* closeCalls(cut ? 'incomplete' : 'completed');
        // Items only OpenAI's Responses API makes (a web search, a code run) come after the streamed ones.
        for (const item of hostedOutput(part.providerMetadata)) {
          const index = output.length;
          output.push(item);
          yield numbered({ type: 'response.output_item.added', output_index: index, item: structuredClone(item) });
          yield numbered({ type: 'response.output_item.done', output_index: index, item: structuredClone(item) });
        }
        const final = buildResponse(context, output, { usage: part.usage, finish: part.finishReason });
        await options.onFinal?.(final);
        yield numbered(cut ? { type: 'response.incomplete', response: final } : { type: 'response.completed', response: final });
        break;
      }
    }
  }
}

/** What `responses.create({ stream: true })` returns: the openai SDK's Stream surface over Responses events, plus `zen`. */
export class ZenResponseStream extends ZenStream<ResponseStreamEvent> {}
