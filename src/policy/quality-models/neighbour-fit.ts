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

export interface Tuning {
  k: number;
  shrinkage: number;
  validation?: {
    /** Mean squared error of the held-out scores with the chosen setting. */
    error: number;
    /** The same with the group averages alone. */
    groupAverageError: number;
    folds: number;
  };
}

/**
 * Chooses `k` and the shrinkage by k-fold cross-validation over the examples (whichever of them is
 * `'auto'`): for each held-out example, every model's score is predicted from the other folds
 * (its group's average, moved by its nearest neighbours' residuals) and the setting with the lowest
 * mean squared error wins; on a tie, the one that trusts the neighbours less.
 */
export function tune(examples: readonly Example[], texts: readonly string[], labels: readonly string[], options: { k: number | 'auto'; shrinkage: number | 'auto'; folds: number }): Tuning {
  if (options.k !== 'auto' && options.shrinkage !== 'auto') return { k: options.k, shrinkage: options.shrinkage };
  const ks = options.k === 'auto' ? K_GRID : [options.k];
  const shrinkages = options.shrinkage === 'auto' ? SHRINKAGE_GRID : [options.shrinkage];
  const maxK = Math.max(...ks);
  const errors = new Float64Array(ks.length * shrinkages.length);
  let groupError = 0;
  let n = 0;
  const folds = Math.min(options.folds, examples.length);
  for (let fold = 0; fold < folds; fold += 1) {
    const inside: number[] = [];
    const outside: number[] = [];
    examples.forEach((_, i) => (i % folds === fold ? outside : inside).push(i));
    if (inside.length === 0 || outside.length === 0) continue;
    const set = new GradedSet(inside.map((i) => examples[i]!), inside.map((i) => texts[i]!), inside.map((i) => labels[i]!));
    const m = set.models.length;
    const residual = new Float64Array(m);
    const weight = new Float64Array(m);
    for (const i of outside) {
      const group = set.groups.indexOf(labels[i]!);
      if (group < 0) continue;
      residual.fill(0);
      weight.fill(0);
      const found = set.neighbours(group, texts[i]!, maxK);
      let used = 0;
      for (let a = 0; a < ks.length; a += 1) {
        for (; used < Math.min(ks[a]!, found.length); used += 1) set.add(group, found[used]!.example, found[used]!.similarity, residual, weight);
        for (let j = 0; j < m; j += 1) {
          const truth = examples[i]!.scores[set.models[j]!];
          if (truth === undefined) continue;
          const average = set.average(group, j);
          for (let b = 0; b < shrinkages.length; b += 1) {
            const s = shrinkages[b]!;
            const predicted = s === Number.POSITIVE_INFINITY ? average : Math.min(1, Math.max(0, average + residual[j]! / (weight[j]! + s)));
            errors[a * shrinkages.length + b]! += (truth - predicted) ** 2;
          }
          if (a === 0) {
            groupError += (truth - average) ** 2;
            n += 1;
          }
        }
      }
    }
  }
  if (n === 0) return { k: ks[0]!, shrinkage: shrinkages[shrinkages.length - 1]! };
  let best = 0;
  for (let at = 1; at < errors.length; at += 1) {
    // Strictly better only: the grid runs from trusting neighbours most to least, so scan for the
    // least trusting of equal settings.
    if (errors[at]! < errors[best]! - 1e-9 || (Math.abs(errors[at]! - errors[best]!) <= 1e-9 && at % shrinkages.length > best % shrinkages.length)) best = at;
  }
  return {
    k: ks[Math.floor(best / shrinkages.length)]!,
    shrinkage: shrinkages[best % shrinkages.length]!,
    validation: { error: errors[best]! / n, groupAverageError: groupError / n, folds },
  };
}
