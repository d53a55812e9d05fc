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

export type LedgerRecord = RequestRecord | EventRecord | ClaimRecord | CreditRecord | CaseRecord;

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

/**
 * Where ledger records live. `append` resolves once the records are as durable as the store
 * promises; records are never changed after they are appended.
 */
export interface LedgerStore {
  append(records: LedgerRecord[]): Promise<void>;
  /** Records matching the query in append order. */
  query(query?: LedgerQuery): AsyncIterable<LedgerRecord>;
  /** Flushes anything batched. */
  flush?(): Promise<void>;
  close(): Promise<void>;
}
