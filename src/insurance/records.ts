import type { AttemptRecord, CallRecord } from '../core/call-record.js';
import type { ZenErrorKind } from '../core/errors.js';
import { sumCosts, zeroCost, type CostBreakdown } from '../core/money.js';
import type { Usage } from '../core/usage.js';
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
 *
 * The record shares the call's usage, cost and attempts with its metadata rather than copying
 * them (a copy per call costs ~2 KB and ~5 µs of the call's own CPU, garbage collection included):
 * they are frozen here, when the call has ended, so the ledger keeps them exactly as the caller
 * sees them, and the ledger writer can hand the record to the store to be frozen as it is.
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
  freezeCallFacts(facts);
  record.usage = facts.usage;
  record.cost = facts.cost;
  if (facts.ttftMs !== undefined) record.ttftMs = facts.ttftMs;
  record.durationMs = facts.durationMs;
  if (facts.tokensPerSecond !== undefined) record.tokensPerSecond = facts.tokensPerSecond;
  if (facts.finishReason !== undefined) record.finishReason = facts.finishReason;
  record.attempts = facts.attempts.slice();
  if (call.content) record.content = call.content;
  if (call.tags) record.tags = call.tags;
  return record;
}

/**
 * Freezes what a call's request record shares with its metadata (usage, cost, each attempt), when
 * the call has ended: before the caller reads an answer the insurance settled, and at once for a
 * call it did not watch, so that the caller always finds them read-only after the call, whether a
 * ledger writes them now, later, or not at all.
 */
export function freezeCallFacts(facts: CallRecord): void {
  frozenUsage(facts.usage);
  Object.freeze(facts.cost);
  for (const attempt of facts.attempts) frozenAttempt(attempt);
}

function frozenUsage(usage: Usage): void {
  Object.freeze(usage.input);
  Object.freeze(usage.output);
  Object.freeze(usage);
}

function frozenAttempt(attempt: AttemptRecord): void {
  if (attempt.usage) frozenUsage(attempt.usage);
  if (attempt.cost) Object.freeze(attempt.cost);
  Object.freeze(attempt);
}

/** The event is the call's (its metadata lists it): the record holds a copy. */
export function eventRecord(event: QualityEvent): EventRecord {
  return { type: 'event', requestId: event.requestId, at: event.at, event: plainCopy(event) };
}

/** The claim is the call's (its metadata lists it): the record holds a copy. */
export function claimRecord(claim: Claim): ClaimRecord {
  return { type: 'claim', requestId: claim.requestId, at: claim.at, claim: plainCopy(claim) };
}

/**
 * A deep copy of plain objects and arrays; any other value is kept as it is (a store copies a
 * record that holds one). For the rare records (events, claims), not the per-call one.
 */
function plainCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(plainCopy) as T;
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    // fromEntries defines each property: an own `__proto__` stays a property.
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plainCopy(item)])) as T;
  }
  return value;
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
