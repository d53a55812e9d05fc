import { tinyPng } from './png.js';
import { simId, splitIntoTokens, type PlannedReply } from './script.js';
import type { ProtocolRenderer, RenderedStream, SimFrame } from './protocol.js';
import type { SimFault, SimFinishReason, SimProtocol, SimRequestSummary } from './types.js';

/**
 * How the Gemini API and Vertex AI answer: `GenerateContentResponse` bodies, `?alt=sse` streams of
 * whole responses (no terminal sentinel: the last chunk carries finishReason and usage),
 * `{error:{code,message,status,details}}` errors, and Imagen `predict` bodies.
 */

type Json = Record<string, unknown>;

/** What the request asked for beyond the protocol-neutral summary. */
export interface GeminiCallShape {
  kind: 'generate' | 'predict';
  /** `generationConfig.responseModalities`, upper case. */
  modalities: string[];
  /** Imagen `parameters.sampleCount`. */
  sampleCount: number;
}

const FINISH_REASONS: Record<SimFinishReason, string> = {
  stop: 'STOP',
  length: 'MAX_TOKENS',
  // Gemini has no tool-call finish reason: a response with function calls finishes with STOP.
  tool_calls: 'STOP',
  content_filter: 'SAFETY',
};

/** google.rpc.Code names for HTTP statuses (https://cloud.google.com/apis/design/errors). */
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  408: 'DEADLINE_EXCEEDED',
  409: 'ABORTED',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
  529: 'UNAVAILABLE',
};

const STATUS_CODES: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ABORTED: 409,
  ALREADY_EXISTS: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNKNOWN: 500,
  DATA_LOSS: 500,
  NOT_IMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

export function googleStatusName(status: number): string {
  return STATUS_NAMES[status] ?? (status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT');
}

export function googleErrorBody(status: number, message: string, statusName = googleStatusName(status), details: Json[] = []): Json {
  return { error: { code: status, message, status: statusName, details } };
}

function errorDetails(status: number, statusName: string, fault: Extract<SimFault, { type: 'http' }>): Json[] {
  const details: Json[] = [];
  if (status === 429) {
    details.push({
      '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
      violations: [
        {
          quotaMetric: 'generativelanguage.googleapis.com/generate_content_requests',
          quotaId: 'GenerateRequestsPerMinutePerProjectPerModel',
        },
      ],
    });
  } else {
    details.push({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: statusName, domain: 'googleapis.com' });
  }
  const delayMs = fault.retryAfterMs ?? (fault.retryAfter !== undefined ? fault.retryAfter * 1000 : undefined);
  if (delayMs !== undefined) {
    details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${Number((delayMs / 1000).toFixed(3))}s` });
  }
  return details;
}

/** Usage as Gemini counts it: prompt includes cached tokens, candidates exclude thoughts. */
function usageMetadata(plan: PlannedReply, complete: boolean): Json {
  const prompt = plan.usage.input;
  if (!complete) return { promptTokenCount: prompt, totalTokenCount: prompt };
  const thoughts = plan.usage.reasoning;
  const candidates = Math.max(0, plan.usage.output - thoughts);
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: candidates,
    totalTokenCount: prompt + candidates + thoughts,
    ...(plan.usage.cachedInput > 0 ? { cachedContentTokenCount: plan.usage.cachedInput } : {}),
    ...(thoughts > 0 ? { thoughtsTokenCount: thoughts } : {}),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }],
  };
}

function parseArgs(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** A stand-in for the opaque signature thinking models attach after their thoughts. */
function fakeSignature(seed: string): string {
  return Buffer.from(`sim-thought-signature:${seed}`).toString('base64');
}

interface Answer {
  thought: Json[];
  visible: Json[];
  finishReason: string;
  finishMessage?: string;
}

/** The parts of a reply. Arguments that are not a JSON object become MALFORMED_FUNCTION_CALL, as Gemini reports them. */
function answerOf(plan: PlannedReply, shape: GeminiCallShape, summary: SimRequestSummary, streamed: boolean): Answer {
  const calls = plan.toolCalls.map((call) => ({ name: call.name, args: parseArgs(call.arguments) }));
  if (calls.some((call) => call.args === undefined)) {
    return {
      thought: [],
      visible: [],
      finishReason: 'MALFORMED_FUNCTION_CALL',
      finishMessage: 'Malformed function call: the arguments are not a JSON object.',
    };
  }
  const wantsText = !summary.wantsImage || shape.modalities.includes('TEXT');
  const pieces = (text: string): string[] => (streamed ? splitIntoTokens(text) : text ? [text] : []);
  const thought = pieces(plan.reasoning).map((text) => ({ text, thought: true }));
  const visible: Json[] = wantsText ? pieces(plan.text).map((text) => ({ text })) : [];
  if (summary.wantsImage && plan.finishReason !== 'content_filter') {
    visible.push({ inlineData: { mimeType: 'image/png', data: tinyPng(summary.lastUserText).toString('base64') } });
  }
  for (const call of calls) visible.push({ functionCall: { name: call.name, args: call.args } });
  // Thinking models sign the first part after their thoughts; clients must send it back.
  if (plan.reasoning && visible[0]) visible[0] = { ...visible[0], thoughtSignature: fakeSignature(summary.model) };
  return { thought, visible, finishReason: FINISH_REASONS[plan.finishReason] };
}

function envelopeOf(protocol: SimProtocol, summary: SimRequestSummary, responseId: string, candidate: Json, usage: Json): Json {
  return {
    candidates: [candidate],
    usageMetadata: usage,
    modelVersion: summary.model,
    ...(protocol === 'vertex' ? { createTime: new Date().toISOString() } : {}),
    responseId,
  };
}

function imagenPredictions(plan: PlannedReply, shape: GeminiCallShape, summary: SimRequestSummary): Json {
  if (plan.finishReason === 'content_filter') {
    return {
      predictions: [
        { raiFilteredReason: 'Unable to show generated images. All images were filtered out because they violated the usage guidelines.' },
      ],
    };
  }
  const predictions = Array.from({ length: shape.sampleCount }, (_, index) => ({
    bytesBase64Encoded: tinyPng(`${summary.lastUserText}#${index}`).toString('base64'),
    mimeType: 'image/png',
  }));
  return { predictions };
}

function frame(chunk: Json, content: boolean): SimFrame {
  return { data: `data: ${JSON.stringify(chunk)}\n\n`, content };
}

/** A renderer for one request: Gemini API (`gemini`) or Vertex AI (`vertex`) bodies, generateContent or Imagen. */
export function geminiRenderer(protocol: SimProtocol, shape: GeminiCallShape): ProtocolRenderer {
  return {
    protocol,

    renderJson(plan, summary) {
      if (shape.kind === 'predict') return imagenPredictions(plan, shape, summary);
      const answer = answerOf(plan, shape, summary, false);
      const parts = [...answer.thought, ...answer.visible];
      const candidate: Json = {
        ...(parts.length > 0 ? { content: { parts, role: 'model' } } : {}),
        finishReason: answer.finishReason,
        ...(answer.finishMessage ? { finishMessage: answer.finishMessage } : {}),
        index: 0,
      };
      return envelopeOf(protocol, summary, simId(''), candidate, usageMetadata(plan, true));
    },

    renderStream(plan, summary): RenderedStream {
      const responseId = simId('');
      const answer = answerOf(plan, shape, summary, true);
      const partial = usageMetadata(plan, false);
      const frames = [...answer.thought, ...answer.visible].map((part) =>
        frame(envelopeOf(protocol, summary, responseId, { content: { parts: [part], role: 'model' }, index: 0 }, partial), true),
      );
      const last: Json = {
        ...(answer.finishReason === 'MALFORMED_FUNCTION_CALL' ? {} : { content: { parts: [{ text: '' }], role: 'model' } }),
        finishReason: answer.finishReason,
        ...(answer.finishMessage ? { finishMessage: answer.finishMessage } : {}),
        index: 0,
      };
      const terminal = frame(envelopeOf(protocol, summary, responseId, last, usageMetadata(plan, true)), false);
      return { frames, terminal: [terminal.data] };
    },

    errorBody(status, message, code, fault) {
      const statusName = code && STATUS_CODES[code] !== undefined ? code : googleStatusName(status);
      return googleErrorBody(status, message, statusName, errorDetails(status, statusName, fault));
    },

    /** What the API sends when a stream fails after its 200: a data line with an error object. */
    errorFrame(message, code) {
      const status = code && STATUS_CODES[code] !== undefined ? STATUS_CODES[code] : code && /^\d{3}$/.test(code) ? Number(code) : 503;
      const statusName = code && STATUS_CODES[code] !== undefined ? code : googleStatusName(status);
      return `data: ${JSON.stringify({ error: { code: status, message, status: statusName } })}\n\n`;
    },

    envelope: (eventJson) => `data: ${eventJson}\n\n`,
    replayTerminal: [],
  };
}
