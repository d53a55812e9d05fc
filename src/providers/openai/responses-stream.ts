import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { ZenError } from '../../core/errors.js';
import type { CallWarning } from '../../core/result.js';
import type { StreamPart } from '../../core/stream-part.js';
import { kindFromStatus } from '../shared.js';
import { responsesFinishReason, responsesMetadata, responsesUsage } from './responses-response.js';
import type { ConvertStreamOptions } from './convert-stream.js';

/** Statuses the API's error codes stand for, inside a 200 stream. */
const STATUS_BY_CODE: Record<string, number> = {
  rate_limit_exceeded: 429,
  server_error: 500,
  invalid_prompt: 400,
  vector_store_timeout: 504,
};

function streamError(code: string | null | undefined, message: string, context: { provider: string; model: string }): ZenError {
  const kind = kindFromStatus(STATUS_BY_CODE[code ?? ''] ?? 500, code ?? '', message);
  return new ZenError({
    kind,
    message: `${context.provider} ${context.model}: ${message}`,
    provider: context.provider,
    model: context.model,
    ...(code ? { code } : {}),
  });
}

/**
 * Responses API events → canonical parts: text and reasoning deltas, function calls (numbered in
 * the order they start), and a finish part from `response.completed` / `response.incomplete`
 * that carries the API's own output items. An `error` event or `response.failed` throws.
 */
export async function* convertResponsesStream(
  events: AsyncIterable<ResponseStreamEvent>,
  options: ConvertStreamOptions & { context: { provider: string; model: string }; warnings: CallWarning[] },
): AsyncGenerator<StreamPart> {
  const calls = new Map<number, number>();
  let started = false;
  for await (const event of events) {
    if (!started && event.type !== 'error') {
      started = true;
      const response = 'response' in event ? event.response : undefined;
      yield {
        type: 'stream-start',
        ...(response ? { id: response.id, modelId: response.model, created: response.created_at } : {}),
        warnings: options.warnings,
      };
    }
    switch (event.type) {
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        if (event.delta) yield { type: 'text-delta', delta: event.delta };
        break;
      case 'response.reasoning_text.delta':
      case 'response.reasoning_summary_text.delta':
        if (event.delta) yield { type: 'reasoning-delta', delta: event.delta };
        break;
      case 'response.output_item.added':
        if (event.item.type === 'function_call') {
          calls.set(event.output_index, calls.size);
          yield { type: 'tool-call-start', index: calls.get(event.output_index)!, id: event.item.call_id, name: event.item.name };
        }
        break;
      case 'response.function_call_arguments.delta': {
        const index = calls.get(event.output_index);
        if (index !== undefined && event.delta) yield { type: 'tool-call-delta', index, argumentsDelta: event.delta };
        break;
      }
      case 'response.completed':
      case 'response.incomplete':
        yield {
          type: 'finish',
          finishReason: responsesFinishReason(event.response),
          usage: responsesUsage(event.response.usage),
          providerMetadata: responsesMetadata(event.response),
        };
        return;
      case 'response.failed':
        throw streamError(event.response.error?.code, event.response.error?.message ?? 'The response failed.', options.context);
      case 'error':
        throw streamError(event.code, event.message, options.context);
      default:
        break;
    }
  }
  // The SDK ends its iterator quietly when the request is aborted; that is not a finished answer.
  if (options.signal?.aborted) throw options.onAborted(options.signal.reason);
}
