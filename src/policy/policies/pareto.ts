import type { CandidateTable } from '../candidate-table.js';
import { qualityWeight } from '../pareto.js';
import type { CascadeOptions, Policy, PolicyContext, PolicyDecision } from '../types.js';
import { ExplorationBudget, sampleChance } from './exploration.js';
import { ParetoDecision, type DecisionFacts } from './pareto-decision.js';

export interface ParetoPolicyOptions {
  /**
   * Expected quality (chance of a good answer) above which more is not worth paying for, at every
   * preference short of `quality` (default 0.95): when every candidate is that likely to answer
   * well, the cheapest wins.
   */
  goodEnough?: number;
  /**
   * Quality points worth a doubling of the cost at preference `balanced` (default 0.03). Preference
   * w weighs cost by this × ((1 − w)/w)²: at 0.75 a doubling is worth 0.0033, at 0.25 0.27.
   */
  costWeight?: number;
  /** Source of randomness for exploration (default Math.random). */
  random?: () => number;
  /** Clock for the daily exploration budget (default Date.now). */
  now?: () => number;
}

const DEFAULT_CASCADE: Required<CascadeOptions> = { from: 0.25, minFirstQuality: 0.5 };

/** Quality points a doubling of cost must buy at quality weight w (0 < w < 1). */
export function costPerDoubling(weight: number, balanced: number): number {
  const ratio = (1 - weight) / weight;
  return balanced * ratio * ratio;
}

/**
 * The default for `auto`. Each candidate's expected quality is its chance of a good answer to this
 * prompt (the quality model reads the prompt's difficulty); the pick maximises
 *
 *   min(quality, goodEnough) − costWeight(preference) · log2(cost / cheapest cost)
 *
 * so that an easy prompt, which every candidate is likely to answer well, goes to the cheapest, and
 * a hard one to the candidate whose extra chance is worth its price at the caller's preference
 * (`quality` has no cap and no cost weight; `price` takes the cheapest). The other channels follow
 * as fallbacks, the same model at other providers first. Options of the call: `maxCost` (the best
 * candidate under it), `budgetPressure` (towards price), `exploration` (a Thompson sample on a
 * bounded share of calls), `cascade` (a cheaper candidate first, escalating when a check fails).
 */
export function paretoPolicy(options: ParetoPolicyOptions = {}): Policy {
  const goodEnough = options.goodEnough ?? 0.95;
  const balancedCost = options.costWeight ?? 0.03;
  const random = options.random ?? Math.random;
  const budget = new ExplorationBudget(options.now ?? Date.now);
  return {
    name: 'pareto',
    decide(context: PolicyContext): PolicyDecision {
      const { table, routing } = context;
      const { survivors, count, cost, qualityMean, qualityUncertainty, qualityIndex } = table;
      const quality = table.universe.scratch.quality;
      const preference = routing.preference ?? 'balanced';
      const requested = qualityWeight(preference === 'speed' ? 'balanced' : preference);
      const pressure = Math.min(1, Math.max(0, routing.budgetPressure ?? 0));
      const weight = requested * (1 - pressure);
      const exploring = context.mode === 'auto' && budget.admit(routing.exploration);
      const { logCost } = table;
      // Pass 1: each survivor's quality (a Thompson sample when exploring), by survivor position,
      // and the cheapest cost.
      let minLogCost = Number.POSITIVE_INFINITY;
      for (let k = 0; k < count; k += 1) {
        const slot = qualityIndex ? qualityIndex[survivors[k]!]! : survivors[k]!;
        quality[k] = exploring ? sampleChance(qualityMean[slot]!, qualityUncertainty[slot]!, random) : qualityMean[slot]!;
        if (logCost[k]! < minLogCost) minLogCost = logCost[k]!;
      }
      const slots = Math.max(0, context.maxChannels - 1);
      let ranked = rank(table, quality, minLogCost, weight, goodEnough, balancedCost, slots);
      let explored: DecisionFacts['explored'];
      if (exploring) {
        const means = meansOf(table);
        const exploit = rank(table, means, minLogCost, weight, goodEnough, balancedCost, slots);
        if (exploit.chosen !== ranked.chosen) {
          if (budget.spend(routing.exploration, cost[survivors[ranked.chosen]!]!)) {
            explored = { instead: survivors[exploit.chosen]!, ...budget.state() };
          } else {
            quality.set(means.subarray(0, count));
            ranked = exploit;
          }
        }
      }
      const chosen = survivors[ranked.chosen]!;
      let order = fallbackOrder(table, chosen, ranked.runners, slots);
      let cascade: DecisionFacts['cascade'];
      if (routing.cascade) {
        const settings = { ...DEFAULT_CASCADE, ...(routing.cascade === true ? {} : routing.cascade) };
        const first = cascadeFirst(table, chosen, qualityWeight(settings.from === 'speed' ? 'balanced' : settings.from), goodEnough, balancedCost, settings.minFirstQuality);
        if (first !== undefined) {
          cascade = { first, escalation: chosen };
          order = [first, ...order.filter((i) => i !== first)].slice(0, slots + 1);
        }
      }
      return new ParetoDecision({
        table,
        order,
        chosen,
        quality,
        preference,
        requestedWeight: requested,
        weight,
        pressure,
        goodEnough,
        features: context.analysis.features,
        explored,
        cascade,
      });
    },
  };
}

/** The table's expected qualities by survivor position (a copy: the scratch holds the samples). */
function meansOf(table: CandidateTable): Float64Array {
  const means = new Float64Array(table.count);
  for (let k = 0; k < table.count; k += 1) {
    const i = table.survivors[k]!;
    means[k] = table.qualityMean[table.qualityIndex ? table.qualityIndex[i]! : i]!;
  }
  return means;
}

/**
 * Pass 2: scores every survivor, returns the best (a survivor position) and the runners-up for the
 * fallback order. Ties go to the cheaper, then to the better candidate, so a dominated point never wins.
 */
function rank(table: CandidateTable, quality: ArrayLike<number>, minLogCost: number, weight: number, goodEnough: number, balancedCost: number, slots: number): { chosen: number; runners: TopK } {
  const { survivors, count, cost, logCost } = table;
  // price: cost alone (quality breaks ties); quality: no cap, no cost weight.
  const perDoubling = weight <= 0 ? 1e6 : weight >= 1 ? 0 : costPerDoubling(weight, balancedCost);
  const cap = weight >= 1 ? Number.POSITIVE_INFINITY : goodEnough;
  const runners = new TopK(slots + 2);
  const tiny = 1e-12; // scores this close are a tie
  let chosen = -1;
  let best = Number.NEGATIVE_INFINITY;
  let floor = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < count; k += 1) {
    const q = quality[k]!;
    const s = (q < cap ? q : cap) - perDoubling * (logCost[k]! - minLogCost);
    if (s > best + tiny || (s > best - tiny && (cost[survivors[k]!]! < cost[survivors[chosen]!]! || (cost[survivors[k]!] === cost[survivors[chosen]!] && q > quality[chosen]!)))) {
      if (chosen >= 0) floor = runners.offer(chosen, best);
      chosen = k;
      best = s;
    } else if (!(s <= floor)) floor = runners.offer(k, s);
  }
  return { chosen, runners };
}

/**
 * The cascade's first candidate: the pick at the cascade's preference among candidates of another
 * model at most half the escalation's cost, when it pays: likely enough to pass (`minQuality`) and
 * cheap enough that trying it, checking it and escalating when the check fails (about two of its
 * calls, and the escalation as often as it is wrong) is expected to cost less than the escalation.
 */
function cascadeFirst(table: CandidateTable, escalation: number, weight: number, goodEnough: number, balancedCost: number, minQuality: number): number | undefined {
  const { survivors, count, cost, logCost, universe } = table;
  const ceiling = cost[escalation]! / 2;
  const perDoubling = weight <= 0 ? 1e6 : weight >= 1 ? 0 : costPerDoubling(weight, balancedCost);
  const cap = weight >= 1 ? Number.POSITIVE_INFINITY : goodEnough;
  let minLogCost = Number.POSITIVE_INFINITY;
  for (let k = 0; k < count; k += 1) if (logCost[k]! < minLogCost) minLogCost = logCost[k]!;
  let first: number | undefined;
  let best = Number.NEGATIVE_INFINITY;
  let firstQuality = 0;
  for (let k = 0; k < count; k += 1) {
    const i = survivors[k]!;
    if (!(cost[i]! <= ceiling) || universe.modelSlot[i] === universe.modelSlot[escalation]) continue;
    const q = table.qualityMean[table.qualityIndex ? table.qualityIndex[i]! : i]!;
    const s = Math.min(q, cap) - perDoubling * (logCost[k]! - minLogCost);
    if (s > best) {
      best = s;
      first = i;
      firstQuality = q;
    }
  }
  if (first === undefined || firstQuality < minQuality) return undefined;
  return 2 * cost[first]! < firstQuality * cost[escalation]! ? first : undefined;
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
