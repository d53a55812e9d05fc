import { modelOfChannel } from '../insurance/stores/match-query.js';
import { binomialTestHalf, fisherExact } from './stats.js';
import type { ItemResult } from './types.js';

export interface CompareOptions {
  /** Significance level (default 0.05), after the Holm correction across the pairs compared. */
  alpha?: number;
  /**
   * `mcnemar` (default): McNemar's exact test on the items where the two channels disagree, the
   * test for two channels answering the same items. `fisher`: Fisher's exact test on the two
   * channels' right/wrong counts over the items both answered (ignores the pairing; less power).
   */
  test?: 'mcnemar' | 'fisher';
  /** `same-model` (default when two channels serve one model): only channels of one model; `all`: every pair. */
  pairs?: 'same-model' | 'all';
  /** Holm–Bonferroni across the pairs (default) or none. */
  adjust?: 'holm' | 'none';
  /** Disagreeing items listed per pair (default 1,000; all are counted). */
  maxDisagreements?: number;
}

export interface Disagreement {
  item: string;
  sample: number;
  /** The channel that got it right. */
  correct: string;
}

/** Two channels on the items both answered (errors on either side leave the item out). */
export interface ChannelComparison {
  a: string;
  b: string;
  paired: number;
  bothCorrect: number;
  bothWrong: number;
  /** Right on `a`, wrong on `b`. */
  onlyA: number;
  onlyB: number;
  accuracyA: number;
  accuracyB: number;
  test: 'mcnemar' | 'fisher';
  pValue: number;
  /** Holm-adjusted across the pairs compared (equal to pValue with `adjust: 'none'`). */
  adjustedP: number;
  /** The channel that does worse, when the difference is beyond chance at `alpha`. */
  worse?: string;
  disagreements: Disagreement[];
  disagreementCount: number;
}

interface Pair {
  a: string;
  b: string;
  bothCorrect: number;
  bothWrong: number;
  onlyA: number;
  onlyB: number;
  disagreements: Disagreement[];
}

/**
 * Pairwise tallies, fed one item at a time (every channel's answers to it), so that comparing
 * channels over a dataset of any size keeps only the counts and the disagreeing items.
 */
export class PairTally {
  private readonly pairs: Pair[] = [];
  private readonly limit: number;

  constructor(
    channels: readonly string[],
    private readonly options: CompareOptions = {},
  ) {
    this.limit = options.maxDisagreements ?? 1_000;
    const sameModel = channels.some((channel, index) =>
      channels.some((other, j) => j > index && modelOfChannel(other) === modelOfChannel(channel)),
    );
    const mode = options.pairs ?? (sameModel ? 'same-model' : 'all');
    for (let i = 0; i < channels.length; i += 1) {
      for (let j = i + 1; j < channels.length; j += 1) {
        if (mode === 'same-model' && modelOfChannel(channels[i]) !== modelOfChannel(channels[j])) continue;
        this.pairs.push({ a: channels[i]!, b: channels[j]!, bothCorrect: 0, bothWrong: 0, onlyA: 0, onlyB: 0, disagreements: [] });
      }
    }
  }

  /** One item × sample: whether each channel got it right (absent: it errored or was not asked). */
  add(item: string, sample: number, correct: ReadonlyMap<string, boolean>): void {
    for (const pair of this.pairs) {
      const a = correct.get(pair.a);
      const b = correct.get(pair.b);
      if (a === undefined || b === undefined) continue;
      if (a && b) pair.bothCorrect += 1;
      else if (!a && !b) pair.bothWrong += 1;
      else {
        if (a) pair.onlyA += 1;
        else pair.onlyB += 1;
        if (pair.disagreements.length < this.limit) pair.disagreements.push({ item, sample, correct: a ? pair.a : pair.b });
      }
    }
  }

  results(): ChannelComparison[] {
    const test = this.options.test ?? 'mcnemar';
    const alpha = this.options.alpha ?? 0.05;
    const compared = this.pairs.map((pair): ChannelComparison => {
      const paired = pair.bothCorrect + pair.bothWrong + pair.onlyA + pair.onlyB;
      const rightA = pair.bothCorrect + pair.onlyA;
      const rightB = pair.bothCorrect + pair.onlyB;
      const pValue =
        test === 'mcnemar'
          ? binomialTestHalf(pair.onlyA, pair.onlyA + pair.onlyB)
          : fisherExact(rightA, paired - rightA, rightB, paired - rightB);
      return {
        a: pair.a,
        b: pair.b,
        paired,
        bothCorrect: pair.bothCorrect,
        bothWrong: pair.bothWrong,
        onlyA: pair.onlyA,
        onlyB: pair.onlyB,
        accuracyA: paired === 0 ? 0 : rightA / paired,
        accuracyB: paired === 0 ? 0 : rightB / paired,
        test,
        pValue,
        adjustedP: pValue,
        disagreements: pair.disagreements,
        disagreementCount: pair.onlyA + pair.onlyB,
      };
    });
    if ((this.options.adjust ?? 'holm') === 'holm') holm(compared);
    for (const comparison of compared) {
      if (comparison.adjustedP < alpha && comparison.onlyA !== comparison.onlyB)
        comparison.worse = comparison.onlyA > comparison.onlyB ? comparison.b : comparison.a;
    }
    return compared;
  }
}

/** Holm–Bonferroni step-down adjusted p-values (monotone, capped at 1). */
function holm(comparisons: ChannelComparison[]): void {
  const order = comparisons.map((_, index) => index).sort((x, y) => comparisons[x]!.pValue - comparisons[y]!.pValue);
  let running = 0;
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (comparisons.length - rank) * comparisons[index]!.pValue));
    comparisons[index]!.adjustedP = running;
  });
}

/**
 * Compares channels from saved results (a results file, the ledger's evaluation records). Holds
 * every result while it groups them by item (a few hundred bytes each); `evaluate()` itself pairs
 * items as they complete and keeps only the counts.
 */
export async function compareResults(
  results: Iterable<ItemResult> | AsyncIterable<ItemResult>,
  options: CompareOptions & { channels?: string[] } = {},
): Promise<ChannelComparison[]> {
  const rows: ItemResult[] = [];
  const channels = new Set<string>(options.channels ?? []);
  for await (const result of results) {
    channels.add(result.channel);
    rows.push(result);
  }
  const list = [...channels].sort();
  const tally = new PairTally(list, options);
  const groups = new Map<string, Map<string, boolean>>();
  for (const result of rows) {
    const key = `${result.item}\u0000${result.sample}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = new Map()));
    if (result.outcome !== 'error') group.set(result.channel, result.outcome === 'correct');
  }
  for (const [key, group] of groups) {
    const [item, sample] = key.split('\u0000') as [string, string];
    tally.add(item, Number(sample), group);
  }
  return tally.results();
}
