import type { CallWarning, FinishReason } from '../../core/result.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { ErrorContext } from '../shared.js';
import {
  convertPart,
  convertUsage,
  mapFinishReason,
  promptBlockReason,
  providerMetadataOf,
  type GeminiResponse,
} from './convert-response.js';
import { errorFromStreamChunk } from './map-error.js';

/**
 * Gemini stream chunks → canonical parts. Every chunk is a whole `GenerateContentResponse` holding
 * the new parts; the one with `finishReason` ends the turn, and usage keeps arriving with the
 * chunks, so `finish` is emitted when the stream ends, with the last usage seen. A stream that ends
 * without a finishReason yields no `finish` (guardStream turns that into stream_interrupted).
 * Function calls arrive whole: each becomes one tool-call-start and one tool-call-delta.
 */
export async function* convertStream(
  chunks: AsyncIterable<GeminiResponse>,
  warnings: CallWarning[],
  context: ErrorContext,
): AsyncGenerator<StreamPart> {
  let started = false;
  let toolCalls = 0;
  let rawFinish: string | undefined;
  let blocked: string | undefined;
  let last: GeminiResponse | undefined;
  let usage = convertUsage(undefined);

  for await (const chunk of chunks) {
    if (chunk.error) throw errorFromStreamChunk(chunk.error, context);
    if (!started) {
      started = true;
      yield { type: 'stream-start', id: chunk.responseId, modelId: chunk.modelVersion, warnings };
    }
    last = chunk;
    if (chunk.usageMetadata) usage = convertUsage(chunk.usageMetadata);
    blocked ??= promptBlockReason(chunk);
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      for (const converted of convertPart(part)) {
        if (converted.type === 'text') yield { type: 'text-delta', delta: converted.text };
        else if (converted.type === 'reasoning')
          yield { type: 'reasoning-delta', delta: converted.text, ...(converted.signature ? { signature: converted.signature } : {}) };
        else {
          const index = toolCalls++;
          yield {
            type: 'tool-call-start',
            index,
            id: converted.id,
            name: converted.name,
            ...(converted.providerData ? { providerData: converted.providerData } : {}),
          };
          yield { type: 'tool-call-delta', index, argumentsDelta: converted.arguments };
        }
      }
    }
    if (candidate?.finishReason) rawFinish = candidate.finishReason;
  }

  if (rawFinish === undefined && blocked === undefined) return;
  const finishReason: FinishReason = blocked ? { unified: 'content-filter', raw: blocked } : mapFinishReason(rawFinish, toolCalls > 0);
  const providerMetadata = last ? providerMetadataOf(last, last.candidates?.[0]) : undefined;
  yield { type: 'finish', finishReason, usage, ...(providerMetadata ? { providerMetadata } : {}) };
}
