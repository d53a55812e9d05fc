import type { PromptAnalysis, TaskCategory } from '../analyze-prompt.js';
import type { Channel } from '../catalog.js';
import { BetaQualityModel, type QualityEstimate, type QualityModel, type QualityOutcome } from '../quality-model.js';
import { TextIndex } from './text-vectors.js';

/** One graded prompt: how each model scored on it (0..1), e.g. from an evaluation run. */
export interface GradedPrompt {
  text: string;
  /** Scores by model, keyed by model id (`vendor/name`) or bare name. */
  scores: Record<string, number>;
}

export interface NearestNeighbourOptions {
  examples: readonly GradedPrompt[];
  /** Neighbours to average over (default 100): more neighbours, steadier estimates. */
  k?: number;
  /** Pseudo-observations of the fallback's belief mixed into each estimate (default 2). */
  priorWeight?: number;
  /** For channels and prompts the examples don't cover (default a BetaQualityModel). */
  fallback?: QualityModel;
}

/**
 * Expected quality per prompt, not only per category: the similarity-weighted score of each model
 * on the most similar graded prompts (TF-IDF over words and word pairs). Train it on your own
 * evaluations, or on a public set such as RouterBench; models it has no grades for fall back to
 * the built-in model. Outcomes observed live go to the fallback.
 */
export class NearestNeighbourQualityModel implements QualityModel {
  private readonly index: TextIndex;
  private readonly examples: readonly GradedPrompt[];
  private readonly k: number;
  private readonly priorWeight: number;
  private readonly fallback: QualityModel;
  private readonly neighbourCache = new Map<string, Array<{ doc: number; similarity: number }>>();

  constructor(options: NearestNeighbourOptions) {
    this.examples = options.examples;
    this.index = new TextIndex(options.examples.map((example) => example.text));
    this.k = options.k ?? 100;
    this.priorWeight = options.priorWeight ?? 2;
    this.fallback = options.fallback ?? new BetaQualityModel();
  }

  private neighbours(text: string): Array<{ doc: number; similarity: number }> {
    let found = this.neighbourCache.get(text);
    if (!found) {
      found = this.index.nearest(text, this.k);
      if (this.neighbourCache.size > 256) this.neighbourCache.delete(this.neighbourCache.keys().next().value!);
      this.neighbourCache.set(text, found);
    }
    return found;
  }

  estimate(channel: Channel, category: TaskCategory, analysis?: PromptAnalysis): QualityEstimate {
    const prior = this.fallback.estimate(channel, category, analysis);
    if (!analysis?.promptText) return prior;
    let weighted = 0;
    let weights = 0;
    for (const { doc, similarity } of this.neighbours(analysis.promptText)) {
      const scores = this.examples[doc]!.scores;
      const score = scores[channel.model.id] ?? scores[channel.model.name];
      if (score === undefined || similarity <= 0) continue;
      weighted += similarity * score;
      weights += similarity;
    }
    if (weights === 0) return prior;
    // Mix in the prior as pseudo-observations, so that a few weak neighbours don't decide alone.
    const mean = (weighted + this.priorWeight * prior.mean) / (weights + this.priorWeight);
    const effective = weights + this.priorWeight;
    return { mean, uncertainty: Math.sqrt((mean * (1 - mean)) / (effective + 1)) };
  }

  observe(outcome: QualityOutcome): void {
    this.fallback.observe(outcome);
  }
}
