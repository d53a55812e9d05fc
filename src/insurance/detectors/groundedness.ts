import { ZenError } from '../../core/errors.js';
import type { GenerationRequest } from '../../core/request.js';
import { answerText, type Detector, type DetectorContext, type EventDraft } from '../detector.js';
import type { ResolvedInsurance } from '../options.js';
import { compileSchema, loadSchemaCompiler, parseJson, schemaProblems } from './json-schema.js';

/** What the judge must answer: every claim it checked, and those the documents do not support. */
export const JUDGE_SCHEMA = {
  type: 'object',
  properties: {
    claims_checked: { type: 'integer', minimum: 0 },
    unsupported_claims: {
      type: 'array',
      items: {
        type: 'object',
        properties: { claim: { type: 'string' }, reason: { type: 'string' } },
        required: ['claim', 'reason'],
        additionalProperties: false,
      },
    },
  },
  required: ['claims_checked', 'unsupported_claims'],
  additionalProperties: false,
} as const;

export interface JudgeVerdict {
  claims_checked: number;
  unsupported_claims: Array<{ claim: string; reason: string }>;
}

const INSTRUCTIONS = [
  'You check whether an answer is grounded in the documents given to you.',
  'Split the answer into its factual claims. A claim is supported when the documents state it or it follows directly from them.',
  'List every claim that is not supported, with a short reason. Opinions, greetings and statements about the answer itself are not claims.',
  'Reply with JSON only, following the schema.',
].join(' ');

/** The judge's request: documents and answer as data, never as instructions. */
export function judgeRequest(documents: string[], answer: string, maxChars: number): GenerationRequest {
  let budget = maxChars;
  const parts: string[] = [];
  documents.forEach((document, index) => {
    if (budget <= 0) return;
    const text = document.slice(0, budget);
    budget -= text.length;
    parts.push(`<document index="${index + 1}">\n${text}\n</document>`);
  });
  return {
    messages: [
      { role: 'system', content: INSTRUCTIONS },
      { role: 'user', content: [{ type: 'text', text: `${parts.join('\n')}\n<answer>\n${answer}\n</answer>` }] },
    ],
    responseFormat: {
      type: 'json-schema',
      name: 'groundedness_verdict',
      schema: JUDGE_SCHEMA as unknown as Record<string, unknown>,
      strict: true,
    },
    temperature: 0,
  };
}

/** Reads the judge's answer; throws a ZenError when it does not follow the schema. `loadSchemaCompiler` must have resolved. */
export function readVerdict(text: string): JudgeVerdict {
  const parsed = parseJson(text);
  const compiled = compileSchema(JUDGE_SCHEMA as unknown as Record<string, unknown>);
  const problems = parsed.ok && 'validate' in compiled ? schemaProblems(compiled, parsed.value) : [];
  if (!parsed.ok || problems.length > 0) {
    throw new ZenError({
      kind: 'server',
      retryable: false,
      message: `The groundedness judge did not answer with the verdict schema${parsed.ok ? `: ${problems.map((problem) => `${problem.path || '/'} ${problem.message}`).join('; ')}` : ' (not JSON)'}.`,
    });
  }
  return parsed.value as JudgeVerdict;
}

/**
 * Groundedness: when the request carries `groundingDocuments`, the host's judge model (called
 * through the same router) lists the answer's claims the documents do not support.
 */
export const groundednessDetector: Detector = {
  name: 'groundedness',
  scope: 'answer',
  // Not async: a call without grounding documents (nearly every call) returns at once, without a
  // promise, and the insurance then awaits nothing.
  inspectResult(context) {
    const documents = context.settings.groundingDocuments;
    const judge = context.settings.judge;
    if (context.output === 'image' || !documents || documents.length === 0 || !judge) return;
    const answer = answerText(context.result);
    if (answer.trim() === '') return;
    return judgeAnswer(context, documents, judge, answer);
  },
};

async function judgeAnswer(
  context: DetectorContext,
  documents: string[],
  judge: NonNullable<ResolvedInsurance['judge']>,
  answer: string,
): Promise<EventDraft[] | undefined> {
  const [result] = await Promise.all([
    context.subcall('judge', { model: judge.model, request: judgeRequest(documents, answer, judge.maxDocumentChars) }),
    loadSchemaCompiler(),
  ]);
  const verdict = readVerdict(answerText(result));
  const unsupported = verdict.unsupported_claims.length;
  if (unsupported === 0) return undefined;
  const checked = Math.max(verdict.claims_checked, unsupported);
  return [
    {
      kind: 'ungrounded_claim',
      // One unsupported claim in ten is less bad than one in one; never below 0.3.
      severity: Math.max(0.3, Math.min(1, unsupported / checked)),
      message: `${unsupported} of ${checked} claims are not supported by the grounding documents.`,
      detail: { unsupportedClaims: unsupported, claimsChecked: checked, documents: documents.length },
      evidence: verdict.unsupported_claims,
    },
  ];
}
