import type { CallRecord } from '../../core/call-record.js';
import { configurationError, ZenError, type BudgetRefusal } from '../../core/errors.js';
import type { BudgetRecord, LedgerRecord } from '../../insurance/types.js';
import type { BudgetCounterState, BudgetReservation, StateStore } from '../../policy/state-store.js';
import type { ZenCall } from '../types.js';
import { actual, countersOf, expiresAt, keysOf, readable, shownLimit, type Counter } from './counters.js';
import type { BudgetEvent, BudgetOptions, BudgetState } from './options.js';

/** What the budgets tell the client: events, store failures, ledger records. */
export interface BudgetHooks {
  event(event: BudgetEvent): void;
  storeError(operation: 'reserve' | 'settle' | 'read', error: ZenError, requestId: string | undefined): void;
  write(records: () => LedgerRecord[]): void;
  /** Settlements in flight, for `zen.flush()`. */
  track(settling: Promise<void>): void;
}

/** A call's budgets between the steps: its counters and, once held, what it holds. */
export interface CallBudget {
  counters: Counter[];
  /** When the call was placed in its windows. */
  at: number;
  holdUntil: number;
  /** Whether the store holds the call's estimate (false when the store failed and the call went on unchecked). */
  held: boolean;
}

const DEFAULT_TIMEOUT_MS = 1_000;
/** A hold outlives the call's own deadline by this much before it lapses. */
const HOLD_MARGIN_MS = 60_000;
const CACHE_LIMIT = 10_000;

type BudgetStore = Required<Pick<StateStore, 'reserveBudget' | 'settleBudget' | 'readBudget'>>;

/**
 * Spending and rate limits per key, kept in a StateStore: a call's estimate is held before it runs
 * (all of its counters or none, atomically, refused when a hard limit would pass) and replaced by
 * what it actually spent once it settles. So a budget is never overspent by more than what the
 * calls in flight spend beyond their estimates, however many run at once, in however many processes.
 */
export class Budgets {
  readonly store: BudgetStore;
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private readonly checked = new WeakSet<object>();
  /** The last state each counter was seen in (from this process's replies), for steering. */
  private readonly seen = new Map<string, BudgetCounterState & { end: number }>();

  constructor(
    readonly options: BudgetOptions,
    store: StateStore,
    private readonly hooks: BudgetHooks,
  ) {
    if (typeof store.reserveBudget !== 'function' || typeof store.settleBudget !== 'function' || typeof store.readBudget !== 'function') {
      throw configurationError(
        'budgets need a StateStore with the budget methods reserveBudget, settleBudget and readBudget (MemoryStateStore and RedisStateStore have them).',
      );
    }
    this.store = store as BudgetStore;
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** The call's counters (undefined when none of its keys has a limit). */
  begin(call: ZenCall): CallBudget | undefined {
    const at = this.now();
    const counters = countersOf(this.options, keysOf(this.options, call), at, this.checked);
    if (!counters) return undefined;
    const totalMs = call.routing.timeouts?.totalMs ?? 600_000;
    return { counters, at, holdUntil: at + totalMs + HOLD_MARGIN_MS, held: false };
  }

  /** The last state this process saw of a counter (undefined before it saw any). */
  lastSeen(counter: Counter): BudgetCounterState | undefined {
    return this.seen.get(counter.id);
  }

  /** Holds `amounts` (one per counter) for the call; undefined when granted, else the refusal. */
  async hold(call: ZenCall, budget: CallBudget, amounts: readonly number[]): Promise<BudgetRefusal | undefined> {
    const { counters } = budget;
    let reply: BudgetReservation;
    try {
      reply = await this.within(
        this.store.reserveBudget({
          id: call.requestId,
          holdUntil: budget.holdUntil,
          now: budget.at,
          counters: counters.map((counter, index) => ({
            counter: counter.id,
            amount: amounts[index]!,
            expiresAt: expiresAt(counter, budget.holdUntil),
            ...(counter.hard ? { limit: counter.hard.whole } : {}),
          })),
        }),
      );
    } catch (error) {
      const failure = storeFailure('reserve', error);
      this.hooks.storeError('reserve', failure, call.requestId);
      if (this.options.onStoreError === 'refuse')
        throw new ZenError({
          kind: 'budget_exceeded',
          retryable: true,
          code: 'budget_store',
          message: `The call was refused: its budget could not be checked (${failure.message}).`,
          cause: failure,
        });
      return undefined;
    }
    if (reply.granted) {
      budget.held = true;
      reply.counters.forEach((state, index) => this.remember(counters[index]!, state));
      return undefined;
    }
    const counter = counters[reply.refused]!;
    this.remember(counter, reply.state);
    return refusal(counter, reply.state, amounts[reply.refused]!);
  }

  /** The error of a refused call; its `hard_limit` record and event go out. */
  refuse(call: ZenCall, budget: CallBudget, refused: BudgetRefusal): ZenError {
    const counter = budget.counters.find(
      (candidate) => candidate.key === refused.key && candidate.unit === refused.unit && candidate.window === refused.window,
    )!;
    const at = new Date(this.now()).toISOString();
    this.hooks.event({
      requestId: call.requestId,
      event: 'hard_limit',
      key: refused.key,
      window: refused.window,
      windowStart: refused.windowStart,
      unit: refused.unit,
      limit: refused.limit,
      spent: refused.spent,
      reserved: refused.reserved,
      needed: refused.needed,
    });
    if (this.options.ledger !== 'none') this.hooks.write(() => [budgetRecord(call.requestId, at, counter, refused.spent, 'hard_limit')]);
    const amount = (value: number): string => (refused.unit === 'usd' ? `$${round(value)}` : `${value} ${refused.unit}`);
    return new ZenError({
      kind: 'budget_exceeded',
      retryable: false,
      retryAfterMs: Math.max(0, counter.end - this.now()),
      code: 'budget_exceeded',
      budget: refused,
      message: `Budget "${refused.key}" would be exceeded: ${amount(refused.limit)} per ${refused.window}, ${amount(refused.spent)} spent and ${amount(refused.reserved)} held by calls in flight; this call needs about ${amount(refused.needed)}. The window resets at ${new Date(counter.end).toISOString()}.`,
    });
  }

  /** Replaces the call's holds by what it spent (its final record); soft limits it passed are events. */
  settle(call: ZenCall, budget: CallBudget, record: CallRecord): void {
    const { counters } = budget;
    const amounts = counters.map((counter) => actual(counter.unit, record));
    const settling = this.within(
      this.store.settleBudget({
        id: call.requestId,
        now: this.now(),
        counters: counters.map((counter, index) => ({
          counter: counter.id,
          amount: amounts[index]!,
          expiresAt: expiresAt(counter, budget.holdUntil),
        })),
      }),
    ).then(
      (settled) => {
        const at = new Date(this.now()).toISOString();
        const records: BudgetRecord[] = [];
        settled.forEach((state, index) => {
          const counter = counters[index]!;
          this.remember(counter, state);
          const windowStart = new Date(counter.start).toISOString();
          const spent = readable(counter.unit, state.spent);
          if (this.options.ledger !== 'none' && this.options.ledger !== 'events')
            records.push(budgetRecord(call.requestId, at, counter, spent, 'settled'));
          for (const soft of counter.soft) {
            if (!(state.spentBefore < soft.whole && state.spent >= soft.whole)) continue;
            this.hooks.event({
              requestId: call.requestId,
              event: 'soft_limit',
              key: counter.key,
              window: counter.window,
              windowStart,
              unit: counter.unit,
              limit: soft.given,
              spent,
              reserved: readable(counter.unit, state.reserved),
            });
            if (this.options.ledger !== 'none') records.push(budgetRecord(call.requestId, at, counter, spent, 'soft_limit', soft.given));
          }
        });
        if (records.length > 0) this.hooks.write(() => records);
      },
      (error: unknown) => this.hooks.storeError('settle', storeFailure('settle', error), call.requestId),
    );
    this.hooks.track(settling);
  }

  /** Each limit of a key as it stands now. */
  async state(key: string): Promise<BudgetState[]> {
    const counters = countersOf(this.options, [key], this.now(), this.checked) ?? [];
    if (counters.length === 0) return [];
    const states = await this.within(this.store.readBudget({ counters: counters.map((counter) => counter.id), now: this.now() }));
    return counters.map((counter, index) => {
      const { spent, reserved } = states[index] ?? { spent: 0, reserved: 0 };
      this.remember(counter, { spent, reserved });
      const shown = shownLimit(counter);
      return {
        key: counter.key,
        window: counter.window,
        windowStart: new Date(counter.start).toISOString(),
        unit: counter.unit,
        limit: shown.given,
        hard: counter.hard !== undefined,
        softLimits: counter.soft.map((soft) => soft.given),
        spent: readable(counter.unit, spent),
        reserved: readable(counter.unit, reserved),
        remaining: readable(counter.unit, Math.max(0, shown.whole - spent - reserved)),
      };
    });
  }

  private remember(counter: Counter, state: BudgetCounterState): void {
    if (this.seen.size >= CACHE_LIMIT && !this.seen.has(counter.id)) {
      const now = this.now();
      for (const [id, entry] of this.seen) if (entry.end <= now) this.seen.delete(id);
      if (this.seen.size >= CACHE_LIMIT) this.seen.clear();
    }
    this.seen.set(counter.id, { spent: state.spent, reserved: state.reserved, end: counter.end });
  }

  private within<T>(operation: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ZenError({ kind: 'timeout', retryable: true, message: `The budget store did not answer within ${this.timeoutMs} ms.` }),
          ),
        this.timeoutMs,
      );
    });
    return Promise.race([operation, timeout]).finally(() => clearTimeout(timer));
  }
}

export function refusal(counter: Counter, state: BudgetCounterState, needed: number): BudgetRefusal {
  return {
    key: counter.key,
    window: counter.window,
    windowStart: new Date(counter.start).toISOString(),
    unit: counter.unit,
    limit: shownLimit(counter).given,
    spent: readable(counter.unit, state.spent),
    reserved: readable(counter.unit, state.reserved),
    needed: readable(counter.unit, needed),
  };
}

function budgetRecord(
  requestId: string,
  at: string,
  counter: Counter,
  spent: number,
  event: BudgetRecord['event'],
  limit = shownLimit(counter).given,
): BudgetRecord {
  return {
    type: 'budget',
    requestId,
    at,
    key: counter.key,
    window: counter.window,
    windowStart: new Date(counter.start).toISOString(),
    unit: counter.unit,
    spent,
    limit,
    event,
  };
}

function storeFailure(operation: string, error: unknown): ZenError {
  if (ZenError.isInstance(error)) return error;
  return new ZenError({
    kind: 'server',
    retryable: true,
    message: `The budget store failed (${operation}): ${error instanceof Error ? error.message : String(error)}`,
    cause: error,
  });
}

function round(usd: number): string {
  return usd >= 1 ? usd.toFixed(2) : usd.toPrecision(3);
}
