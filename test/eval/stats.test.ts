import { describe, expect, it } from 'vitest';
import { binomialTestHalf, fisherExact, percentile, reliabilityBins, rmsCalibrationError, wilsonInterval } from '../../src/eval/stats.js';

describe('wilsonInterval', () => {
  // Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I, method 3.
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i of %i → [%f, %f]', (successes, trials, low, high) => {
    const [lo, hi] = wilsonInterval(successes, trials);
    expect(lo).toBeCloseTo(low, 4);
    expect(hi).toBeCloseTo(high, 4);
  });

  it('is [0, 1] with no trials and symmetric around one half', () => {
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
    const [lo, hi] = wilsonInterval(5, 10);
    expect(lo + hi).toBeCloseTo(1, 12);
  });
});

describe('fisherExact (values from scipy.stats.fisher_exact 1.17)', () => {
  it.each([
    [[3, 1, 1, 3], 0.48571428571428565, 0.24285714285714283, 0.9857142857142858],
    [[10, 2, 3, 15], 0.0005367241191434357, 0.000465180943362905, 0.9999845190186861],
    [[45, 55, 30, 70], 0.040534006514982644, 0.020267003257491322, 0.9904222795757046],
    [[0, 5, 5, 0], 0.007936507936507938, 1.0, 0.003968253968253969],
    [[120, 80, 95, 105], 0.01598574593181204, 0.00799287296590602, 0.9954805034317743],
  ])('%j', (table, twoSided, greater, less) => {
    const [a, b, c, d] = table as [number, number, number, number];
    expect(fisherExact(a, b, c, d)).toBeCloseTo(twoSided, 10);
    expect(fisherExact(a, b, c, d, 'greater')).toBeCloseTo(greater, 10);
    expect(fisherExact(a, b, c, d, 'less')).toBeCloseTo(less, 10);
  });

  it('refuses counts that are not whole numbers', () => {
    expect(() => fisherExact(1.5, 1, 1, 1)).toThrow(/whole numbers/);
    expect(() => fisherExact(-1, 1, 1, 1)).toThrow(RangeError);
  });
});

describe('binomialTestHalf (McNemar exact; values from scipy.stats.binomtest)', () => {
  it.each([
    [2, 10, 0.109375],
    [0, 7, 0.015625],
    [5, 10, 1],
    [30, 80, 0.03299261842647619],
    [1, 1, 1],
    [0, 0, 1],
  ])('%i of %i → %f', (k, n, expected) => {
    expect(binomialTestHalf(k, n)).toBeCloseTo(expected, 12);
  });

  it('one-sided tails', () => {
    expect(binomialTestHalf(0, 7, 'less')).toBeCloseTo(1 / 128, 14);
    expect(binomialTestHalf(7, 7, 'greater')).toBeCloseTo(1 / 128, 14);
  });
});

describe('rmsCalibrationError', () => {
  it('is 0 when stated confidence matches accuracy, and the gap when it does not', () => {
    // One bin (fewer than 100 answers): mean confidence 0.5, accuracy 0.5.
    expect(rmsCalibrationError([0.5, 0.5, 0.5, 0.5], [true, false, true, false])).toBeCloseTo(0, 12);
    // Always 100 % sure, right half the time: gap 0.5.
    expect(rmsCalibrationError([1, 1, 1, 1], [true, false, true, false])).toBeCloseTo(0.5, 12);
  });

  it('weights bins by size after sorting by confidence (worked by hand)', () => {
    // Bin size 2 over 5 answers → bins {0.1, 0.2} and {0.8, 0.9, 1.0} (the last takes the rest).
    const confidence = [0.9, 0.1, 1.0, 0.2, 0.8];
    const correct = [true, false, true, true, false];
    // bin 1: conf 0.15, acc 0.5 (0.2 right) → gap 0.35, weight 2/5
    // bin 2: conf 0.9, acc 2/3 → gap 0.2333…, weight 3/5
    const expected = Math.sqrt((2 / 5) * 0.35 ** 2 + (3 / 5) * (0.9 - 2 / 3) ** 2);
    expect(rmsCalibrationError(confidence, correct, 2)).toBeCloseTo(expected, 12);
    expect(rmsCalibrationError([], [])).toBeUndefined();
  });

  it('reliability bins group by equal-width confidence', () => {
    expect(reliabilityBins([0.05, 0.95, 0.96], [false, true, false], 10)).toEqual([
      { confidence: 0.05, accuracy: 0, count: 1 },
      { confidence: 0.955, accuracy: 0.5, count: 2 },
    ]);
  });
});

describe('percentile', () => {
  it('is nearest-rank', () => {
    const values = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile([], 50)).toBeUndefined();
  });
});
