import type { GenerationResult } from '../../core/result.js';
import { answerText, type Detector, type DetectorContext, type EventDraft } from '../detector.js';
import { parseJson } from './json-schema.js';

/** A comparable form of an answer: its words, or canonical JSON, or its tool calls. */
function signature(result: GenerationResult): { words: Set<string>; exact: string | undefined } {
  const calls = result.content.filter((part) => part.type === 'tool-call');
  if (calls.length > 0) {
    const exact = calls
      .map((call) => `${call.name}(${canonicalJson(call.arguments)})`)
      .sort()
      .join(';');
    return { words: new Set([exact]), exact };
  }
  const text = answerText(result);
  const parsed = text.trim().startsWith('{') || text.trim().startsWith('[') ? parseJson(text) : undefined;
  if (parsed?.ok) {
    const exact = JSON.stringify(sortKeys(parsed.value));
    return { words: new Set(exact.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []), exact };
  }
  return { words: new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []), exact: undefined };
}

function canonicalJson(text: string): string {
  const parsed = parseJson(text);
  return parsed.ok ? JSON.stringify(sortKeys(parsed.value)) : text;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** 1 for the same answer, 0 for answers with nothing in common (Jaccard similarity of their words). */
export function similarity(a: GenerationResult, b: GenerationResult): number {
  const left = signature(a);
  const right = signature(b);
  if (left.exact !== undefined && left.exact === right.exact) return 1;
  if (left.words.size === 0 && right.words.size === 0) return 1;
  let shared = 0;
  for (const word of left.words) if (right.words.has(word)) shared++;
  return shared / (left.words.size + right.words.size - shared);
}

/**
 * Self-consistency (opt-in): asks the router for N more answers to the same request and measures
 * how far they are from the answer given. Disagreement is 1 − the mean similarity; above the
 * threshold, the answer is flagged: a model that says different things each time is guessing.
 */
export const consistencyDetector: Detector = {
  name: 'consistency',
  scope: 'answer',
  // Not async: with no samples asked for (the default) it returns at once, without a promise.
  inspectResult(context) {
    const { samples, threshold, model } = context.settings.consistency;
    if (context.output === 'image' || samples <= 0) return;
    return compareSamples(context, samples, threshold, model);
  },
};

async function compareSamples(
  context: DetectorContext,
  samples: number,
  threshold: number,
  model: string | string[],
): Promise<EventDraft[] | undefined> {
  const results = await Promise.all(
    Array.from({ length: samples }, () => context.subcall('consistency', { model, request: context.request })),
  );
  const similarities = results.map((sample) => similarity(context.result, sample));
  const disagreement = 1 - similarities.reduce((sum, value) => sum + value, 0) / similarities.length;
  if (disagreement <= threshold) return undefined;
  return [
    {
      kind: 'inconsistent_answers',
      severity: Math.min(1, disagreement),
      message: `${samples} more samples disagree with the answer (disagreement ${disagreement.toFixed(2)}, threshold ${threshold}).`,
      detail: {
        samples,
        disagreement: Math.round(disagreement * 1000) / 1000,
        threshold,
        similarities: similarities.map((value) => Math.round(value * 1000) / 1000),
      },
      evidence: results.map((sample) => answerText(sample).slice(0, 500)),
    },
  ];
}
