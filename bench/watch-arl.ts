/**
 * The degradation watch's false-alarm rate and detection delay, by Monte Carlo with the watch's
 * own CUSUM (src/eval/cusum.ts) at its defaults: threshold ln(10,000), a 15-point accuracy drop to
 * detect. A known baseline is assumed (the watch estimates it from its first runs; a baseline
 * learned from few answers raises the false-alarm rate). Deterministic (seeded).
 */
import { bernoulliLlr, Cusum, thresholdFor } from '../src/eval/cusum.js';

export interface ArlRow {
  accuracy: number;
  /** Answers until a false alarm on a healthy channel: the mean over the trials, or at least `cap` when none alarmed. */
  falseAlarmAfter: number;
  noneAlarmed: boolean;
  /** Answers until the alarm once the channel answers everything wrong, and after a 15-point drop. */
  allWrong: number;
  drop15: number;
}

export function benchWatchArl({ trials = 40, cap = 1_000_000 } = {}): ArlRow[] {
  let seed = 20_251_203;
  const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const runLength = (p0: number, failureRate: number, limit: number): number => {
    const cusum = new Cusum(thresholdFor(10_000));
    const p1 = p0 + 0.15;
    for (let n = 1; n <= limit; n += 1) if (cusum.add(bernoulliLlr(random() < failureRate, p0, p1))) return n;
    return limit;
  };
  const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
  return [0.9, 0.8, 0.6].map((accuracy) => {
    const p0 = 1 - accuracy;
    const healthy = Array.from({ length: trials }, () => runLength(p0, p0, cap));
    return {
      accuracy,
      falseAlarmAfter: mean(healthy),
      noneAlarmed: healthy.every((value) => value === cap),
      allWrong: mean(Array.from({ length: 2_000 }, () => runLength(p0, 1, cap))),
      drop15: mean(Array.from({ length: 2_000 }, () => runLength(p0, p0 + 0.15, cap))),
    };
  });
}
