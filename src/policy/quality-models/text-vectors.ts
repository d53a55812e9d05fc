/**
 * Sparse TF-IDF vectors of hashed words and word pairs, with an inverted index for nearest
 * neighbours by cosine similarity. Small and dependency-free on purpose: it runs on every `auto`
 * call, in any runtime.
 */

const BUCKETS = 1 << 18;

function hash(text: string): number {
  // FNV-1a, 32 bits.
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % BUCKETS;
}

/** Term counts of a text: lower-cased words and adjacent word pairs, hashed into buckets. */
export function termCounts(text: string): Map<number, number> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
  const counts = new Map<number, number>();
  for (let i = 0; i < words.length; i += 1) {
    const unigram = hash(words[i]!);
    counts.set(unigram, (counts.get(unigram) ?? 0) + 1);
    if (i > 0) {
      const bigram = hash(`${words[i - 1]} ${words[i]}`);
      counts.set(bigram, (counts.get(bigram) ?? 0) + 1);
    }
  }
  return counts;
}

export interface SparseVector {
  terms: Int32Array;
  weights: Float64Array;
}

export class TextIndex {
  private readonly idf = new Map<number, number>();
  private readonly postings = new Map<number, Array<{ doc: number; weight: number }>>();
  readonly size: number;

  constructor(texts: readonly string[]) {
    this.size = texts.length;
    const counts = texts.map(termCounts);
    const documentFrequency = new Map<number, number>();
    for (const doc of counts) for (const term of doc.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
    for (const [term, df] of documentFrequency) this.idf.set(term, Math.log((1 + texts.length) / (1 + df)) + 1);
    counts.forEach((doc, index) => {
      const vector = this.weigh(doc);
      for (let k = 0; k < vector.terms.length; k += 1) {
        const term = vector.terms[k]!;
        let list = this.postings.get(term);
        if (!list) this.postings.set(term, (list = []));
        list.push({ doc: index, weight: vector.weights[k]! });
      }
    });
  }

  /** A text's L2-normalised TF-IDF vector in this index's terms (unseen terms are dropped). */
  vector(text: string): SparseVector {
    return this.weigh(termCounts(text));
  }

  /** L2-normalised TF-IDF weights (sublinear term frequency); unseen terms are dropped. */
  private weigh(counts: Map<number, number>): SparseVector {
    const terms: number[] = [];
    const weights: number[] = [];
    let norm = 0;
    for (const [term, count] of counts) {
      const idf = this.idf.get(term);
      if (idf === undefined) continue;
      const weight = (1 + Math.log(count)) * idf;
      terms.push(term);
      weights.push(weight);
      norm += weight * weight;
    }
    norm = Math.sqrt(norm) || 1;
    return { terms: Int32Array.from(terms), weights: Float64Array.from(weights, (weight) => weight / norm) };
  }

  /** The `k` most similar documents to `text`, most similar first. */
  nearest(text: string, k: number): Array<{ doc: number; similarity: number }> {
    const query = this.weigh(termCounts(text));
    // Dense accumulation: common terms touch most documents, where a Map per query costs more.
    const scores = new Float64Array(this.size);
    const touched: number[] = [];
    for (let i = 0; i < query.terms.length; i += 1) {
      const list = this.postings.get(query.terms[i]!);
      if (!list) continue;
      const weight = query.weights[i]!;
      for (const posting of list) {
        if (scores[posting.doc] === 0) touched.push(posting.doc);
        scores[posting.doc]! += weight * posting.weight;
      }
    }
    return touched
      .sort((a, b) => scores[b]! - scores[a]! || a - b)
      .slice(0, k)
      .map((doc) => ({ doc, similarity: scores[doc]! }));
  }
}
