import type { Channel } from './catalog.js';
import type { HedgeOptions, LiveStats } from './types.js';

export interface ResolvedHedge {
  quantile: number;
  fallbackDelayMs: number;
  maxRate: number;
  minDelayMs: number;
}

export function resolveHedge(option: boolean | HedgeOptions | undefined): ResolvedHedge | undefined {
  if (!option) return undefined;
  const options = option === true ? {} : option;
  if (options.enabled === false) return undefined;
  return {
    quantile: options.quantile ?? 0.95,
    fallbackDelayMs: options.fallbackDelayMs ?? 2_000,
    maxRate: options.maxRate ?? 0.1,
    minDelayMs: options.minDelayMs ?? 50,
  };
}

/** How long to wait for the first token (or the answer) of `channel` before hedging. */
export function hedgeDelay(hedge: ResolvedHedge, stats: LiveStats, channel: Channel, stream: boolean): number {
  const observed = stats.latencyQuantile(channel, stream ? 'ttft' : 'total', hedge.quantile);
  // A channel whose p95 is a few milliseconds (a local model) is not worth a second call that soon.
  return observed === undefined ? hedge.fallbackDelayMs : Math.max(observed, hedge.minDelayMs);
}

/**
 * Caps the share of calls that start a hedge over a sliding window of recent calls, so that a
 * slow period can't double the load on every provider. One hedge is always allowed in a window
 * (a fresh client, or a process that serves one call, may still hedge); beyond it the count stays
 * within `maxRate` of the calls seen.
 */
export class HedgeLimiter {
  private readonly recent: boolean[] = [];
  private hedged = 0;

  constructor(private readonly window = 100) {}

  /** Counts a call; call once per routed request. */
  onCall(): void {
    this.push(false);
  }

  /** Whether one more hedge fits under `maxRate`; counts it when it does. */
  tryHedge(maxRate: number): boolean {
    if (maxRate <= 0) return false;
    if (this.hedged + 1 > Math.max(1, maxRate * this.recent.length)) return false;
    // Mark the latest unhedged call as hedged (a call not counted by onCall counts now).
    const index = this.recent.lastIndexOf(false);
    if (index < 0) {
      this.push(true);
    } else {
      this.recent[index] = true;
      this.hedged += 1;
    }
    return true;
  }

  private push(value: boolean): void {
    this.recent.push(value);
    if (value) this.hedged += 1;
    if (this.recent.length > this.window) {
      if (this.recent.shift()) this.hedged -= 1;
    }
  }
}
