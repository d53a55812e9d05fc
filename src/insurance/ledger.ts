import { fromNanos, toNanos } from '../core/money.js';
import { serializeRecords, VALIDATES_RECORDS } from './stores/validate-record.js';
import { APPEND_OWNED } from './stores/keep-record.js';
import type {
  ChannelLatency,
  Claim,
  ClaimsSummary,
  CostByModelByDayRow,
  LedgerQuery,
  LedgerRange,
  LedgerRecord,
  LedgerStore,
  LedgerTotals,
  QualityEventKind,
  RequestRecord,
} from './types.js';

export type { ChannelLatency, ClaimsSummary, CostByModelByDayRow, LedgerRange, LedgerTotals } from './types.js';

export { compileQuery, matchesQuery, modelOfChannel, recordKeys, type CompiledQuery, type RecordKeys } from './stores/match-query.js';
export { InvalidLedgerRecordError, serializeRecords } from './stores/validate-record.js';

/**
 * The ledger: appends records to a LedgerStore and reads summaries back out of it.
 *
 * Every summary is computed from `store.query` unless the store computes it, so a host store gets
 * them all by implementing the four-method LedgerStore interface. Money is summed in integer nanodollars (each amount
 * is already rounded to nanodollars), so totals reconcile exactly with the per-call figures;
 * exact up to about $9 million per sum (2^53 nanodollars). Percentiles are nearest-rank: the
 * p-th percentile of n sorted values is the value at rank ceil(p / 100 × n), always one of the
 * observed values.
 *
 * A store may compute any summary itself (the optional LedgerStore methods, e.g. in SQL, as
 * PostgresLedgerStore in `zenrouter/node` does); `Ledger` then asks it instead of reading records.
 */
export class Ledger {
  constructor(readonly store: LedgerStore) {}

  /**
   * Appends records once they are valid: each needs `type`, `requestId` and an ISO `at`, and
   * must survive JSON. A bad record throws InvalidLedgerRecordError and nothing is appended.
   */
  async append(records: LedgerRecord | LedgerRecord[]): Promise<void> {
    const batch = Array.isArray(records) ? records : [records];
    // The built-in stores validate on append; checking here too would serialise every record twice.
    if (!(this.store as { [VALIDATES_RECORDS]?: boolean })[VALIDATES_RECORDS]) serializeRecords(batch);
    if (batch.length > 0) await this.store.append(batch);
  }

  /**
   * Appends records the caller hands over for good (the ledger writer's own): a store that can
   * keeps them frozen in place rather than copying them (see APPEND_OWNED). Returns nothing when
   * the store appended them at once (a bad record then throws at once), else a promise.
   */
  [APPEND_OWNED](records: LedgerRecord[]): void | Promise<void> {
    const store = this.store as { [APPEND_OWNED]?: (records: LedgerRecord[]) => void | Promise<void> };
    if (store[APPEND_OWNED] === undefined) return this.append(records);
    if (records.length > 0) return store[APPEND_OWNED](records);
  }

  query(query?: LedgerQuery): AsyncIterable<LedgerRecord> {
    return this.store.query(query);
  }

  async flush(): Promise<void> {
    await this.store.flush?.();
  }

  async close(): Promise<void> {
    await this.store.close();
  }

  /** Requests and their cost per UTC day and model, sorted by day then model. */
  async costByModelByDay(range: LedgerRange = {}): Promise<CostByModelByDayRow[]> {
    if (this.store.costByModelByDay) return this.store.costByModelByDay(pickRange(range));
    const groups = new Map<string, { day: string; model: string; requests: number; nanos: number }>();
    for await (const record of this.requests(range)) {
      const day = new Date(Date.parse(record.at)).toISOString().slice(0, 10);
      const model = record.model ?? 'unknown';
      const key = `${day}\u0000${model}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { day, model, requests: 0, nanos: 0 }));
      group.requests++;
      group.nanos += toNanos(record.cost?.total ?? 0);
    }
    return [...groups.values()]
      .sort((a, b) => (a.day === b.day ? compareText(a.model, b.model) : compareText(a.day, b.day)))
      .map(({ day, model, requests, nanos }) => ({ day, model, requests, costUsd: fromNanos(nanos) }));
  }

  /** Claims filed, what they grant, by event kind and by status. */
  async claimsSummary(range: LedgerRange = {}): Promise<ClaimsSummary> {
    if (this.store.claimsSummary) return this.store.claimsSummary(pickRange(range));
    const summary = { claims: 0, nanos: 0, byKind: new Map<QualityEventKind, { claims: number; nanos: number }>() };
    const byStatus: Record<Claim['status'], number> = { credited: 0, capped: 0, excluded: 0 };
    for await (const record of this.store.query({ ...pickRange(range), types: ['claim'] })) {
      if (record.type !== 'claim') continue;
      const { claim } = record;
      const nanos = claim.status === 'excluded' ? 0 : toNanos(claim.amountUsd);
      summary.claims++;
      summary.nanos += nanos;
      byStatus[claim.status] = (byStatus[claim.status] ?? 0) + 1;
      let kind = summary.byKind.get(claim.eventKind);
      if (!kind) summary.byKind.set(claim.eventKind, (kind = { claims: 0, nanos: 0 }));
      kind.claims++;
      kind.nanos += nanos;
    }
    const byKind: ClaimsSummary['byKind'] = {};
    for (const [kind, { claims, nanos }] of [...summary.byKind].sort(([a], [b]) => compareText(a, b))) {
      byKind[kind] = { claims, creditedUsd: fromNanos(nanos) };
    }
    return { claims: summary.claims, creditedUsd: fromNanos(summary.nanos), byKind, byStatus };
  }

  /** The sum of the credit records: what the host owes its users for quality problems. */
  async creditBalance(range: LedgerRange = {}): Promise<number> {
    if (this.store.creditBalance) return this.store.creditBalance(pickRange(range));
    let nanos = 0;
    for await (const record of this.store.query({ ...pickRange(range), types: ['credit'] })) {
      if (record.type === 'credit') nanos += toNanos(record.amountUsd);
    }
    return fromNanos(nanos);
  }

  /**
   * Latency of successful attempts per channel, sorted by channel (a request record without
   * attempts counts as one attempt on its channel). Nearest-rank percentiles.
   */
  async latencyByChannel(range: LedgerRange = {}): Promise<ChannelLatency[]> {
    if (this.store.latencyByChannel) return this.store.latencyByChannel(pickRange(range));
    const channels = new Map<string, { durations: number[]; ttfts: number[] }>();
    const observe = (channel: string | undefined, durationMs: unknown, ttftMs: unknown) => {
      if (channel === undefined || typeof durationMs !== 'number') return;
      let samples = channels.get(channel);
      if (!samples) channels.set(channel, (samples = { durations: [], ttfts: [] }));
      samples.durations.push(durationMs);
      if (typeof ttftMs === 'number') samples.ttfts.push(ttftMs);
    };
    for await (const record of this.requests(range)) {
      const attempts = Array.isArray(record.attempts) ? record.attempts : [];
      if (attempts.length === 0) {
        if (record.outcome === 'success') observe(record.channel, record.durationMs, record.ttftMs);
        continue;
      }
      for (const attempt of attempts) {
        if (attempt.outcome === 'success') observe(attempt.channel, attempt.durationMs, attempt.ttftMs);
      }
    }
    return [...channels]
      .sort(([a], [b]) => compareText(a, b))
      .map(([channel, { durations, ttfts }]) => ({
        channel,
        count: durations.length,
        p50Ms: nearestRank(durations, 50)!,
        p95Ms: nearestRank(durations, 95)!,
        p50TtftMs: nearestRank(ttfts, 50),
        p95TtftMs: nearestRank(ttfts, 95),
      }));
  }

  /** Requests, what they cost, and the credits granted. */
  async totals(range: LedgerRange = {}): Promise<LedgerTotals> {
    if (this.store.totals) return this.store.totals(pickRange(range));
    let requests = 0;
    let costNanos = 0;
    let creditNanos = 0;
    for await (const record of this.store.query({ ...pickRange(range), types: ['request', 'credit'] })) {
      if (record.type === 'request') {
        requests++;
        costNanos += toNanos(record.cost?.total ?? 0);
      } else if (record.type === 'credit') {
        creditNanos += toNanos(record.amountUsd);
      }
    }
    return { requests, costUsd: fromNanos(costNanos), creditsUsd: fromNanos(creditNanos) };
  }

  private async *requests(range: LedgerRange): AsyncIterable<RequestRecord> {
    for await (const record of this.store.query({ ...pickRange(range), types: ['request'] })) {
      if (record.type === 'request') yield record;
    }
  }
}

/** Nearest-rank percentile: the value at rank ceil(p/100 × n) of the sorted values; null for none. */
export function nearestRank(values: readonly number[], percentile: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  // p × n first keeps whole ranks whole: 7 / 100 × 100 is 7.000000000000001 in floating point.
  const rank = Math.max(1, Math.ceil((percentile * sorted.length) / 100));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

function pickRange(range: LedgerRange): LedgerRange {
  return { since: range.since, until: range.until };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
