import type { ReasoningPart, TextPart, ToolCallPart } from '../../core/request.js';
import { ZenError } from '../../core/errors.js';
import type { CallWarning, FinishReason, GeneratedImage, GenerationResult, UnifiedFinishReason } from '../../core/result.js';
import { makeUsage, type Usage } from '../../core/usage.js';
import type { ErrorContext } from '../shared.js';
import type { ImageResult } from '../types.js';
import type { GeminiPart } from './convert-request.js';

/** Gemini `GenerateContentResponse` (the same JSON from both SDKs) → canonical result. */

export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
  toolUsePromptTokenCount?: number;
  totalTokenCount?: number;
}

export interface GeminiCandidate {
  content?: { parts?: GeminiPart[]; role?: string };
  finishReason?: string;
  finishMessage?: string;
  safetyRatings?: unknown[];
  groundingMetadata?: unknown;
  citationMetadata?: unknown;
  urlContextMetadata?: unknown;
  index?: number;
}

export interface GeminiResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string; safetyRatings?: unknown[] };
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
  createTime?: string;
  /** An error object inside a stream (the v1 Vertex SDK passes it on as a chunk). */
  error?: { code?: number; message?: string; status?: string; details?: unknown[] };
}

const CONTENT_FILTER_REASONS = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);
const ERROR_REASONS = new Set([
  'MALFORMED_FUNCTION_CALL',
  'UNEXPECTED_TOOL_CALL',
  'TOO_MANY_TOOL_CALLS',
  'MISSING_THOUGHT_SIGNATURE',
  'MALFORMED_RESPONSE',
]);

export function mapFinishReason(raw: string | undefined, hasToolCalls: boolean): FinishReason {
  let unified: UnifiedFinishReason;
  if (raw === 'STOP') unified = hasToolCalls ? 'tool-calls' : 'stop';
  else if (raw === 'MAX_TOKENS') unified = 'length';
  else if (raw && CONTENT_FILTER_REASONS.has(raw)) unified = 'content-filter';
  else if (raw && ERROR_REASONS.has(raw)) unified = 'error';
  else unified = 'other';
  return { unified, raw };
}

/** A response with no candidate and a `promptFeedback.blockReason`: the prompt itself was blocked. */
export function promptBlockReason(response: GeminiResponse): string | undefined {
  return response.candidates?.length ? undefined : response.promptFeedback?.blockReason;
}

export function convertUsage(metadata: GeminiUsageMetadata | undefined): Usage {
  const thoughts = metadata?.thoughtsTokenCount ?? 0;
  return makeUsage({
    // promptTokenCount already includes cached tokens; tool-use prompt tokens are input too.
    inputTotal: (metadata?.promptTokenCount ?? 0) + (metadata?.toolUsePromptTokenCount ?? 0),
    cacheRead: metadata?.cachedContentTokenCount ?? 0,
    outputTotal: (metadata?.candidatesTokenCount ?? 0) + thoughts,
    reasoning: thoughts,
  });
}

/** Gemini sends no call ids (Vertex never, the Gemini API rarely), so one is made when missing. */
export function toolCallId(part: GeminiPart): string {
  return part.functionCall?.id || `call_${crypto.randomUUID().replace(/-/g, '').slice(0, 24)}`;
}

/**
 * One part → canonical parts. A signature on a text part (Gemini 3 signs the first part after its
 * thoughts) has no place on TextPart, so it travels as a reasoning part without text just before
 * it; convert-request attaches it back to the part that follows.
 */
export function convertPart(part: GeminiPart): Array<TextPart | ReasoningPart | ToolCallPart> {
  if (part.functionCall) {
    return [
      {
        type: 'tool-call',
        id: toolCallId(part),
        name: part.functionCall.name,
        arguments: JSON.stringify(part.functionCall.args ?? {}),
        ...(part.thoughtSignature ? { providerData: { thoughtSignature: part.thoughtSignature } } : {}),
      },
    ];
  }
  if (typeof part.text !== 'string') return [];
  if (part.thought) return [{ type: 'reasoning', text: part.text, ...(part.thoughtSignature ? { signature: part.thoughtSignature } : {}) }];
  const out: Array<TextPart | ReasoningPart> = [];
  if (part.thoughtSignature) out.push({ type: 'reasoning', text: '', signature: part.thoughtSignature });
  if (part.text) out.push({ type: 'text', text: part.text });
  return out;
}

export function providerMetadataOf(response: GeminiResponse, candidate: GeminiCandidate | undefined): Record<string, unknown> | undefined {
  const metadata: Record<string, unknown> = {};
  if (candidate?.groundingMetadata) metadata.groundingMetadata = candidate.groundingMetadata;
  if (candidate?.urlContextMetadata) metadata.urlContextMetadata = candidate.urlContextMetadata;
  if (candidate?.citationMetadata) metadata.citationMetadata = candidate.citationMetadata;
  if (candidate?.safetyRatings) metadata.safetyRatings = candidate.safetyRatings;
  if (candidate?.finishMessage) metadata.finishMessage = candidate.finishMessage;
  if (response.promptFeedback) metadata.promptFeedback = response.promptFeedback;
  return Object.keys(metadata).length > 0 ? metadata : undefined;
}

function createdOf(response: GeminiResponse): number | undefined {
  const time = response.createTime ? Date.parse(response.createTime) : Number.NaN;
  return Number.isFinite(time) ? Math.floor(time / 1000) : undefined;
}

export function convertResponse(response: GeminiResponse, warnings: CallWarning[]): GenerationResult {
  const candidate = response.candidates?.[0];
  const content = (candidate?.content?.parts ?? []).flatMap(convertPart);
  const blocked = promptBlockReason(response);
  const finishReason: FinishReason = blocked
    ? { unified: 'content-filter', raw: blocked }
    : mapFinishReason(
        candidate?.finishReason,
        content.some((part) => part.type === 'tool-call'),
      );
  const created = createdOf(response);
  const providerMetadata = providerMetadataOf(response, candidate);
  return {
    id: response.responseId,
    modelId: response.modelVersion,
    ...(created !== undefined ? { created } : {}),
    content,
    finishReason,
    usage: convertUsage(response.usageMetadata),
    warnings,
    ...(providerMetadata ? { providerMetadata } : {}),
  };
}

/** The images of a Gemini image model's answer (`inlineData` parts). */
export function imagesOf(response: GeminiResponse): GeneratedImage[] {
  const parts = response.candidates?.[0]?.content?.parts ?? [];
  return parts
    .filter((part) => part.inlineData?.mimeType?.startsWith('image/') && !part.thought)
    .map((part) => ({ base64: part.inlineData!.data, mediaType: part.inlineData!.mimeType }));
}

/**
 * The answers of a Gemini image model (one call per requested image) → an image result. An answer
 * without an image is an error: blocked by a filter, or the model only talked.
 */
export function convertImageResponses(responses: GeminiResponse[], warnings: CallWarning[], context: ErrorContext): ImageResult {
  const images: GeneratedImage[] = [];
  let inputTokens = 0;
  let outputTokens = 0;
  for (const response of responses) {
    const found = imagesOf(response);
    if (found.length === 0) {
      const finish = promptBlockReason(response) ?? response.candidates?.[0]?.finishReason;
      const filtered = finish !== undefined && mapFinishReason(finish, false).unified === 'content-filter';
      throw new ZenError({
        kind: filtered ? 'content_filter' : 'server',
        message: `${context.provider} ${context.model} returned no image${finish ? ` (finishReason ${finish})` : ''}.`,
        provider: context.provider,
        model: context.model,
        code: finish,
      });
    }
    images.push(...found);
    const usage = convertUsage(response.usageMetadata);
    inputTokens += usage.input.total;
    outputTokens += usage.output.total;
  }
  return { images, usage: { inputTokens, outputTokens }, warnings };
}

/** Imagen `generateImages` output; images removed by the RAI filter come back without bytes. */
export interface ImagenResponse {
  generatedImages?: Array<{ image?: { imageBytes?: string; mimeType?: string }; raiFilteredReason?: string; enhancedPrompt?: string }>;
}

export function convertImagenResponse(response: ImagenResponse, warnings: CallWarning[], context: ErrorContext): ImageResult {
  const generated = response.generatedImages ?? [];
  const images: GeneratedImage[] = generated
    .filter((entry) => entry.image?.imageBytes)
    .map((entry) => ({
      base64: entry.image!.imageBytes,
      mediaType: entry.image!.mimeType ?? 'image/png',
      ...(entry.enhancedPrompt ? { revisedPrompt: entry.enhancedPrompt } : {}),
    }));
  if (images.length === 0) {
    const reason = generated.find((entry) => entry.raiFilteredReason)?.raiFilteredReason;
    throw new ZenError({
      kind: reason ? 'content_filter' : 'server',
      message: `${context.provider} ${context.model} returned no image${reason ? `: ${reason}` : '.'}`,
      provider: context.provider,
      model: context.model,
    });
  }
  if (images.length < generated.length) {
    warnings.push({
      type: 'other',
      message: `${generated.length - images.length} of ${generated.length} images were removed by Google's safety filter.`,
    });
  }
  return { images, warnings };
}
