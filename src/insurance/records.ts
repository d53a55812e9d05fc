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

/** The ledger's request record of a call, from its record (only the fields are read). */
export function requestRecord(
  facts: CallRecord,
  call: { at: string; stream: boolean; outcome: RequestRecord['outcome']; errorKind?: ZenErrorKind; content?: ContentCapture; tags?: Record<string, string> },
): RequestRecord {
  return {
    type: 'request',
    requestId: facts.requestId,
    at: call.at,
    face: facts.face,
    requested: facts.requested,
    ...(facts.model !== undefined ? { model: facts.model } : {}),
    ...(facts.channel !== undefined ? { channel: facts.channel } : {}),
    ...(facts.provider !== undefined ? { provider: facts.provider } : {}),
    stream: call.stream,
    outcome: call.outcome,
    ...(call.errorKind !== undefined ? { errorKind: call.errorKind } : {}),
    usage: facts.usage,
    cost: facts.cost,
    ...(facts.ttftMs !== undefined ? { ttftMs: facts.ttftMs } : {}),
    durationMs: facts.durationMs,
    ...(facts.tokensPerSecond !== undefined ? { tokensPerSecond: facts.tokensPerSecond } : {}),
    ...(facts.finishReason !== undefined ? { finishReason: facts.finishReason } : {}),
    attempts: [...facts.attempts],
    ...(call.content ? { content: call.content } : {}),
    ...(call.tags ? { tags: call.tags } : {}),
  };
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
