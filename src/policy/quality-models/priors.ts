import type { TaskCategory } from '../analyze-prompt.js';
import type { ModelInfo } from '../catalog.js';
import { BENCHMARK_PRIORS, UNINFORMATIVE_PRIORS } from './benchmark-priors.js';

/** A belief about a model's ability in one category, on the logit scale: σ(ability) is its chance on a typical prompt. */
export interface AbilityPrior {
  ability: number;
  /** One standard deviation, in logits. */
  sd: number;
  /** Where it comes from: `host`, the benchmarks behind it, or `uninformative`. */
  source: string;
}

/** How sure a host's `quality` is taken to be (logits): firm, but graded evidence still moves it. */
const HOST_SD = 0.3;

export const logit = (p: number): number => {
  const q = Math.min(0.995, Math.max(0.005, p));
  return Math.log(q / (1 - q));
};

/** A data-file entry for the model: its id, or the id without a date or `-latest` suffix. */
function measured(id: string): Readonly<Record<TaskCategory, readonly [number, number, string]>> | undefined {
  return BENCHMARK_PRIORS[id] ?? BENCHMARK_PRIORS[id.replace(/-(?:\d{8}|\d{4}-\d{2}-\d{2}|latest)$/, '')];
}

/**
 * The prior for a model and category: the host's `quality` for it (a chance on a typical prompt of
 * the category) wins; else the benchmark priors (benchmark-priors.ts, built by
 * scripts/build-quality-priors.ts from licensed public results); else an explicit uninformative
 * prior: a middling model with a wide uncertainty. Never the price.
 */
export function abilityPrior(model: ModelInfo, category: TaskCategory): AbilityPrior {
  const configured = model.quality;
  const host = typeof configured === 'number' ? configured : configured?.[category];
  if (host !== undefined) return { ability: logit(host), sd: HOST_SD, source: 'host' };
  const [ability, sd, source] = measured(model.id)?.[category] ?? UNINFORMATIVE_PRIORS[category];
  return { ability, sd, source };
}
