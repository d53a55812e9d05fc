import type {
  AssistantMessage,
  GenerationRequest,
  ImagePart,
  JsonSchema,
  Message,
  ProviderFamily,
  ReasoningEffort,
  ToolChoice,
} from '../../core/request.js';
import type { CallWarning } from '../../core/result.js';
import type { ImageRequest } from '../types.js';

/**
 * Canonical request → the Gemini wire format (`contents`, `systemInstruction`, `tools`,
 * `toolConfig`, `generationConfig`). @google/genai and @google-cloud/vertexai both send exactly
 * this JSON; each adapter only arranges it the way its SDK method takes it. The types below are
 * the wire format itself, so that both SDKs (whose own types differ in age) can share them.
 */

export interface GeminiPart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType: string; fileUri: string };
  functionCall?: { name: string; args: Record<string, unknown>; id?: string };
  functionResponse?: { name: string; response: Record<string, unknown>; id?: string };
}

export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parametersJsonSchema: JsonSchema;
}

export interface GeminiToolConfig {
  functionCallingConfig: { mode: 'AUTO' | 'ANY' | 'NONE'; allowedFunctionNames?: string[] };
}

export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseMimeType?: string;
  responseJsonSchema?: JsonSchema;
  responseModalities?: string[];
  imageConfig?: { aspectRatio?: string };
  thinkingConfig?: { thinkingBudget?: number; includeThoughts?: boolean };
}

export interface GeminiRequest {
  contents: GeminiContent[];
  systemInstruction?: { parts: Array<{ text: string }> };
  tools?: Array<{ functionDeclarations: GeminiFunctionDeclaration[] }>;
  toolConfig?: GeminiToolConfig;
  generationConfig: GeminiGenerationConfig;
}

export interface ConvertedRequest {
  request: GeminiRequest;
  warnings: CallWarning[];
  /** `providerOptions.google` or `.vertexai`, for the adapter to merge last. */
  providerOptions: Record<string, unknown>;
}

/**
 * Thinking budgets in tokens for an OpenAI-style effort. 'none' switches thinking off where the
 * model allows it (Flash); 'high' stays under 2.5 Flash's 24,576 ceiling.
 */
export const THINKING_BUDGETS: Record<ReasoningEffort, number> = {
  none: 0,
  minimal: 512,
  low: 2048,
  medium: 8192,
  high: 24_576,
};

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  bmp: 'image/bmp',
  svg: 'image/svg+xml',
};

/** The media type of an image URL by its extension; Gemini needs one for `fileData`. */
export function guessImageMediaType(url: string): string {
  const path = url.split(/[?#]/)[0] ?? '';
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return (extension && IMAGE_TYPES[extension]) || 'image/jpeg';
}

function imagePart(part: ImagePart): GeminiPart {
  const source = part.source;
  if (source.kind === 'base64') return { inlineData: { mimeType: source.mediaType, data: source.data } };
  // A data: URL carries its bytes; only real URLs become fileData references.
  const dataUrl = /^data:([^;,]+);base64,(.*)$/s.exec(source.url);
  if (dataUrl) return { inlineData: { mimeType: dataUrl[1]!, data: dataUrl[2]! } };
  return { fileData: { fileUri: source.url, mimeType: guessImageMediaType(source.url) } };
}

function parseArguments(text: string, warnings: CallWarning[], name: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text || '{}');
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  warnings.push({
    type: 'other',
    message: `The arguments of the earlier call to ${name} are not a JSON object; Gemini receives {} instead.`,
  });
  return {};
}

/**
 * Assistant parts. A reasoning part without text is the signature Gemini put on the part that
 * follows it (see convert-response), so it is attached back to that part.
 */
function modelParts(message: AssistantMessage, warnings: CallWarning[]): GeminiPart[] {
  const parts: GeminiPart[] = [];
  let pendingSignature: string | undefined;
  const sign = (part: GeminiPart): GeminiPart => {
    const signature = part.thoughtSignature ?? pendingSignature;
    pendingSignature = undefined;
    return signature ? { ...part, thoughtSignature: signature } : part;
  };
  for (const part of message.content) {
    if (part.type === 'text') {
      if (part.text) parts.push(sign({ text: part.text }));
    } else if (part.type === 'reasoning') {
      if (part.text) parts.push(sign({ text: part.text, thought: true, ...(part.signature ? { thoughtSignature: part.signature } : {}) }));
      else if (part.signature) pendingSignature = part.signature;
    } else {
      const signature = typeof part.providerData?.thoughtSignature === 'string' ? part.providerData.thoughtSignature : undefined;
      parts.push(
        sign({
          functionCall: { name: part.name, args: parseArguments(part.arguments, warnings, part.name) },
          ...(signature ? { thoughtSignature: signature } : {}),
        }),
      );
    }
  }
  if (pendingSignature) parts.push({ text: '', thoughtSignature: pendingSignature });
  return parts;
}

/** A tool result as Gemini's `response` object: parsed JSON when it is JSON, text otherwise. */
function toolResponse(content: string, isError: boolean | undefined): Record<string, unknown> {
  let value: unknown = content;
  try {
    value = JSON.parse(content);
  } catch {
    // plain text result
  }
  return isError ? { error: value } : { result: value };
}

/**
 * Gemini 3 answers 400 when a replayed turn's function calls carry no thought signature: history
 * from another provider, or a store that dropped providerData. Google documents this sentinel for
 * exactly that case; a step's signature belongs on its first call.
 */
export const SKIP_SIGNATURE_VALIDATOR = 'skip_thought_signature_validator';

function signUnsignedCalls(parts: GeminiPart[], unsigned: string[]): void {
  const calls = parts.filter((part) => part.functionCall);
  if (calls.length === 0 || calls.some((part) => part.thoughtSignature)) return;
  calls[0]!.thoughtSignature = SKIP_SIGNATURE_VALIDATOR;
  unsigned.push(calls[0]!.functionCall!.name);
}

function convertMessages(
  messages: Message[],
  warnings: CallWarning[],
  requiresSignatures: boolean,
): Pick<GeminiRequest, 'contents' | 'systemInstruction'> {
  const contents: GeminiContent[] = [];
  const unsigned: string[] = [];
  const system: Array<{ text: string }> = [];
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        system.push({ text: message.content });
        break;
      case 'user': {
        const parts = message.content.map((part): GeminiPart => (part.type === 'text' ? { text: part.text } : imagePart(part)));
        if (parts.length > 0) contents.push({ role: 'user', parts });
        break;
      }
      case 'assistant': {
        const parts = modelParts(message, warnings);
        if (requiresSignatures) signUnsignedCalls(parts, unsigned);
        if (parts.length > 0) contents.push({ role: 'model', parts });
        break;
      }
      case 'tool': {
        const part: GeminiPart = { functionResponse: { name: message.toolName, response: toolResponse(message.content, message.isError) } };
        const previous = contents[contents.length - 1];
        // Answers to one turn's parallel calls travel together in one user content.
        if (previous?.role === 'user' && previous.parts.every((candidate) => candidate.functionResponse)) previous.parts.push(part);
        else contents.push({ role: 'user', parts: [part] });
        break;
      }
    }
  }
  if (unsigned.length > 0) {
    warnings.push({
      type: 'other',
      message: `Earlier calls to ${[...new Set(unsigned)].join(', ')} had no Gemini thought signature; sent with ${SKIP_SIGNATURE_VALIDATOR}.`,
    });
  }
  return { contents, ...(system.length > 0 ? { systemInstruction: { parts: system } } : {}) };
}

function toolConfigOf(choice: ToolChoice | undefined): GeminiToolConfig | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.name] } };
}

function generationConfigOf(request: GenerationRequest): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.topK !== undefined) config.topK = request.topK;
  if (request.maxOutputTokens !== undefined) config.maxOutputTokens = request.maxOutputTokens;
  if (request.stopSequences?.length) config.stopSequences = request.stopSequences;
  if (request.seed !== undefined) config.seed = request.seed;
  if (request.presencePenalty !== undefined) config.presencePenalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) config.frequencyPenalty = request.frequencyPenalty;
  const format = request.responseFormat;
  if (format?.type === 'json') config.responseMimeType = 'application/json';
  if (format?.type === 'json-schema') {
    config.responseMimeType = 'application/json';
    config.responseJsonSchema = format.schema;
  }
  const budget = request.reasoningBudgetTokens ?? (request.reasoningEffort ? THINKING_BUDGETS[request.reasoningEffort] : undefined);
  if (budget !== undefined || request.includeReasoning) {
    config.thinkingConfig = {
      ...(budget !== undefined ? { thinkingBudget: budget } : {}),
      // Thoughts cannot be returned when thinking is off.
      ...(request.includeReasoning && budget !== 0 ? { includeThoughts: true } : {}),
    };
  }
  return config;
}

export interface ConvertOptions {
  /** Whose `providerOptions` apply. */
  family: Extract<ProviderFamily, 'google' | 'vertexai'>;
  /** The provider's model id: Gemini 3 models validate thought signatures. */
  modelId: string;
}

export function convertRequest(request: GenerationRequest, { family, modelId }: ConvertOptions): ConvertedRequest {
  const warnings: CallWarning[] = [];
  const { contents, systemInstruction } = convertMessages(request.messages, warnings, /gemini-3/i.test(modelId));
  const gemini: GeminiRequest = { contents, generationConfig: generationConfigOf(request) };
  if (systemInstruction) gemini.systemInstruction = systemInstruction;
  if (request.tools?.length) {
    gemini.tools = [
      {
        functionDeclarations: request.tools.map((tool) => ({
          name: tool.name,
          ...(tool.description ? { description: tool.description } : {}),
          // parametersJsonSchema takes full JSON Schema; `parameters` only an OpenAPI subset.
          parametersJsonSchema: tool.parameters,
        })),
      },
    ];
    const toolConfig = toolConfigOf(request.toolChoice);
    if (toolConfig) gemini.toolConfig = toolConfig;
  }
  if (request.parallelToolCalls === false) {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'parallelToolCalls',
      message: 'Gemini cannot be told to make one tool call at a time; parallelToolCalls: false was dropped.',
    });
  }
  // `user` has no Gemini field and is only metadata: dropped without a warning.
  return { request: gemini, warnings, providerOptions: { ...(request.providerOptions?.[family] ?? {}) } };
}

/** An image request for a Gemini image model (IMAGE response modality), edits included. */
export function convertImageRequest(request: ImageRequest, warnings: CallWarning[]): GeminiRequest {
  const parts: GeminiPart[] = (request.images ?? []).map((image) => ({ inlineData: { mimeType: image.mediaType, data: image.data } }));
  parts.push({ text: request.prompt });
  const generationConfig: GeminiGenerationConfig = { responseModalities: ['IMAGE'] };
  const aspectRatio = aspectRatioOf(request.size, warnings);
  if (aspectRatio) generationConfig.imageConfig = { aspectRatio };
  imageWarnings(request, warnings);
  return { contents: [{ role: 'user', parts }], generationConfig };
}

const ASPECT_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'] as const;

/** OpenAI-style `1536x1024` → the nearest aspect ratio Google supports. */
export function aspectRatioOf(
  size: string | undefined,
  warnings: CallWarning[],
  supported: readonly string[] = ASPECT_RATIOS,
): string | undefined {
  if (!size || size === 'auto') return undefined;
  const match = /^(\d+)x(\d+)$/.exec(size);
  if (!match) {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'size',
      message: `Size ${size} is not WIDTHxHEIGHT; the model's default was used.`,
    });
    return undefined;
  }
  const wanted = Number(match[1]) / Number(match[2]);
  const ratio = (text: string): number => {
    const [width, height] = text.split(':').map(Number);
    return width! / height!;
  };
  const nearest = [...supported].sort((a, b) => Math.abs(Math.log(ratio(a) / wanted)) - Math.abs(Math.log(ratio(b) / wanted)))[0]!;
  if (Math.abs(ratio(nearest) - wanted) > 0.01) {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'size',
      message: `Size ${size} was mapped to the nearest aspect ratio ${nearest}; Google picks the pixel size.`,
    });
  }
  return nearest;
}

/** Settings of an OpenAI-style image request that Google image models cannot honour. */
export function imageWarnings(request: ImageRequest, warnings: CallWarning[]): void {
  if (request.quality && request.quality !== 'auto')
    warnings.push({
      type: 'unsupported-setting',
      setting: 'quality',
      message: 'Google image models have no quality setting; it was dropped.',
    });
  if (request.background === 'transparent')
    warnings.push({
      type: 'unsupported-setting',
      setting: 'background',
      message: 'Google image models cannot make transparent backgrounds; it was dropped.',
    });
  if (request.responseFormat === 'url')
    warnings.push({
      type: 'unsupported-setting',
      setting: 'responseFormat',
      message: 'Google returns image bytes, not URLs; base64 is returned.',
    });
  if (request.mask)
    warnings.push({
      type: 'unsupported-setting',
      setting: 'mask',
      message: 'Masks are not supported for Gemini image models; the mask was dropped.',
    });
}
