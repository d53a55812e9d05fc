import type { Histogram } from './report-data.js';

/** Shares per channel over 24 log-spaced bins spanning every channel's latencies. */
export function histogram(series: ReadonlyArray<ArrayLike<number>>): Histogram {
  let low = Infinity;
  let high = -Infinity;
  for (const values of series) {
    for (let index = 0; index < values.length; index++) {
      const value = values[index]!;
      if (value <= 0) continue;
      if (value < low) low = value;
      if (value > high) high = value;
    }
  }
  if (low === Infinity) return { centres: [], shares: series.map(() => []) };
  const bins = 24;
  const logLow = Math.log(low);
  const width = Math.max(1e-9, (Math.log(high) - logLow) / bins);
  const centres = Array.from({ length: bins }, (_, bin) => Math.exp(logLow + (bin + 0.5) * width));
  const shares = series.map((values) => {
    const counts = new Array<number>(bins).fill(0);
    for (let index = 0; index < values.length; index++) {
      const value = values[index]!;
      if (value > 0) counts[Math.min(bins - 1, Math.floor((Math.log(value) - logLow) / width))]! += 1;
    }
    return counts.map((count) => (values.length === 0 ? 0 : count / values.length));
  });
  return { centres, shares };
}
