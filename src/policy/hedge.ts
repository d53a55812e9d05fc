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
  /**
   * The last `window` calls, 1 for a hedged one, as a ring (oldest at `start`): counting a call is
   * a write, not the shift of a 100-slot array it was on every call.
   */
  private readonly recent: Uint8Array;
  private start = 0;
  private length = 0;
  private hedged = 0;

  constructor(window = 100) {
    this.recent = new Uint8Array(Math.max(1, window));
  }

  /** Counts a call; call once per routed request. */
  onCall(): void {
    this.push(0);
  }

  /** Whether one more hedge fits under `maxRate`; counts it when it does. */
  tryHedge(maxRate: number): boolean {
    if (maxRate <= 0) return false;
    if (this.hedged + 1 > Math.max(1, maxRate * this.length)) return false;
    // Mark the latest unhedged call as hedged (a call not counted by onCall counts now).
    for (let offset = this.length - 1; offset >= 0; offset -= 1) {
      const slot = (this.start + offset) % this.recent.length;
      if (this.recent[slot] === 0) {
        this.recent[slot] = 1;
        this.hedged += 1;
        return true;
      }
    }
    this.push(1);
    return true;
  }

  private push(value: 0 | 1): void {
    const size = this.recent.length;
    if (this.length < size) {
      this.recent[(this.start + this.length) % size] = value;
      this.length += 1;
    } else {
      // Full: the newest call takes the oldest one's slot.
      this.hedged -= this.recent[this.start]!;
      this.recent[this.start] = value;
      this.start = (this.start + 1) % size;
    }
    this.hedged += value;
  }
}
