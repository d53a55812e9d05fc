/**
 * One-sided CUSUM on log-likelihood ratios (Page 1954): S ← max(0, S + llr), an alarm when S
 * crosses h. Under the baseline, the chance that S ever climbs from 0 to h is at most e^-h, so
 * the average run length between false alarms is at least e^h observations (a standard bound,
 * e.g. Basseville & Nikiforov 1993, §5.2); `thresholdFor(arl)` is ln(arl).
 */
export class Cusum {
  statistic = 0;
  /** Observations since the statistic last left 0: the change's likely start, for the level seen since. */
  sinceReset = 0;

  constructor(readonly threshold: number) {}

  /** Adds one observation's log-likelihood ratio; true when the statistic crosses the threshold. */
  add(llr: number): boolean {
    this.statistic = Math.max(0, this.statistic + llr);
    this.sinceReset = this.statistic === 0 ? 0 : this.sinceReset + 1;
    return this.statistic > this.threshold;
  }

  reset(): void {
    this.statistic = 0;
    this.sinceReset = 0;
  }
}

/** h for a false-alarm bound of one per `averageRunLength` observations. */
export function thresholdFor(averageRunLength: number): number {
  return Math.log(averageRunLength);
}

/** Log-likelihood ratio of one pass/fail observation: failure rate p1 (changed) against p0 (baseline). */
export function bernoulliLlr(failed: boolean, p0: number, p1: number): number {
  return failed ? Math.log(p1 / p0) : Math.log((1 - p1) / (1 - p0));
}

/** Log-likelihood ratio of one normal observation: mean shifted up by `shift` against the baseline mean, sd `sigma`. */
export function normalLlr(x: number, mean: number, sigma: number, shift: number): number {
  return (shift / (sigma * sigma)) * (x - mean - shift / 2);
}
