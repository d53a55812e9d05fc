import type { EvalItem } from './types.js';

/**
 * The system prompt of an evaluated call: it asks for HLE's response format, so that the answer
 * and the stated confidence can be read back (by exact match or by the judge).
 */
export const HLE_SYSTEM_PROMPT = [
  'Answer the question. Reply in exactly this format:',
  'Explanation: {your reasoning for the answer, briefly}',
  'Answer: {your final answer only}',
  'Confidence: {how sure you are that the answer is right, from 0% to 100%}',
].join('\n');

/** The same, for a multiple-choice item: the answer is the letter of the choice. */
export const HLE_SYSTEM_PROMPT_CHOICE = HLE_SYSTEM_PROMPT.replace('{your final answer only}', '{the letter of your chosen answer}');

export function systemPromptFor(item: EvalItem): string {
  return item.answerType === 'multipleChoice' ? HLE_SYSTEM_PROMPT_CHOICE : HLE_SYSTEM_PROMPT;
}

/** What the judge returns: HLE's structured verdict. */
export interface JudgeVerdict {
  /** The final answer the response gives, exactly as written, or `None` when it gives none. */
  extracted_final_answer: string;
  reasoning: string;
  correct: 'yes' | 'no';
  /** The confidence the response stated, 0..100 (100 when it stated none). */
  confidence: number;
}

export const EVAL_JUDGE_SCHEMA = {
  type: 'object',
  properties: {
    extracted_final_answer: { type: 'string' },
    reasoning: { type: 'string' },
    correct: { type: 'string', enum: ['yes', 'no'] },
    confidence: { type: 'number', minimum: 0, maximum: 100 },
  },
  required: ['extracted_final_answer', 'reasoning', 'correct', 'confidence'],
  additionalProperties: false,
} as const;

/** The judge's prompt: the question, the response to grade and the reference answer, as HLE's judge reads them. */
export function judgePrompt(item: EvalItem, response: string): string {
  return [
    'Decide whether the response below answers the question correctly, judged only against the reference answer.',
    '',
    `[question]: ${item.question}`,
    '',
    `[response]: ${response}`,
    '',
    `[correct_answer]: ${item.answer}`,
    '',
    'Fill in:',
    'extracted_final_answer: the final answer the response gives, copied exactly; "None" when it gives none.',
    'reasoning: whether extracted_final_answer matches [correct_answer], looking only at meaningful differences; do not solve the question again and do not argue for another answer.',
    'correct: "yes" when extracted_final_answer matches [correct_answer] or is within a small margin of it for numerical answers; "no" otherwise (ambiguous, wrong, or missing).',
    'confidence: the confidence score the response states, from 0 to 100; 100 when it states none.',
  ].join('\n');
}

/** Reads the judge's JSON; undefined when it did not follow the schema. */
export function readJudgeVerdict(text: string): JudgeVerdict | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const verdict = value as Record<string, unknown>;
  if (typeof verdict.extracted_final_answer !== 'string' || (verdict.correct !== 'yes' && verdict.correct !== 'no')) return undefined;
  const confidence =
    typeof verdict.confidence === 'number' && verdict.confidence >= 0 && verdict.confidence <= 100 ? verdict.confidence : 100;
  return {
    extracted_final_answer: verdict.extracted_final_answer,
    reasoning: typeof verdict.reasoning === 'string' ? verdict.reasoning : '',
    correct: verdict.correct,
    confidence,
  };
}
