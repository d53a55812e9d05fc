import type { CallRecord } from '../core/call-record.js';
import type { ZenErrorKind } from '../core/errors.js';
import { sumCosts, zeroCost, type CostBreakdown } from '../core/money.js';
import type { CaseRecord, Claim, ClaimRecord, ContentCapture, CreditRecord, EventRecord, QualityEvent, RequestRecord } from './types.js';

/** A call's costs together; zero, price-less parts (`none`) add nothing, and a lone cost is kept as it is. */
export function addCosts(costs: readonly CostBreakdown[]): CostBreakdown {
  const present = costs.filter((cost) => cost.total !== 0 || cost.source !== 'none');
  if (present.length === 0) return costs[0] ?? zeroCost('none');
  if (present.length === 1) return present[0]!;
  return sumCosts(present);
}

/**
 * The ledger's request record of a call, from its record (only the fields are read). Optional
 * fields are absent rather than undefined; the properties are set one by one in a fixed order (not
 * spread from little objects): one record per call, and its JSON keeps this key order.
 */
export function requestRecord(
  facts: CallRecord,
  call: {
    at: string;
    stream: boolean;
    outcome: RequestRecord['outcome'];
    errorKind?: ZenErrorKind | undefined;
    content?: ContentCapture;
    tags?: Record<string, string> | undefined;
  },
): RequestRecord {
  const record = {
    type: 'request',
    requestId: facts.requestId,
    at: call.at,
    face: facts.face,
    requested: facts.requested,
  } as RequestRecord;
  if (facts.model !== undefined) record.model = facts.model;
  if (facts.channel !== undefined) record.channel = facts.channel;
  if (facts.provider !== undefined) record.provider = facts.provider;
  record.stream = call.stream;
  record.outcome = call.outcome;
  if (call.errorKind !== undefined) record.errorKind = call.errorKind;
  record.usage = facts.usage;
  record.cost = facts.cost;
  if (facts.ttftMs !== undefined) record.ttftMs = facts.ttftMs;
  record.durationMs = facts.durationMs;
  if (facts.tokensPerSecond !== undefined) record.tokensPerSecond = facts.tokensPerSecond;
  if (facts.finishReason !== undefined) record.finishReason = facts.finishReason;
  record.attempts = [...facts.attempts];
  if (call.content) record.content = call.content;
  if (call.tags) record.tags = call.tags;
  return record;
}

export function eventRecord(event: QualityEvent): EventRecord {
  return { type: 'event', requestId: event.requestId, at: event.at, event };
}

export function claimRecord(claim: Claim): ClaimRecord {
  return { type: 'claim', requestId: claim.requestId, at: claim.at, claim };
}

/** A credit for each claim that grants something. */
export function creditRecords(claims: readonly Claim[]): CreditRecord[] {
  return claims
    .filter((claim) => claim.status === 'credited' && claim.amountUsd > 0)
    .map((claim) => ({ type: 'credit', requestId: claim.requestId, at: claim.at, claimId: claim.id, amountUsd: claim.amountUsd }));
}

/** Claims worth a case: a real problem the host pays (or would pay, but for a cap) for. */
export function claimedProblems(claims: readonly Claim[]): Claim[] {
  return claims.filter((claim) => claim.status === 'credited' || claim.status === 'capped');
}

export function caseRecord(input: {
  requestId: string;
  at: string;
  events: readonly QualityEvent[];
  channel: string | undefined;
  messages: unknown[];
  badAnswer: unknown;
  repairedAnswer?: unknown;
  tools?: unknown[];
}): CaseRecord {
  return {
    type: 'case',
    requestId: input.requestId,
    at: input.at,
    eventKinds: [...new Set(input.events.map((event) => event.kind))],
    events: input.events.map(({ kind, detector, channel, severity, message }) => ({ kind, detector, channel, severity, message })),
    ...(input.channel !== undefined ? { channel: input.channel } : {}),
    messages: input.messages,
    badAnswer: input.badAnswer,
    ...(input.repairedAnswer !== undefined ? { repairedAnswer: input.repairedAnswer } : {}),
    ...(input.tools !== undefined ? { tools: input.tools } : {}),
  };
}
