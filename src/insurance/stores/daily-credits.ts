import { ZenError } from '../../core/errors.js';
import { toNanos } from '../../core/money.js';
import type { DailyCredits, LedgerStore, QualityEventKind } from '../types.js';

/** The UTC day `YYYY-MM-DD` as a `[since, until)` pair of ISO times; a typed error for anything else. */
export function dayRange(day: string): { since: string; until: string } {
  const since = `${day}T00:00:00.000Z`;
  const sinceMs = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(since) : Number.NaN;
  if (Number.isNaN(sinceMs) || new Date(sinceMs).toISOString() !== since) {
    throw new ZenError({
      kind: 'invalid_request',
      retryable: false,
      message: `a daily credit day must be a UTC date YYYY-MM-DD, got ${JSON.stringify(day)}`,
    });
  }
  return { since, until: new Date(sinceMs + 86_400_000).toISOString() };
}

/** The credits of the `credited` claims a store holds for a UTC day, read through `query`. */
export async function creditedClaimsOn(store: Pick<LedgerStore, 'query'>, day: string): Promise<DailyCredits> {
  const credited: DailyCredits = { nanos: 0, byKind: new Map() };
  for await (const record of store.query({ ...dayRange(day), types: ['claim'] })) {
    if (record.type !== 'claim' || record.claim.status !== 'credited') continue;
    const nanos = toNanos(record.claim.amountUsd);
    credited.nanos += nanos;
    credited.byKind.set(record.claim.eventKind, (credited.byKind.get(record.claim.eventKind) ?? 0) + nanos);
  }
  return credited;
}

/** A plain-JSON copy of daily totals (for a store that keeps them as text). */
export function toJsonCredits(credited: DailyCredits): { nanos: number; byKind: Record<string, number> } {
  return { nanos: credited.nanos, byKind: Object.fromEntries(credited.byKind) };
}

export function fromJsonCredits(json: { nanos: number; byKind: Record<string, number> }): DailyCredits {
  return {
    nanos: Number(json.nanos),
    byKind: new Map(Object.entries(json.byKind).map(([kind, nanos]) => [kind as QualityEventKind, Number(nanos)])),
  };
}

/**
 * Daily credit totals for a store that lives in one process (memory, JSONL): every client given the
 * same store object shares one set of totals, read from the store's own claims the first time a
 * day is asked for and kept in memory after that. `decide` runs without awaiting in between, so
 * concurrent grants in this process cannot both pass a cap.
 */
export class InProcessDailyCredits {
  private readonly days = new Map<string, Promise<DailyCredits>>();

  constructor(private readonly store: Pick<LedgerStore, 'query'>) {}

  async grant<T>(day: string, decide: (credited: DailyCredits) => T): Promise<T> {
    let loading = this.days.get(day);
    if (!loading) {
      const loaded = creditedClaimsOn(this.store, day);
      loading = loaded;
      this.days.set(day, loaded);
      // Only the latest days are asked for; the oldest entry goes once there are more than two.
      if (this.days.size > 2) this.days.delete(this.days.keys().next().value!);
      // A failed read is retried by the next grant instead of leaving the day unknown.
      loaded.catch(() => {
        if (this.days.get(day) === loaded) this.days.delete(day);
      });
    }
    return decide(await loading);
  }
}
