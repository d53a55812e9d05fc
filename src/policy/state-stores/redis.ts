import { configurationError } from '../../core/errors.js';
import type { BudgetCounterState, BudgetReservation, BudgetReserveInput, BudgetSettleInput, BudgetSettlement } from '../budget-store.js';
import type { StateStore } from '../state-store.js';
import { RedisBudgets } from './redis-budgets.js';

/**
 * The one thing this store needs from a Redis client: sending a command. Both maintained Node
 * clients have it, so zenrouter depends on neither: ioredis has `call('GET', key)`, node-redis
 * (`redis`) has `sendCommand(['GET', key])`.
 */
export type RedisClientLike =
  | { sendCommand(args: string[]): Promise<unknown> }
  | { call(command: string, ...args: string[]): Promise<unknown> };

export interface RedisStateStoreOptions {
  /** A connected node-redis or ioredis client (the app owns it: connects and quits it). */
  client: RedisClientLike;
  /** Prefix of every key this store writes (default `zenrouter:`); one per app sharing a Redis. */
  prefix?: string;
}

/**
 * A StateStore in Redis (6.2 or newer), for apps that run several processes or instances.
 *
 * - Cooldowns: one sorted set, channel → deadline (epoch ms). `ZADD GT` moves a deadline only
 *   later, atomically, whichever process writes; expired entries are pruned as new ones arrive.
 * - Session pins: one string key per session with a TTL (`SET ... PX`), renewed on every pin.
 * - Budgets: a hash and a sorted set of holds per counter, changed by Lua scripts (redis-budgets.ts).
 */
export class RedisStateStore implements StateStore {
  private readonly send: (args: string[]) => Promise<unknown>;
  private readonly cooldownKey: string;
  private readonly sessionPrefix: string;
  private readonly budgets: RedisBudgets;

  constructor(options: RedisStateStoreOptions) {
    const client = options?.client as
      | Partial<{ sendCommand: (args: string[]) => Promise<unknown>; call: (command: string, ...args: string[]) => Promise<unknown> }>
      | undefined;
    // ioredis first: it also has a `sendCommand`, which takes its own Command objects.
    if (typeof client?.call === 'function') this.send = (args) => client.call!(args[0]!, ...args.slice(1));
    else if (typeof client?.sendCommand === 'function') this.send = (args) => client.sendCommand!(args);
    else throw configurationError('RedisStateStore needs `client`: a connected node-redis client (sendCommand) or ioredis client (call).');
    const prefix = options.prefix ?? 'zenrouter:';
    if (typeof prefix !== 'string') throw configurationError(`RedisStateStore prefix must be a string, got ${typeof prefix}.`);
    this.cooldownKey = `${prefix}cooldowns`;
    this.sessionPrefix = `${prefix}session:`;
    this.budgets = new RedisBudgets(this.send, prefix);
  }

  async extendCooldown(channel: string, openUntil: number): Promise<void> {
    const until = String(Math.round(openUntil));
    await this.send(['ZADD', this.cooldownKey, 'GT', until, channel]);
    // Cooldowns are rare events: pruning here keeps the set to the channels that are down.
    await this.send(['ZREMRANGEBYSCORE', this.cooldownKey, '-inf', String(Date.now())]);
  }

  async cooldowns(now: number): Promise<Map<string, number>> {
    const reply = await this.send(['ZRANGE', this.cooldownKey, `(${Math.floor(now)}`, '+inf', 'BYSCORE', 'WITHSCORES']);
    return pairsToMap(reply);
  }

  async pinSession(session: string, channel: string, ttlMs: number): Promise<void> {
    await this.send(['SET', this.sessionPrefix + session, channel, 'PX', String(Math.max(1, Math.round(ttlMs)))]);
  }

  async sessionChannel(session: string): Promise<string | undefined> {
    const reply = await this.send(['GET', this.sessionPrefix + session]);
    return reply === null || reply === undefined ? undefined : String(reply);
  }

  reserveBudget(input: BudgetReserveInput): Promise<BudgetReservation> {
    return this.budgets.reserve(input);
  }

  settleBudget(input: BudgetSettleInput): Promise<BudgetSettlement[]> {
    return this.budgets.settle(input);
  }

  readBudget(input: { counters: readonly string[]; now: number }): Promise<BudgetCounterState[]> {
    return this.budgets.read(input.counters, input.now);
  }
}

/** `[member, score, member, score]` (RESP2) or `[[member, score], ...]` (RESP3) → Map. */
function pairsToMap(reply: unknown): Map<string, number> {
  const map = new Map<string, number>();
  if (!Array.isArray(reply)) return map;
  const flat = reply.length > 0 && Array.isArray(reply[0]) ? (reply as unknown[][]).flat() : reply;
  for (let index = 0; index + 1 < flat.length; index += 2) {
    const score = Number(String(flat[index + 1]));
    if (Number.isFinite(score)) map.set(String(flat[index]), score);
  }
  return map;
}
