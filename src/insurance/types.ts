import type { AttemptRecord, Claim, QualityEvent, QualityEventKind } from '../core/call-record.js';
import type { ZenErrorKind } from '../core/errors.js';
import type { CostBreakdown } from '../core/money.js';
import type { FaceName } from '../core/request.js';
import type { Usage } from '../core/usage.js';

// What happened on a call is core's (one record for the metadata, the ledger and the router).
export type { AttemptRecord, Claim, QualityEvent, QualityEventKind } from '../core/call-record.js';

export interface ContentCapture {
  mode: 'none' | 'redacted' | 'full';
  /** SHA-256 of the prompt messages and of the answer, for matching without keeping text. */
  promptHash: string;
  responseHash?: string;
  promptChars: number;
  responseChars?: number;
  messages?: unknown[];
  response?: unknown;
}

export interface RequestRecord {
  type: 'request';
  requestId: string;
  at: string;
  face: FaceName;
  /** The model the caller asked for (`auto`, a list joined by `,`, or an id). */
  requested: string;
  model?: string;
  channel?: string;
  provider?: string;
  stream: boolean;
  outcome: 'success' | 'error' | 'aborted';
  errorKind?: ZenErrorKind;
  usage: Usage;
  /** Everything the call cost, all attempts and the judge included. */
  cost: CostBreakdown;
  ttftMs?: number;
  durationMs: number;
  tokensPerSecond?: number;
  finishReason?: string;
  attempts: AttemptRecord[];
  content?: ContentCapture;
  tags?: Record<string, string>;
}

export interface EventRecord {
  type: 'event';
  requestId: string;
  at: string;
  event: QualityEvent;
}

export interface ClaimRecord {
  type: 'claim';
  requestId: string;
  at: string;
  claim: Claim;
}

export interface CreditRecord {
  type: 'credit';
  requestId: string;
  at: string;
  claimId: string;
  amountUsd: number;
}

/** A failing case kept for export: redacted messages, the bad answer, the repaired one. */
export interface CaseRecord {
  type: 'case';
  requestId: string;
  at: string;
  eventKinds: QualityEventKind[];
  /** The events behind the case, without their evidence. */
  events?: Array<Pick<QualityEvent, 'kind' | 'detector' | 'channel' | 'severity' | 'message'>>;
  /** The channel that gave the bad answer. */
  channel?: string;
  messages: unknown[];
  badAnswer: unknown;
  repairedAnswer?: unknown;
  tools?: unknown[];
}

/**
 * One graded answer of an evaluation (`zen.evaluate()`, `zen.watch()`); `requestId` is the
 * evaluated call's. No content: the question and the answers stay in the caller's results file.
 */
export interface EvaluationRecord {
  type: 'evaluation';
  requestId: string;
  at: string;
  /** The evaluation run (or watch canary run). */
  run: string;
  item: string;
  channel: string;
  sample: number;
  category: string;
  outcome: 'correct' | 'incorrect' | 'refused' | 'error';
  grader: 'exact' | 'judge';
  /** Stated confidence, 0..1. */
  confidence?: number;
  costUsd: number;
  judgeCostUsd: number;
  durationMs: number;
  ttftMs?: number;
  tokensPerSecond?: number;
  errorKind?: string;
}

/** A shift beyond chance on a channel, found by a degradation watch (`requestId` is the canary run's id). */
export interface DegradationRecord {
  type: 'degradation';
  requestId: string;
  at: string;
  channel: string;
  metric: 'accuracy' | 'latency' | 'throughput' | 'defects';
  /** The baseline and the level seen since the change (accuracy and defect rates 0..1, latency ms, throughput tokens/s). */
  baseline: number;
  observed: number;
  /** The CUSUM statistic when it crossed its threshold. */
  statistic: number;
  threshold: number;
}

/**
 * A budget's state after a call (`settled`), a soft limit the call's spend passed (`soft_limit`), or
 * a call a hard limit refused (`hard_limit`): one record per limit, written by the budgets
 * (`ZenClientOptions.budgets`) and shown by the dashboard. Amounts in the limit's unit.
 */
export interface BudgetRecord {
  type: 'budget';
  requestId: string;
  at: string;
  /** The budget key: a user, an API key, a tag or a project (`user:42`). */
  key: string;
  window: 'minute' | 'hour' | 'day' | 'week' | 'month';
  /** ISO start (UTC) of the window `spent` counts in. */
  windowStart?: string;
  unit: 'usd' | 'tokens' | 'requests';
  /** Spent in the window once this record's call settled (or, for `hard_limit`, when it was refused). */
  spent: number;
  limit: number;
  /** Default `settled`. */
  event?: 'settled' | 'soft_limit' | 'hard_limit';
}

export type LedgerRecord =
  | RequestRecord
  | EventRecord
  | ClaimRecord
  | CreditRecord
  | CaseRecord
  | EvaluationRecord
  | DegradationRecord
  | BudgetRecord;

export interface LedgerQuery {
  /** ISO time or Date; inclusive. */
  since?: string | Date;
  /** Exclusive. */
  until?: string | Date;
  types?: LedgerRecord['type'][];
  requestId?: string;
  model?: string;
  channel?: string;
  eventKinds?: QualityEventKind[];
  limit?: number;
}

/** A time window: `since` inclusive, `until` exclusive. */
export interface LedgerRange {
  since?: string | Date;
  until?: string | Date;
}

export interface CostByModelByDayRow {
  /** UTC date, `YYYY-MM-DD`. */
  day: string;
  /** The model that answered; `unknown` when the call failed before one was chosen. */
  model: string;
  requests: number;
  costUsd: number;
}

export interface ClaimsSummary {
  claims: number;
  /** What the `credited` and `capped` claims grant; `excluded` claims grant nothing. */
  creditedUsd: number;
  byKind: Partial<Record<QualityEventKind, { claims: number; creditedUsd: number }>>;
  byStatus: Record<Claim['status'], number>;
}

export interface ChannelLatency {
  channel: string;
  /** Successful attempts on this channel. */
  count: number;
  p50Ms: number;
  p95Ms: number;
  /** Null when no attempt reported a first token time (no streaming calls). */
  p50TtftMs: number | null;
  p95TtftMs: number | null;
}

export interface LedgerTotals {
  requests: number;
  costUsd: number;
  creditsUsd: number;
}

/** Credits granted on one UTC day, in integer nanodollars: all kinds together and per event kind. */
export interface DailyCredits {
  nanos: number;
  byKind: Map<QualityEventKind, number>;
}

/**
 * Where ledger records live. `append` resolves once the records are as durable as the store
 * promises; records are never changed after they are appended.
 *
 * The optional methods let a store answer from its own indexes (SQL) instead of `Ledger` reading
 * every record through `query`, and let several clients or processes that share the store share
 * its daily claim caps. Each summary must return exactly what `Ledger` computes from `query`.
 */
export interface LedgerStore {
  append(records: LedgerRecord[]): Promise<void>;
  /** Records matching the query in append order. */
  query(query?: LedgerQuery): AsyncIterable<LedgerRecord>;
  /** Flushes anything batched. */
  flush?(): Promise<void>;
  close(): Promise<void>;
  costByModelByDay?(range: LedgerRange): Promise<CostByModelByDayRow[]>;
  claimsSummary?(range: LedgerRange): Promise<ClaimsSummary>;
  creditBalance?(range: LedgerRange): Promise<number>;
  latencyByChannel?(range: LedgerRange): Promise<ChannelLatency[]>;
  totals?(range: LedgerRange): Promise<LedgerTotals>;
  /**
   * Grants credits against the daily claim caps for every client that shares this store. Calls
   * `decide` once with the credits granted so far on the UTC day `day` (`YYYY-MM-DD`: those of
   * the `credited` claims in the store when the day was first asked for, plus every grant made
   * through this method since); `decide` adds what it grants to that object in place and must not
   * await. The store keeps the additions, and no other grant for the same day runs in between,
   * in this process or (for a store shared across processes) in another. Without this method a
   * client keeps the day's totals in its own memory, which holds the caps for one client only.
   */
  grantDailyCredits?<T>(day: string, decide: (credited: DailyCredits) => T): Promise<T>;
}
