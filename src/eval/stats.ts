/**
 * The statistics an evaluation reports. Small and exact: no maintained, small, typed package
 * offers Fisher's exact test or McNemar's (the @stdlib ones pull in dozens of packages), so they
 * are written here and tested against SciPy's values (test/eval/stats.test.ts).
 */

/** z for a two-sided 95 % interval. */
export const Z_95 = 1.959963984540054;

/**
 * Wilson score interval for a proportion (Wilson 1927; Newcombe 1998, method 3). Unlike the
 * normal approximation it stays inside [0, 1] and is sensible at 0 of n and n of n.
 */
export function wilsonInterval(successes: number, trials: number, z = Z_95): [number, number] {
  if (trials <= 0) return [0, 1];
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

// ln(k!) for k up to the largest n asked so far, grown on demand.
let logFactorials = new Float64Array([0, 0]);

function logFactorial(n: number): number {
  if (n >= logFactorials.length) {
    const grown = new Float64Array(Math.max(n + 1, logFactorials.length * 2));
    grown.set(logFactorials);
    for (let k = logFactorials.length; k < grown.length; k += 1) grown[k] = grown[k - 1]! + Math.log(k);
    logFactorials = grown;
  }
  return logFactorials[n]!;
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

export type Alternative = 'two-sided' | 'less' | 'greater';

/**
 * Fisher's exact test on the 2×2 table [[a, b], [c, d]] (rows: channels; columns: right, wrong).
 * `less`: the odds ratio is below 1 (the first row does worse). Two-sided sums every table no more
 * likely than the observed one, with R's relative tolerance of 1e-7.
 */
export function fisherExact(a: number, b: number, c: number, d: number, alternative: Alternative = 'two-sided'): number {
  for (const value of [a, b, c, d]) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`fisherExact: counts must be whole numbers >= 0, got ${value}`);
  }
  const row1 = a + b;
  const row2 = c + d;
  const column1 = a + c;
  const n = row1 + row2;
  const low = Math.max(0, column1 - row2);
  const high = Math.min(row1, column1);
  const base = logChoose(n, column1);
  const probability = (x: number): number => Math.exp(logChoose(row1, x) + logChoose(row2, column1 - x) - base);
  let p = 0;
  if (alternative === 'less') {
    for (let x = low; x <= a; x += 1) p += probability(x);
  } else if (alternative === 'greater') {
    for (let x = a; x <= high; x += 1) p += probability(x);
  } else {
    const observed = probability(a) * (1 + 1e-7);
    for (let x = low; x <= high; x += 1) {
      const px = probability(x);
      if (px <= observed) p += px;
    }
  }
  return Math.min(1, p);
}

/**
 * The exact binomial test of k successes in n trials at p = 1/2, two-sided (the distribution is
 * symmetric, so twice the smaller tail). On the items where two channels disagree, this is
 * McNemar's exact test: under "equally good" each disagreement is a fair coin.
 */
export function binomialTestHalf(k: number, n: number, alternative: Alternative = 'two-sided'): number {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || n < k)
    throw new RangeError(`binomialTestHalf: need whole 0 <= k <= n, got k=${k}, n=${n}`);
  if (n === 0) return 1;
  const lower = (upTo: number): number => {
    let sum = 0;
    for (let x = 0; x <= upTo; x += 1) sum += Math.exp(logChoose(n, x) - n * Math.LN2);
    return sum;
  };
  if (alternative === 'less') return Math.min(1, lower(k));
  if (alternative === 'greater') return Math.min(1, lower(n - k));
  return Math.min(1, 2 * lower(Math.min(k, n - k)));
}

/**
 * RMS calibration error as Humanity's Last Exam reports it: answers sorted by stated confidence,
 * cut into consecutive bins of `binSize` (HLE uses 100; the last bin takes the remainder, and a set
 * smaller than one bin is one bin), then sqrt(Σ (n_b / N) · (mean confidence_b − accuracy_b)²).
 * HLE's reference script skips its last bin; this one counts every answer. Confidences are 0..1.
 */
export function rmsCalibrationError(confidence: readonly number[], correct: readonly boolean[], binSize = 100): number | undefined {
  const n = confidence.length;
  if (n === 0 || n !== correct.length) return undefined;
  const order = Array.from({ length: n }, (_, index) => index).sort((x, y) => confidence[x]! - confidence[y]!);
  const bins = Math.max(1, Math.floor(n / binSize));
  let sum = 0;
  for (let bin = 0; bin < bins; bin += 1) {
    const start = bin * binSize;
    const end = bin === bins - 1 ? n : start + binSize;
    let confidenceSum = 0;
    let correctSum = 0;
    for (let k = start; k < end; k += 1) {
      confidenceSum += confidence[order[k]!]!;
      if (correct[order[k]!]) correctSum += 1;
    }
    const size = end - start;
    const gap = confidenceSum / size - correctSum / size;
    sum += (size / n) * gap * gap;
  }
  return Math.sqrt(sum);
}

/** Reliability-diagram points: equal-width confidence bins with their mean confidence and accuracy. */
export function reliabilityBins(
  confidence: readonly number[],
  correct: readonly boolean[],
  bins = 10,
): Array<{ confidence: number; accuracy: number; count: number }> {
  const sums = Array.from({ length: bins }, () => ({ confidence: 0, correct: 0, count: 0 }));
  for (let k = 0; k < confidence.length; k += 1) {
    const slot = sums[Math.min(bins - 1, Math.max(0, Math.floor(confidence[k]! * bins)))]!;
    slot.confidence += confidence[k]!;
    if (correct[k]) slot.correct += 1;
    slot.count += 1;
  }
  return sums
    .filter((slot) => slot.count > 0)
    .map((slot) => ({ confidence: slot.confidence / slot.count, accuracy: slot.correct / slot.count, count: slot.count }));
}

/** Nearest-rank percentile (as the ledger computes it): the value at rank ceil(p/100 · n) of the sorted values. */
export function percentile(sorted: ArrayLike<number>, p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100));
  return sorted[Math.min(rank, sorted.length) - 1];
}
