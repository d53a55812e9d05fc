import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { StreamPart } from '../core/stream-part.js';
import { ZenStream } from './zen-stream.js';
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
    ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
      ...usageField,
    }) as ChatCompletionChunk;
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
export class ZenChatCompletionStream extends ZenStream<ChatCompletionChunk> {}
