import type { ZenErrorKind } from '../core/errors.js';
import type { AttemptRecord } from '../core/call-record.js';
import type { BreakerState } from './circuit-breaker.js';

export interface RouteEvent {
  requestId: string;
  policy: string;
  requested: string;
  chosen: string;
  order: string[];
  explanation: string;
  frontier?: string[];
  rejected: Array<{ channel: string; reason: string }>;
}

export interface AttemptEvent {
  requestId: string;
  attempt: AttemptRecord;
}

export interface FailoverEvent {
  requestId: string;
  from: string;
  to: string | undefined;
  kind: ZenErrorKind | 'repair';
  message: string;
}

export interface BreakerEvent {
  channel: string;
  from: BreakerState;
  to: BreakerState;
  openUntil?: number;
  reason: string;
}

export interface HedgeEvent {
  requestId: string;
  primary: string;
  hedge: string;
  afterMs: number;
  winner?: string;
}

/** Events of the policy engine, emitted through eventemitter3. */
export interface PolicyEvents {
  route: (event: RouteEvent) => void;
  attempt: (event: AttemptEvent) => void;
  failover: (event: FailoverEvent) => void;
  breaker: (event: BreakerEvent) => void;
  hedge: (event: HedgeEvent) => void;
}
