import { countTokens } from 'gpt-tokenizer';
import type { GenerationRequest, Message } from '../core/request.js';
import type { PromptFeatures } from './prompt-features.js';

export const TASK_CATEGORIES = ['code', 'math', 'reasoning', 'extraction', 'creative', 'chat'] as const;
export type TaskCategory = (typeof TASK_CATEGORIES)[number];

export interface RequiredCapabilities {
  tools: boolean;
  vision: boolean;
  structuredOutput: boolean;
  reasoning: boolean;
}

export interface PromptAnalysis {
  /** Input tokens counted with gpt-tokenizer (o200k), plus an allowance per image and tool schema. */
  inputTokens: number;
  /** The caller's output limit, if any. */
  maxOutputTokens: number | undefined;
  requires: RequiredCapabilities;
  category: TaskCategory;
  /** The text the category was read from (last user turn), for quality models that look at the prompt. */
  promptText: string;
  /** How hard the prompt looks (prompt-features.ts): set by the router on first use, once per call. */
  features?: PromptFeatures;
}

/** Vision inputs cost a vendor-specific number of tokens; this is a middle-of-the-road allowance. */
const TOKENS_PER_IMAGE = 1_000;
/** Per-message framing tokens (role markers), as in OpenAI's counting guide. */
const TOKENS_PER_MESSAGE = 4;

/**
 * Token counts by text. Conversations resend their whole history on every turn, so most texts
 * were counted before; the bound keeps memory flat (oldest entries go first).
 */
const tokenCounts = new Map<string, number>();
const TOKEN_CACHE_ENTRIES = 2_048;
const TOKEN_CACHE_MAX_CHARS = 100_000;

export function countTextTokens(text: string): number {
  if (text.length > TOKEN_CACHE_MAX_CHARS) return countTokens(text);
  const cached = tokenCounts.get(text);
  if (cached !== undefined) return cached;
  const count = countTokens(text);
  if (tokenCounts.size >= TOKEN_CACHE_ENTRIES) tokenCounts.delete(tokenCounts.keys().next().value!);
  tokenCounts.set(text, count);
  return count;
}

function messageText(message: Message): string {
  if (message.role === 'system' || message.role === 'tool') return message.content;
  let text = '';
  for (const part of message.content) {
    if (part.type === 'text' || part.type === 'reasoning') text += part.text;
    else if (part.type === 'tool-call') text += part.name + part.arguments;
  }
  return text;
}

/** Weighted cues per category; the highest total wins, `chat` when nothing stands out. */
const CATEGORY_CUES: ReadonlyArray<[Exclude<TaskCategory, 'chat'>, RegExp, number]> = [
  ['code', /```|\b(function|def|class|return|import|const|let|var|async|lambda)\b|=>|\(\)\s*{/g, 1],
  ['code', /\b(python|javascript|typescript|java|rust|golang|c\+\+|sql|regex|bash|compile|debug|stack trace|bug|refactor|unit test|api endpoint)\b/gi, 2],
  ['code', /\bwrite a (python |js |javascript |typescript )?(function|program|script|class|method|query)\b/gi, 4],
  ['math', /\b(solve|equation|integral|derivative|calculate|compute|probability|theorem|prove|sum of|how many|percent|factor|matrix|algebra)\b/gi, 2],
  ['math', /\d+\s*[-+*/^=]\s*\d+|\\frac|\\sum|\\int|\$[^$]+\$/g, 2],
  ['reasoning', /\b(why|explain|reason|which of the following|puzzle|logic|infer|deduce|best answer|true or false|most likely|because)\b/gi, 1],
  ['reasoning', /(^|\n)\s*\(?[A-D][).:]\s|\boption [A-D]\b|\b_\b|\bblank\b/g, 2],
  ['extraction', /\b(extract|parse|list all|pull out|identify the|find all|classify|categorize|label|summari[sz]e|convert .* to json|fill in the fields)\b/gi, 2],
  ['creative', /\b(write a (story|poem|song|haiku|limerick|novel|screenplay|joke)|imagine|creative|fiction|lyrics|slogan|brainstorm)\b/gi, 3],
];

export function classifyTask(text: string, jsonRequested: boolean): TaskCategory {
  const scores: Record<TaskCategory, number> = { code: 0, math: 0, reasoning: 0, extraction: jsonRequested ? 2 : 0, creative: 0, chat: 0 };
  const sample = text.length > 20_000 ? text.slice(0, 10_000) + text.slice(-10_000) : text;
  for (const [category, pattern, weight] of CATEGORY_CUES) {
    pattern.lastIndex = 0;
    const matches = sample.match(pattern);
    if (matches) scores[category] += Math.min(matches.length, 5) * weight;
  }
  let best: TaskCategory = 'chat';
  let bestScore = 1; // a single weak cue is not enough to leave `chat`
  for (const category of ['code', 'math', 'reasoning', 'extraction', 'creative'] as const) {
    if (scores[category] > bestScore) {
      best = category;
      bestScore = scores[category];
    }
  }
  return best;
}

/** What a request needs from a model, how big it is, and what kind of task it is. */
export function analyzePrompt(request: GenerationRequest): PromptAnalysis {
  let inputTokens = 0;
  let vision = false;
  let lastUserText = '';
  for (const message of request.messages) {
    inputTokens += TOKENS_PER_MESSAGE;
    const text = messageText(message);
    if (text) inputTokens += countTextTokens(text);
    if (message.role === 'user') {
      lastUserText = text;
      for (const part of message.content) {
        if (part.type === 'image') {
          vision = true;
          inputTokens += TOKENS_PER_IMAGE;
        }
      }
    }
  }
  for (const tool of request.tools ?? []) inputTokens += countTextTokens(tool.name + (tool.description ?? '') + JSON.stringify(tool.parameters));
  const structuredOutput = request.responseFormat?.type === 'json-schema' || request.responseFormat?.type === 'json';
  const usesTools = (request.tools?.length ?? 0) > 0 && request.toolChoice !== 'none';
  const reasoning = (request.reasoningEffort !== undefined && request.reasoningEffort !== 'none') || (request.reasoningBudgetTokens ?? 0) > 0;
  return {
    inputTokens,
    maxOutputTokens: request.maxOutputTokens,
    requires: { tools: usesTools, vision, structuredOutput, reasoning },
    category: classifyTask(lastUserText, structuredOutput),
    promptText: lastUserText,
  };
}
