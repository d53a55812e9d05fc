import type { SimFault, SimRaw, SimReply, SimRequestSummary, SimFinishReason } from './types.js';

/** A reply with every default filled in; protocols render this. */
export interface PlannedReply {
  text: string;
  reasoning: string;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
  usage: { input: number; output: number; cachedInput: number; cacheWrite: number; reasoning: number };
  finishReason: SimFinishReason;
  ttftMs: number;
  tokensPerSecond: number | undefined;
  fault: SimFault | undefined;
  raw: SimRaw | undefined;
}

export type SimBehavior = SimReply | ((request: SimRequestSummary) => SimReply);

/**
 * Per-model scripts: a queue of one-shot replies (consumed in order, one per call) over a default
 * behaviour. Models match exactly, or by `*` for every model.
 */
export class SimScript {
  private readonly queues = new Map<string, SimBehavior[]>();
  private readonly defaults = new Map<string, SimBehavior>();

  /** Queues replies for the next calls of `model`, one per call. */
  enqueue(model: string, ...replies: SimBehavior[]): void {
    const queue = this.queues.get(model) ?? [];
    queue.push(...replies);
    this.queues.set(model, queue);
  }

  /** The behaviour used when the queue of `model` is empty. */
  setDefault(model: string, behavior: SimBehavior): void {
    this.defaults.set(model, behavior);
  }

  reset(): void {
    this.queues.clear();
    this.defaults.clear();
  }

  pending(model: string): number {
    return this.queues.get(model)?.length ?? 0;
  }

  next(request: SimRequestSummary): SimReply {
    for (const key of [request.model, '*']) {
      const queue = this.queues.get(key);
      if (queue && queue.length > 0) return resolveBehavior(queue.shift()!, request);
    }
    const fallback = this.defaults.get(request.model) ?? this.defaults.get('*');
    return fallback ? resolveBehavior(fallback, request) : {};
  }
}

function resolveBehavior(behavior: SimBehavior, request: SimRequestSummary): SimReply {
  return typeof behavior === 'function' ? behavior(request) : behavior;
}

let idCounter = 0;
export function simId(prefix: string): string {
  idCounter += 1;
  return `${prefix}${Date.now().toString(36)}${idCounter.toString(36).padStart(4, '0')}`;
}

/** Characters per simulated token. */
const CHARS_PER_TOKEN = 4;

export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / CHARS_PER_TOKEN));
}

/**
 * Fills the defaults a real model would supply: with tools offered and no tool result yet, it calls
 * a tool with arguments that satisfy the schema; with a JSON schema it answers a conforming value;
 * otherwise it answers a deterministic sentence that quotes the prompt.
 */
export function planReply(reply: SimReply, request: SimRequestSummary): PlannedReply {
  let text = reply.text ?? (reply.json !== undefined ? JSON.stringify(reply.json) : undefined);
  let toolCalls = reply.toolCalls;
  const scripted = text !== undefined || toolCalls !== undefined || reply.raw !== undefined || reply.fault !== undefined;
  if (!scripted) {
    const forced = request.toolChoice !== 'auto' && request.toolChoice !== 'none';
    const wantsTool = request.tools.length > 0 && request.toolChoice !== 'none' && (forced || !request.lastIsToolResult);
    if (wantsTool) {
      const tool = request.tools.find((candidate) => candidate.name === request.toolChoice) ?? request.tools[0]!;
      toolCalls = [{ name: tool.name, arguments: sampleFromSchema(tool.parameters ?? { type: 'object' }) as Record<string, unknown> }];
    } else if (request.jsonSchema) {
      text = JSON.stringify(sampleFromSchema(request.jsonSchema));
    } else if (request.lastIsToolResult) {
      text = `Based on the tool result ${truncate(request.toolResultText, 120)}, here is the answer.`;
    } else {
      text = `Simulated answer from ${request.model}: ${truncate(request.lastUserText, 160) || 'hello'}`;
    }
  }
  text ??= '';
  const plannedCalls = (toolCalls ?? []).map((call) => ({
    id: call.id ?? simId('call_'),
    name: call.name,
    arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
  }));
  const reasoning = reply.reasoning ?? '';
  const reasoningTokens = reply.usage?.reasoning ?? (reasoning ? estimateTokens(reasoning) : 0);
  let outputTokens =
    reply.usage?.output ??
    (text ? estimateTokens(text) : 0) +
      plannedCalls.reduce((sum, call) => sum + estimateTokens(call.name + call.arguments), 0) +
      reasoningTokens;
  let finishReason: SimFinishReason = reply.finishReason ?? (plannedCalls.length > 0 ? 'tool_calls' : 'stop');
  if (!reply.finishReason && request.maxOutputTokens !== undefined && outputTokens > request.maxOutputTokens && plannedCalls.length === 0) {
    // A real model stops at the limit: cut the text and report `length`.
    text = text.slice(0, Math.max(1, request.maxOutputTokens * CHARS_PER_TOKEN));
    outputTokens = request.maxOutputTokens;
    finishReason = 'length';
  }
  return {
    text,
    reasoning,
    toolCalls: plannedCalls,
    usage: {
      input: reply.usage?.input ?? request.inputTokens,
      output: outputTokens,
      cachedInput: reply.usage?.cachedInput ?? 0,
      cacheWrite: reply.usage?.cacheWrite ?? 0,
      reasoning: reasoningTokens,
    },
    finishReason,
    ttftMs: reply.ttftMs ?? 0,
    tokensPerSecond: reply.tokensPerSecond,
    fault: reply.fault,
    raw: reply.raw,
  };
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Splits text into stream pieces of about one token each, keeping every character. */
export function splitIntoTokens(text: string): string[] {
  if (!text) return [];
  const pieces = text.match(/\s*\S{1,8}|\s+$/g) ?? [text];
  return pieces;
}

/** A deterministic value that satisfies a (reasonable) JSON schema. */
export function sampleFromSchema(schema: unknown, depth = 0): unknown {
  if (!schema || typeof schema !== 'object' || depth > 8) return null;
  const node = schema as Record<string, unknown>;
  if ('const' in node) return node.const;
  if (Array.isArray(node.enum) && node.enum.length > 0) return node.enum[0];
  if ('default' in node) return node.default;
  const anyOf = (node.anyOf ?? node.oneOf) as unknown[] | undefined;
  if (Array.isArray(anyOf) && anyOf.length > 0) return sampleFromSchema(anyOf[0], depth + 1);
  let type = node.type;
  if (Array.isArray(type)) type = type.find((candidate) => candidate !== 'null') ?? type[0];
  if (type === undefined && node.properties) type = 'object';
  switch (type) {
    case 'object': {
      const properties = (node.properties ?? {}) as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(properties)) out[key] = sampleFromSchema(value, depth + 1);
      return out;
    }
    case 'array': {
      const minItems = typeof node.minItems === 'number' ? node.minItems : 1;
      return Array.from({ length: Math.max(1, minItems) }, () => sampleFromSchema(node.items ?? {}, depth + 1));
    }
    case 'string': {
      if (node.format === 'date-time') return '2026-01-01T00:00:00Z';
      if (node.format === 'date') return '2026-01-01';
      if (node.format === 'email') return 'someone@example.com';
      const minLength = typeof node.minLength === 'number' ? node.minLength : 0;
      return 'example'.padEnd(minLength, 'x');
    }
    case 'integer':
    case 'number': {
      const minimum =
        typeof node.minimum === 'number' ? node.minimum : typeof node.exclusiveMinimum === 'number' ? node.exclusiveMinimum + 1 : 0;
      return type === 'integer' ? Math.ceil(Math.max(minimum, 1)) : Math.max(minimum, 1);
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return {};
  }
}
