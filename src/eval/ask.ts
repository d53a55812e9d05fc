import { ZenError } from '../core/errors.js';
import type { ZenMetadata } from '../pipeline/types.js';
import type { EvalClient } from './client.js';
import { exactMatch, isRefusal, parseResponse } from './grade.js';
import { EVAL_JUDGE_SCHEMA, judgePrompt, readJudgeVerdict, systemPromptFor } from './prompts.js';
import type { EvalItem, ItemOutcome } from './types.js';

export interface AskSettings {
  maxOutputTokens: number;
  temperature: number | undefined;
  stream: boolean;
  retries: number;
  tags: Record<string, string>;
  signal: AbortSignal | undefined;
}

export interface Answer {
  text: string;
  finishReason: string | undefined;
  metadata: ZenMetadata;
}

type ChatContent = string | Array<{ type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } }>;

/** The question as a user message, with its image when it has one. */
export function questionContent(item: EvalItem): ChatContent {
  if (!item.image) return item.question;
  return [
    { type: 'text', text: item.question },
    { type: 'image_url', image_url: { url: item.image } },
  ];
}

/**
 * One evaluated call, pinned to its channel: the channel id names a single candidate, so there is
 * no failover, and no hedge; retries of the same channel follow `retries` (default 0).
 * Streamed by default, so that the time to first token is measured.
 */
export async function askChannel(zen: EvalClient, channel: string, item: EvalItem, settings: AskSettings): Promise<Answer> {
  const messages = [
    { role: 'system' as const, content: systemPromptFor(item) },
    { role: 'user' as const, content: questionContent(item) },
  ];
  const zenOptions = { tags: settings.tags, hedge: false, maxChannels: 1, retry: { retries: settings.retries } };
  const common = {
    model: channel,
    messages,
    max_completion_tokens: settings.maxOutputTokens,
    ...(settings.temperature !== undefined ? { temperature: settings.temperature } : {}),
    zen: zenOptions,
  };
  const callOptions = settings.signal ? { signal: settings.signal } : undefined;
  if (!settings.stream) {
    const completion = await zen.chat.completions.create({ ...common, stream: false }, callOptions);
    const choice = completion.choices[0];
    return { text: choice?.message.content ?? '', finishReason: choice?.finish_reason ?? undefined, metadata: completion.zen };
  }
  const stream = await zen.chat.completions.create({ ...common, stream: true, stream_options: { include_usage: true } }, callOptions);
  let text = '';
  let finishReason: string | undefined;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    if (choice?.delta.content) text += choice.delta.content;
    if (choice?.finish_reason) finishReason = choice.finish_reason;
  }
  const metadata = await stream.metadata();
  // An aborted stream ends quietly (as the openai SDK's does): it is not an answer.
  if (settings.signal?.aborted) throw new ZenError({ kind: 'aborted', message: 'The evaluation was stopped.', retryable: false });
  return { text, finishReason, metadata };
}

export interface Grade {
  outcome: ItemOutcome;
  extracted?: string;
  confidence?: number;
  grader: 'exact' | 'judge';
}

/** Grades by exact match after normalisation; a refusal is `refused`. */
export function gradeExact(item: EvalItem, answer: Answer): Grade {
  const parsed = parseResponse(answer.text);
  const refused =
    answer.metadata.events.some((event) => event.kind === 'refusal') || (!parsed.formatted && isRefusal(answer.text, answer.finishReason));
  const grade: Grade = {
    outcome: refused ? 'refused' : exactMatch(parsed.answer, item.answer, item.answerType) ? 'correct' : 'incorrect',
    extracted: parsed.answer,
    grader: 'exact',
  };
  if (parsed.confidence !== undefined) grade.confidence = parsed.confidence;
  return grade;
}

export interface JudgeOutcome {
  grade: Grade | undefined;
  costUsd: number;
}

/**
 * Grades with an LLM judge through the router (the host's choice of model; failover allowed):
 * HLE's structured verdict. A judge that fails or breaks the schema leaves the exact grade.
 */
export async function gradeWithJudge(
  zen: EvalClient,
  judge: string,
  item: EvalItem,
  answer: Answer,
  settings: Pick<AskSettings, 'tags' | 'signal'>,
): Promise<JudgeOutcome> {
  try {
    const completion = await zen.chat.completions.create(
      {
        model: judge,
        messages: [{ role: 'user', content: judgePrompt(item, answer.text) }],
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'evaluation_verdict', schema: EVAL_JUDGE_SCHEMA as unknown as Record<string, unknown>, strict: true },
        },
        max_completion_tokens: JUDGE_MAX_TOKENS,
        temperature: 0,
        stream: false,
        zen: { tags: { ...settings.tags, zen_eval_role: 'judge' } },
      },
      settings.signal ? { signal: settings.signal } : undefined,
    );
    const verdict = readJudgeVerdict(completion.choices[0]?.message.content ?? '');
    const costUsd = completion.zen.cost.total;
    if (!verdict) return { grade: undefined, costUsd };
    const refused = verdict.correct === 'no' && answer.metadata.events.some((event) => event.kind === 'refusal');
    return {
      grade: {
        outcome: verdict.correct === 'yes' ? 'correct' : refused ? 'refused' : 'incorrect',
        extracted: verdict.extracted_final_answer,
        confidence: verdict.confidence / 100,
        grader: 'judge',
      },
      costUsd,
    };
  } catch (error) {
    if (ZenError.isInstance(error) && error.kind === 'aborted') throw error;
    const cost = (error as { zen?: ZenMetadata }).zen?.cost.total ?? 0;
    return { grade: undefined, costUsd: cost };
  }
}

/** The judge's answer is short: a verdict and a line of reasoning. */
export const JUDGE_MAX_TOKENS = 1_024;
