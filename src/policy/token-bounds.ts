/**
 * Whether a prompt's exact token count could change a routing decision. Routing starts from the
 * estimate and its bounds (./token-estimate.ts): the count lies somewhere in [low, high]. The size
 * decides three things, and each is settled by the bounds unless a threshold falls between them:
 *
 * - a channel's context window (needed = tokens + the caller's output limit),
 * - a price tier ("above 200k tokens"),
 * - `maxCost`, compared with the channel's estimated cost.
 *
 * When none does, the decision is the one an exact count would give (for the window and the tiers
 * exactly; the cost ranking uses the estimate, within a few percent of the count on prose and
 * code). When one does, the router counts (./token-count.ts) and decides again.
 */
import { Reason, type CandidateTable, type CandidateUniverse } from './candidate-table.js';
import { estimateCost } from './pricing.js';

interface SizeThresholds {
  /** The smallest known context window. */
  smallestWindow: number;
  /** The smallest price-tier threshold. */
  smallestTier: number;
}

const thresholds = new WeakMap<CandidateUniverse, SizeThresholds>();

function thresholdsOf(universe: CandidateUniverse): SizeThresholds {
  let found = thresholds.get(universe);
  if (!found) {
    let smallestWindow = Number.POSITIVE_INFINITY;
    let smallestTier = Number.POSITIVE_INFINITY;
    for (let i = 0; i < universe.size; i += 1) {
      const window = universe.limitsAndPrices[4 * i]!;
      if (window < smallestWindow) smallestWindow = window;
      for (const tier of universe.channels[i]!.price?.tiers ?? []) smallestTier = Math.min(smallestTier, tier.aboveInputTokens);
    }
    found = { smallestWindow, smallestTier };
    thresholds.set(universe, found);
  }
  return found;
}

/** True when counting the prompt's tokens could change the decision this table holds. */
export function tokenCountMatters(table: CandidateTable, maxCost: number | undefined): boolean {
  const { analysis, universe } = table;
  if (analysis.inputTokensSource !== 'estimated') return false;
  const { low, high } = analysis.inputTokenBounds;
  if (low >= high) return false;
  const output = analysis.maxOutputTokens ?? 0;
  const { smallestWindow, smallestTier } = thresholdsOf(universe);
  // The common case: a prompt smaller than every window and every tier, no cost limit.
  if (high + output <= smallestWindow && high <= smallestTier && maxCost === undefined) return false;
  const estimate = analysis.inputTokens;
  const { limitsAndPrices, channels } = universe;
  const reasons = universe.scratch.reasons;
  const cost = universe.scratch.cost;
  for (let i = 0; i < universe.size; i += 1) {
    const reason = reasons[i]!;
    // Channels left out whatever the prompt's size are not in question.
    if (reason !== Reason.None && reason !== Reason.ContextWindow && reason !== Reason.MaxCost) continue;
    const window = limitsAndPrices[4 * i]!;
    if (low + output <= window && window < high + output) return true;
    if (window < low + output) continue; // too small for any count in the bounds
    const price = channels[i]!.price;
    for (const tier of price?.tiers ?? []) if (low <= tier.aboveInputTokens && tier.aboveInputTokens < high) return true;
    if (maxCost !== undefined && reason !== Reason.ContextWindow && estimate > 0) {
      const perToken = estimateCost(price, estimate, 0) / estimate;
      const atLow = cost[i]! - (estimate - low) * perToken;
      const atHigh = cost[i]! + (high - estimate) * perToken;
      if (atLow <= maxCost && maxCost < atHigh) return true;
    }
  }
  return false;
}
