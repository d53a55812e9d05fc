import { assertFresh, candidateAt, type CandidateTable } from '../candidate-table.js';
import { paretoFrontier, qualityWeight } from '../pareto.js';
import type { Candidate, Policy, PolicyContext, PolicyDecision } from '../types.js';

export interface ParetoPolicyOptions {
  /** Weight of the uncertainty bonus added to expected quality (default 0.5): how much new channels get explored. */
  exploration?: number;
}

/**
 * The default for `auto`: keeps the candidates on the cost/quality frontier, picks one by the
 * caller's preference, and lines up the others as fallbacks (the same model elsewhere first).
 *
 * The pick scores `w·quality − (1−w)·log cost`, both normalised over the frontier's range. A point
 * off the frontier always scores below the point that dominates it, so one pass over all
 * candidates finds the frontier's best point without sorting; the frontier itself is listed only
 * when someone reads `frontier` or `explanation`.
 */
export function paretoPolicy(options: ParetoPolicyOptions = {}): Policy {
  const exploration = options.exploration ?? 0.5;
  return {
    name: 'pareto',
    decide(context: PolicyContext): PolicyDecision {
      const { table } = context;
      const { survivors, count, cost, logCost, qualityMean, qualityUncertainty, qualityIndex } = table;
      const { quality } = table.universe.scratch;
      // Unary plus: a plain number the engine keeps unboxed through the loop.
      const bonus = +exploration;
      // Pass 1: optimistic quality by survivor position, and the frontier's two ends
      // (cheapest-best, best-cheapest), their cost and quality kept in locals.
      let cheapest = 0;
      let bestQuality = 0;
      let cheapestCost = Number.NaN;
      let cheapestQuality = Number.NaN;
      let bestQualityCost = Number.NaN;
      let bestQualityValue = Number.NaN;
      for (let k = 0; k < count; k += 1) {
        const i = survivors[k]!;
        const slot = qualityIndex ? qualityIndex[i]! : i;
        // Optimism under uncertainty; not capped at 1, so that a cap never turns into a tie.
        const q = qualityMean[slot]! + bonus * qualityUncertainty[slot]!;
        const c = cost[i]!;
        quality[k] = q;
        if (k === 0) {
          cheapestCost = bestQualityCost = c;
          cheapestQuality = bestQualityValue = q;
        } else {
          if (c < cheapestCost || (c === cheapestCost && q > cheapestQuality)) {
            cheapest = k;
            cheapestCost = c;
            cheapestQuality = q;
          }
          if (q > bestQualityValue || (q === bestQualityValue && c < bestQualityCost)) {
            bestQuality = k;
            bestQualityCost = c;
            bestQualityValue = q;
          }
        }
      }
      const preference = context.routing.preference ?? 'balanced';
      const weight = qualityWeight(preference === 'speed' ? 'balanced' : preference);
      const minLogCost = logCost[cheapest]!;
      const logCostScale = (1 - weight) / (logCost[bestQuality]! - minLogCost || 1);
      const minQuality = cheapestQuality;
      const qualityScale = weight / (bestQualityValue - minQuality || 1);
      // Pass 2: score, pick, and keep the runners-up for the fallback order.
      const slots = Math.max(0, context.maxChannels - 1);
      const runners = new TopK(slots + 2);
      const tiny = 1e-12; // scores this close are a tie
      let chosen = -1;
      let best = Number.NEGATIVE_INFINITY;
      let floor = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < count; k += 1) {
        const s = qualityScale * (quality[k]! - minQuality) - logCostScale * (logCost[k]! - minLogCost);
        // Ties go to the cheaper point, then to the better one, so dominated points never win.
        if (s > best + tiny || (s > best - tiny && (cost[survivors[k]!]! < cost[survivors[chosen]!]! || (cost[survivors[k]!] === cost[survivors[chosen]!] && quality[k]! > quality[chosen]!)))) {
          if (chosen >= 0) floor = runners.offer(chosen, best);
          chosen = k;
          best = s;
        } else if (!(s <= floor)) floor = runners.offer(k, s);
      }
      const order = fallbackOrder(table, survivors[chosen]!, runners, slots);
      return new LazyDecision(table, order, survivors[chosen]!, quality, preference);
    },
  };
}

/** The best few (index, score) pairs seen, best first: a tiny insertion list, no sort of everything. */
class TopK {
  readonly indices: number[] = [];
  readonly scores: number[] = [];

  constructor(private readonly size: number) {}

  /** Returns the score an offer must beat to change anything (-Infinity until the list is full). */
  offer(index: number, score: number): number {
    const { indices, scores } = this;
    if (indices.length < this.size || !(score <= scores[this.size - 1]!)) {
      let position = indices.length < this.size ? indices.length : this.size - 1;
      while (position > 0 && scores[position - 1]! < score) {
        indices[position] = indices[position - 1]!;
        scores[position] = scores[position - 1]!;
        position -= 1;
      }
      indices[position] = index;
      scores[position] = score;
    }
    return indices.length < this.size ? Number.NEGATIVE_INFINITY : scores[this.size - 1]!;
  }
}

/**
 * The chosen channel, then the other channels of its model (failing over to the same model first),
 * then the best-scoring rest. Universe indices; the runners are survivor positions.
 */
function fallbackOrder(table: CandidateTable, chosen: number, runners: TopK, slots: number): number[] {
  const { universe, reasons, survivors } = table;
  const order = [chosen];
  const model = universe.modelSlot[chosen]!;
  for (const i of universe.modelMembers[model]!) {
    if (order.length > slots) break;
    if (i !== chosen && reasons[i] === 0) order.push(i);
  }
  for (const k of runners.indices) {
    if (order.length > slots) break;
    const i = survivors[k]!;
    if (universe.modelSlot[i] !== model) order.push(i);
  }
  return order;
}

/** A decision whose frontier and explanation are worked out only when read (a class: cheap to create). */
class LazyDecision implements PolicyDecision {
  readonly order: Candidate[];
  private frontierCache: number[] | undefined;
  private explanationCache: string | undefined;

  constructor(
    private readonly table: CandidateTable,
    indices: number[],
    private readonly chosen: number,
    /** Optimistic quality by survivor position. */
    private readonly quality: Float64Array,
    private readonly preference: unknown,
  ) {
    this.order = indices.map((i) => candidateAt(table, i));
  }

  private frontierIndices(): number[] {
    if (!this.frontierCache) {
      const { table, quality } = this;
      assertFresh(table);
      const costs = new Float64Array(table.count);
      for (let k = 0; k < table.count; k += 1) costs[k] = table.cost[table.survivors[k]!]!;
      const qualities = quality.slice(0, table.count);
      this.frontierCache = paretoFrontier(costs, qualities).map((k) => table.survivors[k]!);
    }
    return this.frontierCache;
  }

  get frontier(): string[] {
    return this.frontierIndices().map((i) => this.table.universe.channels[i]!.id);
  }

  get explanation(): string {
    if (this.explanationCache === undefined) {
      const points = this.frontierIndices();
      const chosen = this.order[0]!;
      this.explanationCache =
        `${chosen.channel.id} is point ${points.indexOf(this.chosen) + 1} of ${points.length} on the cost/quality frontier of ${this.table.count} candidates ` +
        `(est. $${chosen.cost.toPrecision(3)}, quality ${chosen.quality.mean.toFixed(2)}±${chosen.quality.uncertainty.toFixed(2)}), ` +
        `picked for preference ${JSON.stringify(this.preference)}`;
    }
    return this.explanationCache;
  }
}
