import type { ZenError } from '../../core/errors.js';
import type { Route } from '../../policy/router.js';
import { refusal, type Budgets, type CallBudget } from '../budget/budgets.js';
import { estimate, shownLimit, type Counter } from '../budget/counters.js';
import type { InternalStep, RunningCall } from '../call.js';
import type { PipelineRuntime } from '../runtime.js';
import type { ZenRequestOptions } from '../types.js';
import { applyRoute, planCall } from './route.js';

/**
 * Budgets in two steps around routing. Before it, `budget-steer` finds the call's limits and, from
 * the last state this process saw of its USD budgets (no store round trip), raises `budgetPressure`
 * so that `auto` leans towards price as the budget is spent, and refuses at once a call whose
 * budget is already spent. After it, `budget` holds the plan's estimate in the store (atomically,
 * refused if a hard limit would pass; a pick too dear for what is left is planned again under
 * `maxCost`) and settles on the call's actual cost once its record is final.
 */

const calls = new WeakMap<RunningCall, CallBudget>();

export function budgetSteerStep(budgets: Budgets): InternalStep {
  const steer = budgets.options.steer ?? true;
  const from = typeof steer === 'object' ? (steer.from ?? 0.5) : 0.5;
  return (call, next) => {
    // The insurance's own calls are part of the call they serve: its settlement counts them.
    if (call.internal) return next();
    const budget = budgets.begin(call);
    if (!budget) return next();
    calls.set(call, budget);
    let pressure = 0;
    for (const counter of budget.counters) {
      const seen = budgets.lastSeen(counter);
      if (!seen) continue;
      // Spend only grows within a window: a hard limit already reached refuses without asking the store.
      if (counter.hard && seen.spent >= counter.hard.whole) throw budgets.refuse(call, budget, refusal(counter, seen, 0));
      const limit = shownLimit(counter).whole;
      if (steer !== false && counter.unit === 'usd' && limit > 0)
        pressure = Math.max(pressure, pressureAt((seen.spent + seen.reserved) / limit, from));
    }
    if (pressure > 0) setRouting(call, { ...call.routing, budgetPressure: Math.max(pressure, call.routing.budgetPressure ?? 0) });
    return next();
  };
}

export function budgetStep(runtime: PipelineRuntime, budgets: Budgets): InternalStep {
  const steer = budgets.options.steer !== false;
  return async (call, next) => {
    const budget = calls.get(call);
    if (!budget || !call.route) return next();
    let refused = await budgets.hold(call, budget, amounts(runtime, budget.counters, call.route));
    if (refused?.unit === 'usd' && steer) {
      // The pick is too dear for what is left: the best candidate that fits, if one does.
      const left = refused.limit - refused.spent - refused.reserved;
      const cheaper = left > 0 ? await planUnder(runtime, call, left) : undefined;
      if (cheaper) refused = await budgets.hold(call, budget, amounts(runtime, budget.counters, cheaper));
    }
    if (refused) throw budgets.refuse(call, budget, refused);
    call.observe({ settled: (_error: ZenError | undefined) => budgets.settle(call, budget, call.record) });
    return next();
  };
}

function amounts(runtime: PipelineRuntime, counters: readonly Counter[], plan: Route): number[] {
  return counters.map((counter) => estimate(counter, plan, runtime.state));
}

/** Plans the call again with `maxCost` at what is left; the new plan replaces the old one, or undefined when nothing fits. */
async function planUnder(runtime: PipelineRuntime, call: RunningCall, left: number): Promise<Route | undefined> {
  const before = call.routing;
  setRouting(call, { ...before, maxCost: Math.min(left, before.maxCost ?? Number.POSITIVE_INFINITY) });
  try {
    const deps = await runtime.providerDeps();
    const plan = await planCall(call, deps);
    applyRoute(runtime, call, deps, plan);
    return plan;
  } catch {
    // No candidate fits what is left: the call is refused on the budget, not on routing.
    setRouting(call, before);
    return undefined;
  }
}

/** 0 until `from` of the budget is used, then rising in proportion to 1 when all of it is. */
function pressureAt(used: number, from: number): number {
  if (used <= from) return 0;
  if (from >= 1) return used >= 1 ? 1 : 0;
  return Math.min(1, (used - from) / (1 - from));
}

/** The routing options routing reads are the call's own; steps before routing may replace them. */
function setRouting(call: RunningCall, routing: ZenRequestOptions): void {
  (call as { routing: ZenRequestOptions }).routing = routing;
}
