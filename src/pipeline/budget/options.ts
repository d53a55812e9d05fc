import type { StateStore } from '../../policy/state-store.js';
import type { ZenCall } from '../types.js';

export type BudgetWindow = 'minute' | 'hour' | 'day' | 'week' | 'month';
export type BudgetUnit = 'usd' | 'tokens' | 'requests';

/**
 * One limit of a budget key: an amount of USD, tokens or requests per calendar window (UTC). Give
 * exactly one of `usd`, `tokens` and `requests`.
 *
 * - `usd`: what the calls cost (`zen.cost.total`: failed and hedged attempts and the insurance's
 *   judge included), checked before a call on the plan's estimate.
 * - `tokens`: input and output tokens of every attempt, checked on the prompt's tokens plus the
 *   expected output (`max_tokens` when given).
 * - `requests`: calls that reached a provider (a rate limit).
 */
export interface BudgetLimit {
  per: BudgetWindow;
  usd?: number;
  tokens?: number;
  requests?: number;
  /**
   * A soft limit: the call that passes it gets a `budget` event and a `soft_limit` ledger record,
   * and calls go on. Default false: a hard limit, which refuses a call that would pass it with a
   * `budget_exceeded` ZenError before any provider call.
   */
  soft?: boolean;
}

/** The budget keys of a call: one, several (a user and a project), or none. */
export type BudgetKeys = string | readonly string[] | undefined;

/** `ZenClientOptions.budgets`: spending and rate limits per key (a user, an API key, a tag, a project). */
export interface BudgetOptions {
  /** The limits of every key, or a function that gives each key its own (undefined: no limit for that key). */
  limits: readonly BudgetLimit[] | ((key: string) => readonly BudgetLimit[] | undefined);
  /**
   * The budget keys of a call, from the call (its `options.tags`, `options.budgetKey`, the request):
   * used with the request's own `zen: { budgetKey }`, both count. Internal calls (the judge) are
   * part of the call they serve and are not asked about.
   */
  key?: (call: ZenCall) => BudgetKeys;
  /**
   * Where the counters live. Default: the `sharedState` store when one is configured (so that every
   * process shares them), else a MemoryStateStore of this client. The store needs the budget
   * methods (`reserveBudget`, `settleBudget`, `readBudget`); the built-in stores have them.
   */
  store?: StateStore;
  /**
   * `auto` moves towards cheaper candidates as a USD budget is spent: `budgetPressure` rises from 0
   * when `from` of the limit is used (default 0.5) to 1 when all of it is; and a call whose pick
   * would not fit what is left is planned again under `maxCost` = what is left. false: neither.
   */
  steer?: boolean | { from?: number };
  /**
   * `budget` ledger records: `all` (default) writes each limit's state after every call (`settled`)
   * and the limit events (`soft_limit`, `hard_limit`); `events` only the events; `none` nothing.
   */
  ledger?: 'all' | 'events' | 'none';
  /**
   * When the store fails or is slower than `timeoutMs`: `allow` (default) lets the call go on
   * unchecked, with an `error` event (`source: 'budget-store'`); `refuse` fails it with
   * `budget_exceeded` (code `budget_store`).
   */
  onStoreError?: 'allow' | 'refuse';
  /** Longest a call waits for the store's check, in ms (default 1000). */
  timeoutMs?: number;
  /** The clock that places calls in windows (epoch ms); default Date.now. */
  now?: () => number;
}

/** A `budget` event: a soft limit passed, or a call refused by a hard one. */
export interface BudgetEvent {
  requestId: string;
  event: 'soft_limit' | 'hard_limit';
  key: string;
  window: BudgetWindow;
  /** ISO start (UTC) of the window. */
  windowStart: string;
  unit: BudgetUnit;
  limit: number;
  /** Settled in the window (after this call, for a soft limit). */
  spent: number;
  /** Held by calls in flight. */
  reserved: number;
  /** A refused call's estimate. */
  needed?: number;
}

/** A limit's state now (`zen.budget(key)`), in its unit. */
export interface BudgetState {
  key: string;
  window: BudgetWindow;
  windowStart: string;
  unit: BudgetUnit;
  /** The hard limit; without one, the highest soft limit. */
  limit: number;
  /** Whether `limit` is a hard limit. */
  hard: boolean;
  /** The soft limits on this key, unit and window. */
  softLimits: number[];
  spent: number;
  reserved: number;
  /** limit − spent − reserved, at least 0. */
  remaining: number;
}
