import { assertFresh, candidateAt, qualityAt, Reason, type CandidateTable } from '../candidate-table.js';
import { paretoFrontier } from '../pareto.js';
import { difficultyWord, type PromptFeatures } from '../prompt-features.js';
import type { Candidate, PolicyDecision } from '../types.js';

/** What the pareto policy decided and why, kept as numbers until someone reads the explanation. */
export interface DecisionFacts {
  table: CandidateTable;
  /** Universe indices, in plan order. */
  order: number[];
  /** The pick at the caller's preference (the escalation, in a cascade). */
  chosen: number;
  /** The qualities the pick was made on, by survivor position (Thompson samples when exploring). */
  quality: Float64Array;
  preference: unknown;
  requestedWeight: number;
  weight: number;
  pressure: number;
  goodEnough: number;
  /** The caller's answer value (USD), after budget pressure, when it set one. */
  value: number | undefined;
  features: PromptFeatures | undefined;
  explored?: { instead: number; calls: number; explored: number; spentToday: number };
  cascade?: { first: number; escalation: number; samples: number; expected: number; spent: number; checkModel?: string };
}

const usd = (value: number): string => `$${value.toPrecision(3)}`;
const round = (value: number): string => String(Math.round(value * 100) / 100);

/** A decision whose frontier and explanation are worked out only when read (a class: cheap to create). */
export class ParetoDecision implements PolicyDecision {
  readonly order: Candidate[];
  readonly cascade: { first: string; escalation: string; samples: number; checkModel?: string } | undefined;
  private frontierCache: number[] | undefined;
  private explanationCache: string | undefined;

  constructor(private readonly facts: DecisionFacts) {
    this.order = facts.order.map((i) => candidateAt(facts.table, i));
    const channels = facts.table.universe.channels;
    const cascade = facts.cascade;
    this.cascade = cascade
      ? {
          first: channels[cascade.first]!.id,
          escalation: channels[cascade.escalation]!.id,
          samples: cascade.samples,
          ...(cascade.checkModel !== undefined ? { checkModel: cascade.checkModel } : {}),
        }
      : undefined;
  }

  private frontierIndices(): number[] {
    if (!this.frontierCache) {
      const { table, quality } = this.facts;
      assertFresh(table);
      const costs = new Float64Array(table.count);
      for (let k = 0; k < table.count; k += 1) costs[k] = table.cost[table.survivors[k]!]!;
      this.frontierCache = paretoFrontier(costs, quality.slice(0, table.count)).map((k) => table.survivors[k]!);
    }
    return this.frontierCache;
  }

  get frontier(): string[] {
    return this.frontierIndices().map((i) => this.facts.table.universe.channels[i]!.id);
  }

  get explanation(): string {
    this.explanationCache ??= this.explain();
    return this.explanationCache;
  }

  private explain(): string {
    const { table, chosen, preference, goodEnough } = this.facts;
    const points = this.frontierIndices();
    const channels = table.universe.channels;
    const pick = candidateAt(table, chosen);
    const parts = [
      `${pick.channel.id} is point ${points.indexOf(chosen) + 1} of ${points.length} on the cost/quality frontier of ${table.count} candidates ` +
        `(est. ${usd(pick.cost)}, quality ${pick.quality.mean.toFixed(2)}±${pick.quality.uncertainty.toFixed(2)}), picked for ${this.facts.value === undefined ? `preference ${JSON.stringify(preference)}` : `an answer value of ${usd(this.facts.value)}`}`,
    ];
    const features = this.facts.features;
    const prompt = features
      ? `this ${difficultyWord(features.difficulty)} prompt${features.cues.length > 0 ? ` (${features.cues.slice(0, 3).join(', ')})` : ''}`
      : 'this prompt';
    // The cheapest candidate and how many are likely to answer well.
    let cheapest = table.survivors[0]!;
    let likely = 0;
    for (let k = 0; k < table.count; k += 1) {
      const i = table.survivors[k]!;
      if (table.cost[i]! < table.cost[cheapest]!) cheapest = i;
      if (qualityAt(table, i).mean >= goodEnough) likely += 1;
    }
    const cheap = qualityAt(table, cheapest).mean;
    if (this.facts.weight >= 1 && this.facts.value === undefined) parts.push(`the best expected quality for ${prompt}`);
    else if (cheapest === chosen || table.cost[cheapest] === pick.cost) {
      parts.push(
        likely === table.count
          ? `every candidate is likely to answer ${prompt} well (quality ≥ ${goodEnough}), so the cheapest`
          : `the cheapest candidate for ${prompt}`,
      );
    } else if (pick.quality.mean >= goodEnough) {
      parts.push(
        `the cheapest candidate likely to answer ${prompt} well (quality ≥ ${goodEnough}); the cheapest, ${channels[cheapest]!.id}, has ${cheap.toFixed(2)}`,
      );
    } else {
      parts.push(
        `for ${prompt}, worth ${round(pick.cost / table.cost[cheapest]!)}× the cost of the cheapest, ${channels[cheapest]!.id} (quality ${cheap.toFixed(2)})`,
      );
    }
    let priced = 0;
    for (let i = 0; i < table.universe.size; i += 1) if (table.reasons[i] === Reason.MaxCost) priced += 1;
    if (priced > 0)
      parts.push(`maxCost ${usd(table.limits.maxCost!)} left out ${priced} dearer candidate${priced === 1 ? '' : 's'}: the best that fits`);
    if (this.facts.pressure > 0) {
      parts.push(
        this.facts.value === undefined
          ? `budget pressure ${round(this.facts.pressure)} moved the preference from ${round(this.facts.requestedWeight)} to ${round(this.facts.weight)}`
          : `budget pressure ${round(this.facts.pressure)} scaled the answer value down to ${usd(this.facts.value)}`,
      );
    }
    const explored = this.facts.explored;
    if (explored) {
      parts.push(
        `exploring: a Thompson sample of the uncertain estimates picked it instead of ${channels[explored.instead]!.id} (${explored.explored} of ${explored.calls} auto calls explored, est. ${usd(explored.spentToday)} today)`,
      );
    }
    const cascade = this.facts.cascade;
    if (cascade) {
      const first = candidateAt(table, cascade.first);
      const escalation = candidateAt(table, cascade.escalation);
      parts.push(
        `cascade: ${first.channel.id} first (est. ${usd(first.cost)}, quality ${first.quality.mean.toFixed(2)}), escalating to ${escalation.channel.id} ` +
          `(est. ${usd(escalation.cost)}, quality ${escalation.quality.mean.toFixed(2)}) when its answer fails a check: ` +
          `expected quality ${cascade.expected.toFixed(2)} for est. ${usd(cascade.spent)}, checks included`,
      );
    }
    return parts.join('; ');
  }
}
