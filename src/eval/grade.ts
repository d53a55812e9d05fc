import { DEFAULT_REFUSAL_PATTERNS } from '../insurance/options.js';
import type { AnswerType } from './types.js';

/** A response in HLE's format, read back: `Explanation: … / Answer: … / Confidence: 85%`. */
export interface ParsedResponse {
  explanation?: string;
  /** The text after `Answer:` (or the whole response when there is no such line). */
  answer: string;
  /** True when the response had an `Answer:` line. */
  formatted: boolean;
  /** 0..1, from `Confidence:` (a percentage or a fraction). */
  confidence?: number;
}

// `Answer:`, `**Answer:**`, `Final answer -`: the label, then the rest of that line (and what follows, up to the next label).
const FIELD = /^[ \t>*_#-]*(explanation|(?:final |exact )?answer|confidence)[ \t*_]*[:\uFF1A\-\u2013][ \t*_]*/gim;

export function parseResponse(text: string): ParsedResponse {
  const fields = new Map<string, string>();
  const matches = [...text.matchAll(FIELD)];
  for (let k = 0; k < matches.length; k += 1) {
    const match = matches[k]!;
    const start = match.index! + match[0].length;
    const end = k + 1 < matches.length ? matches[k + 1]!.index! : text.length;
    const label = match[1]!.toLowerCase().includes('answer') ? 'answer' : match[1]!.toLowerCase();
    // The last Answer line wins: models restate their answer at the end.
    fields.set(label, text.slice(start, end).trim());
  }
  const answer = fields.get('answer');
  const parsed: ParsedResponse = { answer: answer ?? text.trim(), formatted: answer !== undefined };
  const explanation = fields.get('explanation');
  if (explanation !== undefined) parsed.explanation = explanation;
  const confidence = readConfidence(fields.get('confidence'));
  if (confidence !== undefined) parsed.confidence = confidence;
  return parsed;
}

/** `85%`, `85`, `0.85`, `85/100` → 0.85; anything else → undefined. */
export function readConfidence(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /(\d+(?:\.\d+)?)\s*(%|\/\s*100)?/.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  const scaled = match[2] !== undefined || value > 1 ? value / 100 : value;
  return scaled >= 0 && scaled <= 1 ? scaled : undefined;
}

/**
 * Normalises an answer for exact match: Unicode NFKC, lower case, LaTeX wrappers (`$…$`,
 * `\boxed{…}`, `\text{…}`) and surrounding quotes, brackets and final punctuation dropped,
 * whitespace collapsed, and a thousands separator or trailing zeros in a number ignored.
 */
export function normalizeAnswer(text: string): string {
  let value = text.normalize('NFKC').trim();
  // Unwrap \boxed{x}, \text{x}, \mathrm{x} (one level at a time, innermost first).
  for (let guard = 0; guard < 5; guard += 1) {
    const unwrapped = value.replace(/\\(?:boxed|text|mathrm|textbf|mathbf)\{([^{}]*)\}/g, '$1');
    if (unwrapped === value) break;
    value = unwrapped;
  }
  value = value
    .replace(/^\$+|\$+$/g, '')
    .replace(/^\\\(|\\\)$/g, '')
    .replace(/\*\*/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^["'`\u201C\u201D\u2018\u2019([]+|["'`\u201C\u201D\u2018\u2019)\]]+$/g, '')
    .replace(/[.;,!]+$/, '')
    .trim();
  const number = asNumber(value);
  return number === undefined ? value : String(number);
}

function asNumber(text: string): number | undefined {
  if (!/^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:e[-+]?\d+)?$/.test(text) || !/\d/.test(text)) return undefined;
  const value = Number(text.replace(/,/g, ''));
  return Number.isFinite(value) ? value : undefined;
}

/** The choice letter of a multiple-choice answer: `B`, `(B)`, `B.`, `B) Paris`, `Option B` → `b`. */
export function choiceLetter(text: string): string | undefined {
  const value = text.normalize('NFKC').trim().replace(/\*\*/g, '');
  const match = /^(?:option|choice|answer)?\s*[([]?([A-Za-z])(?:[)\].:]|\s|$)/i.exec(value);
  return match ? match[1]!.toLowerCase() : undefined;
}

/** Exact match after normalisation; for multiple choice, the choice letters. */
export function exactMatch(response: string, expected: string, answerType: AnswerType): boolean {
  if (answerType === 'multipleChoice') {
    const given = choiceLetter(response);
    const wanted = choiceLetter(expected) ?? normalizeAnswer(expected);
    return given !== undefined && given === wanted;
  }
  return normalizeAnswer(response) === normalizeAnswer(expected);
}

/** A refusal: the model declined instead of answering (the insurance's refusal patterns, or a filtered finish). */
export function isRefusal(text: string, finishReason: string | undefined, patterns: readonly RegExp[] = DEFAULT_REFUSAL_PATTERNS): boolean {
  if (finishReason === 'content_filter') return true;
  return patterns.some((pattern) => pattern.test(text));
}
