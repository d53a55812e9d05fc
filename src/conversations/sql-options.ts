import { configurationError } from '../core/errors.js';

/** Default lifetime of a stored conversation: 30 days, as OpenAI keeps responses. */
export const THIRTY_DAYS_MS = 30 * 24 * 60 * 60 * 1000;

/** The table name and lifetime of a SQL conversation store, checked: the name goes into SQL text. */
export function sqlStoreSettings(
  store: string,
  options: { table?: unknown; ttlMs?: unknown },
  qualified: boolean,
): { table: string; ttlMs: number } {
  const { table = 'zen_conversations', ttlMs = THIRTY_DAYS_MS } = options;
  const name = qualified ? /^(?:[A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*$/ : /^[A-Za-z_][A-Za-z0-9_]*$/;
  if (typeof table !== 'string' || !name.test(table))
    throw configurationError(
      `${store} table must be a plain SQL name${qualified ? ' (optionally schema.table)' : ''}, got ${JSON.stringify(String(table))}.`,
    );
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs < 1)
    throw configurationError(`${store} ttlMs must be a finite number of milliseconds >= 1, got ${String(ttlMs)}.`);
  return { table, ttlMs: Math.round(ttlMs) };
}
