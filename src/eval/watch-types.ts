/** The degradation watch's events and status. */

export type WatchMetric = 'accuracy' | 'latency' | 'throughput' | 'defects';

/** A shift beyond chance on one channel: what the router, the insurance and the host act on. */
export interface DegradationEvent {
  channel: string;
  metric: WatchMetric;
  /** Baseline level and the level since the change began (accuracy and defect rates 0..1, latency ms, throughput tokens/s). */
  baseline: number;
  observed: number;
  /** The CUSUM statistic when it crossed, and the threshold (ln of the false-alarm run length). */
  statistic: number;
  threshold: number;
  /** The canary run that raised it (absent for production evidence). */
  run?: string;
  at: string;
  /** Whether the channel's breaker was held open for it. */
  breakerOpened: boolean;
}

/** One channel in one canary run. */
export interface WatchRunChannel {
  channel: string;
  graded: number;
  correct: number;
  errors: number;
  /** correct / graded (0 when none). */
  accuracy: number;
  /** Median latency and throughput of the run's answers. */
  latencyMs: number | undefined;
  tokensPerSecond: number | undefined;
  phase: 'baseline' | 'watching';
  /** CUSUM statistics after this run (0 while the baseline is learned). */
  statistics: Record<Exclude<WatchMetric, 'defects'>, number>;
  /** Metrics in alarm after this run. */
  degraded: WatchMetric[];
}

export interface WatchRun {
  run: string;
  /** 1-based count of canary runs. */
  index: number;
  at: string;
  channels: WatchRunChannel[];
  spentUsd: number;
  /** Set when the day's budget cut the run short (or left no room for it). */
  stopped?: 'budget' | 'aborted';
}

export interface WatchEvents {
  run: (run: WatchRun) => void;
  degradation: (event: DegradationEvent) => void;
  /** A scheduled run that did not start: the day's budget is spent. */
  skipped: (event: { at: string; reason: 'budget'; spentTodayUsd: number }) => void;
  error: (error: Error) => void;
}
