/**
 * Cost/quality Pareto frontier and the pick along it. Kept allocation-light: the router calls it on
 * every `auto` request with hundreds of candidates.
 */

/**
 * Marks the candidates no other candidate beats on both cost (lower) and quality (higher).
 * Returns their indices sorted by cost ascending (so quality rises along the list).
 */
export function paretoFrontier(costs: ArrayLike<number>, qualities: ArrayLike<number>): number[] {
  const n = costs.length;
  // Sort indices by cost, then by quality descending, using packed numeric keys so the engine's
  // native typed-array sort does the work without a comparator.
  const order = sortIndicesByCost(costs, qualities);
  const frontier: number[] = [];
  let bestQuality = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < n; k += 1) {
    const index = order[k]!;
    const quality = qualities[index]!;
    if (quality > bestQuality) {
      frontier.push(index);
      bestQuality = quality;
    }
  }
  return frontier;
}

const INDEX_BITS = 2 ** 12;

function sortIndicesByCost(costs: ArrayLike<number>, qualities: ArrayLike<number>): Uint32Array {
  const n = costs.length;
  const order = new Uint32Array(n);
  if (n < INDEX_BITS) {
    // Rank quality within ties: ties in cost are rare but the higher quality must come first.
    const keys = new Float64Array(n);
    let maxCost = 0;
    for (let i = 0; i < n; i += 1) if (costs[i]! > maxCost) maxCost = costs[i]!;
    const scale = maxCost > 0 ? 2 ** 40 / maxCost : 0;
    for (let i = 0; i < n; i += 1) {
      // 40 bits of cost, 12 bits of index; quality breaks exact ties below.
      keys[i] = Math.floor(costs[i]! * scale) * INDEX_BITS + i;
    }
    keys.sort();
    for (let i = 0; i < n; i += 1) order[i] = keys[i]! % INDEX_BITS;
    // Within equal quantised cost, put higher quality first (stable insertion over tiny runs).
    for (let i = 1; i < n; i += 1) {
      let j = i;
      while (
        j > 0 &&
        Math.floor(keys[j - 1]! / INDEX_BITS) === Math.floor(keys[j]! / INDEX_BITS) &&
        qualities[order[j - 1]!]! < qualities[order[j]!]!
      ) {
        const swap = order[j]!;
        order[j] = order[j - 1]!;
        order[j - 1] = swap;
        const key = keys[j]!;
        keys[j] = keys[j - 1]!;
        keys[j - 1] = key;
        j -= 1;
      }
    }
    return order;
  }
  const indices = Array.from({ length: n }, (_, i) => i);
  indices.sort((a, b) => costs[a]! - costs[b]! || qualities[b]! - qualities[a]!);
  order.set(indices);
  return order;
}

/** The preference as a weight on quality: 0 = cheapest, 1 = best. */
export function qualityWeight(preference: 'price' | 'balanced' | 'quality' | number): number {
  if (preference === 'price') return 0;
  if (preference === 'quality') return 1;
  if (preference === 'balanced') return 0.5;
  return Math.min(1, Math.max(0, preference));
}

/**
 * Scores frontier points by `w·quality − (1−w)·cost`, both normalised over the frontier (cost on a
 * log scale, since prices span orders of magnitude), and returns the best frontier index.
 */
export function pickOnFrontier(
  frontier: readonly number[],
  costs: ArrayLike<number>,
  qualities: ArrayLike<number>,
  weight: number,
): number {
  if (frontier.length === 1) return frontier[0]!;
  const first = frontier[0]!;
  const last = frontier[frontier.length - 1]!;
  const minLogCost = Math.log(Math.max(costs[first]!, 1e-12));
  const logSpan = Math.log(Math.max(costs[last]!, 1e-12)) - minLogCost || 1;
  const minQuality = qualities[first]!;
  const qualitySpan = qualities[last]! - minQuality || 1;
  let best = first;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const index of frontier) {
    const cost = (Math.log(Math.max(costs[index]!, 1e-12)) - minLogCost) / logSpan;
    const quality = (qualities[index]! - minQuality) / qualitySpan;
    const score = weight * quality - (1 - weight) * cost;
    if (score > bestScore + 1e-12) {
      best = index;
      bestScore = score;
    }
  }
  return best;
}
