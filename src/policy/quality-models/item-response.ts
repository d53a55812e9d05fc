import type { ZenErrorKind } from '../../core/errors.js';
import { TASK_CATEGORIES, type PromptAnalysis, type TaskCategory } from '../analyze-prompt.js';
import type { Channel } from '../catalog.js';
import type { EvidenceSource, QualityEstimate, QualityModel, QualityOutcome } from '../quality-model.js';
import { abilityPrior, logit } from './priors.js';
import { sigmoid } from './sigmoid.js';

export interface ItemResponseOptions {
  /**
   * How much one graded answer counts, by where the grade came from (default evaluation 1, judge
   * 0.7, insurance 0.5, feedback 0.5): a judge errs more often than a test suite.
   */
  evidenceWeights?: Partial<Record<EvidenceSource, number>>;
  /**
   * Variance (logits²) added to an ability belief before each graded answer it takes in (default
   * 0.05): old evidence fades, the belief never becomes certain, and a channel that starts answering
   * worse (or better) is followed within tens of graded answers.
   */
  drift?: number;
  /**
   * Variance (logits²) added to every channel's ability belief in a category for each graded answer
   * in that category (default 0.01, applied in batches of 16, up to 1 over the prior's): a channel
   * left alone grows uncertain again, so that exploration returns to it, and one that recovered
   * from a bad spell gets its traffic back.
   */
  staleness?: number;
  /** Prior defect rate (quality events, failures) and its strength in outcomes (default 0.01, 20). */
  defectPrior?: { rate: number; strength: number };
  /** How many recent outcomes the defect rate remembers (default 200). */
  defectWindow?: number;
}

const CATEGORIES = TASK_CATEGORIES.length;
const CATEGORY_INDEX: Record<TaskCategory, number> = Object.fromEntries(
  TASK_CATEGORIES.map((category, index) => [category, index]),
) as Record<TaskCategory, number>;
const DEFAULT_WEIGHTS: Record<EvidenceSource, number> = { evaluation: 1, judge: 0.7, insurance: 0.5, feedback: 0.5 };

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
 * The default quality model: an item-response model per channel and task category,
 *
 *   P(good answer) = σ(a · (ability − difficulty)) × (1 − defect rate)
 *
 * - ability (logits; σ(ability) is the chance on a typical prompt of the category) is a Gaussian
 *   belief. Its prior comes from measured public benchmarks (benchmark-priors.ts), the host's
 *   `quality` definition, or an explicit uninformative prior (a middling model, ±1.5 logits) for
 *   models no benchmark covers: never from the price. Graded answers (evaluations, judge verdicts,
 *   feedback, insurance findings) move it by an online Bayesian logistic update (a Laplace step,
 *   as in Glicko-style ratings), with a little variance added first so that it follows drift.
 * - difficulty and a (discrimination) are the prompt's (prompt-features.ts): a greeting is easy for
 *   every model, a competition proof separates them.
 * - the defect rate counts quality events and failures of recent outcomes (a Beta belief).
 * The estimate is the expected chance under the belief (σ(κ·z), κ = 1/√(1 + πσ²/8)), so that an
 * unknown model is not trusted with a hard prompt, and its uncertainty is that chance's spread.
 */
export class ItemResponseQualityModel implements QualityModel {
  private center = new Float64Array(0);
  private variance = new Float64Array(0);
  // kappa, sigma and 1 - defect rate, derived from the above and kept for the routing loop (plain
  // comments: a JSDoc comment here would be kept in the bundle, whose text must stay Latin-1).
  private shrink = new Float64Array(0);
  private spread = new Float64Array(0);
  private keep = new Float64Array(0);
  private defects = new Float64Array(0);
  private cleans = new Float64Array(0);
  private graded = new Float64Array(0);
  private priorVariance = new Float64Array(0);
  /** Graded answers per category since the last staleness sweep. */
  private readonly pending = new Int32Array(CATEGORIES);
  private ready = new Uint8Array(0);
  /** Per category, four numbers per channel for the router (see logisticArrays). */
  private packed: Float64Array[] = TASK_CATEGORIES.map(() => new Float64Array(0));
  private sources: string[][] = [];
  private readonly weights: Record<EvidenceSource, number>;
  private readonly drift: number;
  private readonly staleness: number;
  private readonly defectPrior: { rate: number; strength: number };
  private readonly defectDecay: number;

  constructor(options: ItemResponseOptions = {}) {
    this.weights = { ...DEFAULT_WEIGHTS, ...options.evidenceWeights };
    this.drift = options.drift ?? 0.05;
    this.staleness = options.staleness ?? 0.01;
    this.defectPrior = options.defectPrior ?? { rate: 0.01, strength: 20 };
    this.defectDecay = 1 - 1 / (options.defectWindow ?? 200);
  }

  estimate(channel: Channel, category: TaskCategory, analysis?: PromptAnalysis): QualityEstimate {
    const slot = this.slot(channel, category);
    const features = analysis?.features;
    return this.at(slot, features?.difficulty ?? 0, features?.discrimination ?? 1);
  }

  estimateMany(
    channels: readonly Channel[],
    channelIndex: Int32Array,
    indices: Int32Array,
    count: number,
    category: TaskCategory,
    mean: Float64Array,
    uncertainty: Float64Array,
    analysis?: PromptAnalysis,
  ): void {
    const offset = CATEGORY_INDEX[category];
    const features = analysis?.features;
    // Plain numbers and arrays in locals for the loop (see candidates.ts: values read off objects
    // are checked and unboxed again on every use).
    const difficulty = +(features?.difficulty ?? 0);
    const a = +(features?.discrimination ?? 1);
    for (let k = 0; k < count; k += 1) {
      const c = channelIndex[indices[k]!]!;
      if (c >= this.ready.length || this.ready[c] === 0) this.initialise(channels[indices[k]!]!);
    }
    const { center, shrink, keep, spread } = this;
    for (let k = 0; k < count; k += 1) {
      const i = indices[k]!;
      const slot = channelIndex[i]! * CATEGORIES + offset;
      const kappa = shrink[slot]!;
      const p = sigmoid(a * kappa * (center[slot]! - difficulty)) * keep[slot]!;
      mean[i] = p;
      // The spread of the chance, by the delta method: σ(ability) · dP/d(ability).
      uncertainty[i] = p * (1 - p) * a * kappa * spread[slot]!;
    }
  }

  // For prepared channels, per channel index c at 4c..4c+3: kappa*ability, kappa, 1 - defect rate
  // and kappa*sigma, so that the router works out sigmoid(a*(kappa*ability - kappa*difficulty)) *
  // (1 - defect rate) inline. (Plain ASCII: the bundle keeps this method's comment.)
  logisticArrays(category: TaskCategory): Float64Array {
    return this.packed[CATEGORY_INDEX[category]]!;
  }

  prepare(channels: readonly Channel[]): void {
    for (const channel of channels) this.slot(channel, TASK_CATEGORIES[0]);
  }

  observe(outcome: QualityOutcome): void {
    const slot = this.slot(outcome.channel, outcome.category);
    if (outcome.score !== undefined) {
      this.grade(slot, Math.min(1, Math.max(0, outcome.score)), outcome.difficulty ?? 0, this.weights[outcome.source ?? 'feedback'] ?? 0.5);
    } else {
      this.defects[slot]! *= this.defectDecay;
      this.cleans[slot]! *= this.defectDecay;
      if (outcome.success) {
        let worst = 0;
        for (const severity of outcome.eventSeverities ?? []) if (severity > worst) worst = Math.min(1, severity);
        this.defects[slot]! += worst;
        this.cleans[slot]! += 1 - worst;
      } else {
        this.defects[slot]! += outcome.errorKind ? (FAILURE_WEIGHT[outcome.errorKind] ?? 0) : 0.3;
      }
    }
    this.refresh(slot);
  }

  /**
   * Sets the ability belief directly, e.g. from the host's own evaluation: `quality` is the chance
   * of a good answer to a typical prompt of the category, `sd` the uncertainty in logits.
   */
  seed(channel: Channel, category: TaskCategory, quality: number, sd = 0.3): void {
    const slot = this.slot(channel, category);
    this.center[slot] = logit(quality);
    this.variance[slot] = sd * sd;
    this.sources[channel.index]![CATEGORY_INDEX[category]] = 'seeded';
    this.refresh(slot);
  }

  /** The ability belief behind a channel's estimates, for inspection and tests. */
  ability(channel: Channel, category: TaskCategory): { ability: number; sd: number; graded: number; source: string } {
    const slot = this.slot(channel, category);
    return {
      ability: this.center[slot]!,
      sd: Math.sqrt(this.variance[slot]!),
      graded: this.graded[slot]!,
      source: this.sources[channel.index]![CATEGORY_INDEX[category]]!,
    };
  }

  describe(channel: Channel, category: TaskCategory): string {
    const { source, graded } = this.ability(channel, category);
    const prior =
      source === 'uninformative'
        ? 'no benchmark (uninformative prior)'
        : source === 'host' || source === 'seeded'
          ? `${source} prior`
          : `prior from ${source}`;
    return graded > 0 ? `${prior}, ${Math.round(graded)} graded answers since` : prior;
  }

  /** One graded answer: an online Laplace step of Bayesian logistic regression, after the drift. */
  private grade(slot: number, score: number, difficulty: number, weight: number): void {
    const variance = this.variance[slot]! + this.drift;
    const p = sigmoid(this.center[slot]! - difficulty);
    const information = weight * p * (1 - p);
    const next = 1 / (1 / variance + information);
    this.variance[slot] = Math.max(1e-3, next);
    this.center[slot] = Math.min(12, Math.max(-12, this.center[slot]! + next * weight * (score - p)));
    this.graded[slot]! += 1;
    const category = slot % CATEGORIES;
    this.pending[category]! += 1;
    if (this.pending[category]! >= 16) this.age(category);
  }

  /** The staleness sweep: every belief of the category a little less certain (see `staleness`). */
  private age(category: number): void {
    const added = this.pending[category]! * this.staleness;
    this.pending[category] = 0;
    if (!(added > 0)) return;
    for (let channel = 0; channel < this.ready.length; channel += 1) {
      if (this.ready[channel] === 0) continue;
      const slot = channel * CATEGORIES + category;
      this.variance[slot] = Math.min(this.variance[slot]! + added, this.priorVariance[slot]! + 1);
      this.refresh(slot);
    }
  }

  private at(slot: number, difficulty: number, a: number): QualityEstimate {
    const shrink = this.shrink[slot]!;
    const mean = sigmoid(a * shrink * (this.center[slot]! - difficulty)) * this.keep[slot]!;
    return { mean, uncertainty: mean * (1 - mean) * a * shrink * this.spread[slot]! };
  }

  private refresh(slot: number): void {
    const variance = this.variance[slot]!;
    const shrink = 1 / Math.sqrt(1 + (Math.PI * variance) / 8);
    this.shrink[slot] = shrink;
    this.spread[slot] = Math.sqrt(variance);
    const defects = this.defects[slot]!;
    this.keep[slot] = 1 - defects / (defects + this.cleans[slot]!);
    const packed = this.packed[slot % CATEGORIES]!;
    const at = 4 * Math.floor(slot / CATEGORIES);
    packed[at] = shrink * this.center[slot]!;
    packed[at + 1] = shrink;
    packed[at + 2] = this.keep[slot]!;
    packed[at + 3] = shrink * this.spread[slot]!;
  }

  private slot(channel: Channel, category: TaskCategory): number {
    if (channel.index >= this.ready.length || this.ready[channel.index] === 0) this.initialise(channel);
    return channel.index * CATEGORIES + CATEGORY_INDEX[category];
  }

  private initialise(channel: Channel): void {
    if (channel.index >= this.ready.length) this.grow(channel.index + 1);
    const sources: string[] = [];
    for (const category of TASK_CATEGORIES) {
      const slot = channel.index * CATEGORIES + CATEGORY_INDEX[category];
      const prior = abilityPrior(channel.model, category);
      this.center[slot] = prior.ability;
      this.variance[slot] = prior.sd * prior.sd;
      this.priorVariance[slot] = prior.sd * prior.sd;
      this.defects[slot] = this.defectPrior.rate * this.defectPrior.strength;
      this.cleans[slot] = (1 - this.defectPrior.rate) * this.defectPrior.strength;
      sources.push(prior.source);
      this.refresh(slot);
    }
    this.sources[channel.index] = sources;
    this.ready[channel.index] = 1;
  }

  private grow(channels: number): void {
    const size = Math.max(channels, this.ready.length * 2, 16);
    const grow = <T extends Float64Array | Uint8Array>(old: T, length: number): T => {
      const next = new (old.constructor as new (length: number) => T)(length);
      next.set(old);
      return next;
    };
    this.center = grow(this.center, size * CATEGORIES);
    this.variance = grow(this.variance, size * CATEGORIES);
    this.shrink = grow(this.shrink, size * CATEGORIES);
    this.spread = grow(this.spread, size * CATEGORIES);
    this.keep = grow(this.keep, size * CATEGORIES);
    this.defects = grow(this.defects, size * CATEGORIES);
    this.cleans = grow(this.cleans, size * CATEGORIES);
    this.graded = grow(this.graded, size * CATEGORIES);
    this.priorVariance = grow(this.priorVariance, size * CATEGORIES);
    this.ready = grow(this.ready, size);
    this.packed = this.packed.map((old) => grow(old, size * 4));
  }
}
