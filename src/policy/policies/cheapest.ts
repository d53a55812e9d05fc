import type { Policy, PolicyContext, PolicyDecision } from '../types.js';

/** Lowest estimated cost first, whatever the quality (filters such as minQuality still apply). */
export function cheapestPolicy(): Policy {
  return {
    name: 'cheapest',
    decide(context: PolicyContext): PolicyDecision {
      const order = [...context.candidates].sort((a, b) => a.cost - b.cost || a.rank - b.rank).slice(0, context.maxChannels);
      const first = order[0]!;
      return { order, explanation: `${first.channel.id} has the lowest estimated cost ($${first.cost.toPrecision(3)})` };
    },
  };
}
