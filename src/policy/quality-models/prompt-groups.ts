/**
 * What a graded-prompt quality model learns about the shape of prompts: which lines are
 * boilerplate (instructions and few-shot examples shared by many prompts, which would make every
 * prompt of a task look alike to a neighbour search) and which group (task, product feature,
 * evaluation set) a new prompt belongs to, recognised from its text alone.
 */
import { TextIndex, type SparseVector } from './text-vectors.js';

/** Lines that occur in at least `share` of the texts (and in at least `minimum` of them). */
export class Boilerplate {
  private readonly lines: ReadonlySet<string>;

  constructor(texts: readonly string[], share: number, minimum = 5) {
    const frequency = new Map<string, number>();
    for (const text of texts) {
      for (const line of new Set(linesOf(text))) frequency.set(line, (frequency.get(line) ?? 0) + 1);
    }
    const limit = Math.max(minimum, share * texts.length);
    const lines = new Set<string>();
    for (const [line, count] of frequency) if (count >= limit) lines.add(line);
    this.lines = lines;
  }

  get size(): number {
    return this.lines.size;
  }

  /** The text without its boilerplate lines (the text itself when every line is boilerplate). */
  strip(text: string): string {
    if (this.lines.size === 0) return text;
    const kept = text.split('\n').filter((line) => !this.lines.has(line.trim()));
    return kept.length > 0 ? kept.join('\n') : text;
  }
}

function linesOf(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/**
 * Nearest-centroid classification over TF-IDF vectors of the whole text (boilerplate included: it
 * is what tells the groups apart): each group's centroid is the mean of its members' vectors, and a
 * text belongs to the group whose centroid is most similar.
 */
export class GroupClassifier {
  readonly groups: readonly string[];
  private readonly index: TextIndex;
  private readonly centroids: Array<Map<number, number>>;

  constructor(texts: readonly string[], labels: readonly string[]) {
    this.groups = [...new Set(labels)];
    this.index = new TextIndex(texts);
    const sums = this.groups.map(() => new Map<number, number>());
    texts.forEach((text, i) => {
      const sum = sums[this.groups.indexOf(labels[i]!)]!;
      const vector = this.index.vector(text);
      for (let k = 0; k < vector.terms.length; k += 1) sum.set(vector.terms[k]!, (sum.get(vector.terms[k]!) ?? 0) + vector.weights[k]!);
    });
    // Normalised, so that a large group does not win by size.
    this.centroids = sums.map((sum) => {
      let norm = 0;
      for (const weight of sum.values()) norm += weight * weight;
      norm = Math.sqrt(norm) || 1;
      for (const [term, weight] of sum) sum.set(term, weight / norm);
      return sum;
    });
  }

  /** The most similar group (the first group when the text shares no term with any). */
  classify(text: string): string {
    return this.groups[this.nearest(this.index.vector(text))]!;
  }

  private nearest(vector: SparseVector): number {
    let best = 0;
    let bestScore = Number.NEGATIVE_INFINITY;
    this.centroids.forEach((centroid, g) => {
      let score = 0;
      for (let k = 0; k < vector.terms.length; k += 1) score += vector.weights[k]! * (centroid.get(vector.terms[k]!) ?? 0);
      if (score > bestScore) {
        bestScore = score;
        best = g;
      }
    });
    return best;
  }
}
