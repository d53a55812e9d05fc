/** Accuracy/cost points, their frontier, and the comparison of two frontiers at every budget. */

export interface Point {
  name: string;
  /** Mean correctness over the scored prompts. */
  accuracy: number;
  /** USD per 1,000 prompts. */
  cost: number;
}

/** The points no other point beats on both accuracy (higher) and cost (lower), cheapest first. */
export function frontier(points: readonly Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a.cost - b.cost || b.accuracy - a.accuracy);
  const out: Point[] = [];
  for (const point of sorted) if (out.length === 0 || point.accuracy > out[out.length - 1]!.accuracy) out.push(point);
  return out;
}

/** The best accuracy reachable at a budget (no randomised mixing): a step function. */
export function accuracyAt(points: readonly Point[], budget: number): number {
  let best = Number.NEGATIVE_INFINITY;
  for (const point of points) if (point.cost <= budget + 1e-12 && point.accuracy > best) best = point.accuracy;
  return best;
}

/**
 * Where `ours` falls below `theirs`: at every budget where `theirs` has a point, and at every point
 * of `ours`, the best accuracy each reaches. Returns the worst gap (ours − theirs) and its budget.
 */
export function worstGap(
  ours: readonly Point[],
  theirs: readonly Point[],
): { gap: number; budget: number; below: Array<{ budget: number; ours: number; theirs: number }> } {
  const budgets = [...new Set([...ours, ...theirs].map((point) => point.cost))].sort((a, b) => a - b);
  let gap = Number.POSITIVE_INFINITY;
  let at = 0;
  const below: Array<{ budget: number; ours: number; theirs: number }> = [];
  for (const budget of budgets) {
    const mine = accuracyAt(ours, budget);
    const other = accuracyAt(theirs, budget);
    if (!Number.isFinite(other)) continue;
    const difference = (Number.isFinite(mine) ? mine : 0) - other;
    if (difference < gap) {
      gap = difference;
      at = budget;
    }
    if (difference < 0) below.push({ budget, ours: mine, theirs: other });
  }
  return { gap, budget: at, below };
}
