import type { RecordLine } from '../report/ledger-tally.js';
import type { BudgetSection } from './dashboard-data.js';

/**
 * The shape of the `budget` ledger records the dashboard shows (`BudgetRecord` in
 * insurance/types.ts, written by the budgets; read loosely here, since a ledger file may come from
 * another version, and other fields are ignored):
 *
 * ```ts
 * { type: 'budget', requestId, at,
 *   key: 'user:42',                        // the budget key: a user, API key, tag or project
 *   window: 'minute' | 'hour' | 'day' | 'week' | 'month',
 *   windowStart?: '2025-06-01T00:00:00Z',  // the start of the window `spent` counts in
 *   unit: 'usd' | 'tokens' | 'requests',
 *   spent: 4.2,                            // spent in the window once this record's call settled
 *   limit: 10,                             // the limit this record checked against
 *   event?: 'settled' | 'soft_limit' | 'hard_limit' }  // default settled; hard_limit: a call refused
 * ```
 */
export interface BudgetRecordShape {
  type: 'budget';
  requestId: string;
  at: string;
  key: string;
  window: string;
  windowStart?: string;
  unit: string;
  spent: number;
  limit: number;
  event?: string;
}

const RECENT_EVENTS = 20;

/** The latest state of each budget and the latest limit events, from `budget` records. */
export class BudgetTally {
  private readonly latest = new Map<string, { atMs: number; record: BudgetRecordShape }>();
  private events: BudgetSection['events'] = [];

  add(line: RecordLine): void {
    if (line.type !== 'budget') return;
    const record = line as unknown as BudgetRecordShape;
    const atMs = Date.parse(String(record.at));
    if (typeof record.key !== 'string' || typeof record.spent !== 'number' || typeof record.limit !== 'number' || !Number.isFinite(atMs))
      return;
    const window = typeof record.window === 'string' ? record.window : '';
    const unit = typeof record.unit === 'string' ? record.unit : 'usd';
    const id = `${record.key}\u0000${window}\u0000${unit}`;
    // Records of concurrent calls may land out of order: the latest by time wins.
    const current = this.latest.get(id);
    if (!current || current.atMs <= atMs) this.latest.set(id, { atMs, record: { ...record, window, unit } });
    if (typeof record.event === 'string' && record.event !== 'settled') {
      this.events.push({ at: record.at, key: record.key, window, unit, event: record.event, spent: record.spent, limit: record.limit });
      if (this.events.length >= 2 * RECENT_EVENTS) this.events = this.events.slice(-RECENT_EVENTS);
    }
  }

  section(): BudgetSection | undefined {
    if (this.latest.size === 0 && this.events.length === 0) return undefined;
    const budgets = [...this.latest.values()]
      .map(({ record }) => ({
        key: record.key,
        window: record.window,
        unit: record.unit,
        spent: record.spent,
        limit: record.limit,
        at: record.at,
        ...(typeof record.windowStart === 'string' ? { windowStart: record.windowStart } : {}),
      }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.window < b.window ? -1 : a.window > b.window ? 1 : 0));
    const events = this.events.slice(-RECENT_EVENTS).sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
    return { budgets, events };
  }
}
