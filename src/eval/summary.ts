import { percentile, reliabilityBins, rmsCalibrationError, wilsonInterval } from './stats.js';
import type { Accuracy, CategorySummary, ChannelSummary, ItemResult } from './types.js';

/** A growable array of numbers: a few bytes per answer, never the answers themselves. */
class Numbers {
  private values = new Float64Array(64);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  sorted(): Float64Array {
    return this.values.slice(0, this.length).sort();
  }

  toArray(): number[] {
    return Array.from(this.values.subarray(0, this.length));
  }
}

interface Counts {
  graded: number;
  correct: number;
  refusals: number;
  errors: number;
}

/**
 * Folds one channel's results into its summary as they arrive. Keeps counts, plus per answer its
 * latency, time to first token, throughput and stated confidence (for percentiles and
 * calibration): 33 bytes per answer, so 100,000 answers take about 3 MB.
 */
export class ChannelTally {
  private attempted = 0;
  private readonly counts: Counts = { graded: 0, correct: 0, refusals: 0, errors: 0 };
  private readonly byCategory = new Map<string, Counts>();
  private costNanos = 0;
  private judgeNanos = 0;
  private readonly durations = new Numbers();
  private readonly ttfts = new Numbers();
  private readonly throughputs = new Numbers();
  private readonly confidences = new Numbers();
  private readonly confidentCorrect = new Numbers();

  constructor(readonly channel: string) {}

  add(result: ItemResult): void {
    this.attempted += 1;
    let category = this.byCategory.get(result.category);
    if (!category) this.byCategory.set(result.category, (category = { graded: 0, correct: 0, refusals: 0, errors: 0 }));
    this.costNanos += Math.round(result.costUsd * 1e9);
    this.judgeNanos += Math.round(result.judgeCostUsd * 1e9);
    for (const counts of [this.counts, category]) {
      if (result.outcome === 'error') counts.errors += 1;
      else {
        counts.graded += 1;
        if (result.outcome === 'correct') counts.correct += 1;
        if (result.outcome === 'refused') counts.refusals += 1;
      }
    }
    if (result.outcome === 'error') return;
    this.durations.push(result.durationMs);
    if (result.ttftMs !== undefined) this.ttfts.push(result.ttftMs);
    if (result.tokensPerSecond !== undefined) this.throughputs.push(result.tokensPerSecond);
    if (result.confidence !== undefined) {
      this.confidences.push(result.confidence);
      this.confidentCorrect.push(result.outcome === 'correct' ? 1 : 0);
    }
  }

  summary(calibrationBinSize = 100): ChannelSummary {
    const confidence = this.confidences.toArray();
    const correct = this.confidentCorrect.toArray().map((value) => value === 1);
    const durations = this.durations.sorted();
    const ttfts = this.ttfts.sorted();
    const byCategory: CategorySummary[] = [...this.byCategory]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([category, counts]) => ({ category, ...accuracyOf(counts), refusals: counts.refusals, errors: counts.errors }));
    return {
      channel: this.channel,
      attempted: this.attempted,
      ...accuracyOf(this.counts),
      refusals: this.counts.refusals,
      errors: this.counts.errors,
      calibrationErrorRms: rmsCalibrationError(confidence, correct, calibrationBinSize),
      withConfidence: confidence.length,
      costUsd: this.costNanos / 1e9,
      judgeCostUsd: this.judgeNanos / 1e9,
      latency: {
        p50Ms: percentile(durations, 50),
        p95Ms: percentile(durations, 95),
        ttftP50Ms: percentile(ttfts, 50),
        ttftP95Ms: percentile(ttfts, 95),
        tokensPerSecondP50: percentile(this.throughputs.sorted(), 50),
      },
      byCategory,
      reliability: reliabilityBins(confidence, correct),
    };
  }
}

export function accuracyOf(counts: { graded: number; correct: number }): Accuracy {
  return {
    graded: counts.graded,
    correct: counts.correct,
    accuracy: counts.graded === 0 ? 0 : counts.correct / counts.graded,
    ci95: wilsonInterval(counts.correct, counts.graded),
  };
}
