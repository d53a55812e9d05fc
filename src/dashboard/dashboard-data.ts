import type { PerModelPerDay } from '../report/ledger-tally.js';
import type { LedgerSection, WatchSection } from '../report/report-data.js';

/** What `GET /api/snapshot` returns and the page draws: the ledger's figures, aggregated in Node. */
export interface DashboardData {
  title: string;
  /** The ledger's name (a file, a table). */
  source: string;
  /** Goes up whenever the figures change (it is the response's ETag). */
  version: number;
  /** The first read of the ledger is still going on: the figures are partial. */
  loading: boolean;
  /** When the figures last changed (ISO). */
  updatedAt: string;
  /** Seconds between the page's polls. */
  refreshSeconds: number;
  /** Records read so far, and lines that were not records. */
  records: number;
  skipped: number;
  /** Why the last read of the ledger failed, if it did (the figures are those of the reads before). */
  error?: string;
  totals: { requests: number; errors: number; costUsd: number; creditsUsd: number; claims: number; degradations: number };
  /** Requests, cost and credits per model on each of the last `days` UTC days that have any. */
  perDay: PerModelPerDay;
  claims: {
    kinds: string[];
    counts: number[];
    creditedUsd: number[];
    byStatus: Record<'credited' | 'capped' | 'excluded', number>;
    /** The latest claims, newest first. */
    recent: Array<{ at: string; channel: string; kind: string; amountUsd: number; status: string; rule: string }>;
  };
  latency: {
    channels: string[];
    /** Successful attempts per channel. */
    counts: number[];
    p50Ms: number[];
    p95Ms: number[];
    /** The latest successful attempts (as many as the dashboard keeps), by time. */
    timeline: LedgerSection['timeline'];
  };
  /** Canary runs of a degradation watch and degradation events, when the ledger has any. */
  watch?: WatchSection;
  /** Budgets, when the ledger has budget records. */
  budgets?: BudgetSection;
}

export interface BudgetSection {
  /** The latest state of each budget (key, window and unit), by key. */
  budgets: Array<{ key: string; window: string; unit: string; spent: number; limit: number; at: string; windowStart?: string }>;
  /** The latest soft- and hard-limit events, newest first. */
  events: Array<{ at: string; key: string; window: string; unit: string; event: string; spent: number; limit: number }>;
}
