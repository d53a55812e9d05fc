import { percentile } from '../eval/stats.js';
import { modelOfChannel } from '../insurance/stores/match-query.js';
import { histogram } from './histogram.js';
import type { LedgerSection } from './report-data.js';
import { SortedSamples } from './sorted-samples.js';

/** One line of a ledger or results file, read defensively: only `type` is looked at first. */
export type RecordLine = Record<string, unknown> & { type?: unknown };

interface DayModel {
  requests: number;
  costNanos: number;
  creditNanos: number;
}

export interface LedgerTallyOptions {
  /**
   * Successful attempts kept for the latency timeline: the last `timelineLimit` in the order they
   * were added (default: all, as the report draws them).
   */
  timelineLimit?: number;
}

/** Requests, cost and credits per UTC day and model: days as epoch seconds, one row per model. */
export interface PerModelPerDay {
  days: number[];
  models: string[];
  requests: number[][];
  costUsd: number[][];
  creditsUsd: number[][];
}

const NANOS = 1e9;

/**
 * The ledger's figures, added one record at a time: what the report's ledger section and the live
 * dashboard draw. Request, claim and credit records count; others are ignored. Amounts add up in
 * integer nanodollars, so the totals do not drift with the order of the records.
 */
export class LedgerTally {
  private sawLedger = false;
  private requestCount = 0;
  private errorCount = 0;
  private costNanos = 0;
  private creditNanos = 0;
  private readonly byDayModel = new Map<string, DayModel>();
  private readonly claims = new Map<string, { count: number; nanos: number }>();
  /** The model of each claim, so that its credit counts for that model. */
  private readonly claimModels = new Map<string, string>();
  private readonly durations = new Map<string, SortedSamples>();
  private timelinePoints: Array<{ t: number; channel: string; ms: number }> = [];
  private readonly timelineLimit: number;

  constructor(options: LedgerTallyOptions = {}) {
    this.timelineLimit = options.timelineLimit ?? Infinity;
  }

  /** True once a request, claim or credit record was added. */
  get seen(): boolean {
    return this.sawLedger;
  }

  add(line: RecordLine): void {
    switch (line.type) {
      case 'request':
        this.addRequest(line);
        return;
      case 'claim': {
        this.sawLedger = true;
        const claim = line.claim as
          | { id?: unknown; eventKind?: string; amountUsd?: number; status?: string; channel?: unknown }
          | undefined;
        const kind = claim?.eventKind ?? 'unknown';
        const entry = this.claims.get(kind) ?? { count: 0, nanos: 0 };
        entry.count += 1;
        if (claim?.status !== 'excluded') entry.nanos += Math.round((claim?.amountUsd ?? 0) * NANOS);
        this.claims.set(kind, entry);
        if (typeof claim?.id === 'string' && claim.status === 'credited') {
          this.claimModels.set(claim.id, modelOfChannel(typeof claim.channel === 'string' ? claim.channel : undefined) ?? 'unknown');
        }
        return;
      }
      case 'credit': {
        this.sawLedger = true;
        const nanos = Math.round(Number(line.amountUsd ?? 0) * NANOS);
        this.creditNanos += nanos;
        const at = Date.parse(String(line.at));
        if (!Number.isFinite(at)) return;
        const claimId = String(line.claimId);
        this.dayModel(at, this.claimModels.get(claimId) ?? 'unknown').creditNanos += nanos;
        // A claim has one credit: its entry is not needed any more.
        this.claimModels.delete(claimId);
        return;
      }
      default:
    }
  }

  private addRequest(line: RecordLine): void {
    this.sawLedger = true;
    this.requestCount += 1;
    if (line.outcome !== 'success') this.errorCount += 1;
    const at = Date.parse(String(line.at));
    const cost = Math.round(Number((line.cost as { total?: number } | undefined)?.total ?? 0) * NANOS);
    this.costNanos += cost;
    if (!Number.isFinite(at)) return;
    const entry = this.dayModel(at, typeof line.model === 'string' ? line.model : 'unknown');
    entry.requests += 1;
    entry.costNanos += cost;
    const attempts = Array.isArray(line.attempts)
      ? (line.attempts as Array<{ channel?: string; outcome?: string; durationMs?: number }>)
      : [];
    for (const attempt of attempts) {
      if (attempt.outcome !== 'success' || typeof attempt.channel !== 'string' || typeof attempt.durationMs !== 'number') continue;
      let samples = this.durations.get(attempt.channel);
      if (!samples) this.durations.set(attempt.channel, (samples = new SortedSamples()));
      samples.add(attempt.durationMs);
      this.timelinePoints.push({ t: at / 1000, channel: attempt.channel, ms: attempt.durationMs });
      // Trimmed in bulk, so keeping the last n costs O(1) per point.
      if (this.timelinePoints.length >= 2 * this.timelineLimit) this.timelinePoints = this.timelinePoints.slice(-this.timelineLimit);
    }
  }

  private dayModel(atMs: number, model: string): DayModel {
    const key = `${new Date(atMs).toISOString().slice(0, 10)}\u0000${model}`;
    let entry = this.byDayModel.get(key);
    if (!entry) this.byDayModel.set(key, (entry = { requests: 0, costNanos: 0, creditNanos: 0 }));
    return entry;
  }

  totals(): { requests: number; errors: number; costUsd: number; creditsUsd: number } {
    return { requests: this.requestCount, errors: this.errorCount, costUsd: this.costNanos / NANOS, creditsUsd: this.creditNanos / NANOS };
  }

  perModelPerDay(): PerModelPerDay {
    const keys = [...this.byDayModel.keys()].map((key) => key.split('\u0000') as [string, string]);
    const days = [...new Set(keys.map(([day]) => day))].sort();
    const models = [...new Set(keys.map(([, model]) => model))].sort();
    const grid = (read: (entry: DayModel) => number) =>
      models.map((model) =>
        days.map((day) => {
          const entry = this.byDayModel.get(`${day}\u0000${model}`);
          return entry ? read(entry) : 0;
        }),
      );
    return {
      days: days.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000),
      models,
      requests: grid((entry) => entry.requests),
      costUsd: grid((entry) => entry.costNanos / NANOS),
      creditsUsd: grid((entry) => entry.creditNanos / NANOS),
    };
  }

  claimsByKind(): { kinds: string[]; counts: number[]; creditedUsd: number[] } {
    const kinds = [...this.claims.keys()].sort();
    return {
      kinds,
      counts: kinds.map((kind) => this.claims.get(kind)!.count),
      creditedUsd: kinds.map((kind) => this.claims.get(kind)!.nanos / NANOS),
    };
  }

  /** Successful attempts per channel (sorted by channel): how many, nearest-rank p50 and p95. */
  latency(): { channels: string[]; counts: number[]; p50Ms: number[]; p95Ms: number[] } {
    const channels = [...this.durations.keys()].sort();
    const sorted = channels.map((channel) => this.durations.get(channel)!.values());
    return {
      channels,
      counts: sorted.map((values) => values.length),
      p50Ms: sorted.map((values) => percentile(values, 50) ?? 0),
      p95Ms: sorted.map((values) => percentile(values, 95) ?? 0),
    };
  }

  /** The kept successful attempts, sorted by time: epoch seconds and per channel (of `latency()`) the duration or null. */
  timeline(): LedgerSection['timeline'] {
    const channels = [...this.durations.keys()].sort();
    const points = (
      this.timelinePoints.length > this.timelineLimit ? this.timelinePoints.slice(-this.timelineLimit) : this.timelinePoints.slice()
    ).sort((a, b) => a.t - b.t);
    return {
      t: points.map((point) => point.t),
      ms: channels.map((channel) => points.map((point) => (point.channel === channel ? point.ms : null))),
    };
  }

  /** The report's ledger section. */
  section(): LedgerSection {
    const totals = this.totals();
    const perDay = this.perModelPerDay();
    const claims = this.claimsByKind();
    const latency = this.latency();
    return {
      requests: totals.requests,
      costUsd: totals.costUsd,
      creditsUsd: totals.creditsUsd,
      days: perDay.days,
      models: perDay.models,
      costByModel: perDay.costUsd,
      claimKinds: claims.kinds,
      claimCounts: claims.counts,
      claimCreditedUsd: claims.creditedUsd,
      channels: latency.channels,
      p50Ms: latency.p50Ms,
      p95Ms: latency.p95Ms,
      latency: histogram(latency.channels.map((channel) => this.durations.get(channel)!.values())),
      timeline: this.timeline(),
    };
  }
}
