import type Anthropic from '@anthropic-ai/sdk';
import type { StreamPart } from '../core/stream-part.js';
import { anthropicStopReason, anthropicUsage, messageId, stopSequenceOf } from './anthropic-messages-response.js';

interface EventContext {
  requestId: string;
  /** The model name to report, read when the stream starts (the winning channel is known by then). */
  model: () => string;
}

type OpenBlock = { kind: 'text' | 'thinking' | 'tool'; index: number };

/**
 * Canonical stream parts → the raw Messages event sequence, in the order the Anthropic API sends
 * it: `message_start`, then per content block `content_block_start` / `content_block_delta`s /
 * `content_block_stop` (blocks never overlap), then `message_delta` with the stop reason and the
 * usage, then `message_stop`.
 */
export async function* toMessageEvents(
  parts: AsyncIterable<StreamPart>,
  context: EventContext,
): AsyncGenerator<Anthropic.RawMessageStreamEvent> {
  let started = false;
  let nextIndex = 0;
  let open: OpenBlock | undefined;
  /** Canonical tool-call index → its content block index. */
  const toolBlocks = new Map<number, number>();

  const start = (id: string | undefined, modelId: string | undefined): Anthropic.RawMessageStartEvent => {
    started = true;
    return {
      type: 'message_start',
      message: {
        id: messageId(id, context.requestId),
        type: 'message',
        role: 'assistant',
        model: modelId ?? context.model(),
        content: [],
        stop_reason: null,
        stop_sequence: null,
        stop_details: null,
        container: null,
        diagnostics: null,
        // The input count is known only at the end here; message_delta carries it, and the SDK's
        // accumulator takes the cumulative counts from there.
        usage: anthropicUsage({
          input: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 },
          output: { total: 0, text: 0, reasoning: 0 },
        }),
      },
    };
  };
  function* close(): Generator<Anthropic.RawMessageStreamEvent> {
    if (open) yield { type: 'content_block_stop', index: open.index };
    open = undefined;
  }
  function* openBlock(
    kind: OpenBlock['kind'],
    block: Anthropic.RawContentBlockStartEvent['content_block'],
  ): Generator<Anthropic.RawMessageStreamEvent> {
    yield* close();
    open = { kind, index: nextIndex++ };
    yield { type: 'content_block_start', index: open.index, content_block: block };
  }

  for await (const part of parts) {
    if (part.type === 'stream-start') {
      if (!started) yield start(part.id, part.modelId);
      continue;
    }
    if (!started) yield start(undefined, undefined);
    switch (part.type) {
      case 'text-delta':
        if (!part.delta) break;
        if (open?.kind !== 'text') yield* openBlock('text', { type: 'text', text: '', citations: null });
        yield { type: 'content_block_delta', index: open!.index, delta: { type: 'text_delta', text: part.delta } };
        break;
      case 'reasoning-delta':
        if (!part.delta && !part.signature) break;
        if (open?.kind !== 'thinking') yield* openBlock('thinking', { type: 'thinking', thinking: '', signature: '' });
        if (part.delta) yield { type: 'content_block_delta', index: open!.index, delta: { type: 'thinking_delta', thinking: part.delta } };
        if (part.signature)
          yield { type: 'content_block_delta', index: open!.index, delta: { type: 'signature_delta', signature: part.signature } };
        break;
      case 'tool-call-start':
        yield* openBlock('tool', { type: 'tool_use', id: part.id, name: part.name, input: {}, caller: { type: 'direct' } });
        toolBlocks.set(part.index, open!.index);
        break;
      case 'tool-call-delta': {
        if (!part.argumentsDelta) break;
        // Vendors stream one call after another; a late delta for an earlier call keeps that call's index.
        const index = toolBlocks.get(part.index) ?? open?.index;
        if (index !== undefined)
          yield { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part.argumentsDelta } };
        break;
      }
      case 'finish': {
        yield* close();
        const stopSequence = stopSequenceOf(part.providerMetadata);
        const stopReason = anthropicStopReason(part.finishReason, stopSequence);
        const { input_tokens, output_tokens, cache_read_input_tokens, cache_creation_input_tokens, output_tokens_details } = anthropicUsage(
          part.usage,
        );
        yield {
          type: 'message_delta',
          delta: {
            stop_reason: stopReason,
            stop_sequence: stopSequence,
            stop_details: stopReason === 'refusal' ? { type: 'refusal', category: null, explanation: null } : null,
            container: null,
          },
          usage: {
            input_tokens,
            output_tokens,
            cache_read_input_tokens,
            cache_creation_input_tokens,
            output_tokens_details,
            server_tool_use: null,
          },
        };
        yield { type: 'message_stop' };
        break;
      }
    }
  }
}
