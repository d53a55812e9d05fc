import type { BudgetCounterState, BudgetReservation, BudgetReserveInput, BudgetSettleInput, BudgetSettlement } from './budget-store.js';
import { MemoryBudgets } from './state-stores/memory-budgets.js';

export type {
  BudgetCounterChange,
  BudgetCounterState,
  BudgetReservation,
  BudgetReserveInput,
  BudgetSettleInput,
  BudgetSettlement,
} from './budget-store.js';

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
 *
 * Budgets (`ZenClientOptions.budgets`) keep their counters here too, through the optional budget
 * methods: a store without them cannot hold budgets (the client says so when it is built).
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
  /**
   * Budgets: holds `amount` on every counter for reservation `id` until `holdUntil` (epoch ms),
   * all or none, atomically: refused when a counter with a `limit` would pass it (spent + held +
   * amount > limit, or spent + held >= limit). Holds past `holdUntil` (a process that died
   * mid-call) are released by the next operation on their counter.
   */
  reserveBudget?(input: BudgetReserveInput): Promise<BudgetReservation>;
  /** Budgets: releases reservation `id`'s holds and adds the actual `amount` to each counter's spent, atomically. */
  settleBudget?(input: BudgetSettleInput): Promise<BudgetSettlement[]>;
  /** Budgets: each counter's spent and held amounts (zero for a counter never used). */
  readBudget?(input: { counters: readonly string[]; now: number }): Promise<BudgetCounterState[]>;
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
  private readonly budgets = new MemoryBudgets();

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

  async reserveBudget(input: BudgetReserveInput): Promise<BudgetReservation> {
    return this.budgets.reserve(input);
  }

  async settleBudget(input: BudgetSettleInput): Promise<BudgetSettlement[]> {
    return this.budgets.settle(input);
  }

  async readBudget(input: { counters: readonly string[]; now: number }): Promise<BudgetCounterState[]> {
    return this.budgets.read(input.counters, input.now);
  }
}
