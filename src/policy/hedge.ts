import type { Channel } from './catalog.js';
import type { HedgeOptions, LiveStats } from './types.js';

export interface ResolvedHedge {
  quantile: number;
  fallbackDelayMs: number;
  maxRate: number;
}

export function resolveHedge(option: boolean | HedgeOptions | undefined): ResolvedHedge | undefined {
  if (!option) return undefined;
  const options = option === true ? {} : option;
  if (options.enabled === false) return undefined;
  return { quantile: options.quantile ?? 0.95, fallbackDelayMs: options.fallbackDelayMs ?? 2_000, maxRate: options.maxRate ?? 0.1 };
}

/** How long to wait for the first token (or the answer) of `channel` before hedging. */
export function hedgeDelay(hedge: ResolvedHedge, stats: LiveStats, channel: Channel, stream: boolean): number {
  return stats.latencyQuantile(channel, stream ? 'ttft' : 'total', hedge.quantile) ?? hedge.fallbackDelayMs;
}

/**
 * Caps the share of calls that start a hedge over a sliding window of recent calls, so that a
 * slow period can't double the load on every provider.
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
    const calls = Math.max(this.recent.length, 1);
    if ((this.hedged + 1) / calls > maxRate) return false;
    // Mark the latest call as hedged.
    const last = this.recent.length - 1;
    if (last >= 0 && !this.recent[last]) {
      this.recent[last] = true;
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
