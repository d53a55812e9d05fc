import type { ZenErrorKind } from '../core/errors.js';
import { TASK_CATEGORIES, type PromptAnalysis, type TaskCategory } from './analyze-prompt.js';
import type { Channel } from './catalog.js';
import { abilityPrior } from './quality-models/priors.js';

export interface QualityEstimate {
  /** Expected quality from 0 to 1. */
  mean: number;
  /** One standard deviation of that belief: large for new or rarely used channels. */
  uncertainty: number;
}

/** Where a graded score came from; it sets how far one grade moves the estimate. */
export type EvidenceSource = 'evaluation' | 'judge' | 'feedback' | 'insurance';

/**
 * What the quality model learns from: one attempt's outcome (success or failure, the quality events
 * detectors filed) or a graded answer (`score`: an evaluation, a judge's verdict, user feedback, an
 * insurance finding).
 */
export interface QualityOutcome {
  channel: Channel;
  category: TaskCategory;
  success: boolean;
  errorKind?: ZenErrorKind;
  /** Severities (0..1) of the quality events detectors filed against the answer. */
  eventSeverities?: number[];
  /** A graded score (0..1): 1 a good answer, 0 a wrong one. Used instead of the events when set. */
  score?: number;
  /** Where the score came from (default `feedback`). */
  source?: EvidenceSource;
  /** The graded prompt's difficulty (`analysis.features.difficulty`); a typical prompt (0) when unknown. */
  difficulty?: number;
}

/**
 * Expected quality (the chance of a good answer) per channel, task category and, for models that
 * read it, prompt. The router asks for every candidate of every call, so it must be cheap;
 * `observe` is told every outcome and every graded answer.
 */
export interface QualityModel {
  estimate(channel: Channel, category: TaskCategory, analysis?: PromptAnalysis): QualityEstimate;
  observe(outcome: QualityOutcome): void;
  /**
   * Optional fast path for routing: estimates for `channels[indices[k]]`, k < count, written to
   * `mean[indices[k]]` and `uncertainty[indices[k]]` without allocating. `channelIndex[i]` is
   * `channels[i].index`; `analysis` is the prompt's (with its `features`).
   */
  estimateMany?(
    channels: readonly Channel[],
    channelIndex: Int32Array,
    indices: Int32Array,
    count: number,
    category: TaskCategory,
    mean: Float64Array,
    uncertainty: Float64Array,
    analysis?: PromptAnalysis,
  ): void;
  /**
   * Optional fastest path for per-prompt models of the logistic form (see LogisticQuality in
   * candidate-table.ts): for prepared channels, four numbers per channel index (bias, slope,
   * ceiling, spread), evaluated inline by the router with the prompt's difficulty and discrimination.
   */
  logisticArrays?(category: TaskCategory): Float64Array;
  /**
   * Optional faster path: makes sure these channels have beliefs (called once per compiled
   * candidate set), after which `categoryArrays` exposes them without any per-call work.
   */
  prepare?(channels: readonly Channel[]): void;
  /** Expected quality and uncertainty by `channel.index`, for prepared channels. */
  categoryArrays?(category: TaskCategory): { mean: Float64Array; uncertainty: Float64Array };
}

export interface BetaQualityModelOptions {
  /** Pseudo-observations behind a configured prior (default 20): how fast graded evidence overrides it. */
  priorStrength?: number;
  /** Pseudo-observations behind the benchmark prior used when nothing is configured (default 3). */
  guessStrength?: number;
  /** Weight a clean answer adds to the capability belief, at its current mean (default 0.25): it confirms, it does not grade. */
  confirmWeight?: number;
  /** Prior defect rate (default 0.05) and its strength (default 10). */
  defectPrior?: { rate: number; strength: number };
}

const CATEGORY_INDEX: Record<TaskCategory, number> = Object.fromEntries(
  TASK_CATEGORIES.map((category, index) => [category, index]),
) as Record<TaskCategory, number>;
const CATEGORIES = TASK_CATEGORIES.length;

/** How much a failure of each kind says about a channel's answers (rate limits say nothing). */
const FAILURE_WEIGHT: Partial<Record<ZenErrorKind, number>> = {
  content_filter: 1,
  stream_interrupted: 0.5,
  server: 0.3,
  timeout: 0.3,
  overloaded: 0.1,
  network: 0.1,
};

/**
 * The simple model: a belief per channel and category, whatever the prompt (the default,
 * ItemResponseQualityModel, reads each prompt's difficulty). Two Beta beliefs per channel and category:
 * - capability: how good its answers are. The prior is the host's `quality` definition or, when
 *   there is none, the benchmark prior (or the uninformative one) with little weight; never the price.
 *   Only graded evidence (`score`: evaluations, feedback, a judge) moves its mean; a clean answer
 *   only confirms it, which shrinks the uncertainty so that exploration fades with use.
 * - defects: how often its answers carry quality events or fail. Every outcome moves it.
 * Expected quality is capability × (1 − defect rate). Clean answers never push a model towards a
 * perfect score: passing the detectors is not proof of a correct answer.
 */
export class BetaQualityModel implements QualityModel {
  private capabilityGood: Float64Array = new Float64Array(0);
  private capabilityBad: Float64Array = new Float64Array(0);
  private defects: Float64Array = new Float64Array(0);
  private cleans: Float64Array = new Float64Array(0);
  private mean: Float64Array = new Float64Array(0);
  private uncertainty: Float64Array = new Float64Array(0);
  private meanByCategory: Float64Array[] = TASK_CATEGORIES.map(() => new Float64Array(0));
  private uncertaintyByCategory: Float64Array[] = TASK_CATEGORIES.map(() => new Float64Array(0));
  private readonly priorStrength: number;
  private readonly guessStrength: number;
  private readonly confirmWeight: number;
  private readonly defectPrior: { rate: number; strength: number };

  constructor(options: BetaQualityModelOptions = {}) {
    this.priorStrength = options.priorStrength ?? 20;
    this.guessStrength = options.guessStrength ?? 3;
    this.confirmWeight = options.confirmWeight ?? 0.25;
    this.defectPrior = options.defectPrior ?? { rate: 0.05, strength: 10 };
  }

  estimate(channel: Channel, category: TaskCategory): QualityEstimate {
    const slot = this.slot(channel, category);
    return { mean: this.mean[slot]!, uncertainty: this.uncertainty[slot]! };
  }

  estimateMany(
    channels: readonly Channel[],
    channelIndex: Int32Array,
    indices: Int32Array,
    count: number,
    category: TaskCategory,
    mean: Float64Array,
    uncertainty: Float64Array,
  ): void {
    const offset = CATEGORY_INDEX[category];
    let means = this.meanByCategory[offset]!;
    let uncertainties = this.uncertaintyByCategory[offset]!;
    for (let k = 0; k < count; k += 1) {
      const i = indices[k]!;
      const c = channelIndex[i]!;
      // An initialised slot always has a positive mean.
      if (!(means[c]! > 0)) {
        this.slot(channels[i]!, category);
        means = this.meanByCategory[offset]!;
        uncertainties = this.uncertaintyByCategory[offset]!;
      }
      mean[i] = means[c]!;
      uncertainty[i] = uncertainties[c]!;
    }
  }

  prepare(channels: readonly Channel[]): void {
    for (const channel of channels) this.slot(channel, TASK_CATEGORIES[0]);
  }

  categoryArrays(category: TaskCategory): { mean: Float64Array; uncertainty: Float64Array } {
    const offset = CATEGORY_INDEX[category];
    return { mean: this.meanByCategory[offset]!, uncertainty: this.uncertaintyByCategory[offset]! };
  }

  observe(outcome: QualityOutcome): void {
    const slot = this.slot(outcome.channel, outcome.category);
    if (outcome.score !== undefined) {
      const score = Math.min(1, Math.max(0, outcome.score));
      this.capabilityGood[slot]! += score;
      this.capabilityBad[slot]! += 1 - score;
    } else if (outcome.success) {
      const worst = Math.max(0, ...(outcome.eventSeverities ?? []));
      this.defects[slot]! += worst;
      this.cleans[slot]! += 1 - worst;
      if (worst === 0) {
        const good = this.capabilityGood[slot]!;
        const m = good / (good + this.capabilityBad[slot]!);
        this.capabilityGood[slot]! += this.confirmWeight * m;
        this.capabilityBad[slot]! += this.confirmWeight * (1 - m);
      }
    } else {
      this.defects[slot]! += outcome.errorKind ? (FAILURE_WEIGHT[outcome.errorKind] ?? 0) : 0.3;
    }
    this.refresh(slot);
  }

  /** Sets the capability belief directly (seeding from evaluations): `mean` backed by `observations`. */
  seed(channel: Channel, category: TaskCategory, mean: number, observations: number): void {
    const slot = this.slot(channel, category);
    this.capabilityGood[slot] = Math.max(1e-3, mean * observations);
    this.capabilityBad[slot] = Math.max(1e-3, (1 - mean) * observations);
    this.refresh(slot);
  }

  /** Keeps the derived mean and uncertainty of a slot in step with its counts. */
  private refresh(slot: number): void {
    const good = this.capabilityGood[slot]!;
    const n = good + this.capabilityBad[slot]!;
    const capability = good / n;
    const defects = this.defects[slot]!;
    const total = defects + this.cleans[slot]!;
    const defectRate = defects / total;
    this.mean[slot] = capability * (1 - defectRate);
    const capabilityVariance = (capability * (1 - capability)) / (n + 1);
    const defectVariance = (defectRate * (1 - defectRate)) / (total + 1);
    this.uncertainty[slot] = Math.sqrt(capabilityVariance + defectVariance);
    // The same numbers laid out per category, for routing's sequential reads.
    const channel = Math.floor(slot / CATEGORIES);
    const category = slot % CATEGORIES;
    this.meanByCategory[category]![channel] = this.mean[slot]!;
    this.uncertaintyByCategory[category]![channel] = this.uncertainty[slot]!;
  }

  private slot(channel: Channel, category: TaskCategory): number {
    const slot = channel.index * CATEGORIES + CATEGORY_INDEX[category];
    if (slot >= this.mean.length) this.grow(channel.index + 1);
    if (!(this.mean[slot]! > 0)) this.initialise(channel);
    return slot;
  }

  private grow(channels: number): void {
    const size = Math.max(channels, (this.mean.length / CATEGORIES) * 2, 16) * CATEGORIES;
    const grow = (old: Float64Array): Float64Array => {
      const next = new Float64Array(size);
      next.set(old);
      return next;
    };
    this.capabilityGood = grow(this.capabilityGood);
    this.capabilityBad = grow(this.capabilityBad);
    this.defects = grow(this.defects);
    this.cleans = grow(this.cleans);
    this.mean = grow(this.mean);
    this.uncertainty = grow(this.uncertainty);
    const perCategory = (old: Float64Array): Float64Array => {
      const next = new Float64Array(size / CATEGORIES);
      next.set(old);
      return next;
    };
    this.meanByCategory = this.meanByCategory.map(perCategory);
    this.uncertaintyByCategory = this.uncertaintyByCategory.map(perCategory);
  }

  private initialise(channel: Channel): void {
    const configured = channel.model.quality;
    for (const category of TASK_CATEGORIES) {
      const slot = channel.index * CATEGORIES + CATEGORY_INDEX[category];
      const prior = typeof configured === 'number' ? configured : configured?.[category];
      const mean = prior ?? 1 / (1 + Math.exp(-abilityPrior(channel.model, category).ability));
      const strength = prior !== undefined ? this.priorStrength : this.guessStrength;
      this.capabilityGood[slot] = Math.max(1e-3, mean * strength);
      this.capabilityBad[slot] = Math.max(1e-3, (1 - mean) * strength);
      this.defects[slot] = this.defectPrior.rate * this.defectPrior.strength;
      this.cleans[slot] = (1 - this.defectPrior.rate) * this.defectPrior.strength;
      this.refresh(slot);
    }
  }
}
