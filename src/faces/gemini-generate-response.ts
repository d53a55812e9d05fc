import type {
  Candidate,
  FunctionCall,
  GenerateContentResponse,
  GenerateContentResponsePromptFeedback,
  GenerateContentResponseUsageMetadata,
  Part,
} from '@google/genai';
import type { ReasoningPart, TextPart, ToolCallPart } from '../core/request.js';
import type { CallWarning, FinishReason, GenerationResult } from '../core/result.js';
import type { Usage } from '../core/usage.js';
import { parseArgumentsObject } from './invalid-request.js';

/**
 * A GenerateContentResponse as @google/genai returns it: plain data fields plus the class's
 * convenience getters (`text`, `functionCalls`, `data`, ...), reimplemented here so that no SDK is
 * loaded. Getters live on the prototype, so JSON.stringify prints the wire shape only. The SDK's
 * console warnings about mixed parts are left out: a library should not log.
 */
export class ZenGenerateContentResponse implements GenerateContentResponse {
  candidates?: Candidate[];
  createTime?: string;
  modelVersion?: string;
  promptFeedback?: GenerateContentResponsePromptFeedback;
  responseId?: string;
  usageMetadata?: GenerateContentResponseUsageMetadata;

  constructor(
    fields: Pick<GenerateContentResponse, 'candidates' | 'createTime' | 'modelVersion' | 'promptFeedback' | 'responseId' | 'usageMetadata'>,
  ) {
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) (this as Record<string, unknown>)[key] = value;
  }

  private get parts(): Part[] | undefined {
    return this.candidates?.[0]?.content?.parts;
  }

  /** The text parts of the first candidate, thoughts left out; undefined when there is none. */
  get text(): string | undefined {
    const parts = this.parts;
    if (parts?.length === 0) return undefined;
    let text = '';
    let any = false;
    for (const part of parts ?? []) {
      if (typeof part.text !== 'string' || part.thought === true) continue;
      any = true;
      text += part.text;
    }
    return any ? text : undefined;
  }

  /** The inline data of the first candidate, concatenated, as base64. */
  get data(): string | undefined {
    const parts = this.parts;
    if (parts?.length === 0) return undefined;
    let data = '';
    for (const part of parts ?? []) if (typeof part.inlineData?.data === 'string') data += atob(part.inlineData.data);
    return data.length > 0 ? btoa(data) : undefined;
  }

  /** The function calls of the first candidate; undefined when there are none. */
  get functionCalls(): FunctionCall[] | undefined {
    const calls = this.parts?.flatMap((part) => (part.functionCall ? [part.functionCall] : []));
    return calls && calls.length > 0 ? calls : undefined;
  }

  get executableCode(): string | undefined {
    return this.parts?.find((part) => part.executableCode)?.executableCode?.code;
  }

  get codeExecutionResult(): string | undefined {
    return this.parts?.find((part) => part.codeExecutionResult)?.codeExecutionResult?.output;
  }

  get initialPromptTokenCount(): number | undefined {
    return this.usageMetadata?.promptTokenCount;
  }
}

/** Gemini's finish reasons are upper-case words; a Google answer's own reason is kept as it is. */
export function geminiFinishReason(reason: FinishReason): Candidate['finishReason'] {
  if (reason.raw && /^[A-Z][A-Z_]+$/.test(reason.raw)) return reason.raw as Candidate['finishReason'];
  switch (reason.unified) {
    case 'stop':
    case 'tool-calls':
      return 'STOP' as Candidate['finishReason'];
    case 'length':
      return 'MAX_TOKENS' as Candidate['finishReason'];
    case 'content-filter':
      return 'SAFETY' as Candidate['finishReason'];
    default:
      return 'OTHER' as Candidate['finishReason'];
  }
}

/** Gemini counts thoughts apart from the answer (`candidatesTokenCount` excludes them) and cached tokens inside the prompt. */
export function geminiUsage(usage: Usage): GenerateContentResponseUsageMetadata {
  return {
    promptTokenCount: usage.input.total,
    candidatesTokenCount: usage.output.text,
    ...(usage.output.reasoning > 0 ? { thoughtsTokenCount: usage.output.reasoning } : {}),
    ...(usage.input.cacheRead > 0 ? { cachedContentTokenCount: usage.input.cacheRead } : {}),
    totalTokenCount: usage.input.total + usage.output.total,
  };
}

/** A function call part; the canonical id is kept so that the caller's functionResponse can name it. */
export function functionCallPart(call: Pick<ToolCallPart, 'id' | 'name' | 'arguments' | 'providerData'>, warnings: CallWarning[]): Part {
  let args = parseArgumentsObject(call.arguments);
  if (!args) {
    warnings.push({
      type: 'other',
      setting: 'functionCall.args',
      message: `The model's arguments for ${call.name} are not a JSON object; functionCall.args is {}.`,
    });
    args = {};
  }
  const signature = call.providerData?.thoughtSignature;
  return {
    functionCall: { id: call.id, name: call.name, args },
    ...(typeof signature === 'string' ? { thoughtSignature: signature } : {}),
  };
}

/**
 * Canonical content → Gemini parts. Thoughts with text become `thought` parts; a signature with
 * no text (Gemini's own convention) goes on the part that follows it.
 */
export function geminiParts(content: Array<TextPart | ReasoningPart | ToolCallPart>, warnings: CallWarning[]): Part[] {
  const parts: Part[] = [];
  let pendingSignature: string | undefined;
  const push = (part: Part): void => {
    if (pendingSignature && !part.thoughtSignature) part.thoughtSignature = pendingSignature;
    pendingSignature = undefined;
    parts.push(part);
  };
  for (const part of content) {
    if (part.type === 'reasoning') {
      // Anthropic's redacted thinking has no Gemini form.
      if (part.redactedData !== undefined) continue;
      if (part.text) push({ text: part.text, thought: true, ...(part.signature ? { thoughtSignature: part.signature } : {}) });
      else if (part.signature) pendingSignature = part.signature;
    } else if (part.type === 'text') {
      const last = parts[parts.length - 1];
      if (last && typeof last.text === 'string' && !last.thought && !pendingSignature) last.text += part.text;
      else push({ text: part.text });
    } else {
      push(functionCallPart(part, warnings));
    }
  }
  if (pendingSignature) parts.push({ text: '', thoughtSignature: pendingSignature });
  return parts;
}

/** Google's extras on the answer (grounding, citations, safety ratings) go back where Gemini puts them. */
function candidateExtras(providerMetadata: Record<string, unknown> | undefined): Partial<Candidate> {
  const extras: Record<string, unknown> = {};
  for (const key of ['safetyRatings', 'groundingMetadata', 'citationMetadata', 'urlContextMetadata', 'finishMessage']) {
    if (providerMetadata?.[key] !== undefined) extras[key] = providerMetadata[key];
  }
  return extras as Partial<Candidate>;
}

export function toGenerateContentResponse(
  result: GenerationResult,
  requestId: string,
  model: string,
  warnings: CallWarning[],
): ZenGenerateContentResponse {
  const promptFeedback = result.providerMetadata?.promptFeedback as GenerateContentResponsePromptFeedback | undefined;
  return new ZenGenerateContentResponse({
    candidates: [
      {
        content: { role: 'model', parts: geminiParts(result.content, warnings) },
        finishReason: geminiFinishReason(result.finishReason),
        index: 0,
        ...candidateExtras(result.providerMetadata),
      },
    ],
    ...(result.created !== undefined ? { createTime: new Date(result.created * 1000).toISOString() } : {}),
    modelVersion: model,
    ...(promptFeedback ? { promptFeedback } : {}),
    responseId: result.id ?? requestId,
    usageMetadata: geminiUsage(result.usage),
  });
}
