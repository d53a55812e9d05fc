import { describe, expect, it } from 'vitest';
import { bernoulliLlr, Cusum, normalLlr, thresholdFor } from '../../src/eval/cusum.js';

describe('CUSUM', () => {
  it('accumulates log-likelihood ratios, floors at 0 and alarms past ln(ARL)', () => {
    const cusum = new Cusum(thresholdFor(100));
    expect(cusum.threshold).toBeCloseTo(Math.log(100), 12);
    expect(cusum.add(-1)).toBe(false);
    expect(cusum.statistic).toBe(0);
    let alarmed = false;
    for (let k = 0; k < 5 && !alarmed; k += 1) alarmed = cusum.add(1);
    expect(alarmed).toBe(true);
    expect(cusum.statistic).toBe(5);
    expect(cusum.sinceReset).toBe(5);
    cusum.reset();
    expect(cusum.statistic).toBe(0);
  });

  it('weighs a failure up and a success down when the failure rate is to rise', () => {
    expect(bernoulliLlr(true, 0.1, 0.25)).toBeCloseTo(Math.log(2.5), 12);
    expect(bernoulliLlr(false, 0.1, 0.25)).toBeCloseTo(Math.log(0.75 / 0.9), 12);
    // Normal: at the baseline mean the ratio is -shift²/2σ², at mean + shift it is +shift²/2σ².
    expect(normalLlr(0, 0, 1, 1)).toBeCloseTo(-0.5, 12);
    expect(normalLlr(1, 0, 1, 1)).toBeCloseTo(0.5, 12);
  });
});
