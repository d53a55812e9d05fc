import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { ZenError } from '../core/errors.js';
import type { StreamPart } from '../core/stream-part.js';
import type { EngineStream, ZenMetadata } from './engine.js';
import { completionId, openaiFinishReason, openaiUsage, type ChunkDelta } from './openai-chat-response.js';

interface ChunkContext {
  requestId: string;
  model: () => string;
  includeUsage: boolean;
}

/** Canonical stream parts → ChatCompletionChunks, in the order and shape the OpenAI API sends them. */
export async function* toChatChunks(parts: AsyncIterable<StreamPart>, context: ChunkContext): AsyncGenerator<ChatCompletionChunk> {
  let id = `chatcmpl-${context.requestId}`;
  let created = Math.floor(Date.now() / 1000);
  let model = context.model();
  let started = false;
  const usageField = context.includeUsage ? { usage: null } : {};
  const chunk = (delta: ChunkDelta, finish: ChatCompletionChunk.Choice['finish_reason'] = null): ChatCompletionChunk =>
    ({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }], ...usageField }) as ChatCompletionChunk;
  for await (const part of parts) {
    if (part.type === 'stream-start') {
      id = completionId(part.id, context.requestId);
      created = part.created ?? created;
      model = context.model();
      continue;
    }
    if (!started) {
      started = true;
      yield chunk({ role: 'assistant', content: '', refusal: null });
    }
    switch (part.type) {
      case 'text-delta':
        if (part.delta) yield chunk({ content: part.delta });
        break;
      case 'reasoning-delta':
        if (part.delta) yield chunk({ reasoning_content: part.delta });
        break;
      case 'tool-call-start':
        yield chunk({ tool_calls: [{ index: part.index, id: part.id, type: 'function', function: { name: part.name, arguments: '' } }] });
        break;
      case 'tool-call-delta':
        if (part.argumentsDelta) yield chunk({ tool_calls: [{ index: part.index, function: { arguments: part.argumentsDelta } }] });
        break;
      case 'finish':
        yield chunk({}, openaiFinishReason(part.finishReason));
        if (context.includeUsage) {
          yield { id, object: 'chat.completion.chunk', created, model, choices: [], usage: openaiUsage(part.usage) } as ChatCompletionChunk;
        }
        break;
    }
  }
}

/**
 * What `chat.completions.create({ stream: true })` returns: the openai SDK's Stream surface (async
 * iteration, `controller`, `tee()`, `toReadableStream()`), plus `zen` metadata.
 */
export class ZenChatCompletionStream implements AsyncIterable<ChatCompletionChunk> {
  private consumed = false;

  constructor(
    private readonly source: () => AsyncIterator<ChatCompletionChunk>,
    /** Aborting it cancels the call upstream; iteration then ends quietly, as with the openai SDK. */
    readonly controller: AbortController,
    private readonly engine: Pick<EngineStream, 'metadata' | 'done'>,
  ) {}

  /** Metadata so far; complete once the stream has ended. */
  get zen(): ZenMetadata {
    return this.engine.metadata();
  }

  /** Resolves with the final metadata once the stream ended, failed or was abandoned. */
  metadata(): Promise<ZenMetadata> {
    return this.engine.done;
  }

  [Symbol.asyncIterator](): AsyncIterator<ChatCompletionChunk> {
    if (this.consumed) throw new Error('Cannot iterate over a consumed stream, use `.tee()` to split the stream.');
    this.consumed = true;
    const iterator = this.source();
    const controller = this.controller;
    return {
      async next() {
        try {
          return await iterator.next();
        } catch (error) {
          if (controller.signal.aborted && ZenError.isInstance(error) && error.kind === 'aborted') return { done: true, value: undefined };
          throw error;
        }
      },
      async return() {
        controller.abort();
        await iterator.return?.();
        return { done: true, value: undefined };
      },
    };
  }

  /** Splits the stream in two independent readers (both see every chunk). */
  tee(): [ZenChatCompletionStream, ZenChatCompletionStream] {
    const left: Array<Promise<IteratorResult<ChatCompletionChunk>>> = [];
    const right: Array<Promise<IteratorResult<ChatCompletionChunk>>> = [];
    const iterator = this[Symbol.asyncIterator]();
    const teeIterator = (queue: typeof left, other: typeof left): (() => AsyncIterator<ChatCompletionChunk>) => () => ({
      next() {
        if (queue.length === 0) {
          const result = iterator.next();
          queue.push(result);
          other.push(result);
        }
        return queue.shift()!;
      },
    });
    return [
      new ZenChatCompletionStream(teeIterator(left, right), this.controller, this.engine),
      new ZenChatCompletionStream(teeIterator(right, left), this.controller, this.engine),
    ];
  }

  /** Newline-delimited JSON chunks, the format the openai SDK's `Stream.fromReadableStream` reads back. */
  toReadableStream(): ReadableStream<Uint8Array> {
    const iterator = this[Symbol.asyncIterator]();
    const encoder = new TextEncoder();
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { value, done } = await iterator.next();
          if (done) return controller.close();
          controller.enqueue(encoder.encode(`${JSON.stringify(value)}\n`));
        } catch (error) {
          controller.error(error);
        }
      },
      async cancel() {
        await iterator.return?.();
      },
    });
  }
}
