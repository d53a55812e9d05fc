import type Anthropic from '@anthropic-ai/sdk';
import type { CallWarning, FinishReason } from '../../core/result.js';
import type { StreamPart } from '../../core/stream-part.js';
import { abortedError, type ErrorContext } from '../shared.js';
import { mapStopReason, mapUsage, type AnthropicUsageFields } from './convert-response.js';

export interface StreamOptions {
  warnings: CallWarning[];
  context: ErrorContext;
  signal?: AbortSignal;
}

interface ToolBlock {
  /** Counts tool calls from 0, whatever the block index. */
  index: number;
  sentArguments: boolean;
}

/**
 * The raw event stream of `messages.create({ stream: true })` → canonical parts. Ends with one
 * `finish` after `message_stop`; without `message_stop` it just ends, and guardStream turns that
 * into `stream_interrupted`. The SDK throws in-stream `error` events itself (mapped by the caller).
 */
export async function* convertStream(
  events: AsyncIterable<Anthropic.RawMessageStreamEvent>,
  options: StreamOptions,
): AsyncGenerator<StreamPart> {
  const toolBlocks = new Map<number, ToolBlock>();
  let toolCount = 0;
  // Usage is cumulative: message_start has the input, message_delta the output (and may restate the input).
  let usage: AnthropicUsageFields = {};
  let finishReason: FinishReason = mapStopReason(undefined);
  let stopSequence: string | null = null;
  let finished = false;

  for await (const event of events) {
    if (finished) continue; // nothing follows message_stop; reading on lets the connection close cleanly
    switch (event.type) {
      case 'message_start':
        usage = { ...event.message.usage };
        yield { type: 'stream-start', id: event.message.id, modelId: event.message.model, warnings: options.warnings };
        break;

      case 'content_block_start': {
        const block = event.content_block;
        if (block.type === 'text' && block.text) yield { type: 'text-delta', delta: block.text };
        else if (block.type === 'thinking' && block.thinking) yield { type: 'reasoning-delta', delta: block.thinking };
        else if (block.type === 'tool_use') {
          const tool: ToolBlock = { index: toolCount++, sentArguments: false };
          toolBlocks.set(event.index, tool);
          yield { type: 'tool-call-start', index: tool.index, id: block.id, name: block.name };
          // The API starts tool blocks with `input: {}` and streams the input; a filled input is sent whole.
          if (block.input && typeof block.input === 'object' && Object.keys(block.input).length > 0) {
            tool.sentArguments = true;
            yield { type: 'tool-call-delta', index: tool.index, argumentsDelta: JSON.stringify(block.input) };
          }
        }
        // redacted_thinking has no text and no stream part to carry its data; it is left out.
        break;
      }

      case 'content_block_delta': {
        const delta = event.delta;
        if (delta.type === 'text_delta') yield { type: 'text-delta', delta: delta.text };
        else if (delta.type === 'thinking_delta') yield { type: 'reasoning-delta', delta: delta.thinking };
        else if (delta.type === 'signature_delta') yield { type: 'reasoning-delta', delta: '', signature: delta.signature };
        else if (delta.type === 'input_json_delta') {
          const tool = toolBlocks.get(event.index);
          if (tool && delta.partial_json) {
            tool.sentArguments = true;
            yield { type: 'tool-call-delta', index: tool.index, argumentsDelta: delta.partial_json };
          }
        }
        break;
      }

      case 'content_block_stop': {
        const tool = toolBlocks.get(event.index);
        // A tool without arguments streams only an empty partial_json; its arguments are `{}`.
        if (tool && !tool.sentArguments) {
          tool.sentArguments = true;
          yield { type: 'tool-call-delta', index: tool.index, argumentsDelta: '{}' };
        }
        break;
      }

      case 'message_delta':
        finishReason = mapStopReason(event.delta.stop_reason);
        stopSequence = event.delta.stop_sequence ?? null;
        usage = mergeUsage(usage, event.usage);
        break;

      case 'message_stop':
        yield {
          type: 'finish',
          finishReason,
          usage: mapUsage(usage),
          ...(stopSequence ? { providerMetadata: { anthropic: { stopSequence } } } : {}),
        };
        finished = true;
        break;
    }
  }
  if (finished) return;
  // The SDK ends its iterator quietly when the request is aborted; that is the caller's abort, not a cut.
  if (options.signal?.aborted) throw abortedError(options.context);
}

/** Later cumulative counts win where the event carries them (null means "not restated"). */
function mergeUsage(current: AnthropicUsageFields, update: AnthropicUsageFields): AnthropicUsageFields {
  const merged: AnthropicUsageFields = { ...current };
  for (const key of [
    'input_tokens',
    'cache_read_input_tokens',
    'cache_creation_input_tokens',
    'output_tokens',
    'output_tokens_details',
  ] as const) {
    if (update[key] !== null && update[key] !== undefined) (merged as Record<string, unknown>)[key] = update[key];
  }
  return merged;
}
