/**
 * `new Date(epochMs).toISOString()`, cheaper for the calls of one second: the text up to the
 * second is kept and only the milliseconds are written. On Node 20 toISOString costs ~600 ns,
 * and every call's ledger record carries its start time.
 */
let cachedSecond = Number.NaN;
let cachedPrefix = '';

export function isoTime(epochMs: number): string {
  // Whole milliseconds in Date's range only; anything else (fractions, NaN, out of range) as Date writes or throws it.
  if (!Number.isInteger(epochMs) || Math.abs(epochMs) > 8.64e15) return new Date(epochMs).toISOString();
  const ms = ((epochMs % 1000) + 1000) % 1000;
  const second = epochMs - ms;
  if (second !== cachedSecond) {
    // `...T13:46:53.000Z` less its `000Z`.
    cachedPrefix = new Date(second).toISOString().slice(0, -4);
    cachedSecond = second;
  }
  return `${cachedPrefix}${ms < 10 ? `00${ms}` : ms < 100 ? `0${ms}` : ms}Z`;
}

let parsedText: string | undefined;
let parsedMs = Number.NaN;

/**
 * `Date.parse`, remembering the last UTC text (one ending in `Z`, whose time no time zone
 * changes): a ledger record's time is parsed when the store validates it and again for its keys.
 */
export function parseTime(text: string): number {
  if (text === parsedText) return parsedMs;
  const ms = Date.parse(text);
  if (typeof text === 'string' && text.endsWith('Z')) {
    parsedText = text;
    parsedMs = ms;
  }
  return ms;
}
