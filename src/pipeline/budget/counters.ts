import type { CallRecord } from '../../core/call-record.js';
import { configurationError } from '../../core/errors.js';
import { fromNanos, toNanos } from '../../core/money.js';
import { checkSchema } from '../../core/validate/check.js';
import { DEFAULT_OUTPUT_TOKENS } from '../../policy/candidates.js';
import type { LiveState } from '../../policy/live-state.js';
import type { Route } from '../../policy/router.js';
import type { ZenCall } from '../types.js';
import { budgetLimitSchema } from './options-schema.js';
import type { BudgetKeys, BudgetLimit, BudgetOptions, BudgetUnit, BudgetWindow } from './options.js';
import { windowAt } from './windows.js';

/** An amount in whole units (nanodollars, tokens, requests), and as the host gave it. */
export interface Amount {
  whole: number;
  given: number;
}

/**
 * The limits of one key on one unit in one window, as the window a call falls in: one counter in
 * the store, however many limits watch it (a soft limit at 80 % and a hard one at 100 %).
 */
export interface Counter {
  /** The store's id: key, unit, window and the window's start. */
  id: string;
  key: string;
  unit: BudgetUnit;
  window: BudgetWindow;
  start: number;
  end: number;
  /** The hard limit (the lowest, when several are given); undefined when only soft ones are. */
  hard: Amount | undefined;
  soft: Amount[];
}

/** A minute past a window's end, its counter may go: calls that started in it have settled by then or lapsed. */
const COUNTER_MARGIN_MS = 60_000;

/** The limits of the keys, as counters of the window `now` falls in (undefined when no key has a limit). */
export function countersOf(
  options: BudgetOptions,
  keys: readonly string[] | undefined,
  now: number,
  checked: WeakSet<object>,
): Counter[] | undefined {
  if (!keys) return undefined;
  let counters: Map<string, Counter> | undefined;
  for (const key of keys) {
    const limits = typeof options.limits === 'function' ? options.limits(key) : options.limits;
    if (!limits) continue;
    for (const limit of limits) {
      if (!checked.has(limit)) {
        checkSchema(budgetLimitSchema(), limit, 'configuration', 'budgets.limits', 'budgets.limits');
        checked.add(limit);
      }
      const counter = counterOf(key, limit, now);
      const known = (counters ??= new Map()).get(counter.id);
      if (!known) counters.set(counter.id, counter);
      else if (counter.hard && (!known.hard || counter.hard.whole < known.hard.whole)) known.hard = counter.hard;
      else if (counter.soft.length > 0) known.soft.push(...counter.soft);
    }
  }
  return counters && counters.size > 0 ? [...counters.values()] : undefined;
}

/** The call's budget keys: its own `zen.budgetKey` and the client's `budgets.key(call)`, both. */
export function keysOf(options: BudgetOptions, call: ZenCall): string[] | undefined {
  const own = call.options.budgetKey;
  const derived = options.key?.(call);
  if (own === undefined && derived === undefined) return undefined;
  const keys = new Set<string>();
  add(keys, own);
  add(keys, derived);
  return keys.size > 0 ? [...keys] : undefined;
}

function add(keys: Set<string>, value: BudgetKeys): void {
  if (value === undefined) return;
  for (const key of typeof value === 'string' ? [value] : value) {
    if (typeof key !== 'string' || key === '')
      throw configurationError(`budgets.key must return a non-empty string, an array of them, or undefined; got ${JSON.stringify(key)}.`);
    keys.add(key);
  }
}

function counterOf(key: string, limit: BudgetLimit, now: number): Counter {
  const unit: BudgetUnit = limit.usd !== undefined ? 'usd' : limit.tokens !== undefined ? 'tokens' : 'requests';
  const given = limit.usd ?? limit.tokens ?? limit.requests ?? 0;
  const amount = { whole: unit === 'usd' ? toNanos(given) : given, given };
  const { start, end } = windowAt(limit.per, now);
  // `|` separates the id's parts; `%` escapes them in a key.
  const escaped = key.replace(/%/g, '%25').replace(/\|/g, '%7C');
  return {
    id: `${escaped}|${unit}|${limit.per}|${start}`,
    key,
    unit,
    window: limit.per,
    start,
    end,
    hard: limit.soft ? undefined : amount,
    soft: limit.soft ? [amount] : [],
  };
}

/** The limit a counter's state is shown against: its hard limit, else its highest soft one. */
export function shownLimit(counter: Counter): Amount {
  if (counter.hard) return counter.hard;
  let highest = counter.soft[0]!;
  for (const soft of counter.soft) if (soft.whole > highest.whole) highest = soft;
  return highest;
}

/** When a counter may be forgotten: after its window, and after the call's hold could lapse. */
export function expiresAt(counter: Counter, holdUntil: number): number {
  return Math.max(counter.end, holdUntil) + COUNTER_MARGIN_MS;
}

/** What a call is expected to spend of a counter's unit, from its plan: the first candidate's estimated cost, its tokens, one request. */
export function estimate(counter: Counter, plan: Route, state: LiveState): number {
  switch (counter.unit) {
    case 'usd':
      return Math.ceil(plan.order[0]!.cost * 1e9);
    case 'tokens': {
      const { analysis } = plan;
      const output =
        analysis.maxOutputTokens ?? state.outputTokensAverage(analysis.category) ?? DEFAULT_OUTPUT_TOKENS[analysis.category] ?? 300;
      return Math.ceil(analysis.inputTokens + output);
    }
    case 'requests':
      return 1;
  }
}

/** What a call spent of a counter's unit, from its final record: every attempt counts, failed, hedged and the judge's included. */
export function actual(unit: BudgetUnit, record: CallRecord): number {
  switch (unit) {
    case 'usd':
      return Math.max(0, toNanos(record.cost.total));
    case 'tokens': {
      let tokens = 0;
      for (const attempt of record.attempts) if (attempt.usage) tokens += attempt.usage.input.total + attempt.usage.output.total;
      return tokens;
    }
    case 'requests':
      return record.attempts.some((attempt) => attempt.outcome !== 'skipped') ? 1 : 0;
  }
}

/** A whole amount in the counter's unit as a person reads it (USD from nanodollars). */
export function readable(unit: BudgetUnit, amount: number): number {
  return unit === 'usd' ? fromNanos(amount) : amount;
}
