import { classifyTask, type PromptAnalysis, type TaskCategory } from '../analyze-prompt.js';
import type { Channel } from '../catalog.js';
import { configurationError } from '../../core/errors.js';
import { BetaQualityModel, type QualityEstimate, type QualityModel, type QualityOutcome } from '../quality-model.js';
import { commonPart, corrected, GradedSet, tune, type GroupTuning, type NeighbourSelection, type Shrinkage } from './neighbour-fit.js';
import { Boilerplate, GroupClassifier } from './prompt-groups.js';

/** One graded prompt: how each model scored on it (0..1), e.g. from an evaluation run. */
export interface GradedPrompt {
  text: string;
  /** Scores by model, keyed by model id (`vendor/name`) or bare name. */
  scores: Record<string, number>;
  /**
   * The prompt's kind: the evaluation set it came from, the product feature that sent it. New
   * prompts are put in a group by their text alone (nearest centroid), and each model's average
   * score in that group is the estimate neighbours refine. When no example has one, the group is
   * the prompt's task category.
   */
  group?: string;
}

export interface NearestNeighbourOptions {
  examples: readonly GradedPrompt[];
  /**
   * Neighbours (within the prompt's group) whose scores refine the group's average (default
   * `'auto'`: chosen by cross-validation on the examples).
   */
  k?: number | 'auto';
  /**
   * Pseudo-weight of the group's average against the neighbours (default `'auto'`: chosen by
   * cross-validation on the examples, separately for what the neighbours say about every model,
   * `common`, and about each model beyond that, `specific`). Large values keep to the group
   * average; small ones follow the neighbours. The neighbours move an estimate only as far as
   * they predicted held-out scores better than the group average did.
   */
  shrinkage?: number | Shrinkage | 'auto';
  /**
   * How the cross-validation picks each group's `k` and `shrinkage` (default `'lowest-error'`).
   * `'one-standard-error'` takes the setting that trusts the neighbours least among those whose
   * error is within one standard error of the lowest: with few graded prompts per group, the
   * lowest error is partly luck that favours following the neighbours, and the estimates then
   * reorder models on noise. It keeps the group's best model the pick where the neighbours have
   * not shown otherwise (the top of the RouterBench frontier), at the cost of some per-prompt
   * signal (its middle: README, Routing quality).
   */
  selection?: NeighbourSelection;
  /** Folds of the cross-validation that chooses `k` and `shrinkage` (default 5). */
  folds?: number;
  /**
   * Lines that occur in at least this share of the examples are left out of the neighbour search
   * (default 0.02): shared instructions and few-shot examples would make every prompt of a task
   * look alike. The group classifier still reads them.
   */
  boilerplate?: number;
  /** Pseudo-observations of the fallback's belief mixed into each group average (default 2). */
  priorWeight?: number;
  /** For channels and groups the examples don't cover (default a BetaQualityModel). */
  fallback?: QualityModel;
}

/** What training settled on, for reports: per group, its neighbours, shrinkage and cross-validated error. */
export interface NearestNeighbourFit {
  groups: readonly GroupTuning[];
  /** Lines ignored by the neighbour search as boilerplate. */
  boilerplateLines: number;
}

export type { GroupTuning, NeighbourSelection, Shrinkage };

const CACHE = 256;

interface PromptEvidence {
  group: number;
  /** Per model: the neighbours' weighted residual sum and weight. */
  residual: Float64Array;
  weight: Float64Array;
  /** Their mean residual per unit of weight over every model, and their mean weight. */
  common: number;
  meanWeight: number;
}

/**
 * Expected quality per prompt, not only per category, learned from graded prompts (your own
 * evaluations, or a public set such as RouterBench). A new prompt is put in a group by its text
 * (nearest centroid over TF-IDF; the groups are the examples' `group`s, or their task categories);
 * a model's estimate is its average score in that group, moved by how much better or worse than
 * that average it did on the prompt's nearest graded neighbours in the group (TF-IDF over words
 * and word pairs, boilerplate lines left out), shrunk toward the average by a weight chosen by
 * cross-validation. With no per-prompt signal in the data it reproduces the best per-group choice;
 * with some, it uses it as far as it held up on held-out examples.
 *
 * Training (the constructor) takes about a second for 2,000 graded prompts. Models it has no grades
 * for fall back to the built-in model; outcomes observed live go to the fallback.
 */
export class NearestNeighbourQualityModel implements QualityModel {
  readonly fit: NearestNeighbourFit;
  private readonly set: GradedSet;
  private readonly classifier: GroupClassifier | undefined;
  private readonly boilerplate: Boilerplate;
  private readonly priorWeight: number;
  private readonly fallback: QualityModel;
  private readonly cache = new Map<string, PromptEvidence>();
  private readonly settings: readonly GroupTuning[];

  constructor(options: NearestNeighbourOptions) {
    const { examples } = options;
    if (!Array.isArray(examples))
      throw configurationError('NearestNeighbourQualityModel needs `examples`: an array of graded prompts ({ text, scores }).');
    const finite = (value: unknown) => typeof value === 'number' && value >= 0 && Number.isFinite(value);
    if (options.k !== undefined && options.k !== 'auto' && !(finite(options.k) && options.k >= 1))
      throw configurationError(`NearestNeighbourQualityModel k must be 'auto' or a number of at least 1, got ${String(options.k)}.`);
    const shrinkage = options.shrinkage;
    if (
      shrinkage !== undefined &&
      shrinkage !== 'auto' &&
      !finite(shrinkage) &&
      !(typeof shrinkage === 'object' && shrinkage !== null && finite(shrinkage.common) && finite(shrinkage.specific))
    ) {
      throw configurationError(
        `NearestNeighbourQualityModel shrinkage must be 'auto', a finite number of at least 0 or { common, specific } of such numbers, got ${JSON.stringify(shrinkage)}.`,
      );
    }
    if (options.folds !== undefined && !(Number.isInteger(options.folds) && options.folds >= 2))
      throw configurationError(`NearestNeighbourQualityModel folds must be an integer of at least 2, got ${String(options.folds)}.`);
    if (options.selection !== undefined && options.selection !== 'lowest-error' && options.selection !== 'one-standard-error')
      throw configurationError(
        `NearestNeighbourQualityModel selection must be 'lowest-error' or 'one-standard-error', got ${JSON.stringify(options.selection)}.`,
      );
    const share = options.boilerplate ?? 0.02;
    if (!(share > 0 && share <= 1))
      throw configurationError(
        `NearestNeighbourQualityModel boilerplate must be a share above 0 and at most 1, got ${String(options.boilerplate)}.`,
      );
    examples.forEach((example, i) => {
      if (typeof example?.text !== 'string' || typeof example.scores !== 'object' || example.scores === null) {
        throw configurationError(`NearestNeighbourQualityModel example ${i} must be { text: string, scores: { [model]: number } }.`);
      }
      for (const [model, score] of Object.entries(example.scores)) {
        if (!(typeof score === 'number' && score >= 0 && score <= 1))
          throw configurationError(
            `NearestNeighbourQualityModel example ${i} scores ${model} ${String(score)}: scores are numbers from 0 to 1.`,
          );
      }
    });
    this.priorWeight = options.priorWeight ?? 2;
    this.fallback = options.fallback ?? new BetaQualityModel();
    const labelled = examples.some((example) => example.group !== undefined);
    const labels = examples.map((example) => example.group ?? classifyTask(example.text, false));
    this.classifier = labelled
      ? new GroupClassifier(
          examples.map((example) => example.text),
          labels,
        )
      : undefined;
    this.boilerplate = new Boilerplate(
      examples.map((example) => example.text),
      share,
    );
    const stripped = examples.map((example) => this.boilerplate.strip(example.text));
    const fixed = typeof shrinkage === 'number' ? { common: shrinkage, specific: shrinkage } : shrinkage;
    const tuning = tune(examples, stripped, labels, {
      k: options.k ?? 'auto',
      shrinkage: fixed ?? 'auto',
      folds: options.folds ?? 5,
      selection: options.selection ?? 'lowest-error',
    });
    this.set = new GradedSet(examples, stripped, labels);
    // In the set's group order, so that a group's number finds its setting.
    this.settings = this.set.groups.map((group) => tuning.find((entry) => entry.group === group)!);
    this.fit = { groups: this.settings, boilerplateLines: this.boilerplate.size };
  }

  /** The group a prompt is put in: the nearest centroid's, or its task category when the examples have no groups. */
  groupOf(text: string, category: TaskCategory): string {
    return this.classifier ? this.classifier.classify(text) : category;
  }

  private evidence(text: string, category: TaskCategory): PromptEvidence | undefined {
    const key = `${category}\u0000${text}`;
    let found = this.cache.get(key);
    if (!found) {
      const group = this.set.groups.indexOf(this.groupOf(text, category));
      if (group < 0) return undefined;
      const { residual, weight } = this.set.residuals(group, this.boilerplate.strip(text), this.settings[group]!.k);
      found = { group, residual, weight, ...commonPart(residual, weight) };
      if (this.cache.size >= CACHE) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, found);
    }
    return found;
  }

  estimate(channel: Channel, category: TaskCategory, analysis?: PromptAnalysis): QualityEstimate {
    const prior = this.fallback.estimate(channel, category, analysis);
    if (!analysis?.promptText) return prior;
    const model = this.set.modelIndex(channel.model.id, channel.model.name);
    if (model < 0) return prior;
    const found = this.evidence(analysis.promptText, category);
    if (!found) return prior;
    const { sum, count } = this.set.groupTotals(found.group, model);
    if (count === 0) return prior;
    // The group's average with the prior as pseudo-observations, then the neighbours' correction.
    const average = (sum + this.priorWeight * prior.mean) / (count + this.priorWeight);
    const w = found.weight[model]!;
    const { shrinkage } = this.settings[found.group]!;
    const mean = corrected(average, found.residual[model]!, w, found.common, found.meanWeight, shrinkage);
    // The neighbours' evidence is worth at most their weight plus the shrinkage's pseudo-weight.
    const effective = Math.min(count + this.priorWeight, w + Math.min(shrinkage.common, shrinkage.specific));
    return { mean, uncertainty: Math.sqrt((mean * (1 - mean) + 1e-4) / (effective + 1)) };
  }

  observe(outcome: QualityOutcome): void {
    this.fallback.observe(outcome);
  }
}
