import type { Candidate, Part } from '@google/genai';
import type { CallWarning } from '../core/result.js';
import type { StreamPart } from '../core/stream-part.js';
import { functionCallPart, geminiFinishReason, geminiUsage, ZenGenerateContentResponse } from './gemini-generate-response.js';

interface ChunkContext {
  requestId: string;
  /** The model to report, read when the stream starts. */
  model: () => string;
  warnings: CallWarning[];
}

interface PendingCall {
  index: number;
  id: string;
  name: string;
  arguments: string;
  providerData?: Record<string, unknown>;
}

/**
 * Canonical stream parts → GenerateContentResponse chunks, as Gemini streams them: text and
 * thoughts as they come, function calls whole (one chunk for a run of calls), and the finish
 * reason with the usage on the last chunk, which carries an empty text part when nothing else is
 * left (so that `chunk.text` is `''`, never undefined, at the end of a text answer).
 */
export async function* toGenerateContentChunks(
  parts: AsyncIterable<StreamPart>,
  context: ChunkContext,
): AsyncGenerator<ZenGenerateContentResponse> {
  let responseId = context.requestId;
  let modelVersion: string | undefined;
  let calls: PendingCall[] = [];
  let pendingSignature: string | undefined;
  let lastWasThought = false;

  const chunk = (
    chunkParts: Part[],
    finish?: Pick<Candidate, 'finishReason'>,
    usage?: ZenGenerateContentResponse['usageMetadata'],
  ): ZenGenerateContentResponse =>
    new ZenGenerateContentResponse({
      candidates: [{ content: { role: 'model', parts: chunkParts }, ...finish, index: 0 }],
      modelVersion: modelVersion ?? context.model(),
      responseId,
      ...(usage ? { usageMetadata: usage } : {}),
    });
  const sign = (part: Part): Part => {
    if (pendingSignature && !part.thoughtSignature) part.thoughtSignature = pendingSignature;
    pendingSignature = undefined;
    return part;
  };
  const takeCalls = (): Part[] => {
    const out = calls.map((call) => sign(functionCallPart(call, context.warnings)));
    calls = [];
    return out;
  };

  for await (const part of parts) {
    if (part.type === 'stream-start') {
      responseId = part.id ?? responseId;
      modelVersion = part.modelId ?? modelVersion;
      continue;
    }
    if (calls.length > 0 && part.type !== 'tool-call-start' && part.type !== 'tool-call-delta' && part.type !== 'finish') {
      lastWasThought = false;
      yield chunk(takeCalls());
    }
    switch (part.type) {
      case 'text-delta':
        if (!part.delta) break;
        lastWasThought = false;
        yield chunk([sign({ text: part.delta })]);
        break;
      case 'reasoning-delta':
        if (part.delta) {
          lastWasThought = true;
          yield chunk([{ text: part.delta, thought: true, ...(part.signature ? { thoughtSignature: part.signature } : {}) }]);
        } else if (part.signature) {
          // The end of a signed thought (Anthropic) closes it; a lone signature (Gemini) signs the next part.
          if (lastWasThought) yield chunk([{ text: '', thought: true, thoughtSignature: part.signature }]);
          else pendingSignature = part.signature;
        }
        break;
      case 'tool-call-start':
        calls.push({
          index: part.index,
          id: part.id,
          name: part.name,
          arguments: '',
          ...(part.providerData ? { providerData: part.providerData } : {}),
        });
        break;
      case 'tool-call-delta': {
        const call = calls.find((candidate) => candidate.index === part.index);
        if (call) call.arguments += part.argumentsDelta;
        break;
      }
      case 'finish': {
        const finalParts = calls.length > 0 ? takeCalls() : [sign({ text: '' })];
        yield chunk(finalParts, { finishReason: geminiFinishReason(part.finishReason) }, geminiUsage(part.usage));
        break;
      }
    }
  }
}
