import type { GenerationRequest, Message } from '../core/request.js';
import type { CountOptions } from './token-count.js';
import { nextTurn, SliceBudget } from '../core/slices.js';
import { estimateTextTokens, TokenEstimator, type TokenEstimate } from './token-estimate.js';
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
  /**
   * Input tokens (o200k, as gpt-tokenizer counts them), plus framing per message and an allowance
   * per image: estimated from the text, or counted (see `inputTokensSource`).
   */
  inputTokens: number;
  /**
   * `estimated` from the text in one pass, without a tokenizer (what routing uses unless the
   * estimate's bounds leave a decision open); `counted` with gpt-tokenizer; `sampled` when a text
   * longer than 131,072 characters was counted on a sample and the estimate scaled by it.
   */
  inputTokensSource: 'estimated' | 'counted' | 'sampled';
  /** The count is within these (equal to `inputTokens` once counted). */
  inputTokenBounds: { low: number; high: number };
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
  [
    'code',
    /\b(python|javascript|typescript|java|rust|golang|c\+\+|sql|regex|bash|compile|debug|stack trace|bug|refactor|unit test|api endpoint)\b/gi,
    2,
  ],
  ['code', /\bwrite a (python |js |javascript |typescript )?(function|program|script|class|method|query)\b/gi, 4],
  [
    'math',
    /\b(solve|equation|integral|derivative|calculate|compute|probability|theorem|prove|sum of|how many|percent|factor|matrix|algebra)\b/gi,
    2,
  ],
  ['math', /\d+\s*[-+*/^=]\s*\d+|\\frac|\\sum|\\int|\$[^$]+\$/g, 2],
  [
    'reasoning',
    /\b(why|explain|reason|which of the following|puzzle|logic|infer|deduce|best answer|true or false|most likely|because)\b/gi,
    1,
  ],
  ['reasoning', /(^|\n)\s*\(?[A-D][).:]\s|\boption [A-D]\b|\b_\b|\bblank\b/g, 2],
  [
    'extraction',
    /\b(extract|parse|list all|pull out|identify the|find all|classify|categorize|label|summari[sz]e|convert .* to json|fill in the fields)\b/gi,
    2,
  ],
  [
    'creative',
    /\b(write a (story|poem|song|haiku|limerick|novel|screenplay|joke)|imagine|creative|fiction|lyrics|slogan|brainstorm)\b/gi,
    3,
  ],
];

export function classifyTask(text: string, jsonRequested: boolean): TaskCategory {
  const scores: Record<TaskCategory, number> = { code: 0, math: 0, reasoning: 0, extraction: jsonRequested ? 2 : 0, creative: 0, chat: 0 };
  const sample = text.length > 20_000 ? text.slice(0, 10_000) + text.slice(-10_000) : text;
  for (const [category, pattern, weight] of CATEGORY_CUES) {
    // Up to five matches count. `test` on a global pattern moves `lastIndex` past each match, as
    // `match` would, without building the array of matches (no cue can match the empty string).
    pattern.lastIndex = 0;
    let found = 0;
    while (found < 5 && pattern.test(sample)) found += 1;
    scores[category] += found * weight;
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

/** The texts whose tokens a request sends: each message's, then each tool's name, description and schema. */
function promptTexts(request: GenerationRequest): string[] {
  const texts: string[] = [];
  for (const message of request.messages) texts.push(messageText(message));
  for (const tool of request.tools ?? []) texts.push(toolText(tool));
  return texts;
}

function toolText(tool: NonNullable<GenerationRequest['tools']>[number]): string {
  return tool.name + (tool.description ?? '') + JSON.stringify(tool.parameters);
}

/** Tokens a request carries beyond its texts: framing per message, an allowance per image. */
function fixedTokens(request: GenerationRequest): number {
  let tokens = request.messages.length * TOKENS_PER_MESSAGE;
  for (const message of request.messages) {
    if (message.role !== 'user') continue;
    for (const part of message.content) if (part.type === 'image') tokens += TOKENS_PER_IMAGE;
  }
  return tokens;
}

/**
 * What a request needs from a model, how big it is, and what kind of task it is. Its size is an
 * estimate with bounds (./token-estimate.ts): one pass over the text, no tokenizer. Synchronous:
 * a prompt of megabytes holds the loop for that pass; `analyzePromptInSlices` does not.
 */
export function analyzePrompt(request: GenerationRequest): PromptAnalysis {
  const size = { estimate: 0, low: 0, high: 0 };
  for (const message of request.messages) addSize(size, estimateTextTokens(messageText(message)));
  for (const tool of request.tools ?? []) addSize(size, estimateTextTokens(toolText(tool)));
  return withSize(request, size);
}

/** Prompts with more characters than this are analysed in slices by the router. */
export const SYNC_ANALYSIS_CHARS = 65_536;
/** Characters estimated between two checks of the slice's time. */
const ESTIMATE_STEP = 16_384;

/** The characters of a request's texts: what `analyzePrompt` reads. */
export function promptChars(request: GenerationRequest): number {
  let chars = 0;
  for (const message of request.messages) {
    if (message.role === 'system' || message.role === 'tool') chars += message.content.length;
    else
      for (const part of message.content)
        chars +=
          part.type === 'text' || part.type === 'reasoning'
            ? part.text.length
            : part.type === 'tool-call'
              ? part.name.length + part.arguments.length
              : 0;
  }
  for (const tool of request.tools ?? []) chars += tool.name.length + (tool.description?.length ?? 0);
  return chars;
}

/** `analyzePrompt` in slices: a turn of the event loop every few milliseconds of reading. */
export async function analyzePromptInSlices(request: GenerationRequest, signal?: AbortSignal): Promise<PromptAnalysis> {
  const size = { estimate: 0, low: 0, high: 0 };
  const budget = new SliceBudget();
  const texts = promptTexts(request);
  for (const text of texts) {
    const estimator = new TokenEstimator();
    for (let start = 0; start < text.length; start += ESTIMATE_STEP) {
      estimator.feed(text, start, Math.min(text.length, start + ESTIMATE_STEP));
      if (budget.spent()) {
        await nextTurn();
        if (signal?.aborted) throw signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
        budget.restart();
      }
    }
    addSize(size, estimator.finish());
  }
  return withSize(request, size);
}

function addSize(size: { estimate: number; low: number; high: number }, text: TokenEstimate): void {
  size.estimate += text.estimate;
  size.low += text.low;
  size.high += text.high;
}

/** The analysis, given the size of the request's texts. */
function withSize(request: GenerationRequest, size: { estimate: number; low: number; high: number }): PromptAnalysis {
  let fixed = 0;
  let vision = false;
  let lastUserText = '';
  for (const message of request.messages) {
    fixed += TOKENS_PER_MESSAGE;
    if (message.role !== 'user') continue;
    lastUserText = messageText(message);
    for (const part of message.content) {
      if (part.type === 'image') {
        vision = true;
        fixed += TOKENS_PER_IMAGE;
      }
    }
  }
  const structuredOutput = request.responseFormat?.type === 'json-schema' || request.responseFormat?.type === 'json';
  const usesTools = (request.tools?.length ?? 0) > 0 && request.toolChoice !== 'none';
  const reasoning =
    (request.reasoningEffort !== undefined && request.reasoningEffort !== 'none') || (request.reasoningBudgetTokens ?? 0) > 0;
  return {
    inputTokens: fixed + size.estimate,
    inputTokensSource: 'estimated',
    inputTokenBounds: { low: fixed + size.low, high: fixed + size.high },
    maxOutputTokens: request.maxOutputTokens,
    requires: { tools: usesTools, vision, structuredOutput, reasoning },
    category: classifyTask(lastUserText, structuredOutput),
    promptText: lastUserText,
  };
}

/**
 * The analysis with the request's tokens counted by gpt-tokenizer instead of estimated: loaded on
 * first use, run in a worker thread where the runtime has one and in slices otherwise, so the event
 * loop is never held (./token-count.ts).
 */
export async function countPromptTokens(
  request: GenerationRequest,
  analysis: PromptAnalysis = analyzePrompt(request),
  options: CountOptions = {},
): Promise<PromptAnalysis> {
  // Counting is rare (./token-bounds.ts): its code is a chunk of its own, loaded when needed.
  const { countTextsTokens } = await import('./token-count.js');
  const counts = await countTextsTokens(promptTexts(request), options);
  let tokens = fixedTokens(request);
  let sampled = false;
  for (const count of counts) {
    tokens += count.tokens;
    sampled ||= count.sampled;
  }
  return {
    ...analysis,
    inputTokens: tokens,
    inputTokensSource: sampled ? 'sampled' : 'counted',
    inputTokenBounds: sampled ? analysis.inputTokenBounds : { low: tokens, high: tokens },
  };
}
