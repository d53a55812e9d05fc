import type { BudgetCounterState, BudgetReservation, BudgetReserveInput, BudgetSettleInput, BudgetSettlement } from '../budget-store.js';

interface Counter {
  spent: number;
  reserved: number;
  /** Reservation id → its hold and when the hold lapses. */
  holds: Map<string, { amount: number; until: number }>;
  /** The earliest `until` among the holds: nothing lapses before it. */
  nextLapse: number;
  expiresAt: number;
}

/**
 * Budget counters in this process's memory, with the semantics `RedisStateStore`'s scripts have:
 * each operation runs to its end without a turn of the event loop, so it is as atomic here as a
 * Lua script is in Redis. Counters past their window are dropped as new ones are made.
 */
export class MemoryBudgets {
  private readonly counters = new Map<string, Counter>();
  private nextSweep = 0;

  reserve(input: BudgetReserveInput): BudgetReservation {
    const { now } = input;
    this.sweep(now);
    const counters = input.counters.map((change) => this.counter(change.counter, now, change.expiresAt));
    for (let index = 0; index < counters.length; index += 1) {
      const counter = counters[index]!;
      const { amount, limit } = input.counters[index]!;
      if (limit === undefined) continue;
      const used = counter.spent + counter.reserved;
      if (used + amount > limit || used >= limit)
        return { granted: false, refused: index, state: { spent: counter.spent, reserved: counter.reserved } };
    }
    return {
      granted: true,
      counters: counters.map((counter, index) => {
        const { amount } = input.counters[index]!;
        const previous = counter.holds.get(input.id);
        if (previous) counter.reserved -= previous.amount;
        counter.holds.set(input.id, { amount, until: input.holdUntil });
        if (input.holdUntil < counter.nextLapse) counter.nextLapse = input.holdUntil;
        counter.reserved += amount;
        return { spent: counter.spent, reserved: counter.reserved };
      }),
    };
  }

  settle(input: BudgetSettleInput): BudgetSettlement[] {
    return input.counters.map((change) => {
      const counter = this.counter(change.counter, input.now, change.expiresAt);
      const hold = counter.holds.get(input.id);
      if (hold) {
        counter.reserved -= hold.amount;
        counter.holds.delete(input.id);
      }
      const spentBefore = counter.spent;
      counter.spent += change.amount;
      return { spentBefore, spent: counter.spent, reserved: counter.reserved };
    });
  }

  read(ids: readonly string[], now: number): BudgetCounterState[] {
    return ids.map((id) => {
      const counter = this.counters.get(id);
      if (!counter) return { spent: 0, reserved: 0 };
      release(counter, now);
      return { spent: counter.spent, reserved: counter.reserved };
    });
  }

  /** The counter, created when new, with lapsed holds released. */
  private counter(id: string, now: number, expiresAt: number): Counter {
    let counter = this.counters.get(id);
    if (!counter)
      this.counters.set(id, (counter = { spent: 0, reserved: 0, holds: new Map(), nextLapse: Number.POSITIVE_INFINITY, expiresAt }));
    else if (expiresAt > counter.expiresAt) counter.expiresAt = expiresAt;
    release(counter, now);
    return counter;
  }

  /** Drops counters whose window is over, at most once a second. */
  private sweep(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + 1_000;
    for (const [id, counter] of this.counters) if (counter.expiresAt <= now) this.counters.delete(id);
  }
}

function release(counter: Counter, now: number): void {
  if (counter.nextLapse > now) return;
  let next = Number.POSITIVE_INFINITY;
  for (const [id, hold] of counter.holds) {
    if (hold.until > now) {
      if (hold.until < next) next = hold.until;
      continue;
    }
    counter.reserved -= hold.amount;
    counter.holds.delete(id);
  }
  counter.nextLapse = next;
}
