import { qualityAt, type CandidateTable, type LogisticQuality } from '../candidate-table.js';
import { normalizeModelId } from '../catalog.js';
import { sigmoid } from '../quality-models/sigmoid.js';
import { qualityWeight } from '../pareto.js';
import type { CascadeCheckRates, CascadeOptions, Policy, PolicyContext, PolicyDecision } from '../types.js';
import { ExplorationBudget, sampleChance } from './exploration.js';
import { ParetoDecision, type DecisionFacts } from './pareto-decision.js';
import { checkParetoRouting } from './pareto-options.js';
import { configurationError } from '../../core/errors.js';

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

const DEFAULT_CASCADE = { recall: 0.7, falseAlarms: 0.15, checkCost: 1, samples: 1, escalationOnFlagged: 1 };

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
  if (!(goodEnough > 0 && goodEnough <= 1))
    throw configurationError(`paretoPolicy goodEnough must be a number above 0 and at most 1, got ${String(options.goodEnough)}.`);
  if (!(balancedCost >= 0 && Number.isFinite(balancedCost)))
    throw configurationError(`paretoPolicy costWeight must be a finite number of at least 0, got ${String(options.costWeight)}.`);
  const random = options.random ?? Math.random;
  const budget = new ExplorationBudget(options.now ?? Date.now);
  return {
    name: 'pareto',
    decide(context: PolicyContext): PolicyDecision {
      const { table, routing } = context;
      checkParetoRouting(routing);
      const { survivors, count, cost, qualityMean, qualityUncertainty, qualityIndex } = table;
      const quality = table.universe.scratch.quality;
      const preference = routing.preference ?? 'balanced';
      const requested = qualityWeight(preference === 'speed' ? 'balanced' : preference);
      const pressure = Math.min(1, Math.max(0, routing.budgetPressure ?? 0));
      const weight = requested * (1 - pressure);
      const value = routing.answerValue === undefined ? undefined : routing.answerValue * (1 - pressure);
      const scoring = terms(weight, goodEnough, balancedCost, value);
      const exploring = context.mode === 'auto' && budget.admit(routing.exploration);
      const { logistic } = table;
      const slots = Math.max(0, context.maxChannels - 1);
      let ranked: Ranked;
      let explored: DecisionFacts['explored'];
      if (logistic && !exploring) ranked = rankLogistic(table, logistic, quality, scoring, slots);
      else if (!exploring) {
        for (let k = 0; k < count; k += 1) {
          const i = survivors[k]!;
          quality[k] = logistic ? qualityAt(table, i).mean : qualityMean[qualityIndex ? qualityIndex[i]! : i]!;
        }
        ranked = rank(table, quality, scoring, slots);
      } else {
        // Thompson sampling: each candidate's quality drawn from its belief. Only candidates whose
        // optimistic score (3 standard deviations up) could beat the best estimate are drawn.
        const exploit = rank(table, meansOf(table), scoring, slots);
        for (let k = 0; k < count; k += 1) {
          const i = survivors[k]!;
          const { mean, uncertainty } = logistic
            ? qualityAt(table, i)
            : {
                mean: qualityMean[qualityIndex ? qualityIndex[i]! : i]!,
                uncertainty: qualityUncertainty[qualityIndex ? qualityIndex[i]! : i]!,
              };
          const optimistic = scoreOf(scoring, mean + 3 * uncertainty, cost[i]!, table.logCost[k]!);
          quality[k] = optimistic >= exploit.score ? sampleChance(mean, uncertainty, random) : mean;
        }
        ranked = rank(table, quality, scoring, slots);
        if (exploit.chosen !== ranked.chosen) {
          if (budget.spend(routing.exploration, cost[survivors[ranked.chosen]!]!)) {
            explored = { instead: survivors[exploit.chosen]!, ...budget.state() };
          } else {
            quality.set(meansOf(table));
            ranked = exploit;
          }
        }
      }
      const chosen = survivors[ranked.chosen]!;
      let order = fallbackOrder(table, chosen, ranked.runners, slots);
      let cascade: DecisionFacts['cascade'];
      if (routing.cascade && !explored) {
        cascade = planCascade(table, chosen, routing.cascade === true ? {} : routing.cascade, scoring);
        // A cascade escalates once: after the escalation come only its own model's other channels
        // (for errors), since with repair on every answer that fails its check moves the call on.
        if (cascade) {
          const { modelSlot, modelMembers } = table.universe;
          const same = modelMembers[modelSlot[cascade.escalation]!]!.filter((i) => i !== cascade!.escalation && table.reasons[i] === 0);
          order = [cascade.first, cascade.escalation, ...same].slice(0, slots + 1);
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
        value,
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
  for (let k = 0; k < table.count; k += 1) means[k] = qualityAt(table, table.survivors[k]!).mean;
  return means;
}

interface Ranked {
  /** Survivor position of the pick. */
  chosen: number;
  /** Its score. */
  score: number;
  runners: TopK;
}

/** How a candidate is scored: by quality minus a cost weight per doubling, or by answer value minus cost. */
interface Terms {
  /** Quality points a doubling of cost must buy (log scoring). */
  perDoubling: number;
  /** Quality above this counts as this (∞ at `quality`). */
  cap: number;
  /** USD a good answer is worth (linear scoring), when the caller set `answerValue`. */
  value: number | undefined;
}

function terms(weight: number, goodEnough: number, balancedCost: number, value?: number): Terms {
  // price: cost alone (quality breaks ties); quality: no cap, no cost weight.
  return {
    perDoubling: weight <= 0 ? 1e6 : weight >= 1 ? 0 : costPerDoubling(weight, balancedCost),
    cap: weight >= 1 && value === undefined ? Number.POSITIVE_INFINITY : goodEnough,
    value,
  };
}

/** One candidate's score under the terms. */
function scoreOf(t: Terms, quality: number, cost: number, logCost: number): number {
  const q = quality < t.cap ? quality : t.cap;
  return t.value === undefined ? q - t.perDoubling * logCost : q * t.value - cost;
}

/**
 * Scores every survivor by min(quality, cap) − perDoubling · log2(cost) (the cheapest cost is the
 * same for all, so it need not be taken off), keeps the best and the runners-up for the fallback
 * order. Ties go to the cheaper, then to the better candidate, so a dominated point never wins.
 */
function rank(table: CandidateTable, quality: ArrayLike<number>, t: Terms, slots: number): Ranked {
  const { survivors, count, cost, logCost } = table;
  const best = new Best(slots, cost, survivors);
  for (let k = 0; k < count; k += 1) best.offer(k, scoreOf(t, quality[k]!, cost[survivors[k]!]!, logCost[k]!), quality[k]!);
  return best;
}

/** `rank` for a per-prompt logistic quality, worked out in the same loop (and kept in `quality`). */
function rankLogistic(table: CandidateTable, logistic: LogisticQuality, quality: Float64Array, t: Terms, slots: number): Ranked {
  const { survivors, count, cost, logCost, qualityIndex } = table;
  if (t.value !== undefined) {
    // Linear scoring is the rarer case: the quality first, then the shared loop.
    for (let k = 0; k < count; k += 1) quality[k] = qualityAt(table, survivors[k]!).mean;
    return rank(table, quality, t, slots);
  }
  const { perDoubling, cap } = t;
  const { packed } = logistic;
  const a = +logistic.discrimination;
  const difficulty = +logistic.difficulty;
  const best = new Best(slots, cost, survivors);
  for (let k = 0; k < count; k += 1) {
    const at = 4 * qualityIndex![survivors[k]!]!;
    const q = sigmoid(a * (packed[at]! - packed[at + 1]! * difficulty)) * packed[at + 2]!;
    quality[k] = q;
    best.offer(k, (q < cap ? q : cap) - perDoubling * logCost[k]!, q);
  }
  return best;
}

/** The best score so far (a survivor position) and the runners-up. */
class Best implements Ranked {
  chosen = -1;
  score = Number.NEGATIVE_INFINITY;
  readonly runners: TopK;
  private chosenQuality = 0;
  private floor = Number.NEGATIVE_INFINITY;

  constructor(
    slots: number,
    private readonly cost: Float64Array,
    private readonly survivors: Int32Array,
  ) {
    this.runners = new TopK(slots + 2);
  }

  offer(k: number, s: number, q: number): void {
    const tiny = 1e-12; // scores this close are a tie
    if (s > this.score + tiny || (s > this.score - tiny && this.beatsOnTie(k, q))) {
      if (this.chosen >= 0) this.floor = this.runners.offer(this.chosen, this.score);
      this.chosen = k;
      this.score = s;
      this.chosenQuality = q;
    } else if (!(s <= this.floor)) this.floor = this.runners.offer(k, s);
  }

  private beatsOnTie(k: number, q: number): boolean {
    const mine = this.cost[this.survivors[k]!]!;
    const theirs = this.cost[this.survivors[this.chosen]!]!;
    return mine < theirs || (mine === theirs && q > this.chosenQuality);
  }
}

/**
 * The best cascade for the call: a cheaper candidate first escalating to the pick, the pick first
 * escalating to a dearer one, or a cheaper candidate first escalating to the likeliest candidate
 * (of another model, each time). Neither end is the check's model (see `consider`): when the pick
 * is, the likeliest candidate is the escalation left. With the check's recall r and false-alarm
 * rate f, the escalation's share s of its chance on flagged prompts (the first model's own, from
 * `byFirstModel`, when given), the first's chance p and the escalation's q:
 *   escalated = (1 − p)·r + p·f,  quality = p·(1 − f) + escalated·q·s,
 *   cost = cost(first)·(1 + checkCost) + escalated·cost(escalation)·(1 + checkCost)
 * (a check's cost is the checker's own estimate when it is a candidate: the escalation's answer is
 * checked too), scored as any candidate at the call's preference. Planned only when it beats the
 * pick alone.
 */
function planCascade(table: CandidateTable, pick: number, options: CascadeOptions, t: Terms): DecisionFacts['cascade'] {
  const settings = { ...DEFAULT_CASCADE, ...options };
  const category = table.category;
  const recall = typeof settings.recall === 'number' ? settings.recall : (settings.recall[category] ?? DEFAULT_CASCADE.recall);
  const falseAlarms =
    typeof settings.falseAlarms === 'number' ? settings.falseAlarms : (settings.falseAlarms[category] ?? DEFAULT_CASCADE.falseAlarms);
  const { cost, universe, survivors, count } = table;
  const score = (quality: number, spent: number): number => scoreOf(t, quality, spent, Math.log2(spent));
  const checker = settings.checkModel === undefined ? undefined : normalizeModelId(settings.checkModel);
  const byFirst = settings.byFirstModel ? firstModelRates(settings.byFirstModel) : undefined;
  // The checker's own estimate, when it is a candidate: the check's cost in USD. And the likeliest
  // candidate (ties to the cheaper), the other escalation worth trying.
  let checkUsd: number | undefined;
  let strongest = pick;
  let strongestQuality = qualityAt(table, pick).mean;
  for (let k = 0; k < count; k += 1) {
    const i = survivors[k]!;
    if (checker !== undefined && universe.channels[i]!.model.id === checker && !(cost[i]! >= (checkUsd ?? Number.POSITIVE_INFINITY)))
      checkUsd = cost[i]!;
    const q = qualityAt(table, i).mean;
    if (q > strongestQuality || (q === strongestQuality && cost[i]! < cost[strongest]!)) {
      strongest = i;
      strongestQuality = q;
    }
  }
  const pickQuality = qualityAt(table, pick).mean;
  let best: DecisionFacts['cascade'];
  let bestScore = score(pickQuality, cost[pick]!) + 1e-9;
  const consider = (first: number, escalation: number): void => {
    // Neither end may be the check's model: a sample of the first's own model only repeats it, and
    // escalating to the checker keeps the checker's answer whatever the check says (the same
    // answer when they agree, the checker's when they don't) at more than the checker's price.
    if (checker !== undefined && (universe.channels[first]!.model.id === checker || universe.channels[escalation]!.model.id === checker))
      return;
    const p = qualityAt(table, first).mean;
    const q = qualityAt(table, escalation).mean;
    const rates = byFirst?.get(universe.channels[first]!.model.id);
    const r = rates ? rates.recall : recall;
    const f = rates ? rates.falseAlarms : falseAlarms;
    const onFlagged = rates?.escalationOnFlagged ?? settings.escalationOnFlagged;
    const escalated = (1 - p) * r + p * f;
    const expected = p * (1 - f) + escalated * q * onFlagged;
    // With repair on, the escalation's answer is checked too: its samples are paid when it runs.
    const checks = (of: number) => (checkUsd ?? cost[of]! * settings.checkCost) * settings.samples;
    const spent = cost[first]! + checks(first) + escalated * (cost[escalation]! + checks(escalation));
    const cascaded = score(expected, spent);
    if (cascaded > bestScore) {
      bestScore = cascaded;
      best = {
        first,
        escalation,
        samples: settings.samples,
        expected,
        spent,
        ...(settings.checkModel !== undefined ? { checkModel: settings.checkModel } : {}),
      };
    }
  };
  for (let k = 0; k < count; k += 1) {
    const other = survivors[k]!;
    if (universe.modelSlot[other] !== universe.modelSlot[pick] && cost[other] !== cost[pick]) {
      if (cost[other]! < cost[pick]!) consider(other, pick);
      else consider(pick, other);
    }
    if (strongest !== pick && universe.modelSlot[other] !== universe.modelSlot[strongest] && cost[other]! < cost[strongest]!)
      consider(other, strongest);
  }
  return best;
}

/** `byFirstModel` keyed by normalised model id (keys may be written `vendor/name` or an alias form). */
function firstModelRates(table: Record<string, CascadeCheckRates>): Map<string, CascadeCheckRates> {
  const rates = new Map<string, CascadeCheckRates>();
  for (const [model, entry] of Object.entries(table)) rates.set(normalizeModelId(model), entry);
  return rates;
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
