import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CallWarning } from '../../core/result.js';
import type { StreamPart } from '../../core/stream-part.js';
import { emptyUsage, type Usage } from '../../core/usage.js';
import { convertUsage, mapFinishReason, providerMetadata, reasoningText } from './convert-response.js';

export interface ConvertStreamOptions {
  warnings: CallWarning[];
  signal?: AbortSignal;
  /** Turns an abort into the ZenError the caller should see. */
  onAborted: (reason: unknown) => Error;
}

/**
 * Tracks OpenAI's per-index tool deltas. A new call starts when an index is seen for the first
 * time, or when a known index arrives with a different id (some compatible vendors reuse index 0
 * for every call).
 */
class ToolCallIndex {
  private readonly calls = new Map<number, { index: number; id: string }>();
  private count = 0;

  begin(vendorIndex: number, id: string | undefined): number | undefined {
    const known = this.calls.get(vendorIndex);
    if (known && (id === undefined || id === known.id)) return undefined;
    const index = this.count++;
    this.calls.set(vendorIndex, { index, id: id ?? `call_${index}` });
    return index;
  }

  get(vendorIndex: number): { index: number; id: string } {
    return this.calls.get(vendorIndex)!;
  }
}

/**
 * SDK chunks → canonical parts. The finish part is emitted once the stream has ended, because
 * the usage chunk comes after the chunk with the finish_reason; a stream that ends without any
 * finish_reason yields no finish part, so `guardStream` reports it as interrupted.
 */
export async function* convertStream(
  chunks: AsyncIterable<ChatCompletionChunk>,
  options: ConvertStreamOptions,
): AsyncGenerator<StreamPart> {
  let started = false;
  let finishReason: string | undefined;
  let usage: Usage | undefined;
  let metadata: Record<string, unknown> | undefined;
  const toolCalls = new ToolCallIndex();

  for await (const chunk of chunks) {
    if (!started) {
      started = true;
      yield { type: 'stream-start', id: chunk.id, modelId: chunk.model, created: chunk.created, warnings: options.warnings };
    }
    if (chunk.usage) usage = convertUsage(chunk.usage);
    metadata ??= providerMetadata(chunk);
    const choice = chunk.choices?.[0];
    if (!choice) continue;
    const delta = choice.delta ?? {};
    const reasoning = reasoningText(delta);
    if (reasoning) yield { type: 'reasoning-delta', delta: reasoning };
    if (delta.content) yield { type: 'text-delta', delta: delta.content };
    for (const call of delta.tool_calls ?? []) {
      const newIndex = toolCalls.begin(call.index, call.id);
      if (newIndex !== undefined) {
        yield { type: 'tool-call-start', index: newIndex, id: toolCalls.get(call.index).id, name: call.function?.name ?? '' };
      }
      const args = call.function?.arguments;
      if (args) yield { type: 'tool-call-delta', index: toolCalls.get(call.index).index, argumentsDelta: args };
    }
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }

  // The SDK ends its iterator quietly when the request is aborted; that is not a finished answer.
  if (options.signal?.aborted) throw options.onAborted(options.signal.reason);
  if (finishReason === undefined) return;
  yield {
    type: 'finish',
    finishReason: mapFinishReason(finishReason),
    // Vendors that ignore stream_options send no usage chunk; zeros beat losing the answer.
    usage: usage ?? emptyUsage(),
    ...(metadata ? { providerMetadata: metadata } : {}),
  };
}
