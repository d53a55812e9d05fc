/**
 * Money is USD as a number rounded to whole nanodollars, so that sums done in integer nanodollars
 * reconcile exactly with the per-call figures.
 */
export const NANOS_PER_USD = 1_000_000_000;

export function roundUsd(usd: number): number {
  return Math.round(usd * NANOS_PER_USD) / NANOS_PER_USD;
}

export function toNanos(usd: number): number {
  return Math.round(usd * NANOS_PER_USD);
}

export function fromNanos(nanos: number): number {
  return nanos / NANOS_PER_USD;
}

/** Exact sum of USD amounts (each already rounded to nanodollars). */
export function sumUsd(amounts: Iterable<number>): number {
  let nanos = 0;
  for (const amount of amounts) nanos += toNanos(amount);
  return fromNanos(nanos);
}

export interface CostBreakdown {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  /** Reasoning tokens, when the vendor prices them apart from output (usually included in output). */
  reasoning: number;
  /** Images, per-request fees. */
  other: number;
  total: number;
  currency: 'USD';
  /** True when no price was known and the figure is a guess or zero. */
  estimated: boolean;
  /** Where the prices came from: `genai-prices`, `catalog`, `host`, `unknown`. */
  source: string;
}

export function zeroCost(source = 'unknown'): CostBreakdown {
  return { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0, other: 0, total: 0, currency: 'USD', estimated: true, source };
}

/**
 * Several costs as one: each field summed exactly in nanodollars, estimated if any part is, and
 * the price sources each named once (`@pydantic/genai-prices+estimate`). Empty gives `zeroCost('none')`.
 */
export function sumCosts(costs: readonly CostBreakdown[]): CostBreakdown {
  if (costs.length === 0) return zeroCost('none');
  // One pass in integer nanodollars: every call sums its attempts' costs, most often just one.
  let input = 0,
    cacheRead = 0,
    cacheWrite = 0,
    output = 0,
    reasoning = 0,
    other = 0,
    total = 0;
  let estimated = false;
  for (const cost of costs) {
    input += toNanos(cost.input);
    cacheRead += toNanos(cost.cacheRead);
    cacheWrite += toNanos(cost.cacheWrite);
    output += toNanos(cost.output);
    reasoning += toNanos(cost.reasoning);
    other += toNanos(cost.other);
    total += toNanos(cost.total);
    if (cost.estimated) estimated = true;
  }
  return {
    input: fromNanos(input),
    cacheRead: fromNanos(cacheRead),
    cacheWrite: fromNanos(cacheWrite),
    output: fromNanos(output),
    reasoning: fromNanos(reasoning),
    other: fromNanos(other),
    total: fromNanos(total),
    currency: 'USD',
    estimated,
    source: costs.length === 1 ? costs[0]!.source : [...new Set(costs.flatMap((cost) => cost.source.split('+')))].join('+'),
  };
}
