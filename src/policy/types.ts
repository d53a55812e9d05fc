import type { Preference } from '../core/call-record.js';
import type { GenerationRequest } from '../core/request.js';
import type { PromptAnalysis, TaskCategory } from './analyze-prompt.js';
import type { CandidateTable } from './candidate-table.js';
import type { Channel } from './catalog.js';
import type { QualityEstimate } from './quality-model.js';

export type { Preference, Rejection } from '../core/call-record.js';

export interface TimeoutOptions {
  /**
   * Deadline for the whole call, all attempts and retries included. Calls due together share one
   * timer: a deadline of 10 s or more fires up to 1/1000 of it (at most 100 ms) after it, never
   * before; a shorter one fires on time.
   */
  totalMs?: number;
  /** Deadline for one attempt (a non-streamed answer, or a stream to its end). */
  attemptMs?: number;
  /** A stream that shows no content by then fails over before any byte reaches the caller. */
  firstTokenMs?: number;
  /** Longest silence between two chunks of a stream. */
  idleMs?: number;
}

export interface RetryOptions {
  /** Retries of the same channel after the first try (default 1). */
  retries?: number;
  minDelayMs?: number;
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the channel is left for the next (default 10 s). */
  maxRetryAfterMs?: number;
}

export interface HedgeOptions {
  /** Start a second channel when the first has no first token by this channel's observed p95 (default true when hedging is on). */
  enabled?: boolean;
  /** Quantile of the channel's time to first token (or total time, non-streamed) to wait for (default 0.95). */
  quantile?: number;
  /** Used until a channel has enough samples (default 2000 ms). */
  fallbackDelayMs?: number;
  /** Largest share of calls that may be hedged (default 0.1). */
  maxRate?: number;
  /** Never hedge sooner than this, whatever the observed p95 (default 50 ms). */
  minDelayMs?: number;
}

/** How `auto` may try channels it is unsure of: a Thompson sample instead of the best estimate, on a few calls. */
export interface ExplorationOptions {
  /** Largest share of a client's `auto` calls routed by exploration, spread evenly (default 0.05). */
  share?: number;
  /** Largest estimated cost of exploring calls per UTC day, in USD (default 1). */
  dailyUsd?: number;
}

/**
 * `auto` as a cascade: a candidate first and a stronger one when its answer fails a check, one of
 * the two being the pick. Planned per call only where it pays: when the expected quality and cost
 * of "first, check, escalate if flagged" score better at the call's preference than the pick alone.
 */
export interface CascadeOptions {
  /**
   * How often the check flags a wrong first answer (default 0.7), overall or per task category:
   * measure it on your own graded calls (the RouterBench bench does, per category).
   */
  recall?: number | Partial<Record<TaskCategory, number>>;
  /** How often it flags a good first answer (default 0.15), overall or per task category. */
  falseAlarms?: number | Partial<Record<TaskCategory, number>>;
  /**
   * The check's rates for answers of one first model, keyed by model id (`vendor/name`): how well
   * a check tells right from wrong depends on whose answer it checks (two models that make the
   * same mistakes agree on them). A cascade starting with a listed model is planned with its
   * rates; other models use `recall` and `falseAlarms`. Measure them on your own graded calls
   * (the RouterBench bench does, per first model and task).
   */
  byFirstModel?: Record<string, CascadeCheckRates>;
  /**
   * How likely the escalation is to answer well a prompt whose first answer the check flagged, as
   * a share of its chance on a typical prompt (default 1). The check flags the harder prompts, on
   * which the stronger model fails more often too: a share below 1 keeps the plan from counting
   * on the escalation's average (RouterBench, GPT-4 after a flag: 0.79 to 1 by first model).
   */
  escalationOnFlagged?: number;
  /** The check's cost as a multiple of the first answer's (default 1: one more sample; see checkModel). */
  checkCost?: number;
  /**
   * Consistency samples the check draws (default 1). 0 when other detectors do the checking (a
   * judge, the answer checks).
   */
  samples?: number;
  /**
   * The model the samples come from (default: the insurance's `consistency.model`, else the
   * request's). A cascade never starts with it (its sample would only repeat its answer), and when
   * it is a candidate its estimated cost is the check's.
   */
  checkModel?: string;
}

/** How a cascade's check does on answers of one first model (see CascadeOptions.byFirstModel). */
export interface CascadeCheckRates {
  /** Share of its wrong answers the check flags (0..1). */
  recall: number;
  /** Share of its good answers the check flags (0..1). */
  falseAlarms: number;
  /** `escalationOnFlagged` for cascades starting with this model (else the option's). */
  escalationOnFlagged?: number;
}

/** Routing options: per client as defaults, per request in the `zen` extension field. */
export interface RoutingOptions {
  preference?: Preference;
  /** Allow list of models (`vendor/name`, or `vendor/*`). */
  models?: string[];
  /** Deny list of models or channels (`vendor/name`, `vendor/*`, `vendor/name:provider`). */
  exclude?: string[];
  /** Allow list of provider names. */
  providers?: string[];
  /** Estimated cost ceiling for this call in USD: `auto` picks the best candidate under it. */
  maxCost?: number;
  /**
   * How close the caller's budget is to spent, 0 (not at all) to 1: moves the preference towards
   * price in proportion (a preference w becomes w·(1 − pressure)). Set it per call, e.g. from the
   * remaining budget of a key or tag; the explanation says when it changed the pick.
   */
  budgetPressure?: number;
  /**
   * What a good answer is worth to you, in USD: `auto` then picks the candidate with the highest
   * value × expected quality − estimated cost (quality above the pareto policy's `goodEnough`
   * counts as that), instead of weighing quality against doublings of cost by `preference`. One
   * value for every call spends a budget where it buys the most accuracy; `budgetPressure` scales
   * it down.
   */
  answerValue?: number;
  /** The exploration budget of `auto` (default 5 % of calls, $1 a day), or false for none. */
  exploration?: ExplorationOptions | false;
  /**
   * `auto` as a cascade: a cheaper candidate first, escalating to a stronger one when its answer fails a
   * check (the insurance's repair with the detectors that are on: self-consistency samples, a judge,
   * the answer checks). Non-streamed calls; every attempt's cost is counted. Planned only where it
   * is expected to pay (see CascadeOptions). The plan escalates once: after the escalation come
   * only its own model's other channels.
   */
  cascade?: boolean | CascadeOptions;
  /** Expected quality floor (0..1) for this task category. */
  minQuality?: number;
  /** Skip channels whose observed p95 latency exceeds this. */
  maxLatencyMs?: number;
  /** Keeps a multi-turn session on one channel unless it fails. */
  session?: string;
  /**
   * Embeddings only: lets a call name several embedding models (a list, `vendor/*` or `auto`) and
   * fail over between them. Off by default, because vectors of different models are not
   * comparable: a store filled by one model must be queried with the same model.
   */
  allowMixedEmbeddingModels?: boolean;
  /** A registered policy name (`ordered`, `pareto`, `cheapest`, `fastest`, `load-balance`) or a Policy. */
  policy?: string | Policy;
  /** How many channels a plan may hold (default 4). */
  maxChannels?: number;
  timeouts?: TimeoutOptions;
  retry?: RetryOptions;
  hedge?: boolean | HedgeOptions;
}

/** One channel the policy may use, with this call's estimates. */
export interface Candidate {
  channel: Channel;
  /** Estimated cost of this call in USD. */
  cost: number;
  quality: QualityEstimate;
  /** Place in the caller's model list (0 for `auto`). */
  rank: number;
}

/** Read-only live facts about channels, kept by the executor. */
export interface LiveStats {
  /** Observed latency quantile in ms (`ttft` for streams, `total` for whole calls), or undefined without enough samples. */
  latencyQuantile(channel: Channel, metric: 'ttft' | 'total', quantile: number): number | undefined;
  /** Output tokens per second, averaged. */
  throughput(channel: Channel): number | undefined;
  /** Average output tokens for this category on this channel. */
  outputTokens(channel: Channel, category: string): number | undefined;
  breakerState(channel: Channel): 'closed' | 'open' | 'half-open';
}

export interface PolicyContext {
  request: GenerationRequest;
  analysis: PromptAnalysis;
  routing: RoutingOptions;
  /** Candidates that passed every filter, in the caller's order (built on first read). */
  readonly candidates: Candidate[];
  /** The same candidates as parallel arrays, for policies that must be fast (valid during `decide` only). */
  table: CandidateTable;
  stats: LiveStats;
  /** Whether the caller asked for `auto` (or a list, or one model). */
  mode: 'auto' | 'list' | 'single';
  /** How many channels the plan will keep: a policy need not order more. */
  maxChannels: number;
}

export interface PolicyDecision {
  /** Channels to try, in order. */
  order: Candidate[];
  /** Why the first one, in words. */
  explanation: string;
  /** Channel ids on the cost/quality frontier, when the policy computed it. */
  frontier?: string[];
  /** A cascade plan: the channel tried first (`order[0]`), the one it escalates to, and the check's samples. */
  cascade?: { first: string; escalation: string; samples: number; checkModel?: string };
}

/** Turns candidates and live state into an ordered plan. */
export interface Policy {
  readonly name: string;
  decide(context: PolicyContext): PolicyDecision;
}
