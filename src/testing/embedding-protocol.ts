import { knownEmbeddingModel } from '../policy/embedding-models.js';
import { rejectUnauthenticated } from './gemini-protocol.js';
import { geminiRenderer, googleErrorBody } from './gemini-render.js';
import { chatRenderer } from './openai-protocol.js';
import { estimateTokens } from './script.js';
import { sendJson, type ProtocolRenderer, type SimContext, type SimRoute } from './protocol.js';
import type { SimProtocol, SimRequestSummary } from './types.js';

/**
 * The embedding endpoints: OpenAI's `POST /v1/embeddings` (float or base64), the Gemini API's
 * `:batchEmbedContents` and `:embedContent`, and Vertex AI's `:predict` (text-embedding-*,
 * gemini-embedding-001) and `:embedContent`. Vectors are deterministic: a unit vector drawn from
 * a hash of the model and the text, so a test can compute the one it expects
 * (`simulatedEmbedding`); a shorter `dimensions` is the full vector's prefix, renormalised, as
 * OpenAI's and Gemini's shortened embeddings are. Each endpoint refuses more inputs per call than
 * the real one takes, so batching is tested against the real limits. Replies and faults are
 * scripted per model like every other endpoint (`usage.input` sets the reported tokens).
 */

type Json = Record<string, unknown>;

/** Inputs per call the real APIs take. */
export const SIMULATED_EMBEDDING_LIMITS = { openai: 2048, gemini: 100, vertexPredict: 250 } as const;

/** A model's default vector size: the built-in table's, else 768 (most open embedding models). */
export function simulatedEmbeddingDimensions(model: string): number {
  for (const vendor of ['openai', 'google', 'mistral']) {
    const dimensions = knownEmbeddingModel(vendor, model)?.dimensions;
    if (dimensions) return dimensions;
  }
  return 768;
}

/** 32-bit FNV-1a. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193);
  }
  return value >>> 0;
}

/**
 * The vector the simulator returns for `text` (or a token array's JSON) on `model`: unit length,
 * `dimensions` long (the model's default when left out).
 */
export function simulatedEmbedding(model: string, text: string, dimensions = simulatedEmbeddingDimensions(model)): number[] {
  const full = simulatedEmbeddingDimensions(model);
  let state = hash(`${model}\u0000${text}`) || 1;
  const values: number[] = [];
  for (let index = 0; index < Math.max(full, dimensions); index += 1) {
    // xorshift32: cheap, deterministic, evenly spread over (-1, 1).
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    values.push(state / 0x80000000 - 1);
  }
  const prefix = values.slice(0, dimensions);
  const norm = Math.hypot(...prefix) || 1;
  // Rounded to float32, as the APIs send them.
  return prefix.map((value) => Math.fround(value / norm));
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function summary(model: string, texts: string[]): SimRequestSummary {
  return {
    model,
    stream: false,
    lastUserText: texts[0] ?? '',
    lastIsToolResult: false,
    toolResultText: '',
    tools: [],
    toolChoice: 'auto',
    jsonSchema: undefined,
    inputTokens: texts.reduce((sum, text) => sum + estimateTokens(text), 0),
    maxOutputTokens: undefined,
  };
}

function base64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

// ---------------------------------------------------------------- OpenAI

function openaiError(context: SimContext, message: string, param: string | null = 'input'): void {
  sendJson(context.response, 400, { error: { message, type: 'invalid_request_error', param, code: null } });
}

/** `input` as texts (token arrays as their JSON), or a message saying what is wrong with it. */
function openaiInputs(input: unknown): string[] | string {
  if (typeof input === 'string')
    return input === '' ? "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference." : [input];
  if (!Array.isArray(input) || input.length === 0)
    return "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";
  if (input.every((item) => typeof item === 'number')) return [JSON.stringify(input)];
  const texts: string[] = [];
  for (const item of input) {
    if (typeof item === 'string' && item !== '') texts.push(item);
    else if (Array.isArray(item) && item.length > 0 && item.every((token) => Number.isInteger(token))) texts.push(JSON.stringify(item));
    else return "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";
  }
  return texts;
}

async function handleOpenAIEmbeddings(context: SimContext): Promise<void> {
  const body = isRecord(context.body) ? context.body : {};
  const model = String(body.model ?? '');
  const inputs = openaiInputs(body.input);
  if (typeof inputs === 'string') return openaiError(context, inputs);
  if (inputs.length > SIMULATED_EMBEDDING_LIMITS.openai)
    return openaiError(
      context,
      `'$.input' is invalid: at most ${SIMULATED_EMBEDDING_LIMITS.openai} inputs per request, got ${inputs.length}.`,
    );
  const known = knownEmbeddingModel('openai', model);
  const dimensions = typeof body.dimensions === 'number' ? body.dimensions : undefined;
  if (dimensions !== undefined && known && !known.flexibleDimensions)
    return openaiError(context, 'This model does not support specifying dimensions.', 'dimensions');
  const base = chatRenderer(false);
  const renderer: ProtocolRenderer = {
    ...base,
    renderJson: (plan) => ({
      object: 'list',
      data: inputs.map((text, index) => {
        const vector = simulatedEmbedding(model, text, dimensions);
        return { object: 'embedding', index, embedding: body.encoding_format === 'base64' ? base64(vector) : vector };
      }),
      model,
      usage: { prompt_tokens: plan.usage.input, total_tokens: plan.usage.input },
    }),
  };
  await context.simulator.respond(context, renderer, summary(model, inputs));
}

// ---------------------------------------------------------------- Gemini API and Vertex AI

const GOOGLE_PREFIX = String.raw`^\/(v1|v1beta|v1beta1|v1alpha)\/(?:(?:projects\/[^/]+\/locations\/[^/]+\/)?(publishers\/google\/))?models\/`;
const EMBED_PATH = new RegExp(`${GOOGLE_PREFIX}([^/:]+):(embedContent|batchEmbedContents)$`);
/** Vertex's `:predict` serves Imagen too: an embedding model is told apart by its name. */
const PREDICT_PATH = new RegExp(`${GOOGLE_PREFIX}([^/:]*embed[^/:]*):(predict)$`);

function contentText(content: unknown): string | undefined {
  if (!isRecord(content) || !Array.isArray(content.parts)) return undefined;
  const texts = content.parts.filter(isRecord).map((part) => part.text);
  return texts.every((text) => typeof text === 'string') && texts.length > 0 ? texts.join('') : undefined;
}

function googleBadRequest(context: SimContext, message: string): void {
  sendJson(context.response, 400, googleErrorBody(400, message, 'INVALID_ARGUMENT'));
}

function googleRenderer(protocol: SimProtocol, render: ProtocolRenderer['renderJson']): ProtocolRenderer {
  return { ...geminiRenderer(protocol, { kind: 'generate', modalities: [], sampleCount: 1 }), renderJson: render };
}

async function handleGoogleEmbeddings(context: SimContext, match: RegExpMatchArray): Promise<void> {
  const protocol: SimProtocol = match[2] ? 'vertex' : 'gemini';
  const model = decodeURIComponent(match[3]!);
  const method = match[4]!;
  if (rejectUnauthenticated(context, protocol)) return;
  const body = context.body;
  if (!isRecord(body)) return googleBadRequest(context, 'Invalid JSON payload received.');
  const { simulator } = context;

  if (method === 'predict') {
    // Vertex AI: `instances: [{ content, task_type?, title? }]`, `parameters.outputDimensionality`.
    const instances = Array.isArray(body.instances) ? body.instances.filter(isRecord) : [];
    const texts = instances.map((instance) => instance.content);
    if (texts.length === 0 || !texts.every((text): text is string => typeof text === 'string' && text !== ''))
      return googleBadRequest(context, 'Each instance needs a non-empty `content` string.');
    const limit = model === 'gemini-embedding-001' ? 1 : SIMULATED_EMBEDDING_LIMITS.vertexPredict;
    if (texts.length > limit)
      return googleBadRequest(
        context,
        `Unable to submit request because the model ${model} takes at most ${limit} instances per request, got ${texts.length}.`,
      );
    const parameters = isRecord(body.parameters) ? body.parameters : {};
    const dimensions = typeof parameters.outputDimensionality === 'number' ? parameters.outputDimensionality : undefined;
    await simulator.respond(
      context,
      googleRenderer(protocol, () => ({
        predictions: texts.map((text) => ({
          embeddings: {
            values: simulatedEmbedding(model, text, dimensions),
            statistics: { token_count: estimateTokens(text), truncated: false },
          },
        })),
        metadata: { billableCharacterCount: texts.reduce((sum, text) => sum + text.length, 0) },
      })),
      summary(model, texts),
    );
    return;
  }

  if (method === 'embedContent') {
    const text = contentText(body.content);
    if (text === undefined || text === '') return googleBadRequest(context, '* EmbedContentRequest.content: contents is not specified');
    const config = isRecord(body.embedContentConfig) ? body.embedContentConfig : body;
    const dimensions = typeof config.outputDimensionality === 'number' ? config.outputDimensionality : undefined;
    await simulator.respond(
      context,
      googleRenderer(protocol, (plan) => ({
        embedding: { values: simulatedEmbedding(model, text, dimensions) },
        ...(protocol === 'vertex' ? { usageMetadata: { promptTokenCount: plan.usage.input } } : {}),
      })),
      summary(model, [text]),
    );
    return;
  }

  // The Gemini API's batchEmbedContents: `requests: [{ model, content, outputDimensionality? }]`.
  const requests = Array.isArray(body.requests) ? body.requests.filter(isRecord) : [];
  if (requests.length === 0) return googleBadRequest(context, '* BatchEmbedContentsRequest.requests: requests is empty');
  if (requests.length > SIMULATED_EMBEDDING_LIMITS.gemini) {
    return googleBadRequest(
      context,
      `* BatchEmbedContentsRequest.requests: at most ${SIMULATED_EMBEDDING_LIMITS.gemini} requests can be in one batch, got ${requests.length}`,
    );
  }
  const texts = requests.map((request) => contentText(request.content));
  if (!texts.every((text): text is string => text !== undefined && text !== ''))
    return googleBadRequest(context, '* BatchEmbedContentsRequest.requests[].content: contents is not specified');
  await simulator.respond(
    context,
    googleRenderer(protocol, () => ({
      embeddings: texts.map((text, index) => {
        const dimensions = requests[index]!.outputDimensionality;
        return { values: simulatedEmbedding(model, text, typeof dimensions === 'number' ? dimensions : undefined) };
      }),
    })),
    summary(model, texts),
  );
}

/** Placed before the generate routes, which would take Vertex's `:predict` for Imagen. */
export const embeddingRoutes: SimRoute[] = [
  { method: 'POST', pattern: /^\/v1\/embeddings$/, handle: handleOpenAIEmbeddings },
  { method: 'POST', pattern: EMBED_PATH, handle: handleGoogleEmbeddings },
  { method: 'POST', pattern: PREDICT_PATH, handle: handleGoogleEmbeddings },
];
