import type { ZenErrorKind } from '../core/errors.js';
import { TASK_CATEGORIES, type PromptAnalysis, type TaskCategory } from './analyze-prompt.js';
import type { Channel } from './catalog.js';

export interface QualityEstimate {
  /** Expected quality from 0 to 1. */
  mean: number;
  /** One standard deviation of that belief: large for new or rarely used channels. */
  uncertainty: number;
}

/** What happened on one attempt, as the quality model learns from it. */
export interface QualityOutcome {
  channel: Channel;
  category: TaskCategory;
  success: boolean;
  errorKind?: ZenErrorKind;
  /** Severities (0..1) of the quality events detectors filed against the answer. */
  eventSeverities?: number[];
  /** A graded score (0..1) from an evaluation or feedback, used instead of the events when set. */
  score?: number;
}

/**
 * Expected quality per channel and task category. The router asks `estimate` for every candidate
 * of every call, so it must be cheap; `observe` is told every outcome.
 */
export interface QualityModel {
  estimate(channel: Channel, category: TaskCategory, analysis?: PromptAnalysis): QualityEstimate;
  observe(outcome: QualityOutcome): void;
  /**
   * Optional fast path for routing: estimates for `channels[indices[k]]`, k < count, written to
   * `mean[indices[k]]` and `uncertainty[indices[k]]` without allocating. `channelIndex[i]` is
   * `channels[i].index`.
   */
  estimateMany?(
    channels: readonly Channel[],
    channelIndex: Int32Array,
    indices: Int32Array,
    count: number,
    category: TaskCategory,
    mean: Float64Array,
    uncertainty: Float64Array,
  ): void;
}

export interface BetaQualityModelOptions {
  /** Pseudo-observations behind a configured prior (default 20): how fast evidence overrides it. */
  priorStrength?: number;
  /** Pseudo-observations behind the price-based guess used when nothing is configured (default 2). */
  guessStrength?: number;
}

const CATEGORY_INDEX: Record<TaskCategory, number> = Object.fromEntries(TASK_CATEGORIES.map((category, index) => [category, index])) as Record<TaskCategory, number>;
const CATEGORIES = TASK_CATEGORIES.length;

/** How much a failure of each kind says about a channel's quality (rate limits say nothing). */
const FAILURE_WEIGHT: Partial<Record<ZenErrorKind, number>> = {
  content_filter: 1,
  stream_interrupted: 0.5,
  server: 0.3,
  timeout: 0.3,
  overloaded: 0.1,
  network: 0.1,
};

/**
 * A Beta belief per channel and category. The prior comes from the host's `quality` definition or,
 * when there is none, from the price (dearer models tend to be better) with little weight; every
 * outcome moves it. Uncertainty shrinks with evidence, so the router's exploration bonus fades.
 */
export class BetaQualityModel implements QualityModel {
  private alpha: Float64Array = new Float64Array(0);
  private beta: Float64Array = new Float64Array(0);
  private mean: Float64Array = new Float64Array(0);
  private uncertainty: Float64Array = new Float64Array(0);
  private readonly priorStrength: number;
  private readonly guessStrength: number;

  constructor(options: BetaQualityModelOptions = {}) {
    this.priorStrength = options.priorStrength ?? 20;
    this.guessStrength = options.guessStrength ?? 2;
  }

  estimate(channel: Channel, category: TaskCategory): QualityEstimate {
    const slot = this.slot(channel, category);
    return { mean: this.mean[slot]!, uncertainty: this.uncertainty[slot]! };
  }

  /** Keeps the derived mean and uncertainty of a slot in step with its counts. */
  private refresh(slot: number): void {
    const a = this.alpha[slot]!;
    const n = a + this.beta[slot]!;
    const mean = a / n;
    this.mean[slot] = mean;
    this.uncertainty[slot] = Math.sqrt((mean * (1 - mean)) / (n + 1));
  }

  estimateMany(channels: readonly Channel[], channelIndex: Int32Array, indices: Int32Array, count: number, category: TaskCategory, mean: Float64Array, uncertainty: Float64Array): void {
    const offset = CATEGORY_INDEX[category];
    for (let k = 0; k < count; k += 1) {
      const i = indices[k]!;
      let slot = channelIndex[i]! * CATEGORIES + offset;
      // An initialised slot always has a positive mean.
      if (!(this.mean[slot]! > 0)) slot = this.slot(channels[i]!, category);
      mean[i] = this.mean[slot]!;
      uncertainty[i] = this.uncertainty[slot]!;
    }
  }

  observe(outcome: QualityOutcome): void {
    const slot = this.slot(outcome.channel, outcome.category);
    let good: number;
    let bad: number;
    if (outcome.score !== undefined) {
      good = outcome.score;
      bad = 1 - outcome.score;
    } else if (outcome.success) {
      const worst = Math.max(0, ...(outcome.eventSeverities ?? []));
      good = 1 - worst;
      bad = worst;
    } else {
      const weight = outcome.errorKind ? (FAILURE_WEIGHT[outcome.errorKind] ?? 0) : 0.3;
      good = 0;
      bad = weight;
    }
    this.alpha[slot]! += good;
    this.beta[slot]! += bad;
    this.refresh(slot);
  }

  /** Sets the belief directly (for seeding from evaluations): `mean` backed by `observations`. */
  seed(channel: Channel, category: TaskCategory, mean: number, observations: number): void {
    const slot = this.slot(channel, category);
    this.alpha[slot] = Math.max(1e-3, mean * observations);
    this.beta[slot] = Math.max(1e-3, (1 - mean) * observations);
    this.refresh(slot);
  }

  private slot(channel: Channel, category: TaskCategory): number {
    const slot = channel.index * CATEGORIES + CATEGORY_INDEX[category];
    if (slot >= this.alpha.length) this.grow(channel.index + 1);
    if (this.alpha[slot] === 0 && this.beta[slot] === 0) this.initialise(channel);
    return slot;
  }

  private grow(channels: number): void {
    const size = Math.max(channels, this.alpha.length / CATEGORIES * 2, 16) * CATEGORIES;
    const grow = (old: Float64Array): Float64Array => {
      const next = new Float64Array(size);
      next.set(old);
      return next;
    };
    this.alpha = grow(this.alpha);
    this.beta = grow(this.beta);
    this.mean = grow(this.mean);
    this.uncertainty = grow(this.uncertainty);
  }

  private initialise(channel: Channel): void {
    const configured = channel.model.quality;
    for (const category of TASK_CATEGORIES) {
      const slot = channel.index * CATEGORIES + CATEGORY_INDEX[category];
      const prior = typeof configured === 'number' ? configured : configured?.[category];
      const mean = prior ?? priceGuess(channel);
      const strength = prior !== undefined ? this.priorStrength : this.guessStrength;
      this.alpha[slot] = Math.max(1e-3, mean * strength);
      this.beta[slot] = Math.max(1e-3, (1 - mean) * strength);
      this.refresh(slot);
    }
  }
}

/**
 * With nothing configured, a model's output price is the best cheap hint of its quality: the guess
 * rises from 0.55 at $0.10 to about 0.85 at $60 per million output tokens.
 */
function priceGuess(channel: Channel): number {
  const output = channel.price?.outputPerMTok;
  if (!output || output <= 0) return 0.6;
  const guess = 0.7 + 0.03 * Math.log2(output / 2);
  return Math.min(0.9, Math.max(0.5, guess));
}
