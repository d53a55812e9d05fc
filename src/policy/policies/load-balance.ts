import type { Candidate, Policy, PolicyContext, PolicyDecision } from '../types.js';

/**
 * Weighted random choice among the channels of each model (channel `weight` in the catalog),
 * models kept in the caller's order. The other channels follow as fallbacks.
 */
export function loadBalancePolicy(random: () => number = Math.random): Policy {
  return {
    name: 'load-balance',
    decide(context: PolicyContext): PolicyDecision {
      const byRank = new Map<number, Candidate[]>();
      for (const candidate of context.candidates) {
        const group = byRank.get(candidate.rank) ?? [];
        group.push(candidate);
        byRank.set(candidate.rank, group);
      }
      const order: Candidate[] = [];
      for (const rank of [...byRank.keys()].sort((a, b) => a - b)) order.push(...weightedShuffle(byRank.get(rank)!, random));
      const first = order[0]!;
      return { order, explanation: `${first.channel.id} drawn by weight among the channels of ${first.channel.model.id}` };
    },
  };
}

/** Weighted sampling without replacement (Efraimidis–Spirakis keys). */
function weightedShuffle(group: Candidate[], random: () => number): Candidate[] {
  return group
    .map((candidate) => ({ candidate, key: candidate.channel.weight > 0 ? Math.pow(random(), 1 / candidate.channel.weight) : -1 }))
    .sort((a, b) => b.key - a.key)
    .map((entry) => entry.candidate);
}
