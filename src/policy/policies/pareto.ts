import { paretoFrontier, pickOnFrontier, qualityWeight } from '../pareto.js';
import type { Candidate, Policy, PolicyContext, PolicyDecision } from '../types.js';

export interface ParetoPolicyOptions {
  /** Weight of the uncertainty bonus added to expected quality (default 1): exploration of new channels. */
  exploration?: number;
}

/**
 * The default for `auto`: keeps the candidates on the cost/quality frontier, picks one by the
 * caller's preference, and lines up the others as fallbacks (the same model elsewhere first).
 */
export function paretoPolicy(options: ParetoPolicyOptions = {}): Policy {
  const exploration = options.exploration ?? 1;
  return {
    name: 'pareto',
    decide(context: PolicyContext): PolicyDecision {
      const { candidates } = context;
      const n = candidates.length;
      const costs = new Float64Array(n);
      const qualities = new Float64Array(n);
      for (let i = 0; i < n; i += 1) {
        const candidate = candidates[i]!;
        costs[i] = candidate.cost;
        qualities[i] = Math.min(1, candidate.quality.mean + exploration * candidate.quality.uncertainty);
      }
      const preference = context.routing.preference ?? 'balanced';
      const weight = qualityWeight(preference === 'speed' ? 'balanced' : preference);
      const frontier = paretoFrontier(costs, qualities);
      const chosenIndex = pickOnFrontier(frontier, costs, qualities, weight);
      const chosen = candidates[chosenIndex]!;
      const order = fallbackOrder(candidates, chosenIndex, costs, qualities, weight);
      const position = frontier.indexOf(chosenIndex);
      return {
        order,
        frontier: frontier.map((index) => candidates[index]!.channel.id),
        explanation:
          `${chosen.channel.id} is point ${position + 1} of ${frontier.length} on the cost/quality frontier of ${n} candidates ` +
          `(est. $${chosen.cost.toPrecision(3)}, quality ${chosen.quality.mean.toFixed(2)}±${chosen.quality.uncertainty.toFixed(2)}), ` +
          `picked for preference ${JSON.stringify(preference)}`,
      };
    },
  };
}

/** The chosen channel, then other channels of its model, then the rest by the same score. */
function fallbackOrder(candidates: Candidate[], chosenIndex: number, costs: Float64Array, qualities: Float64Array, weight: number): Candidate[] {
  const chosen = candidates[chosenIndex]!;
  let minLog = Number.POSITIVE_INFINITY;
  let maxLog = Number.NEGATIVE_INFINITY;
  let minQuality = 1;
  let maxQuality = 0;
  for (let i = 0; i < candidates.length; i += 1) {
    const log = Math.log(Math.max(costs[i]!, 1e-12));
    if (log < minLog) minLog = log;
    if (log > maxLog) maxLog = log;
    if (qualities[i]! < minQuality) minQuality = qualities[i]!;
    if (qualities[i]! > maxQuality) maxQuality = qualities[i]!;
  }
  const logSpan = maxLog - minLog || 1;
  const qualitySpan = maxQuality - minQuality || 1;
  const scored: Array<{ candidate: Candidate; score: number }> = [];
  for (let i = 0; i < candidates.length; i += 1) {
    if (i === chosenIndex) continue;
    const candidate = candidates[i]!;
    const sameModel = candidate.channel.model.id === chosen.channel.model.id ? 10 : 0;
    const cost = (Math.log(Math.max(costs[i]!, 1e-12)) - minLog) / logSpan;
    const quality = (qualities[i]! - minQuality) / qualitySpan;
    scored.push({ candidate, score: sameModel + weight * quality - (1 - weight) * cost });
  }
  scored.sort((a, b) => b.score - a.score);
  return [chosen, ...scored.map((entry) => entry.candidate)];
}
