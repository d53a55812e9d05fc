import type { BudgetWindow } from './options.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The fixed, calendar window (UTC) that `at` (epoch ms) falls in: the minute, the hour, the day,
 * the ISO week (from Monday) or the month. Every process computes the same window from its own
 * clock, so counters meet in a shared store without coordination.
 */
export function windowAt(window: BudgetWindow, at: number): { start: number; end: number } {
  switch (window) {
    case 'minute':
      return fixed(at, MINUTE);
    case 'hour':
      return fixed(at, HOUR);
    case 'day':
      return fixed(at, DAY);
    case 'week': {
      const day = Math.floor(at / DAY) * DAY;
      // 1970-01-01 was a Thursday: days since the last Monday.
      const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
      const start = day - sinceMonday * DAY;
      return { start, end: start + 7 * DAY };
    }
    case 'month': {
      const date = new Date(at);
      const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
      return { start, end: Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) };
    }
  }
}

function fixed(at: number, size: number): { start: number; end: number } {
  const start = Math.floor(at / size) * size;
  return { start, end: start + size };
}
