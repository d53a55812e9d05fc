import { exactMatch, parseResponse } from '../eval/grade.js';
import type { EvalItem } from '../eval/types.js';
import type { Simulator } from './server.js';
import type { SimReply, SimRequestSummary } from './types.js';

export interface HleAnswersOptions {
  /**
   * Probability that a model answers right: one number, or per simulated model id (the id the
   * provider sends, `gpt-5-mini`), or a function of it and the call count for that model (to script a
   * channel that degrades after N calls). Default 0.7.
   */
  accuracy?: number | Record<string, number> | ((model: string, call: number) => number);
  /** Seed of the deterministic draws (default 1): the same seed answers the same way. */
  seed?: number;
  /** Time to first token and pace of every answer (default 0 ms, unpaced). */
  ttftMs?: number | ((model: string, call: number) => number);
  tokensPerSecond?: number;
  /** What a model says when asked which model it is (default: its own id). */
  identity?: Record<string, string>;
}

/**
 * Scripts a simulator to take HLE-style evaluations: every model answers the items' questions in
 * HLE's format (Explanation / Answer / Confidence), right with the scripted probability, and a
 * judge call (a JSON-schema request quoting `[correct_answer]:`) gets a verdict graded by exact
 * match. Draws are deterministic: a hash of the seed, the model, the question and how many times
 * that model was asked it. Questions the items do not hold get the simulator's usual answer.
 */
export function scriptHleAnswers(simulator: Simulator, items: Iterable<EvalItem>, options: HleAnswersOptions = {}): Simulator {
  const byQuestion = new Map<string, EvalItem>();
  for (const item of items) byQuestion.set(item.question.trim(), item);
  const asked = new Map<string, number>();
  const calls = new Map<string, number>();
  const seed = options.seed ?? 1;
  const accuracyOf = (model: string, call: number): number => {
    const accuracy = options.accuracy ?? 0.7;
    if (typeof accuracy === 'number') return accuracy;
    if (typeof accuracy === 'function') return accuracy(model, call);
    return accuracy[model] ?? 0.7;
  };
  simulator.setDefault('*', (request: SimRequestSummary): SimReply => {
    const call = (calls.get(request.model) ?? 0) + 1;
    calls.set(request.model, call);
    const pace: Partial<SimReply> = {
      ttftMs: typeof options.ttftMs === 'function' ? options.ttftMs(request.model, call) : (options.ttftMs ?? 0),
      ...(options.tokensPerSecond !== undefined ? { tokensPerSecond: options.tokensPerSecond } : {}),
    };
    const text = request.lastUserText;
    if (request.jsonSchema && text.includes('[correct_answer]:')) return { ...pace, json: judgeVerdict(text) };
    if (/which (?:ai )?model are you/i.test(text)) return { ...pace, text: options.identity?.[request.model] ?? `I am ${request.model}.` };
    const item = byQuestion.get(text.trim());
    if (!item) return pace;
    const key = `${request.model}\u0000${item.id}`;
    const nth = (asked.get(key) ?? 0) + 1;
    asked.set(key, nth);
    const draw = unitHash(`${seed}|${request.model}|${item.id}|${nth}`);
    const right = draw < accuracyOf(request.model, call);
    const confidence = right ? 60 + Math.round(unitHash(`c${draw}`) * 35) : 30 + Math.round(unitHash(`w${draw}`) * 60);
    const answer = right ? item.answer : wrongAnswer(item);
    return { ...pace, text: `Explanation: Simulated reasoning about item ${item.id}.\nAnswer: ${answer}\nConfidence: ${confidence}%` };
  });
  return simulator;
}

function wrongAnswer(item: EvalItem): string {
  if (item.answerType === 'multipleChoice') {
    const letter = item.answer.trim().toUpperCase().charCodeAt(0);
    return String.fromCharCode(letter === 65 ? 66 : 65);
  }
  return `not ${item.answer}`;
}

/** The simulated judge: reads the response and the reference from its prompt, grades by exact match. */
function judgeVerdict(prompt: string): Record<string, unknown> {
  const response = /\[response\]: ([\s\S]*?)\n\n\[correct_answer\]:/.exec(prompt)?.[1] ?? '';
  const expected = /\[correct_answer\]: ([^\n]*)/.exec(prompt)?.[1] ?? '';
  const parsed = parseResponse(response);
  const choice = /^[A-Za-z]$/.test(expected.trim());
  const correct = parsed.formatted && exactMatch(parsed.answer, expected, choice ? 'multipleChoice' : 'exactMatch');
  return {
    extracted_final_answer: parsed.formatted ? parsed.answer : 'None',
    reasoning: correct ? 'The answer matches the reference.' : 'The answer differs from the reference.',
    correct: correct ? 'yes' : 'no',
    confidence: Math.round((parsed.confidence ?? 1) * 100),
  };
}

/** FNV-1a of the text, as a number in [0, 1). */
function unitHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let k = 0; k < text.length; k += 1) {
    hash ^= text.charCodeAt(k);
    hash = Math.imul(hash, 0x01000193);
  }
  // One more mixing round (murmur3's finaliser) so that close inputs spread over the whole range.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 4294967296;
}
