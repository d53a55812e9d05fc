import type { Channel } from './catalog.js';
import { CircuitBreaker, type BreakerTransition, type CircuitBreakerOptions } from './circuit-breaker.js';
import type { LiveStats } from './types.js';

const SAMPLES = 128;
const MIN_SAMPLES = 5;

/**
 * The last SAMPLES values of a latency, and the same values kept in order, so that any quantile is
 * exact and fresh at every read. A new value displaces the oldest: both are found by binary search
 * and moved in with one `copyWithin` each (at most 128 numbers), which costs less than re-sorting
 * the window once in a while did.
 */
class Samples {
  private readonly values = new Float64Array(SAMPLES);
  private readonly sorted = new Float64Array(SAMPLES);
  private count = 0;

  /** Adds a value; one that is not a finite number (a clock gone wrong) is not a latency, and is skipped. */
  add(value: number): void {
    if (!Number.isFinite(value)) return;
    const slot = this.count % SAMPLES;
    let size = Math.min(this.count, SAMPLES);
    const sorted = this.sorted;
    if (size === SAMPLES) {
      const at = lowerBound(sorted, size, this.values[slot]!);
      sorted.copyWithin(at, at + 1, size);
      size -= 1;
    }
    this.values[slot] = value;
    const at = lowerBound(sorted, size, value);
    sorted.copyWithin(at + 1, at, size);
    sorted[at] = value;
    this.count += 1;
  }

  quantile(q: number): number | undefined {
    const size = Math.min(this.count, SAMPLES);
    if (size < MIN_SAMPLES) return undefined;
    // Nearest rank.
    const rank = Math.min(size - 1, Math.max(0, Math.ceil(q * size) - 1));
    return this.sorted[rank];
  }
}

/** The first index of `sorted[0..size)` whose value is not below `value`. */
function lowerBound(sorted: Float64Array, size: number, value: number): number {
  let low = 0;
  let high = size;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

const SHARED_REASON = 'shared cooldown from another process';

type SharedHoldListener = (transition: BreakerTransition & { channel: string }) => void;

interface ChannelState {
  id: string;
  ttft: Samples;
  total: Samples;
  throughput: number | undefined;
  breaker: CircuitBreaker;
}

/** Per-channel facts the executor learns as calls complete: latency, throughput, breaker. */
export class LiveState implements LiveStats {
  private readonly channels: Array<ChannelState | undefined> = [];
  private readonly sessions = new Map<string, { channel: string; at: number }>();
  private readonly outputByCategory = new Map<string, Float64Array>();
  /** Output length per category over every channel: the estimate for channels not seen yet. */
  private readonly outputAverage = new Map<string, number>();
  /** Cooldowns other processes reported through a StateStore (channel id to epoch ms). */
  private sharedCooldowns: ReadonlyMap<string, number> = new Map();
  private onSharedHold: SharedHoldListener | undefined;

  constructor(
    private readonly breakerOptions: CircuitBreakerOptions = {},
    private readonly now: () => number = Date.now,
  ) {}

  private state(channel: Channel): ChannelState {
    let state = this.channels[channel.index];
    if (!state) {
      state = {
        id: channel.id,
        ttft: new Samples(),
        total: new Samples(),
        throughput: undefined,
        breaker: new CircuitBreaker(this.breakerOptions, this.now),
      };
      this.channels[channel.index] = state;
      this.holdShared(state);
    }
    return state;
  }

  breaker(channel: Channel): CircuitBreaker {
    return this.state(channel).breaker;
  }

  /**
   * Applies the cooldowns read from a shared StateStore: each breaker stays open until the later
   * of its own deadline and the shared one; breakers created later (a channel this process has not
   * routed to yet) start from them too. `onHold` hears of every breaker this opens or extends.
   */
  applySharedCooldowns(cooldowns: ReadonlyMap<string, number>, onHold: SharedHoldListener): void {
    this.sharedCooldowns = cooldowns;
    this.onSharedHold = onHold;
    if (cooldowns.size === 0) return;
    for (const state of this.channels) if (state) this.holdShared(state);
  }

  /** Holds a channel's breaker open for its shared cooldown, if it has one, and says so. */
  private holdShared(state: ChannelState): void {
    const until = this.sharedCooldowns.get(state.id);
    const transition = until === undefined ? undefined : state.breaker.holdOpen(until, SHARED_REASON);
    if (transition) this.onSharedHold?.({ channel: state.id, ...transition });
  }

  breakerState(channel: Channel): 'closed' | 'open' | 'half-open' {
    return this.channels[channel.index]?.breaker.state ?? 'closed';
  }

  recordLatency(channel: Channel, sample: { ttftMs?: number; totalMs: number; outputTokens?: number; category?: string }): void {
    const state = this.state(channel);
    if (sample.ttftMs !== undefined) state.ttft.add(sample.ttftMs);
    state.total.add(sample.totalMs);
    const generationMs = sample.totalMs - (sample.ttftMs ?? 0);
    if (sample.outputTokens && sample.outputTokens > 1 && generationMs > 0) {
      const rate = (sample.outputTokens / generationMs) * 1000;
      state.throughput = state.throughput === undefined ? rate : state.throughput * 0.8 + rate * 0.2;
    }
    if (sample.outputTokens !== undefined && sample.category) {
      let table = this.outputByCategory.get(sample.category);
      if (!table || table.length <= channel.index) {
        const grown = new Float64Array(Math.max(64, (channel.index + 1) * 2)).fill(Number.NaN);
        if (table) grown.set(table);
        this.outputByCategory.set(sample.category, (table = grown));
      }
      const previous = table[channel.index]!;
      table[channel.index] = Number.isNaN(previous) ? sample.outputTokens : previous * 0.8 + sample.outputTokens * 0.2;
      const average = this.outputAverage.get(sample.category);
      this.outputAverage.set(sample.category, average === undefined ? sample.outputTokens : average * 0.9 + sample.outputTokens * 0.1);
    }
  }

  latencyQuantile(channel: Channel, metric: 'ttft' | 'total', quantile: number): number | undefined {
    const state = this.channels[channel.index];
    return state?.[metric].quantile(quantile);
  }

  throughput(channel: Channel): number | undefined {
    return this.channels[channel.index]?.throughput;
  }

  outputTokens(channel: Channel, category: string): number | undefined {
    const value = this.outputByCategory.get(category)?.[channel.index];
    return value === undefined || Number.isNaN(value) ? undefined : value;
  }

  /** Average output tokens for a category over all channels, if any call was seen. */
  outputTokensAverage(category: string): number | undefined {
    return this.outputAverage.get(category);
  }

  /** Average output tokens per channel index for a category (NaN where unknown): the routing fast path. */
  outputTokensTable(category: string): Float64Array | undefined {
    return this.outputByCategory.get(category);
  }

  /** The channel a session is pinned to, if it still is. */
  sessionChannel(session: string): string | undefined {
    return this.sessions.get(session)?.channel;
  }

  pinSession(session: string, channel: string): void {
    this.sessions.delete(session); // re-inserting keeps the Map in least-recently-pinned order
    this.sessions.set(session, { channel, at: this.now() });
    if (this.sessions.size > 10_000) {
      // Forget the oldest pins; Map keeps insertion order.
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
  }
}
