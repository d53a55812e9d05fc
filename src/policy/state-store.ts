/**
 * State that every process routing for the same app shares: breaker cooldowns and session pins.
 *
 * Each process keeps its own live state (latency samples, failure counts, breakers) and decides
 * locally and synchronously, with no network round trip on the hot path. A StateStore spreads
 * what one process learned the hard way to the others: "this channel is down until T" (a
 * cooldown, which only ever moves later and expires by itself) and "this session lives on channel
 * X" (so that a multi-turn tool session stays on one provider whichever instance serves the turn).
 *
 * Built-ins: `MemoryStateStore` (several clients in one process, tests) and `RedisStateStore`.
 */
export interface StateStore {
  /**
   * A channel's breaker opened until `openUntil` (epoch ms). A stored deadline only ever moves
   * later: a shorter cooldown never cuts a running one short.
   */
  extendCooldown(channel: string, openUntil: number): Promise<void>;
  /** Channels cooling down after `now` (epoch ms), with until when. Expired ones are left out. */
  cooldowns(now: number): Promise<Map<string, number>>;
  /** Pins a session to a channel for `ttlMs` (renewed on every pin). */
  pinSession(session: string, channel: string, ttlMs: number): Promise<void>;
  /** The channel a session is pinned to, if the pin is still alive. */
  sessionChannel(session: string): Promise<string | undefined>;
}

/** How a client uses its StateStore (`ZenClientOptions.sharedState`). */
export interface SharedStateOptions {
  store: StateStore;
  /**
   * How old the copy of the shared cooldowns may get before a call reads them again, in ms
   * (default 1000). The call that finds it stale waits for the read; calls meanwhile do not.
   */
  refreshMs?: number;
  /** Longest a call waits for the store (a cooldown or session read) before going on without it, in ms (default 250). */
  timeoutMs?: number;
  /** How long a session pin lives in the store after its last use, in ms (default 1 hour). */
  sessionTtlMs?: number;
}

/**
 * A StateStore in this process's memory: lets several ZenClients share breakers and sessions,
 * and is the reference the other stores are tested against.
 */
export class MemoryStateStore implements StateStore {
  private readonly cooldownsById = new Map<string, number>();
  private readonly sessions = new Map<string, { channel: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async extendCooldown(channel: string, openUntil: number): Promise<void> {
    const current = this.cooldownsById.get(channel) ?? 0;
    if (openUntil > current) this.cooldownsById.set(channel, openUntil);
  }

  async cooldowns(now: number): Promise<Map<string, number>> {
    const open = new Map<string, number>();
    for (const [channel, until] of this.cooldownsById) {
      if (until > now) open.set(channel, until);
      else this.cooldownsById.delete(channel);
    }
    return open;
  }

  async pinSession(session: string, channel: string, ttlMs: number): Promise<void> {
    this.sessions.set(session, { channel, expiresAt: this.now() + ttlMs });
  }

  async sessionChannel(session: string): Promise<string | undefined> {
    const pin = this.sessions.get(session);
    if (!pin) return undefined;
    if (pin.expiresAt <= this.now()) {
      this.sessions.delete(session);
      return undefined;
    }
    return pin.channel;
  }
}
