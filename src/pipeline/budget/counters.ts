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

/** One limit of one key, in the window a call falls in. Amounts are whole: nanodollars, tokens, requests. */
export interface Counter {
  /** The store's id: key, unit, window and the window's start. */
  id: string;
  key: string;
  unit: BudgetUnit;
  window: BudgetWindow;
  start: number;
  end: number;
  /** The limit in whole units, and as given. */
  limit: number;
  limitAsGiven: number;
  soft: boolean;
}

/** A minute past a window's end, its counter may go: calls that started in it have settled by then or lapsed. */
const COUNTER_MARGIN_MS = 60_000;

/** The limits of the keys, as counters of the window `now` falls in (undefined when no key has a limit). */
export function countersOf(options: BudgetOptions, keys: readonly string[] | undefined, now: number, checked: WeakSet<object>): Counter[] | undefined {
  if (!keys) return undefined;
  let counters: Counter[] | undefined;
  for (const key of keys) {
    const limits = typeof options.limits === 'function' ? options.limits(key) : options.limits;
    if (!limits) continue;
    for (const limit of limits) {
      if (!checked.has(limit)) {
        checkSchema(budgetLimitSchema(), limit, 'configuration', 'budgets.limits', 'budgets.limits');
        checked.add(limit);
      }
      (counters ??= []).push(counterOf(key, limit, now));
    }
  }
  return counters;
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
    if (typeof key !== 'string' || key === '') throw configurationError(`budgets.key must return a non-empty string, an array of them, or undefined; got ${JSON.stringify(key)}.`);
    keys.add(key);
  }
}

function counterOf(key: string, limit: BudgetLimit, now: number): Counter {
  const unit: BudgetUnit = limit.usd !== undefined ? 'usd' : limit.tokens !== undefined ? 'tokens' : 'requests';
  const given = limit.usd ?? limit.tokens ?? limit.requests ?? 0;
  const { start, end } = windowAt(limit.per, now);
  // `|` separates the id's parts; `%` escapes them in a key.
  const escaped = key.replace(/%/g, '%25').replace(/\|/g, '%7C');
  return {
    id: `${escaped}|${unit}|${limit.per}|${start}`,
    key, unit, window: limit.per, start, end,
    limit: unit === 'usd' ? toNanos(given) : given,
    limitAsGiven: given,
    soft: limit.soft === true,
  };
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
      const output = analysis.maxOutputTokens ?? state.outputTokensAverage(analysis.category) ?? DEFAULT_OUTPUT_TOKENS[analysis.category] ?? 300;
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
