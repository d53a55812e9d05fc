import { geminiRenderer, googleErrorBody, type GeminiCallShape } from './gemini-render.js';
import { googleAuthRoutes, isIssuedGoogleAccessToken } from './google-auth.js';
import { sendJson, type SimContext, type SimRoute } from './protocol.js';
import type { SimProtocol, SimRequestSummary } from './types.js';

/**
 * The Gemini wire protocol on both hosts that speak it:
 * - Gemini API: `POST /v1beta/models/{model}:generateContent | :streamGenerateContent?alt=sse`
 *   (@google/genai with an API key, sent as `x-goog-api-key` or `?key=`);
 * - Vertex AI: `POST /{v1|v1beta1}/projects/{p}/locations/{l}/publishers/google/models/{model}:…`
 *   (@google/genai with `vertexai: true` uses v1beta1, @google-cloud/vertexai uses v1) and the
 *   express-mode path without project (`/v1beta1/publishers/google/models/{model}:…`, API key).
 * Imagen answers `:predict` (and `:generateImages`) with `{predictions:[{bytesBase64Encoded, mimeType}]}`.
 * Vertex calls must carry a token issued by the simulator's OAuth endpoint (see google-auth.ts) or an API key.
 */

type Json = Record<string, unknown>;

const MODEL_PATH =
  /^\/(v1|v1beta|v1beta1|v1alpha)\/(?:(?:projects\/[^/]+\/locations\/[^/]+\/)?(publishers\/google\/))?models\/([^/:]+):(generateContent|streamGenerateContent|predict|generateImages)$/;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function records(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function partsOf(content: Json): Json[] {
  return records(content.parts);
}

function textOf(parts: Json[]): string {
  return parts
    .filter((part) => typeof part.text === 'string' && part.thought !== true)
    .map((part) => part.text as string)
    .join('\n');
}

/** Gemini's OpenAPI-style `Schema` spells types in upper case (`OBJECT`); JSON Schema wants lower case. */
function lowerCaseTypes(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(lowerCaseTypes);
  if (!isRecord(schema)) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] = key === 'type' && typeof value === 'string' ? value.toLowerCase() : lowerCaseTypes(value);
  }
  return out;
}

function functionResponseText(part: Json): string {
  const response = isRecord(part.functionResponse) ? part.functionResponse.response : undefined;
  if (isRecord(response)) {
    const value = response.result ?? response.output ?? response.content ?? response.error;
    if (typeof value === 'string') return value;
    return JSON.stringify(value ?? response);
  }
  return JSON.stringify(response ?? null);
}

function toolChoiceOf(config: unknown, names: string[]): { choice: string; allowed: string[] | undefined } {
  const calling = isRecord(config) && isRecord(config.functionCallingConfig) ? config.functionCallingConfig : undefined;
  const mode = typeof calling?.mode === 'string' ? calling.mode.toUpperCase() : 'AUTO';
  if (mode === 'NONE') return { choice: 'none', allowed: undefined };
  if (mode !== 'ANY') return { choice: 'auto', allowed: undefined };
  const allowed = Array.isArray(calling?.allowedFunctionNames)
    ? calling.allowedFunctionNames.filter((name): name is string => typeof name === 'string' && names.includes(name))
    : [];
  if (allowed.length === 1) return { choice: allowed[0]!, allowed };
  return { choice: 'required', allowed: allowed.length > 0 ? allowed : undefined };
}

export function summarizeGeminiRequest(body: Json, model: string, stream: boolean, rawBody: string): SimRequestSummary {
  const contents = records(body.contents);
  const userContents = contents.filter((content) => content.role === undefined || content.role === 'user');
  let lastUserText = '';
  for (let index = userContents.length - 1; index >= 0 && !lastUserText; index -= 1) lastUserText = textOf(partsOf(userContents[index]!));
  const last = contents[contents.length - 1];
  const responses = last ? partsOf(last).filter((part) => isRecord(part.functionResponse)) : [];

  const declarations = records(body.tools).flatMap((tool) => records(tool.functionDeclarations));
  let tools = declarations
    .filter((declaration) => typeof declaration.name === 'string')
    .map((declaration) => ({
      name: declaration.name as string,
      parameters: (isRecord(declaration.parametersJsonSchema)
        ? declaration.parametersJsonSchema
        : isRecord(declaration.parameters)
          ? lowerCaseTypes(declaration.parameters)
          : undefined) as Json | undefined,
    }));
  const { choice, allowed } = toolChoiceOf(
    body.toolConfig,
    tools.map((tool) => tool.name),
  );
  if (allowed) tools = tools.filter((tool) => allowed.includes(tool.name));

  const config = isRecord(body.generationConfig) ? body.generationConfig : {};
  let jsonSchema: Json | undefined;
  if (config.responseMimeType === 'application/json') {
    if (isRecord(config.responseJsonSchema)) jsonSchema = config.responseJsonSchema;
    else if (isRecord(config.responseSchema)) jsonSchema = lowerCaseTypes(config.responseSchema) as Json;
    else jsonSchema = {};
  }
  const modalities = Array.isArray(config.responseModalities) ? config.responseModalities.map((value) => String(value).toUpperCase()) : [];

  return {
    model,
    stream,
    lastUserText,
    lastIsToolResult: responses.length > 0,
    toolResultText: responses.map(functionResponseText).join('\n'),
    tools,
    toolChoice: choice,
    jsonSchema,
    inputTokens: Math.max(1, Math.ceil(rawBody.length / 4)),
    maxOutputTokens: typeof config.maxOutputTokens === 'number' ? config.maxOutputTokens : undefined,
    wantsImage: modalities.includes('IMAGE'),
  };
}

function summarizeImagenRequest(body: Json, model: string, rawBody: string): { summary: SimRequestSummary; sampleCount: number } {
  const instance = records(body.instances)[0] ?? {};
  const parameters = isRecord(body.parameters) ? body.parameters : {};
  const sampleCount = typeof parameters.sampleCount === 'number' ? Math.max(1, Math.min(8, parameters.sampleCount)) : 1;
  return {
    sampleCount,
    summary: {
      model,
      stream: false,
      lastUserText: typeof instance.prompt === 'string' ? instance.prompt : '',
      lastIsToolResult: false,
      toolResultText: '',
      tools: [],
      toolChoice: 'auto',
      jsonSchema: undefined,
      inputTokens: Math.max(1, Math.ceil(rawBody.length / 4)),
      maxOutputTokens: undefined,
      wantsImage: true,
    },
  };
}

/**
 * Rejects calls without credentials the way the real hosts do. An API key is enough everywhere
 * (Vertex express mode takes one); a bearer token must be one this simulator issued.
 */
export function rejectUnauthenticated(context: SimContext, protocol: SimProtocol): boolean {
  const headers = context.request.headers;
  if (headers['x-goog-api-key'] || context.url.searchParams.get('key')) return false;
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
  if (bearer && isIssuedGoogleAccessToken(context.simulator, bearer)) return false;
  if (!bearer && protocol === 'gemini') {
    sendJson(
      context.response,
      403,
      googleErrorBody(
        403,
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
        'PERMISSION_DENIED',
      ),
    );
  } else {
    sendJson(
      context.response,
      401,
      googleErrorBody(
        401,
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
        'UNAUTHENTICATED',
      ),
    );
  }
  return true;
}

async function handleModelCall(context: SimContext, match: RegExpMatchArray): Promise<void> {
  const protocol: SimProtocol = match[2] ? 'vertex' : 'gemini';
  const model = decodeURIComponent(match[3]!);
  const method = match[4]!;
  if (rejectUnauthenticated(context, protocol)) return;
  if (!isRecord(context.body)) {
    sendJson(context.response, 400, googleErrorBody(400, 'Invalid JSON payload received.', 'INVALID_ARGUMENT'));
    return;
  }
  if (method === 'predict' || method === 'generateImages') {
    const { summary, sampleCount } = summarizeImagenRequest(context.body, model, context.rawBody);
    await context.simulator.respond(context, geminiRenderer(protocol, { kind: 'predict', modalities: ['IMAGE'], sampleCount }), summary);
    return;
  }
  const stream = method === 'streamGenerateContent';
  if (stream && context.url.searchParams.get('alt') !== 'sse') {
    // Without alt=sse the real API streams one JSON array; every SDK asks for SSE.
    sendJson(context.response, 400, googleErrorBody(400, 'The simulator streams only with ?alt=sse.', 'INVALID_ARGUMENT'));
    return;
  }
  const summary = summarizeGeminiRequest(context.body, model, stream, context.rawBody);
  const config = isRecord(context.body.generationConfig) ? context.body.generationConfig : {};
  const shape: GeminiCallShape = {
    kind: 'generate',
    modalities: Array.isArray(config.responseModalities) ? config.responseModalities.map((value) => String(value).toUpperCase()) : [],
    sampleCount: 1,
  };
  await context.simulator.respond(context, geminiRenderer(protocol, shape), summary);
}

export const geminiRoutes: SimRoute[] = [{ method: 'POST', pattern: MODEL_PATH, handle: handleModelCall }, ...googleAuthRoutes];
