/**
 * The graded prompts of a NearestNeighbourQualityModel, indexed per group, and the
 * cross-validation that chooses how many neighbours to read and how far to trust them.
 */
import { TextIndex } from './text-vectors.js';

interface Example {
  scores: Record<string, number>;
}

const K_GRID = [10, 25, 50, 100, 200, 400];
/** Infinity: the group averages alone. */
const SHRINKAGE_GRID = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, Number.POSITIVE_INFINITY];

/** Scores per example and model, an index per group, and each group's totals per model. */
export class GradedSet {
  readonly groups: string[];
  readonly models: string[];
  private readonly modelSlots = new Map<string, number>();
  /** Example × model, NaN where the example has no score for the model. */
  private readonly scores: Float64Array;
  private readonly members: number[][];
  private readonly indexes: TextIndex[];
  private readonly sums: Float64Array;
  private readonly counts: Float64Array;
  /** Per group and model: the average, for the residuals. */
  private readonly averages: Float64Array;

  constructor(examples: readonly Example[], texts: readonly string[], labels: readonly string[]) {
    this.groups = [...new Set(labels)];
    this.models = [...new Set(examples.flatMap((example) => Object.keys(example.scores)))];
    this.models.forEach((model, slot) => this.modelSlots.set(model, slot));
    const m = this.models.length;
    this.scores = new Float64Array(examples.length * m).fill(Number.NaN);
    examples.forEach((example, i) => {
      for (const [model, score] of Object.entries(example.scores)) this.scores[i * m + this.modelSlots.get(model)!] = score;
    });
    this.members = this.groups.map(() => []);
    labels.forEach((label, i) => this.members[this.groups.indexOf(label)]!.push(i));
    this.indexes = this.members.map((docs) => new TextIndex(docs.map((i) => texts[i]!)));
    this.sums = new Float64Array(this.groups.length * m);
    this.counts = new Float64Array(this.groups.length * m);
    this.members.forEach((docs, g) => {
      for (const i of docs) {
        for (let j = 0; j < m; j += 1) {
          const score = this.scores[i * m + j]!;
          if (Number.isNaN(score)) continue;
          this.sums[g * m + j]! += score;
          this.counts[g * m + j]! += 1;
        }
      }
    });
    this.averages = this.sums.map((sum, at) => (this.counts[at]! > 0 ? sum / this.counts[at]! : 0));
  }

  /** The slot of a model by id, else by bare name; -1 when no example scores it. */
  modelIndex(id: string, name: string): number {
    return this.modelSlots.get(id) ?? this.modelSlots.get(name) ?? -1;
  }

  groupTotals(group: number, model: number): { sum: number; count: number } {
    const at = group * this.models.length + model;
    return { sum: this.sums[at]!, count: this.counts[at]! };
  }

  /** The `k` nearest examples of a group to a text: example numbers and similarities, nearest first. */
  neighbours(group: number, text: string, k: number): Array<{ example: number; similarity: number }> {
    const docs = this.members[group]!;
    return this.indexes[group]!.nearest(text, k)
      .filter((found) => found.similarity > 0)
      .map((found) => ({ example: docs[found.doc]!, similarity: found.similarity }));
  }

  /** Per model, the similarity-weighted sum of the `k` nearest neighbours' differences from the group average, and their weight. */
  residuals(group: number, text: string, k: number): { residual: Float64Array; weight: Float64Array } {
    const m = this.models.length;
    const residual = new Float64Array(m);
    const weight = new Float64Array(m);
    for (const { example, similarity } of this.neighbours(group, text, k)) this.add(group, example, similarity, residual, weight);
    return { residual, weight };
  }

  /** Adds one neighbour's evidence for every model it has a score for. */
  add(group: number, example: number, similarity: number, residual: Float64Array, weight: Float64Array): void {
    const m = this.models.length;
    for (let j = 0; j < m; j += 1) {
      const score = this.scores[example * m + j]!;
      if (Number.isNaN(score)) continue;
      residual[j]! += similarity * (score - this.averages[group * m + j]!);
      weight[j]! += similarity;
    }
  }

  /** The group's average for a model (0 when no example of the group scores it). */
  average(group: number, model: number): number {
    return this.averages[group * this.models.length + model]!;
  }

  score(example: number, model: number): number {
    return this.scores[example * this.models.length + model]!;
  }
}

/** How far a prompt's neighbours move its estimates: their common part (how hard the prompt is for every model) and each model's own part. */
export interface Shrinkage {
  common: number;
  specific: number;
}

/**
 * A model's estimate: the group's average, moved by the neighbours' residuals in two parts,
 * each shrunk toward nothing by its own pseudo-weight: what they say about every model (the
 * weighted mean residual over models) and what they say about this one beyond that.
 */
export function corrected(
  average: number,
  residual: number,
  weight: number,
  common: number,
  meanWeight: number,
  shrinkage: Shrinkage,
): number {
  if (weight <= 0) return average;
  const shared = shrinkage.common === Number.POSITIVE_INFINITY ? 0 : (common * meanWeight) / (meanWeight + shrinkage.common);
  const own = shrinkage.specific === Number.POSITIVE_INFINITY ? 0 : (residual / weight - common) * (weight / (weight + shrinkage.specific));
  const value = average + shared + own;
  return value < 0 ? 0 : value > 1 ? 1 : value;
}

/** The neighbours' mean residual per unit of weight over every model, and the mean weight. */
export function commonPart(residual: Float64Array, weight: Float64Array): { common: number; meanWeight: number } {
  let r = 0;
  let w = 0;
  let models = 0;
  for (let j = 0; j < residual.length; j += 1) {
    if (!(weight[j]! > 0)) continue;
    r += residual[j]!;
    w += weight[j]!;
    models += 1;
  }
  return w > 0 ? { common: r / w, meanWeight: w / models } : { common: 0, meanWeight: 0 };
}

/**
 * How cross-validation picks a group's setting: the lowest error, or the least trusting setting
 * within one standard error of it (see `oneStandardError`).
 */
export type NeighbourSelection = 'lowest-error' | 'one-standard-error';

/** The setting of one group of prompts. */
export interface GroupTuning {
  group: string;
  k: number;
  shrinkage: Shrinkage;
  /** Cross-validated mean squared error of the held-out scores with this setting and with the group's averages alone (absent when nothing was tuned). */
  validation?: { error: number; groupAverageError: number; scores: number };
}

/**
 * Chooses `k` and the two shrinkages of each group by k-fold cross-validation over the examples
 * (whichever is `'auto'`): for each held-out example, every model's score is predicted from the
 * other folds (its group's average, moved by its nearest neighbours' residuals) and the setting
 * with the lowest mean squared error over the group's examples wins; on a tie, the one that trusts
 * the neighbours less (with `selection: 'one-standard-error'`, the one that trusts them least of
 * those within one standard error of the lowest). Groups differ: in one, prompts that look alike are hard for the same models;
 * in another, they are not.
 */
export function tune(
  examples: readonly Example[],
  texts: readonly string[],
  labels: readonly string[],
  options: { k: number | 'auto'; shrinkage: Shrinkage | 'auto'; folds: number; selection?: NeighbourSelection },
): GroupTuning[] {
  const groups = [...new Set(labels)];
  if (options.k !== 'auto' && options.shrinkage !== 'auto') {
    const { k, shrinkage } = options;
    return groups.map((group) => ({ group, k, shrinkage }));
  }
  const ks = options.k === 'auto' ? K_GRID : [options.k];
  const pairs: Shrinkage[] =
    options.shrinkage === 'auto'
      ? SHRINKAGE_GRID.flatMap((common) => SHRINKAGE_GRID.map((specific) => ({ common, specific })))
      : [options.shrinkage];
  const maxK = Math.max(...ks);
  const settings = ks.length * pairs.length;
  const errors = groups.map(() => new Float64Array(settings));
  // Per held-out example, its squared errors summed over models, for every setting: the paired
  // differences between settings that the one-standard-error rule below reads.
  const keepPerExample = options.selection === 'one-standard-error';
  const perExample = groups.map(() => [] as Float64Array[]);
  const groupErrors = new Float64Array(groups.length);
  const counts = new Float64Array(groups.length);
  const folds = Math.min(options.folds, examples.length);
  for (let fold = 0; fold < folds; fold += 1) {
    const inside: number[] = [];
    const outside: number[] = [];
    examples.forEach((_, i) => (i % folds === fold ? outside : inside).push(i));
    if (inside.length === 0 || outside.length === 0) continue;
    const set = new GradedSet(
      inside.map((i) => examples[i]!),
      inside.map((i) => texts[i]!),
      inside.map((i) => labels[i]!),
    );
    const m = set.models.length;
    const residual = new Float64Array(m);
    const weight = new Float64Array(m);
    for (const i of outside) {
      const group = set.groups.indexOf(labels[i]!);
      if (group < 0) continue;
      const g = groups.indexOf(labels[i]!);
      const sums = errors[g]!;
      const own = keepPerExample ? new Float64Array(settings) : undefined;
      if (own) perExample[g]!.push(own);
      residual.fill(0);
      weight.fill(0);
      const found = set.neighbours(group, texts[i]!, maxK);
      let used = 0;
      for (let a = 0; a < ks.length; a += 1) {
        for (; used < Math.min(ks[a]!, found.length); used += 1)
          set.add(group, found[used]!.example, found[used]!.similarity, residual, weight);
        const { common, meanWeight } = commonPart(residual, weight);
        for (let j = 0; j < m; j += 1) {
          const truth = examples[i]!.scores[set.models[j]!];
          if (truth === undefined) continue;
          const average = set.average(group, j);
          for (let b = 0; b < pairs.length; b += 1) {
            const error = (truth - corrected(average, residual[j]!, weight[j]!, common, meanWeight, pairs[b]!)) ** 2;
            sums[a * pairs.length + b]! += error;
            if (own) own[a * pairs.length + b]! += error;
          }
          if (a === 0) {
            groupErrors[g]! += (truth - average) ** 2;
            counts[g]! += 1;
          }
        }
      }
    }
  }
  // The least trusting of equally good settings: the most shrinkage, then the fewest neighbours.
  const trust = (at: number) => {
    const pair = pairs[at % pairs.length]!;
    return -Math.min(pair.common, 1e9) - Math.min(pair.specific, 1e9);
  };
  return groups.map((group, g) => {
    const sums = errors[g]!;
    const n = counts[g]!;
    if (n === 0) return { group, k: ks[0]!, shrinkage: pairs[pairs.length - 1]! };
    let lowest = 0;
    for (let at = 1; at < sums.length; at += 1) {
      if (sums[at]! < sums[lowest]! - 1e-9 || (Math.abs(sums[at]! - sums[lowest]!) <= 1e-9 && trust(at) < trust(lowest))) lowest = at;
    }
    const best = options.selection === 'one-standard-error' ? oneStandardError(perExample[g]!, lowest, trust) : lowest;
    return {
      group,
      k: ks[Math.floor(best / pairs.length)]!,
      shrinkage: pairs[best % pairs.length]!,
      validation: { error: sums[best]! / n, groupAverageError: groupErrors[g]! / n, scores: n },
    };
  });
}

/**
 * The one-standard-error rule: of the settings whose cross-validated error is above the lowest
 * by less than one standard error of their paired difference (per held-out example), the one
 * that trusts the neighbours least. With hundreds of settings and a few hundred examples, the
 * lowest error is partly luck, and the luck favours the settings that follow the neighbours most;
 * a setting the data cannot tell from the lowest is no worse, and it moves estimates by less noise.
 */
function oneStandardError(perExample: readonly Float64Array[], lowest: number, trust: (at: number) => number): number {
  const n = perExample.length;
  if (n < 2) return lowest;
  let chosen = lowest;
  for (let at = 0; at < perExample[0]!.length; at += 1) {
    if (at === lowest || !(trust(at) < trust(chosen))) continue;
    let sum = 0;
    let squares = 0;
    for (const errors of perExample) {
      const d = errors[at]! - errors[lowest]!;
      sum += d;
      squares += d * d;
    }
    const mean = sum / n;
    const standardError = Math.sqrt(Math.max(0, squares / n - mean * mean) / (n - 1));
    if (mean <= standardError) chosen = at;
  }
  return chosen;
}
