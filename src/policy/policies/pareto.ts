import { assertFresh, candidateAt, log2Cost, type CandidateTable } from '../candidate-table.js';
import { paretoFrontier, qualityWeight } from '../pareto.js';
import type { Candidate, Policy, PolicyContext, PolicyDecision } from '../types.js';

export interface ParetoPolicyOptions {
  /** Weight of the uncertainty bonus added to expected quality (default 0.5): how much new channels get explored. */
  exploration?: number;
}

const TINY = 1e-12;

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
      const { survivors, count, cost, qualityMean, qualityUncertainty, qualityIndex } = table;
      const { quality, costWords } = table.universe.scratch;
      // Pass 1: optimistic quality, and the frontier's two ends (cheapest-best, best-cheapest).
      let cheapest = survivors[0]!;
      let bestQuality = cheapest;
      for (let k = 0; k < count; k += 1) {
        const i = survivors[k]!;
        const slot = qualityIndex ? qualityIndex[i]! : i;
        // Optimism under uncertainty; not capped at 1, so that a cap never turns into a tie.
        const q = qualityMean[slot]! + exploration * qualityUncertainty[slot]!;
        quality[i] = q;
        if (cost[i]! < cost[cheapest]! || (cost[i] === cost[cheapest] && q > quality[cheapest]!)) cheapest = i;
        if (q > quality[bestQuality]! || (q === quality[bestQuality] && cost[i]! < cost[bestQuality]!)) bestQuality = i;
      }
      const preference = context.routing.preference ?? 'balanced';
      const weight = qualityWeight(preference === 'speed' ? 'balanced' : preference);
      const minLogCost = log2Cost(costWords, cheapest);
      const logCostScale = (1 - weight) / (log2Cost(costWords, bestQuality) - minLogCost || 1);
      const minQuality = quality[cheapest]!;
      const qualityScale = weight / (quality[bestQuality]! - minQuality || 1);
      // Pass 2: score, pick, and keep the runners-up for the fallback order.
      const slots = Math.max(0, context.maxChannels - 1);
      const runners = new TopK(slots + 2);
      let chosen = -1;
      let best = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < count; k += 1) {
        const i = survivors[k]!;
        const s = qualityScale * (quality[i]! - minQuality) - logCostScale * (log2Cost(costWords, i) - minLogCost);
        // Ties go to the cheaper point, then to the better one, so dominated points never win.
        if (s > best + TINY || (s > best - TINY && (cost[i]! < cost[chosen]! || (cost[i] === cost[chosen] && quality[i]! > quality[chosen]!)))) {
          if (chosen >= 0) runners.offer(chosen, best);
          chosen = i;
          best = s;
        } else runners.offer(i, s);
      }
      const order = fallbackOrder(table, chosen, runners, slots);
      return new LazyDecision(table, order, chosen, quality, preference);
    },
  };
}

/** The best few (index, score) pairs seen, best first: a tiny insertion list, no sort of everything. */
class TopK {
  readonly indices: number[] = [];
  readonly scores: number[] = [];

  constructor(private readonly size: number) {}

  offer(index: number, score: number): void {
    const { indices, scores } = this;
    if (indices.length === this.size && score <= scores[this.size - 1]!) return;
    let position = indices.length < this.size ? indices.length : this.size - 1;
    while (position > 0 && scores[position - 1]! < score) {
      indices[position] = indices[position - 1]!;
      scores[position] = scores[position - 1]!;
      position -= 1;
    }
    indices[position] = index;
    scores[position] = score;
  }
}

/** The chosen channel, then the other channels of its model (failing over to the same model first), then the best-scoring rest. */
function fallbackOrder(table: CandidateTable, chosen: number, runners: TopK, slots: number): number[] {
  const { universe, reasons } = table;
  const order = [chosen];
  const model = universe.modelSlot[chosen]!;
  for (const i of universe.modelMembers[model]!) {
    if (order.length > slots) break;
    if (i !== chosen && reasons[i] === 0) order.push(i);
  }
  for (const i of runners.indices) {
    if (order.length > slots) break;
    if (universe.modelSlot[i] !== model) order.push(i);
  }
  return order;
}

/** A decision whose frontier and explanation are worked out only when read (a class: cheap to create). */
class LazyDecision implements PolicyDecision {
  readonly order: Candidate[];
  private frontierCache: number[] | undefined;

  constructor(
    private readonly table: CandidateTable,
    indices: number[],
    private readonly chosen: number,
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
      const qualities = new Float64Array(table.count);
      for (let k = 0; k < table.count; k += 1) {
        costs[k] = table.cost[table.survivors[k]!]!;
        qualities[k] = quality[table.survivors[k]!]!;
      }
      this.frontierCache = paretoFrontier(costs, qualities).map((k) => table.survivors[k]!);
    }
    return this.frontierCache;
  }

  get frontier(): string[] {
    return this.frontierIndices().map((i) => this.table.universe.channels[i]!.id);
  }

  get explanation(): string {
    const points = this.frontierIndices();
    const chosen = this.order[0]!;
    return (
      `${chosen.channel.id} is point ${points.indexOf(this.chosen) + 1} of ${points.length} on the cost/quality frontier of ${this.table.count} candidates ` +
      `(est. $${chosen.cost.toPrecision(3)}, quality ${chosen.quality.mean.toFixed(2)}±${chosen.quality.uncertainty.toFixed(2)}), ` +
      `picked for preference ${JSON.stringify(this.preference)}`
    );
  }
}
