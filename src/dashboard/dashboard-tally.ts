import { LedgerTally, type PerModelPerDay, type RecordLine } from '../report/ledger-tally.js';
import { WatchTally } from '../report/watch-tally.js';
import { BudgetTally } from './budget-tally.js';
import type { DashboardData } from './dashboard-data.js';

export interface DashboardTallyOptions {
  /** Successful attempts kept for the latency timeline (default 2,000). */
  timelinePoints?: number;
  /** UTC days in the per-model charts and table (default 30). */
  days?: number;
}

type Figures = Omit<DashboardData, 'title' | 'source' | 'version' | 'loading' | 'updatedAt' | 'refreshSeconds' | 'error'>;

const RECENT_CLAIMS = 20;

/**
 * The dashboard's figures, added one record at a time as the ledger is followed. The report's
 * tallies do the counting (LedgerTally, WatchTally); this adds claim statuses, the latest claims
 * and budgets. What grows with the ledger: the latency samples (8 bytes per successful attempt,
 * for exact percentiles), one entry per day and model, the ids of canary answers, and credited
 * claims waiting for their credit record; the timeline and the latest claims are capped.
 */
export class DashboardTally {
  private ledger: LedgerTally;
  private watch = new WatchTally();
  private budgets = new BudgetTally();
  private byStatus = { credited: 0, capped: 0, excluded: 0 };
  private claimCount = 0;
  private recentClaims: DashboardData['claims']['recent'] = [];
  private recordCount = 0;
  private skippedCount = 0;
  private readonly days: number;
  private readonly timelinePoints: number;

  constructor(options: DashboardTallyOptions = {}) {
    this.days = options.days ?? 30;
    this.timelinePoints = options.timelinePoints ?? 2000;
    this.ledger = new LedgerTally({ timelineLimit: this.timelinePoints });
  }

  /** Forgets everything (the ledger was replaced). */
  reset(): void {
    this.ledger = new LedgerTally({ timelineLimit: this.timelinePoints });
    this.watch = new WatchTally();
    this.budgets = new BudgetTally();
    this.byStatus = { credited: 0, capped: 0, excluded: 0 };
    this.claimCount = 0;
    this.recentClaims = [];
    this.recordCount = 0;
    this.skippedCount = 0;
  }

  skip(lines: number): void {
    this.skippedCount += lines;
  }

  add(line: RecordLine): void {
    this.recordCount += 1;
    this.ledger.add(line);
    this.watch.add(line);
    this.budgets.add(line);
    if (line.type === 'claim') this.addClaim(line);
  }

  private addClaim(line: RecordLine): void {
    const claim = (line.claim ?? {}) as {
      at?: unknown;
      channel?: unknown;
      eventKind?: unknown;
      amountUsd?: unknown;
      status?: unknown;
      rule?: unknown;
    };
    this.claimCount += 1;
    const status = String(claim.status);
    if (status === 'credited' || status === 'capped' || status === 'excluded') this.byStatus[status] += 1;
    this.recentClaims.push({
      at: String(claim.at ?? line.at),
      channel: String(claim.channel ?? ''),
      kind: String(claim.eventKind ?? 'unknown'),
      amountUsd: Number(claim.amountUsd ?? 0),
      status,
      rule: String(claim.rule ?? ''),
    });
    if (this.recentClaims.length >= 2 * RECENT_CLAIMS) this.recentClaims = this.recentClaims.slice(-RECENT_CLAIMS);
  }

  figures(): Figures {
    const totals = this.ledger.totals();
    const claims = this.ledger.claimsByKind();
    const latency = this.ledger.latency();
    const watch = this.watch.section();
    const budgets = this.budgets.section();
    return {
      records: this.recordCount,
      skipped: this.skippedCount,
      totals: { ...totals, claims: this.claimCount, degradations: watch?.degradations.length ?? 0 },
      perDay: lastDays(this.ledger.perModelPerDay(), this.days),
      claims: {
        ...claims,
        byStatus: { ...this.byStatus },
        recent: this.recentClaims.slice(-RECENT_CLAIMS).sort((a, b) => Date.parse(b.at) - Date.parse(a.at)),
      },
      latency: { ...latency, timeline: this.ledger.timeline() },
      ...(watch ? { watch } : {}),
      ...(budgets ? { budgets } : {}),
    };
  }
}

/** The last `days` days that have records, and the models seen on them. */
function lastDays(all: PerModelPerDay, days: number): PerModelPerDay {
  if (all.days.length <= days) return all;
  const from = all.days.length - days;
  const rows = all.models
    .map((_, index) => index)
    .filter(
      (index) =>
        all.requests[index]!.slice(from).some((value) => value > 0) || all.creditsUsd[index]!.slice(from).some((value) => value > 0),
    );
  const pick = (grid: number[][]) => rows.map((index) => grid[index]!.slice(from));
  return {
    days: all.days.slice(from),
    models: rows.map((index) => all.models[index]!),
    requests: pick(all.requests),
    costUsd: pick(all.costUsd),
    creditsUsd: pick(all.creditsUsd),
  };
}
