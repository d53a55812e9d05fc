import { parseTime } from '../../core/iso-time.js';
import { ZenError } from '../../core/errors.js';
import { modelOfChannelId } from '../../core/model-id.js';
import type { LedgerQuery, LedgerRecord, QualityEventKind } from '../types.js';

/**
 * The fields a query can filter on, read out of one record. Every built-in store filters through
 * these, so the stores agree on what a query means:
 *
 * - `model`, `channel`: a request record's own; an event or claim record's channel, and the model
 *   of that channel (`vendor/model:provider` → `vendor/model`). Credit and case records carry
 *   neither, so a `model` or `channel` filter leaves them out.
 * - `eventKinds`: an event's kind, a claim's event kind, a case's kinds; request and credit
 *   records have none, so an `eventKinds` filter leaves them out.
 */
export interface RecordKeys {
  atMs: number;
  type: LedgerRecord['type'];
  requestId: string;
  model: string | undefined;
  channel: string | undefined;
  eventKinds: readonly QualityEventKind[];
}

export function recordKeys(record: LedgerRecord): RecordKeys {
  // Literals of one shape rather than spreads of a shared base: this runs for every record written.
  const atMs = parseTime(record.at);
  switch (record.type) {
    case 'request':
      return {
        atMs,
        type: record.type,
        requestId: record.requestId,
        model: text(record.model),
        channel: text(record.channel),
        eventKinds: NO_KINDS,
      };
    case 'event':
      return {
        atMs,
        type: record.type,
        requestId: record.requestId,
        model: modelOfChannel(record.event?.channel),
        channel: text(record.event?.channel),
        eventKinds: kinds(record.event?.kind),
      };
    case 'claim':
      return {
        atMs,
        type: record.type,
        requestId: record.requestId,
        model: modelOfChannel(record.claim?.channel),
        channel: text(record.claim?.channel),
        eventKinds: kinds(record.claim?.eventKind),
      };
    case 'evaluation':
    case 'degradation':
      return {
        atMs,
        type: record.type,
        requestId: record.requestId,
        model: modelOfChannel(record.channel),
        channel: text(record.channel),
        eventKinds: NO_KINDS,
      };
    case 'case':
      return {
        atMs,
        type: record.type,
        requestId: record.requestId,
        model: undefined,
        channel: undefined,
        eventKinds: Array.isArray(record.eventKinds) ? record.eventKinds.filter((kind) => typeof kind === 'string') : [],
      };
    default:
      return {
        atMs,
        type: (record as LedgerRecord).type,
        requestId: (record as LedgerRecord).requestId,
        model: undefined,
        channel: undefined,
        eventKinds: NO_KINDS,
      };
  }
}

const NO_KINDS: readonly QualityEventKind[] = Object.freeze([]);

// Defensive reads: a record is only checked for type, requestId and at before it is indexed.
function kinds(kind: unknown): readonly QualityEventKind[] {
  return typeof kind === 'string' ? [kind as QualityEventKind] : NO_KINDS;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `anthropic/claude-sonnet-4-5:vertex` → `anthropic/claude-sonnet-4-5`. */
export function modelOfChannel(channel: string | undefined): string | undefined {
  if (typeof channel !== 'string' || channel === '') return undefined;
  return modelOfChannelId(channel);
}

/** A query with its times turned into epoch milliseconds, checked once per query. */
export interface CompiledQuery {
  sinceMs: number | undefined;
  untilMs: number | undefined;
  types: ReadonlySet<string> | undefined;
  requestId: string | undefined;
  model: string | undefined;
  channel: string | undefined;
  eventKinds: ReadonlySet<string> | undefined;
  /** Infinity when unlimited. */
  limit: number;
}

export function compileQuery(query: LedgerQuery = {}): CompiledQuery {
  const limit = query.limit ?? Infinity;
  if (typeof limit !== 'number' || Number.isNaN(limit) || limit < 0) {
    throw invalidQuery(`ledger query limit must be a number >= 0, got ${String(query.limit)}`);
  }
  return {
    sinceMs: toEpochMs(query.since, 'since'),
    untilMs: toEpochMs(query.until, 'until'),
    types: query.types ? new Set(query.types) : undefined,
    requestId: query.requestId,
    model: query.model,
    channel: query.channel,
    eventKinds: query.eventKinds ? new Set(query.eventKinds) : undefined,
    limit: Math.floor(limit),
  };
}

function toEpochMs(value: string | Date | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) throw invalidQuery(`ledger query '${name}' is not a valid date: ${String(value)}`);
  return ms;
}

function invalidQuery(message: string): ZenError {
  return new ZenError({ kind: 'invalid_request', message, retryable: false });
}

export function matchesKeys(keys: RecordKeys, query: CompiledQuery): boolean {
  if (query.sinceMs !== undefined && !(keys.atMs >= query.sinceMs)) return false;
  if (query.untilMs !== undefined && !(keys.atMs < query.untilMs)) return false;
  if (query.types !== undefined && !query.types.has(keys.type)) return false;
  if (query.requestId !== undefined && keys.requestId !== query.requestId) return false;
  if (query.model !== undefined && keys.model !== query.model) return false;
  if (query.channel !== undefined && keys.channel !== query.channel) return false;
  if (query.eventKinds !== undefined && !keys.eventKinds.some((kind) => query.eventKinds!.has(kind))) return false;
  return true;
}

export function matchesQuery(record: LedgerRecord, query: CompiledQuery): boolean {
  return matchesKeys(recordKeys(record), query);
}
