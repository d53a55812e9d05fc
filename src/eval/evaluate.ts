import { configurationError, ZenError } from '../core/errors.js';
import { newRequestId } from '../core/ids.js';
import type { ZenMetadata } from '../pipeline/types.js';
import type { Channel } from '../policy/catalog.js';
import type { TaskCategory } from '../policy/analyze-prompt.js';
import type { EvaluationRecord } from '../insurance/types.js';
import { askChannel, gradeExact, gradeWithJudge, JUDGE_MAX_TOKENS, type Answer, type AskSettings, type Grade } from './ask.js';
import { Budget, DEFAULT_IMAGE_TOKENS, utf8Bytes, worstCaseUsd } from './budget.js';
import type { EvalClient, EvalDataset } from './client.js';
import { PairTally, type ChannelComparison, type CompareOptions } from './compare.js';
import { checkEvalItem } from './dataset.js';
import { judgePrompt, systemPromptFor } from './prompts.js';
import { ChannelTally } from './summary.js';
import type { ChannelSummary, EvalItem, EvaluationReport, ItemResult, StopReason } from './types.js';

export interface EvaluateOptions {
  /** The items: an array, a generator, or `readDataset(path)` from `zenrouter/node`. Read lazily. */
  dataset: EvalDataset;
  /** Channels to evaluate (`vendor/model:provider`), each call pinned to its channel. */
  channels?: string[];
  /** Models to evaluate at every provider that serves them (each channel apart). */
  models?: string[];
  /** A model (or channel) that grades answers with HLE's structured verdict; exact match when absent. */
  judge?: string;
  /** Calls in flight at once (default 4). */
  concurrency?: number;
  /** Times each item is asked of each channel (default 1). */
  samples?: number;
  /** Never spend more than this, judge included (USD). Needs a price for every channel. */
  budgetUsd?: number;
  /** Cap on an answer's tokens (default 4,096); also the worst case the budget reserves. */
  maxOutputTokens?: number;
  /** Tokens an image is assumed to cost at most, for the budget (default 2,000). */
  imageTokens?: number;
  temperature?: number;
  /** Stream the answers (default true): measures time to first token and throughput. */
  stream?: boolean;
  /** Retries of the same channel on a failed call (default 0: an error is counted, not hidden). */
  retries?: number;
  /** Only the first `limit` items. */
  limit?: number;
  /** Stops the run; what was graded is kept and reported. */
  signal?: AbortSignal;
  /** Run id (default: a new one); recorded on every result and ledger record. */
  run?: string;
  /** Results of an earlier run to keep: their item × channel × sample pairs are not asked again. */
  resume?: Iterable<ItemResult> | AsyncIterable<ItemResult>;
  /** Told every graded answer as it comes (write it to a results file). Awaited. */
  onResult?: (result: ItemResult) => void | Promise<void>;
  onProgress?: (progress: EvaluationProgress) => void;
  /** Write an `evaluation` ledger record per answer (default true). */
  ledger?: boolean;
  /** Tell the router's quality model each graded answer (default true). */
  feedQuality?: boolean;
  /** The router's task category an item's result counts for (default: `math` for HLE's Math, `code` for Computer Science, else `reasoning`). */
  qualityCategory?: (item: EvalItem) => TaskCategory;
  /** Answers per calibration bin (default 100, as HLE). */
  calibrationBinSize?: number;
  /** How channels are compared (McNemar's exact test by default). */
  compare?: CompareOptions;
  /** Extra ledger tags on every evaluation call. */
  tags?: Record<string, string>;
}

export interface EvaluationProgress {
  /** Answers graded or failed so far (resumed ones included). */
  done: number;
  graded: number;
  correct: number;
  errors: number;
  spentUsd: number;
  inFlight: number;
}

export interface EvaluationResult extends EvaluationReport {
  comparisons: ChannelComparison[];
  /** Calls whose real cost was above the reserved worst case (0 unless a price or a token bound was wrong). */
  budgetOverruns: number;
}

interface Task {
  item: EvalItem;
  sample: number;
  channel: Channel;
  group: ItemGroup;
}

/** One item × sample's answers from every channel, kept until the last arrives (for the paired comparison). */
interface ItemGroup {
  waiting: number;
  correct: Map<string, boolean>;
}

const DEFAULTS = { concurrency: 4, samples: 1, maxOutputTokens: 4_096, retries: 0 };

/**
 * Runs an evaluation set over channels through the router: every call pinned to one channel, the
 * answer graded, and per channel accuracy (Wilson 95 % interval), HLE's RMS calibration error,
 * cost, latency, refusals and errors per category, plus a paired comparison of the channels.
 * Items are read lazily and asked item by item (every channel and sample of an item before the
 * next), so a run stopped by its budget or by the caller has compared the channels on the same items.
 */
export async function evaluate(zen: EvalClient, options: EvaluateOptions): Promise<EvaluationResult> {
  const settings = checkOptions(options);
  const run = options.run ?? `eval_${newRequestId()}`;
  const startedAt = new Date().toISOString();
  const channels = await resolveChannels(zen, options);
  const judgeChannels = options.judge
    ? (await zen.plan({ model: options.judge, request: PROBE_REQUEST })).order.map((candidate) => candidate.channel)
    : [];
  const budget = new Budget(options.budgetUsd);
  if (budget.limited) {
    // Fail now, not at the first call, when a price is missing.
    for (const channel of [...channels, ...judgeChannels]) worstCaseUsd(channel, { bytes: 0, images: 0 }, 1);
  }
  const tallies = new Map(channels.map((channel) => [channel.id, new ChannelTally(channel.id)]));
  const pairs = new PairTally(
    channels.map((channel) => channel.id),
    options.compare,
  );
  const progress: EvaluationProgress = { done: 0, graded: 0, correct: 0, errors: 0, spentUsd: 0, inFlight: 0 };
  const record = (result: ItemResult): void => {
    tallies.get(result.channel)?.add(result);
    progress.done += 1;
    if (result.outcome === 'error') progress.errors += 1;
    else progress.graded += 1;
    if (result.outcome === 'correct') progress.correct += 1;
  };

  // Earlier results: counted, never asked again, paired with this run's answers to the same items.
  const done = new Set<string>();
  const resumedGroups = new Map<string, Map<string, boolean>>();
  let resumed = 0;
  if (options.resume) {
    for await (const result of options.resume) {
      if (!tallies.has(result.channel)) continue;
      const key = taskKey(result.channel, result.item, result.sample);
      if (done.has(key)) continue;
      done.add(key);
      record(result);
      resumed += 1;
      if (result.outcome !== 'error') {
        const groupKey = `${result.item}\u0000${result.sample}`;
        let group = resumedGroups.get(groupKey);
        if (!group) resumedGroups.set(groupKey, (group = new Map()));
        group.set(result.channel, result.outcome === 'correct');
      }
    }
  }

  let stopped: StopReason | undefined;
  const stop = (reason: StopReason): void => {
    stopped ??= reason;
  };
  const tasks = taskStream(options, channels, settings.samples, done, resumedGroups, pairs);
  const askSettings = (item: EvalItem, sample: number): AskSettings => ({
    maxOutputTokens: settings.maxOutputTokens,
    temperature: options.temperature,
    stream: options.stream ?? true,
    retries: settings.retries,
    tags: { ...options.tags, zen_eval: run, zen_eval_item: item.id, zen_eval_sample: String(sample) },
    signal: options.signal,
  });

  const finish = (task: Task, correct: boolean | undefined): void => {
    if (correct !== undefined) task.group.correct.set(task.channel.id, correct);
    task.group.waiting -= 1;
    if (task.group.waiting === 0) pairs.add(task.item.id, task.sample, task.group.correct);
  };

  const work = async (task: Task): Promise<void> => {
    const prompt = { bytes: utf8Bytes(systemPromptFor(task.item)) + utf8Bytes(task.item.question), images: task.item.image ? 1 : 0 };
    const imageTokens = options.imageTokens ?? DEFAULT_IMAGE_TOKENS;
    const answerWorst = budget.limited ? worstCaseUsd(task.channel, prompt, settings.maxOutputTokens, imageTokens) : 0;
    // The judge reads the question and the answer: up to maxOutputTokens tokens of it, at most 16 bytes each.
    const judgeWorst = budget.limited ? judgeWorstUsd(judgeChannels, task.item, settings.maxOutputTokens * 16, imageTokens) : 0;
    if (!budget.reserve(answerWorst + judgeWorst)) {
      stop('budget');
      finish(task, undefined);
      return;
    }
    progress.inFlight += 1;
    let answer: Answer | undefined;
    let failure: ZenError | undefined;
    try {
      answer = await askChannel(zen, task.channel.id, task.item, askSettings(task.item, task.sample));
    } catch (error) {
      failure = ZenError.isInstance(error) ? error : new ZenError({ kind: 'server', message: String(error), cause: error });
    }
    const answerCost = answer ? answer.metadata.cost.total : ((failure as { zen?: ZenMetadata } | undefined)?.zen?.cost.total ?? 0);
    if (options.signal?.aborted || failure?.kind === 'aborted') {
      // Stopped mid-call: not an answer, not recorded. What it cost so far is spent all the same.
      budget.settle(answerWorst + judgeWorst, answerCost);
      progress.inFlight -= 1;
      stop('aborted');
      finish(task, undefined);
      return;
    }
    let grade: Grade | undefined;
    let judgeCost = 0;
    if (answer) {
      grade = gradeExact(task.item, answer);
      if (options.judge && grade.outcome !== 'refused') {
        // The reservation assumed the longest answer; this one is known now.
        const judgeNeeded = judgeWorstUsd(judgeChannels, task.item, utf8Bytes(answer.text), imageTokens);
        if (!budget.limited || judgeNeeded <= judgeWorst) {
          const judged = await gradeWithJudge(zen, options.judge, task.item, answer, {
            tags: askSettings(task.item, task.sample).tags,
            signal: options.signal,
          });
          judgeCost = judged.costUsd;
          if (judged.grade) grade = judged.grade;
        }
      }
    }
    budget.settle(answerWorst + judgeWorst, answerCost + judgeCost);
    progress.inFlight -= 1;
    const result = itemResult(run, task, answer, failure, grade, answerCost, judgeCost);
    record(result);
    progress.spentUsd = budget.spentUsd;
    finish(task, result.outcome === 'error' ? undefined : result.outcome === 'correct');
    if (options.feedQuality !== false && result.outcome !== 'error') {
      const category = (options.qualityCategory ?? defaultQualityCategory)(task.item);
      zen.quality.observe({ channel: task.channel, category, success: true, score: result.outcome === 'correct' ? 1 : 0 });
    }
    if (options.ledger !== false) await zen.ledger.append(evaluationRecord(result));
    await options.onResult?.(result);
    options.onProgress?.({ ...progress });
  };

  const worker = async (): Promise<void> => {
    while (!stopped && !options.signal?.aborted) {
      const next = await tasks.next();
      if (next.done) return;
      await work(next.value);
    }
  };
  try {
    await Promise.all(Array.from({ length: settings.concurrency }, worker));
  } finally {
    await tasks.return(undefined);
  }
  if (options.signal?.aborted) stop('aborted');
  // Items answered only in the earlier run still count in the comparison.
  for (const [key, group] of resumedGroups) {
    const [item, sample] = key.split('\u0000') as [string, string];
    pairs.add(item, Number(sample), group);
  }
  progress.spentUsd = budget.spentUsd;
  const summaries: ChannelSummary[] = channels.map((channel) => tallies.get(channel.id)!.summary(options.calibrationBinSize));
  const result: EvaluationResult = {
    run,
    startedAt,
    finishedAt: new Date().toISOString(),
    channels: summaries,
    spentUsd: budget.spentUsd,
    resumed,
    comparisons: pairs.results(),
    budgetOverruns: budget.overruns,
  };
  if (stopped) result.stopped = stopped;
  return result;
}

/** The item × sample × channel tasks, item by item, skipping what an earlier run answered. */
async function* taskStream(
  options: EvaluateOptions,
  channels: Channel[],
  samples: number,
  done: Set<string>,
  resumedGroups: Map<string, Map<string, boolean>>,
  pairs: PairTally,
): AsyncGenerator<Task, void, undefined> {
  let index = 0;
  for await (const raw of options.dataset) {
    if (options.limit !== undefined && index >= options.limit) return;
    const item = checkEvalItem(raw, index);
    index += 1;
    for (let sample = 0; sample < samples; sample += 1) {
      const todo = channels.filter((channel) => !done.has(taskKey(channel.id, item.id, sample)));
      const groupKey = `${item.id}\u0000${sample}`;
      const earlier = resumedGroups.get(groupKey);
      resumedGroups.delete(groupKey);
      if (todo.length === 0) {
        if (earlier) pairs.add(item.id, sample, earlier);
        continue;
      }
      const group: ItemGroup = { waiting: todo.length, correct: earlier ?? new Map() };
      for (const channel of todo) yield { item, sample, channel, group };
    }
  }
}

function taskKey(channel: string, item: string, sample: number): string {
  return `${channel}\u0000${item}\u0000${sample}`;
}

function itemResult(
  run: string,
  task: Task,
  answer: Answer | undefined,
  failure: ZenError | undefined,
  grade: Grade | undefined,
  costUsd: number,
  judgeCostUsd: number,
): ItemResult {
  const metadata = answer?.metadata ?? (failure as { zen?: ZenMetadata } | undefined)?.zen;
  const result: ItemResult = {
    run,
    item: task.item.id,
    channel: task.channel.id,
    sample: task.sample,
    category: task.item.category ?? 'all',
    outcome: grade?.outcome ?? 'error',
    expected: task.item.answer,
    grader: grade?.grader ?? 'exact',
    costUsd,
    judgeCostUsd,
    durationMs: metadata?.durationMs ?? 0,
    at: new Date().toISOString(),
  };
  if (grade?.extracted !== undefined) result.extracted = grade.extracted;
  if (grade?.confidence !== undefined) result.confidence = grade.confidence;
  if (metadata?.ttftMs !== undefined) result.ttftMs = metadata.ttftMs;
  if (metadata?.tokensPerSecond !== undefined) result.tokensPerSecond = metadata.tokensPerSecond;
  if (answer) result.outputTokens = answer.metadata.usage.output.total;
  if (failure) result.errorKind = failure.kind;
  if (metadata?.requestId) result.requestId = metadata.requestId;
  return result;
}

/** The ledger's record of a graded answer: no question, no answer text. */
export function evaluationRecord(result: ItemResult): EvaluationRecord {
  const record: EvaluationRecord = {
    type: 'evaluation',
    requestId: result.requestId ?? `eval_${newRequestId()}`,
    at: result.at,
    run: result.run,
    item: result.item,
    channel: result.channel,
    sample: result.sample,
    category: result.category,
    outcome: result.outcome,
    grader: result.grader,
    costUsd: result.costUsd,
    judgeCostUsd: result.judgeCostUsd,
    durationMs: result.durationMs,
  };
  if (result.confidence !== undefined) record.confidence = result.confidence;
  if (result.ttftMs !== undefined) record.ttftMs = result.ttftMs;
  if (result.tokensPerSecond !== undefined) record.tokensPerSecond = result.tokensPerSecond;
  if (result.errorKind !== undefined) record.errorKind = result.errorKind;
  return record;
}

function judgeWorstUsd(judgeChannels: Channel[], item: EvalItem, answerBytes: number, imageTokens: number): number {
  if (judgeChannels.length === 0) return 0;
  const bytes = utf8Bytes(judgePrompt(item, '')) + answerBytes;
  return Math.max(...judgeChannels.map((channel) => worstCaseUsd(channel, { bytes, images: 0 }, JUDGE_MAX_TOKENS, imageTokens)));
}

export function defaultQualityCategory(item: EvalItem): TaskCategory {
  const category = (item.category ?? '').toLowerCase();
  if (category.startsWith('math')) return 'math';
  if (category.includes('computer science') || category.includes('code')) return 'code';
  return 'reasoning';
}

const PROBE_REQUEST = { messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'probe' }] }] };

/** Every channel to evaluate: the named channels, and each channel of the named models. */
async function resolveChannels(zen: EvalClient, options: EvaluateOptions): Promise<Channel[]> {
  const found = new Map<string, Channel>();
  for (const id of options.channels ?? []) {
    const plan = await zen.plan({ model: id, request: PROBE_REQUEST, options: { maxChannels: 1 } });
    const channel = plan.order[0]?.channel;
    if (!channel)
      throw configurationError(
        `No channel ${id} can be evaluated: ${plan.rejected.map((rejection) => `${rejection.channel}: ${rejection.reason}`).join('; ') || 'nothing serves it'}`,
      );
    if (id.includes(':') && channel.id !== id)
      throw configurationError(`${id} resolved to ${channel.id}; name the channel as vendor/model:provider`);
    found.set(channel.id, channel);
  }
  for (const model of options.models ?? []) {
    const plan = await zen.plan({ model, request: PROBE_REQUEST, options: { maxChannels: 64 } });
    for (const candidate of plan.order) found.set(candidate.channel.id, candidate.channel);
  }
  if (found.size === 0) throw configurationError('evaluate needs `channels` or `models` to evaluate');
  return [...found.values()];
}

function checkOptions(options: EvaluateOptions): { concurrency: number; samples: number; maxOutputTokens: number; retries: number } {
  if (!options || typeof options !== 'object') throw configurationError('evaluate needs options: { dataset, channels | models }');
  const dataset = options.dataset as unknown;
  const iterable = dataset !== null && typeof dataset === 'object' && (Symbol.iterator in dataset || Symbol.asyncIterator in dataset);
  if (!iterable)
    throw configurationError(
      'evaluate: `dataset` must be an iterable of items (an array, a generator, or readDataset(path) from zenrouter/node)',
    );
  const whole = (name: string, value: number | undefined, fallback: number, min: number): number => {
    const result = value ?? fallback;
    if (!Number.isInteger(result) || result < min)
      throw configurationError(`evaluate: \`${name}\` must be a whole number >= ${min}, got ${String(value)}`);
    return result;
  };
  if (options.limit !== undefined) whole('limit', options.limit, 0, 0);
  return {
    concurrency: whole('concurrency', options.concurrency, DEFAULTS.concurrency, 1),
    samples: whole('samples', options.samples, DEFAULTS.samples, 1),
    maxOutputTokens: whole('maxOutputTokens', options.maxOutputTokens, DEFAULTS.maxOutputTokens, 1),
    retries: whole('retries', options.retries, DEFAULTS.retries, 0),
  };
}
