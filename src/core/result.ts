import type { ReasoningPart, TextPart, ToolCallPart } from './request.js';
import type { Usage } from './usage.js';

export type UnifiedFinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';

/** The unified reason next to the vendor's own word for it. */
export interface FinishReason {
  unified: UnifiedFinishReason;
  raw: string | undefined;
}

/** A parameter the chosen vendor could not honour and that was dropped without changing the meaning. */
export interface CallWarning {
  type: 'unsupported-setting' | 'other';
  setting?: string;
  message: string;
}

export interface GeneratedImage {
  /** Base64 image bytes, when the provider returned bytes. */
  base64?: string;
  url?: string;
  mediaType?: string;
  revisedPrompt?: string;
}

/** What one provider call produced, in canonical form. */
export interface GenerationResult {
  /** The vendor's response id. */
  id: string | undefined;
  /** The model id the vendor reports (may carry a date suffix). */
  modelId: string | undefined;
  created?: number;
  content: Array<TextPart | ReasoningPart | ToolCallPart>;
  finishReason: FinishReason;
  usage: Usage;
  warnings: CallWarning[];
  /** Vendor extras worth keeping (system_fingerprint, service_tier, Gemini grounding). */
  providerMetadata?: Record<string, unknown>;
}

/**
 * The provider metadata key under which the OpenAI adapter keeps the Responses API's own output
 * items when that API answered (a call with hosted tools): the Responses face returns them as they
 * came (web search calls, citations, code runs), where the canonical content holds only text,
 * reasoning and function calls.
 */
export const RESPONSES_OUTPUT_METADATA = 'openaiResponsesOutput';

export function resultText(result: Pick<GenerationResult, 'content'>): string {
  let text = '';
  for (const part of result.content) if (part.type === 'text') text += part.text;
  return text;
}

export function resultToolCalls(result: Pick<GenerationResult, 'content'>): ToolCallPart[] {
  return result.content.filter((part): part is ToolCallPart => part.type === 'tool-call');
}

/** What an image call produced, in canonical form. */
export interface ImageResult {
  images: GeneratedImage[];
  created?: number;
  usage?: { inputTokens: number; outputTokens: number };
  warnings: CallWarning[];
}
