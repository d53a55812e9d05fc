/**
 * What a StateStore stores for budgets (see `StateStore.reserveBudget`): counters of whole amounts
 * per key, unit and window, each with its settled spend and the holds of calls in flight.
 */

/**
 * One budget counter: a key's unit in one window (`user:42|usd|day|1767225600000`). Amounts are
 * whole numbers: nanodollars, tokens or requests, so that sums are exact in any store.
 */
export interface BudgetCounterChange {
  counter: string;
  amount: number;
  /** Reserve only: the hard limit to check before holding; absent, the hold is not checked. */
  limit?: number;
  /** Epoch ms after which the counter may be forgotten (its window's end, with a margin). */
  expiresAt: number;
}

export interface BudgetReserveInput {
  /** The reservation's id (the call's request id): what `settleBudget` releases. */
  id: string;
  counters: readonly BudgetCounterChange[];
  /** Epoch ms when the holds lapse if never settled. */
  holdUntil: number;
  now: number;
}

export interface BudgetSettleInput {
  id: string;
  /** The actual amounts spent. */
  counters: ReadonlyArray<Omit<BudgetCounterChange, 'limit'>>;
  now: number;
}

export interface BudgetCounterState {
  spent: number;
  reserved: number;
}

/** Granted: every counter's state after the hold. Refused: the first counter that would pass its limit, as it stood. */
export type BudgetReservation =
  | { granted: true; counters: BudgetCounterState[] }
  | { granted: false; refused: number; state: BudgetCounterState };

/** One counter after a settlement: its spent before and after (a soft limit crossed between them is an event). */
export interface BudgetSettlement extends BudgetCounterState {
  spentBefore: number;
}
