import type { ZenErrorKind } from './errors.js';
import { zeroCost, type CostBreakdown } from './money.js';
import type { FaceName } from './request.js';
import type { CallWarning } from './result.js';
import { emptyUsage, type Usage } from './usage.js';

/**
 * What happened on a call, as one record built while the call goes: routing fills the plan,
 * execution the attempts, usage and timing, the insurance the events and claims. Every response
 * and stream carries it as `zen` (the public name is `ZenMetadata`), a failed call's ZenError as
 * `error.zen`, and the ledger's request record is written from it.
 */

/** `price` … `quality`, a number from 0 (cheapest) to 1 (best), or `speed`. */
export type Preference = 'price' | 'balanced' | 'quality' | 'speed' | number;

/** A channel left out of a plan, and why. */
export interface Rejection {
  channel: string;
  reason: string;
}

/** One call of one channel inside a call. */
export interface AttemptRecord {
  channel: string;
  provider: string;
  model: string;
  outcome: 'success' | 'error' | 'skipped' | 'aborted' | 'hedge_lost';
  errorKind?: ZenErrorKind;
  message?: string;
  durationMs: number;
  ttftMs?: number;
  usage?: Usage;
  cost?: CostBreakdown;
  /** A retry of the same channel (0 for the first try). */
  retry: number;
  hedge?: boolean;
  /**
   * Why the call was made, when it was not for the answer itself: the groundedness judge or a
   * self-consistency sample, made by the insurance through the router on the caller's behalf.
   */
  purpose?: 'judge' | 'consistency';
}

/** What a detector saw. `kind` names the problem; `detail` carries the evidence. */
export type QualityEventKind =
  | 'slow_first_token'
  | 'slow_total'
  | 'slow_stream'
  | 'empty_answer'
  | 'truncated_answer'
  | 'refusal'
  | 'invalid_json'
  | 'schema_violation'
  | 'unknown_tool'
  | 'invalid_tool_arguments'
  | 'ungrounded_claim'
  | 'inconsistent_answers'
  | 'user_feedback'
  | 'failover';

export interface QualityEvent {
  id: string;
  requestId: string;
  kind: QualityEventKind;
  /** The detector that filed it. */
  detector: string;
  /** The channel that produced the problem. */
  channel: string;
  at: string;
  /** 0..1: how bad (1 = unusable). */
  severity: number;
  message: string;
  detail?: Record<string, unknown>;
}

export interface Claim {
  id: string;
  requestId: string;
  eventId: string;
  eventKind: QualityEventKind;
  channel: string;
  at: string;
  /** The credit the rule grants, in USD (rounded to nanodollars). */
  amountUsd: number;
  /** The rule that applied, in words: `50% of call cost`, `fixed $0.001`. */
  rule: string;
  status: 'credited' | 'capped' | 'excluded';
  note?: string;
}

export interface CallRecord {
  requestId: string;
  face: FaceName;
  /** What the caller asked for: a model id, a list joined by `,`, or `auto`. */
  requested: string;
  /** The logical model that answered (`anthropic/claude-sonnet-4-5`). */
  model: string | undefined;
  /** The channel that answered (`anthropic/claude-sonnet-4-5:vertex`). */
  channel: string | undefined;
  provider: string | undefined;
  /** The routing policy that made the plan (`none` until the call is routed). */
  policy: string;
  /** Why that channel, in words: its place on the frontier and the preference, or the order. */
  explanation: string;
  /** Channel ids on the cost/quality frontier, when the policy computed it. */
  frontier?: string[];
  preference?: Preference;
  /** The session's pinned channel was used. */
  sticky: boolean;
  /** The planned channels in order. */
  plan: string[];
  /** Channels left out of the plan and why (up to 20). */
  rejected: Rejection[];
  /**
   * Usage of the answer the caller got. Frozen when the call ends (settles), as are `cost` and each
   * attempt: the ledger's request record holds these same objects.
   */
  usage: Usage;
  /** Everything the call cost, failed and hedged attempts (and the insurance's judge) included. */
  cost: CostBreakdown;
  /** From the start of the call to the first content the caller received. */
  ttftMs: number | undefined;
  durationMs: number;
  tokensPerSecond: number | undefined;
  finishReason: string | undefined;
  /** The array is the caller's; each attempt in it is frozen when the call ends. */
  attempts: AttemptRecord[];
  /** Warnings of the face and the provider: settings dropped without changing the answer's meaning. */
  warnings: CallWarning[];
  /** Quality events the detectors filed, and the claims they became. */
  events: QualityEvent[];
  claims: Claim[];
  /** The answer was replaced after a covered event (insurance `repair`). */
  repaired: boolean;
}

/** A call's record before anything happened: every field present, so that all records share one shape. */
export function newCallRecord(
  requestId: string,
  face: FaceName,
  requested: string | string[],
  warnings: readonly CallWarning[],
): CallRecord {
  return {
    requestId,
    face,
    requested: Array.isArray(requested) ? requested.join(',') : requested,
    model: undefined,
    channel: undefined,
    provider: undefined,
    policy: 'none',
    explanation: '',
    sticky: false,
    plan: [],
    rejected: [],
    usage: emptyUsage(),
    cost: zeroCost('none'),
    ttftMs: undefined,
    durationMs: 0,
    tokensPerSecond: undefined,
    finishReason: undefined,
    attempts: [],
    warnings: [...warnings],
    events: [],
    claims: [],
    repaired: false,
  };
}
