import type { ChannelComparison } from '../eval/compare.js';
import type { IdentityProbeResult } from '../eval/identity.js';
import type { ChannelSummary } from '../eval/types.js';

/** Everything the report page draws, aggregated in Node so that the page only plots. */
export interface ReportData {
  title: string;
  generatedAt: string;
  sources: string[];
  evaluation?: EvaluationSection;
  watch?: WatchSection;
  ledger?: LedgerSection;
}

export interface EvaluationSection {
  channels: ChannelSummary[];
  comparisons: ChannelComparison[];
  identity?: IdentityProbeResult[];
  /** Cost per answer (answer and judge), USD, in the order of `channels`. */
  costPerAnswer: number[];
  /** Channels on the accuracy/cost frontier: no cheaper channel is as accurate. */
  frontier: string[];
  /** Accuracy per channel in ten confidence bins (0–10 %, …, 90–100 %), null where a bin is empty. */
  calibration: Array<Array<number | null>>;
  /** Latency distribution per channel over shared log-spaced bins. */
  latency: Histogram;
}

export interface Histogram {
  /** Bin centres in ms. */
  centres: number[];
  /** Share of each channel's answers per bin (0..1). */
  shares: number[][];
}

export interface WatchSection {
  channels: string[];
  /** Run times (epoch seconds) and per channel the run's accuracy, median latency and CUSUM statistic. */
  at: number[];
  accuracy: Array<Array<number | null>>;
  latencyMs: Array<Array<number | null>>;
  statistic: Array<Array<number | null>>;
  threshold: number | undefined;
  degradations: Array<{ at: number; channel: string; metric: string; baseline: number; observed: number }>;
}

export interface LedgerSection {
  requests: number;
  costUsd: number;
  creditsUsd: number;
  /** Days as epoch seconds (UTC midnight) and the cost of each model on each day. */
  days: number[];
  models: string[];
  costByModel: number[][];
  claimKinds: string[];
  claimCounts: number[];
  claimCreditedUsd: number[];
  channels: string[];
  p50Ms: number[];
  p95Ms: number[];
  latency: Histogram;
  /** Every successful call's duration over time: epoch seconds (sorted) and per channel the duration or null. */
  timeline: { t: number[]; ms: Array<Array<number | null>> };
}
