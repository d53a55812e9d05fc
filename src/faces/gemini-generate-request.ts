import type { GenerateContentConfig, GenerateContentParameters } from '@google/genai';
import type {
  AssistantMessage,
  GenerationRequest,
  ImagePart,
  Message,
  ReasoningEffort,
  ResponseFormat,
  TextPart,
  ToolDefinition,
} from '../core/request.js';
import type { CallWarning } from '../core/result.js';
import { geminiSchemaToJsonSchema } from './gemini-schema.js';
import { ignoredSetting, invalidRequest, isRecord } from './invalid-request.js';

/**
 * @google/genai `generateContent` params (`{model, contents, config}`) → the canonical request.
 * `contents` is normalised the way the SDK does it (a string, a part, parts, a Content or
 * Contents). Gemini function calls carry no ids: each gets one from its position, and a later
 * `functionResponse` is matched to its call by id when it has one, else by name, in order.
 */

export interface ConvertedGenerateRequest {
  request: GenerationRequest;
  warnings: CallWarning[];
  signal: AbortSignal | undefined;
}

type Json = Record<string, unknown>;

const THINKING_LEVELS: Record<string, ReasoningEffort> = { MINIMAL: 'minimal', LOW: 'low', MEDIUM: 'medium', HIGH: 'high' };

/** Config fields that change the answer in ways no other vendor can follow. */
const REFUSED_CONFIG: ReadonlyArray<[string, (value: unknown) => boolean, string]> = [
  ['candidateCount', (value) => typeof value === 'number' && value > 1, 'candidateCount > 1 is not supported; make several calls.'],
  [
    'cachedContent',
    (value) => value !== undefined && value !== null,
    'cachedContent refers to a Gemini context cache, which other models cannot read; send the contents instead.',
  ],
  ['speechConfig', (value) => value !== undefined && value !== null, 'Speech output is not supported by zenrouter.'],
  [
    'responseModalities',
    (value) => Array.isArray(value) && value.some((modality) => String(modality).toUpperCase() !== 'TEXT'),
    'Only TEXT output is supported here; generate images with zen.images.generate().',
  ],
];

/** Config fields dropped with a warning: they tune safety, billing or delivery, not the answer's meaning. */
const IGNORED_CONFIG = [
  'safetySettings',
  'labels',
  'routingConfig',
  'modelSelectionConfig',
  'mediaResolution',
  'serviceTier',
  'responseLogprobs',
  'logprobs',
  'audioTimestamp',
  'enableEnhancedCivicAnswers',
  'store',
  'imageConfig',
  'modelArmorConfig',
  'audioTranscriptionConfig',
];

const PART_KINDS = [
  'text',
  'inlineData',
  'fileData',
  'functionCall',
  'functionResponse',
  'executableCode',
  'codeExecutionResult',
  'videoMetadata',
  'toolCall',
  'toolResponse',
];

function isContent(value: unknown): value is Json & { parts: unknown[] } {
  return isRecord(value) && Array.isArray(value.parts);
}

function asPart(value: unknown, param: string): Json {
  if (typeof value === 'string') return { text: value };
  if (isRecord(value)) return value;
  throw invalidRequest('A part must be a string or a Part object.', param);
}

/** The SDK's `tContents`: the same shapes accepted, the same mistakes refused, as ZenErrors. */
export function normalizeContents(contents: unknown): Json[] {
  if (contents === undefined || contents === null || (Array.isArray(contents) && contents.length === 0))
    throw invalidRequest('contents are required.', 'contents');
  const callOrResponse = (value: unknown): boolean => isRecord(value) && ('functionCall' in value || 'functionResponse' in value);
  if (!Array.isArray(contents)) {
    if (callOrResponse(contents))
      throw invalidRequest('functionCall and functionResponse parts must be wrapped in a Content with a role.', 'contents');
    return [isContent(contents) ? contents : { role: 'user', parts: [asPart(contents, 'contents')] }];
  }
  const contentArray = isContent(contents[0]);
  const loose: Json[] = [];
  const out: Json[] = [];
  contents.forEach((item: unknown, index) => {
    if (isContent(item) !== contentArray)
      throw invalidRequest(
        'Mixing Content objects and parts is not supported; group the parts into Contents with roles.',
        `contents[${index}]`,
      );
    if (contentArray) out.push(item as Json);
    else if (callOrResponse(item))
      throw invalidRequest('functionCall and functionResponse parts must be wrapped in a Content with a role.', `contents[${index}]`);
    else loose.push(asPart(item, `contents[${index}]`));
  });
  if (!contentArray) out.push({ role: 'user', parts: loose });
  return out;
}

function systemText(instruction: unknown): string {
  if (instruction === undefined || instruction === null) return '';
  const parts =
    typeof instruction === 'string'
      ? [{ text: instruction }]
      : isContent(instruction)
        ? instruction.parts
        : Array.isArray(instruction)
          ? instruction
          : [instruction];
  return parts
    .map((part: unknown, index) => {
      const value = asPart(part, `config.systemInstruction.parts[${index}]`);
      if (typeof value.text !== 'string')
        throw invalidRequest('systemInstruction may hold text parts only.', `config.systemInstruction.parts[${index}]`);
      return value.text;
    })
    .join('\n');
}

function refusePart(part: Json, param: string): never {
  const kind = Object.keys(part).find((key) => PART_KINDS.includes(key)) ?? Object.keys(part)[0] ?? 'empty';
  throw invalidRequest(
    `Part kind "${kind}" is not supported here by zenrouter; send text, images (inlineData / fileData), functionCall and functionResponse parts.`,
    param,
  );
}

function imagePart(part: Json, param: string): ImagePart {
  if (isRecord(part.inlineData)) {
    const { mimeType, data } = part.inlineData;
    if (typeof mimeType !== 'string' || typeof data !== 'string')
      throw invalidRequest('inlineData needs mimeType and data.', `${param}.inlineData`);
    if (!mimeType.startsWith('image/'))
      throw invalidRequest(
        `inlineData of type ${mimeType} is not supported; only images are (audio, video and PDF are Gemini-only).`,
        `${param}.inlineData.mimeType`,
      );
    return { type: 'image', source: { kind: 'base64', mediaType: mimeType, data } };
  }
  const file = part.fileData as Json;
  if (typeof file.fileUri !== 'string' || file.fileUri === '')
    throw invalidRequest('fileData needs a fileUri.', `${param}.fileData.fileUri`);
  if (typeof file.mimeType === 'string' && !file.mimeType.startsWith('image/')) {
    throw invalidRequest(`fileData of type ${file.mimeType} is not supported; only images are.`, `${param}.fileData.mimeType`);
  }
  return { type: 'image', source: { kind: 'url', url: file.fileUri } };
}

/** A functionResponse's `response` → the canonical tool text; `{result}` / `{output}` / `{error}` wrappers are unwrapped. */
function toolContent(response: unknown): { content: string; isError: boolean } {
  const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value ?? null));
  if (!isRecord(response)) return { content: text(response), isError: false };
  const keys = Object.keys(response);
  if (keys.length === 1 && (keys[0] === 'result' || keys[0] === 'output')) return { content: text(response[keys[0]]), isError: false };
  if (keys.length === 1 && keys[0] === 'error') return { content: text(response.error), isError: true };
  return { content: JSON.stringify(response), isError: false };
}

interface PendingCall {
  id: string;
  name: string;
}

interface State {
  out: Message[];
  /** Calls not yet answered, oldest first. */
  pending: PendingCall[];
}

function convertUser(parts: Json[], param: string, state: State): void {
  let userParts: Array<TextPart | ImagePart> = [];
  const flush = (): void => {
    if (userParts.length > 0) state.out.push({ role: 'user', content: userParts });
    userParts = [];
  };
  parts.forEach((part, index) => {
    const where = `${param}[${index}]`;
    if (typeof part.text === 'string') userParts.push({ type: 'text', text: part.text });
    else if (isRecord(part.inlineData) || isRecord(part.fileData)) userParts.push(imagePart(part, where));
    else if (isRecord(part.functionResponse)) {
      const response = part.functionResponse;
      const name = typeof response.name === 'string' ? response.name : undefined;
      const byId = typeof response.id === 'string' ? state.pending.findIndex((call) => call.id === response.id) : -1;
      const index = byId >= 0 ? byId : state.pending.findIndex((call) => call.name === name);
      if (index < 0)
        throw invalidRequest(
          `functionResponse for "${String(name ?? response.id)}" answers no earlier functionCall of the model.`,
          `${where}.functionResponse`,
        );
      const [call] = state.pending.splice(index, 1);
      flush();
      state.out.push({ role: 'tool', toolCallId: call!.id, toolName: call!.name, ...withError(toolContent(response.response)) });
    } else if (isRecord(part.functionCall)) throw invalidRequest('functionCall parts belong in model contents.', `${where}.functionCall`);
    else refusePart(part, where);
  });
  flush();
}

function withError(result: { content: string; isError: boolean }): { content: string; isError?: boolean } {
  return result.isError ? { content: result.content, isError: true } : { content: result.content };
}

/**
 * Model parts → an assistant message. Consecutive thought parts are one thought (a streamed
 * thought arrives in pieces, its signature on the last); a signature on a non-thought part
 * travels as a text-less reasoning part just before it, as the providers expect.
 */
function convertModel(parts: Json[], param: string, contentIndex: number, state: State): void {
  const content: AssistantMessage['content'] = [];
  parts.forEach((part, index) => {
    const where = `${param}[${index}]`;
    const signature = typeof part.thoughtSignature === 'string' && part.thoughtSignature ? part.thoughtSignature : undefined;
    if (part.thought === true) {
      const last = content[content.length - 1];
      if (last?.type === 'reasoning' && last.redactedData === undefined && !last.signature) {
        last.text += typeof part.text === 'string' ? part.text : '';
        if (signature) last.signature = signature;
      } else content.push({ type: 'reasoning', text: typeof part.text === 'string' ? part.text : '', ...(signature ? { signature } : {}) });
      return;
    }
    if (isRecord(part.functionCall)) {
      const call = part.functionCall;
      if (typeof call.name !== 'string' || call.name === '')
        throw invalidRequest('A functionCall needs a name.', `${where}.functionCall.name`);
      const id = typeof call.id === 'string' && call.id ? call.id : `call_${contentIndex}_${index}`;
      state.pending.push({ id, name: call.name });
      content.push({
        type: 'tool-call',
        id,
        name: call.name,
        arguments: JSON.stringify(call.args ?? {}),
        ...(signature ? { providerData: { thoughtSignature: signature } } : {}),
      });
      return;
    }
    if (typeof part.text === 'string') {
      if (signature) content.push({ type: 'reasoning', text: '', signature });
      if (part.text) content.push({ type: 'text', text: part.text });
      return;
    }
    if (isRecord(part.inlineData) || isRecord(part.fileData))
      throw invalidRequest('Images in model contents are not supported; images go in user contents.', where);
    refusePart(part, where);
  });
  state.out.push({ role: 'assistant', content });
}

function convertContents(contents: Json[], state: State): void {
  contents.forEach((content, index) => {
    const param = `contents[${index}]`;
    const parts = (Array.isArray(content.parts) ? content.parts : []).map((part: unknown, partIndex) =>
      asPart(part, `${param}.parts[${partIndex}]`),
    );
    const role = content.role ?? 'user';
    // `function` is the role older SDKs gave function responses.
    if (role === 'user' || role === 'function') convertUser(parts, `${param}.parts`, state);
    else if (role === 'model') convertModel(parts, `${param}.parts`, index, state);
    else throw invalidRequest(`Unknown role "${String(role)}"; use user or model.`, `${param}.role`);
  });
}

function convertTools(tools: unknown): ToolDefinition[] {
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) throw invalidRequest('config.tools must be an array.', 'config.tools');
  return tools.flatMap((tool: unknown, index) => {
    const param = `config.tools[${index}]`;
    if (!isRecord(tool)) throw invalidRequest('Each tool must be an object.', param);
    if (typeof tool.tool === 'function')
      throw invalidRequest('Callable (MCP) tools are not supported by zenrouter; declare functionDeclarations.', param);
    const other = Object.keys(tool).find((key) => key !== 'functionDeclarations' && tool[key] !== undefined);
    if (other)
      throw invalidRequest(
        `Gemini built-in tool "${other}" is not supported by zenrouter; only functionDeclarations are.`,
        `${param}.${other}`,
      );
    const declarations = tool.functionDeclarations ?? [];
    if (!Array.isArray(declarations)) throw invalidRequest('functionDeclarations must be an array.', `${param}.functionDeclarations`);
    return declarations.map((declaration: unknown, declarationIndex): ToolDefinition => {
      const where = `${param}.functionDeclarations[${declarationIndex}]`;
      if (!isRecord(declaration) || typeof declaration.name !== 'string' || declaration.name === '')
        throw invalidRequest('Each function declaration needs a name.', `${where}.name`);
      const parameters = isRecord(declaration.parametersJsonSchema)
        ? declaration.parametersJsonSchema
        : isRecord(declaration.parameters)
          ? geminiSchemaToJsonSchema(declaration.parameters)
          : { type: 'object', properties: {} };
      return {
        name: declaration.name,
        ...(typeof declaration.description === 'string' ? { description: declaration.description } : {}),
        parameters,
      };
    });
  });
}

function convertToolConfig(toolConfig: unknown, request: GenerationRequest): void {
  const calling = isRecord(toolConfig) ? toolConfig.functionCallingConfig : undefined;
  if (!isRecord(calling)) return;
  const mode = typeof calling.mode === 'string' ? calling.mode.toUpperCase() : 'AUTO';
  switch (mode) {
    case 'AUTO':
    case 'MODE_UNSPECIFIED':
    case 'VALIDATED':
      request.toolChoice = 'auto';
      return;
    case 'NONE':
      request.toolChoice = 'none';
      return;
    case 'ANY': {
      const allowed = calling.allowedFunctionNames;
      if (allowed === undefined || allowed === null || (Array.isArray(allowed) && allowed.length === 0)) {
        request.toolChoice = 'required';
        return;
      }
      if (!Array.isArray(allowed) || allowed.some((name) => typeof name !== 'string')) {
        throw invalidRequest(
          'allowedFunctionNames must be an array of names.',
          'config.toolConfig.functionCallingConfig.allowedFunctionNames',
        );
      }
      const unknown = allowed.find((name) => !request.tools?.some((tool) => tool.name === name));
      if (unknown)
        throw invalidRequest(
          `allowedFunctionNames names "${unknown}", which no function declaration has.`,
          'config.toolConfig.functionCallingConfig.allowedFunctionNames',
        );
      // One allowed function is a forced call; several narrow the tools offered, and one must be called.
      if (allowed.length === 1) request.toolChoice = { type: 'tool', name: allowed[0] as string };
      else {
        request.tools = request.tools!.filter((tool) => allowed.includes(tool.name));
        request.toolChoice = 'required';
      }
      return;
    }
    default:
      throw invalidRequest(
        `functionCallingConfig.mode "${mode}" is not one of AUTO, ANY, NONE.`,
        'config.toolConfig.functionCallingConfig.mode',
      );
  }
}

function convertResponseFormat(config: Json): ResponseFormat | undefined {
  const mime = config.responseMimeType;
  const schema = config.responseJsonSchema ?? config.responseSchema;
  if (mime === undefined || mime === null || mime === 'text/plain') {
    if (schema !== undefined && schema !== null)
      throw invalidRequest('A response schema needs responseMimeType "application/json".', 'config.responseMimeType');
    return undefined;
  }
  if (mime !== 'application/json')
    throw invalidRequest(
      `responseMimeType "${String(mime)}" is not supported; use application/json or text/plain.`,
      'config.responseMimeType',
    );
  if (isRecord(config.responseJsonSchema)) return { type: 'json-schema', name: 'response', schema: config.responseJsonSchema };
  if (isRecord(config.responseSchema))
    return { type: 'json-schema', name: 'response', schema: geminiSchemaToJsonSchema(config.responseSchema) };
  return { type: 'json' };
}

function convertThinking(thinking: unknown, request: GenerationRequest): void {
  if (!isRecord(thinking)) return;
  const budget = thinking.thinkingBudget;
  if (budget !== undefined && budget !== null) {
    if (typeof budget !== 'number' || !Number.isInteger(budget) || budget < -1)
      throw invalidRequest('thinkingBudget must be a whole number (-1 for dynamic, 0 for off).', 'config.thinkingConfig.thinkingBudget');
    // -1 lets the model decide; the closest shared dial is a medium effort.
    if (budget === -1) request.reasoningEffort = 'medium';
    else request.reasoningBudgetTokens = budget;
  }
  const level = thinking.thinkingLevel;
  if (level !== undefined && level !== null && level !== 'THINKING_LEVEL_UNSPECIFIED') {
    const effort = typeof level === 'string' ? THINKING_LEVELS[level.toUpperCase()] : undefined;
    if (!effort)
      throw invalidRequest(
        `thinkingLevel "${String(level)}" is not one of ${Object.keys(THINKING_LEVELS).join(', ')}.`,
        'config.thinkingConfig.thinkingLevel',
      );
    request.reasoningEffort = effort;
  }
  if (typeof thinking.includeThoughts === 'boolean') request.includeReasoning = thinking.includeThoughts;
}

/** Numeric settings copied as they are: Gemini name → canonical name. */
const SCALARS: ReadonlyArray<
  [string, 'temperature' | 'topP' | 'topK' | 'maxOutputTokens' | 'seed' | 'presencePenalty' | 'frequencyPenalty']
> = [
  ['temperature', 'temperature'],
  ['topP', 'topP'],
  ['topK', 'topK'],
  ['maxOutputTokens', 'maxOutputTokens'],
  ['seed', 'seed'],
  ['presencePenalty', 'presencePenalty'],
  ['frequencyPenalty', 'frequencyPenalty'],
];

function convertConfig(config: Json, request: GenerationRequest, warnings: CallWarning[]): void {
  for (const [field, test, message] of REFUSED_CONFIG) if (test(config[field])) throw invalidRequest(message, `config.${field}`);
  for (const field of IGNORED_CONFIG) {
    if (config[field] !== undefined && config[field] !== null)
      warnings.push(ignoredSetting(`config.${field}`, "is not forwarded by zenrouter's generateContent face."));
  }
  for (const [from, to] of SCALARS) {
    const value = config[from];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidRequest(`${from} must be a number.`, `config.${from}`);
    if (to === 'maxOutputTokens' && (!Number.isInteger(value) || value < 1))
      throw invalidRequest('maxOutputTokens must be a positive whole number.', 'config.maxOutputTokens');
    request[to] = value;
  }
  const stop = config.stopSequences;
  if (stop !== undefined && stop !== null) {
    if (!Array.isArray(stop) || stop.some((entry) => typeof entry !== 'string'))
      throw invalidRequest('stopSequences must be an array of strings.', 'config.stopSequences');
    if (stop.length > 0) request.stopSequences = stop as string[];
  }
  const tools = convertTools(config.tools);
  if (tools.length > 0) request.tools = tools;
  if (tools.length > 0) convertToolConfig(config.toolConfig, request);
  const format = convertResponseFormat(config);
  if (format) request.responseFormat = format;
  convertThinking(config.thinkingConfig, request);
}

/** The body `zen.models.generateContent()` takes: the SDK's, with routing in `model` and the `zen` extension. */
export type GenerateContentBody = Pick<GenerateContentParameters, 'contents'> & { config?: GenerateContentConfig };

export function convertGenerateRequest(body: GenerateContentBody): ConvertedGenerateRequest {
  if (!isRecord(body)) throw invalidRequest('The request must be an object with model and contents.');
  const config = body.config === undefined || body.config === null ? {} : body.config;
  if (!isRecord(config)) throw invalidRequest('config must be an object.', 'config');
  const state: State = { out: [], pending: [] };
  const system = systemText(config.systemInstruction);
  if (system) state.out.push({ role: 'system', content: system });
  convertContents(normalizeContents(body.contents), state);
  const warnings: CallWarning[] = [];
  const request: GenerationRequest = { messages: state.out };
  convertConfig(config, request, warnings);
  const signal = config.abortSignal;
  return { request, warnings, signal: signal instanceof AbortSignal ? signal : undefined };
}
