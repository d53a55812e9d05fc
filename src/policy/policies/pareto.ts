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
      const { survivors, count, cost, qualityMean, qualityUncertainty } = table;
      const { quality, score, costWords } = table.universe.scratch;
      for (let k = 0; k < count; k += 1) {
        const i = survivors[k]!;
        // Optimism under uncertainty; not capped at 1, so that a cap never turns into a tie.
        quality[i] = qualityMean[i]! + exploration * qualityUncertainty[i]!;
      }
      const preference = context.routing.preference ?? 'balanced';
      const weight = qualityWeight(preference === 'speed' ? 'balanced' : preference);
      const scale = normalisation(survivors, count, cost, quality, costWords);
      for (let k = 0; k < count; k += 1) {
        const i = survivors[k]!;
        const c = (log2Cost(costWords, i) - scale.minLogCost) / scale.logCostSpan;
        score[i] = weight * ((quality[i]! - scale.minQuality) / scale.qualitySpan) - (1 - weight) * c;
      }
      let chosen = survivors[0]!;
      let best = score[chosen]!;
      for (let k = 1; k < count; k += 1) {
        const i = survivors[k]!;
        const s = score[i]!;
        // Ties go to the cheaper point, then to the better one, so dominated points never win.
        if (s > best + TINY || (s > best - TINY && (cost[i]! < cost[chosen]! || (cost[i]! === cost[chosen]! && quality[i]! > quality[chosen]!)))) {
          chosen = i;
          best = s;
        }
      }
      const order = fallbackOrder(table, chosen, score, context.maxChannels);
      return lazyDecision(table, order, chosen, quality, preference);
    },
  };
}

/** Frontier ends: the cheapest point (best of the cheapest) and the best point (cheapest of the best). */
function normalisation(survivors: Int32Array, count: number, cost: Float64Array, quality: Float64Array, costWords: Uint32Array) {
  let cheapest = survivors[0]!;
  let bestQuality = survivors[0]!;
  for (let k = 1; k < count; k += 1) {
    const i = survivors[k]!;
    if (cost[i]! < cost[cheapest]! || (cost[i] === cost[cheapest] && quality[i]! > quality[cheapest]!)) cheapest = i;
    if (quality[i]! > quality[bestQuality]! || (quality[i] === quality[bestQuality] && cost[i]! < cost[bestQuality]!)) bestQuality = i;
  }
  const minLogCost = log2Cost(costWords, cheapest);
  const maxLogCost = log2Cost(costWords, bestQuality);
  return {
    minLogCost,
    logCostSpan: maxLogCost - minLogCost || 1,
    minQuality: quality[cheapest]!,
    qualitySpan: quality[bestQuality]! - quality[cheapest]! || 1,
  };
}

/** The chosen channel, then the other channels of its model, then the best-scoring rest: top-k, no full sort. */
function fallbackOrder(table: CandidateTable, chosen: number, score: Float64Array, limit: number): number[] {
  const { survivors, count, universe } = table;
  const model = universe.modelSlot[chosen]!;
  const slots = Math.max(0, limit - 1);
  const picks: number[] = [];
  const scores: number[] = [];
  for (let k = 0; k < count && slots > 0; k += 1) {
    const i = survivors[k]!;
    if (i === chosen) continue;
    const s = (universe.modelSlot[i] === model ? 10 : 0) + score[i]!;
    let position: number;
    if (picks.length < slots) {
      picks.push(i);
      scores.push(s);
      position = picks.length - 1;
    } else if (s > scores[slots - 1]!) {
      picks[slots - 1] = i;
      scores[slots - 1] = s;
      position = slots - 1;
    } else continue;
    while (position > 0 && scores[position - 1]! < scores[position]!) {
      [scores[position - 1], scores[position]] = [scores[position]!, scores[position - 1]!];
      [picks[position - 1], picks[position]] = [picks[position]!, picks[position - 1]!];
      position -= 1;
    }
  }
  return [chosen, ...picks];
}

/** A decision whose frontier and explanation are worked out only when read. */
function lazyDecision(table: CandidateTable, indices: number[], chosen: number, quality: Float64Array, preference: unknown): PolicyDecision {
  const order: Candidate[] = indices.map((i) => candidateAt(table, i));
  let frontier: number[] | undefined;
  const frontierIndices = (): number[] => {
    if (!frontier) {
      assertFresh(table);
      const costs = new Float64Array(table.count);
      const qualities = new Float64Array(table.count);
      for (let k = 0; k < table.count; k += 1) {
        costs[k] = table.cost[table.survivors[k]!]!;
        qualities[k] = quality[table.survivors[k]!]!;
      }
      frontier = paretoFrontier(costs, qualities).map((k) => table.survivors[k]!);
    }
    return frontier;
  };
  return {
    order,
    get frontier() {
      return frontierIndices().map((i) => table.universe.channels[i]!.id);
    },
    get explanation() {
      const points = frontierIndices();
      const chosenCandidate = order[0]!;
      return (
        `${chosenCandidate.channel.id} is point ${points.indexOf(chosen) + 1} of ${points.length} on the cost/quality frontier of ${table.count} candidates ` +
        `(est. $${chosenCandidate.cost.toPrecision(3)}, quality ${chosenCandidate.quality.mean.toFixed(2)}±${chosenCandidate.quality.uncertainty.toFixed(2)}), ` +
        `picked for preference ${JSON.stringify(preference)}`
      );
    },
  };
}
