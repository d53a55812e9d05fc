import type { Policy, PolicyContext, PolicyDecision } from '../types.js';

/** The caller's order: the first model of the list, then the next; channels in configuration order. */
export function orderedPolicy(): Policy {
  return {
    name: 'ordered',
    decide(context: PolicyContext): PolicyDecision {
      const order = [...context.candidates].sort((a, b) => a.rank - b.rank);
      const first = order[0]!;
      return { order, explanation: `${first.channel.id} is the first usable entry of the requested order` };
    },
  };
}
