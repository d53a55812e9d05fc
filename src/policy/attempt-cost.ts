import { roundUsd, zeroCost, type CostBreakdown } from '../core/money.js';
import { makeUsage, type Usage } from '../core/usage.js';
import { estimateCost } from './pricing.js';
import type { Candidate } from './types.js';

/**
 * What an attempt that ended without its usage cost: a call cancelled after it started (a lost
 * hedge, an abort, a stream cut off) was still billed for what it read and wrote, estimated from
 * the prompt and the characters that came back.
 */
export function estimatedAttemptCost(candidate: Candidate, inputTokens: number, outputTokens: number): CostBreakdown {
  const price = candidate.channel.price;
  if (!price) return zeroCost('unknown');
  const input = roundUsd(estimateCost(price, inputTokens, 0));
  const output = roundUsd(estimateCost({ ...price, inputPerMTok: 0, tiers: undefined }, 0, outputTokens));
  return { ...zeroCost('estimate'), input, output, total: roundUsd(input + output) };
}

/** The usage of a stream that ended early: the prompt, and about four characters a token of what came. */
export function partialUsage(inputTokens: number, outputChars: number): Usage {
  return makeUsage({ inputTotal: inputTokens, outputTotal: Math.ceil(outputChars / 4) });
}
