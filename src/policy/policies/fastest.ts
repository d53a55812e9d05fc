import type { Candidate, LiveStats, Policy, PolicyContext, PolicyDecision } from '../types.js';

/**
 * By observed speed: expected time to first token plus the time to stream the expected output at
 * the observed throughput. Channels without samples are tried before slow known ones, so that they
 * get measured, but after fast known ones.
 */
export function fastestPolicy(options: { unknownLatencyMs?: number } = {}): Policy {
  const unknown = options.unknownLatencyMs ?? 1_500;
  return {
    name: 'fastest',
    decide(context: PolicyContext): PolicyDecision {
      const outputTokens = context.analysis.maxOutputTokens ?? 300;
      const time = new Map<Candidate, number>();
      for (const candidate of context.candidates) time.set(candidate, expectedMs(candidate, context.stats, outputTokens, unknown));
      const order = [...context.candidates].sort((a, b) => time.get(a)! - time.get(b)! || a.rank - b.rank);
      const first = order[0]!;
      return {
        order,
        explanation: `${first.channel.id} is expected to finish first (~${Math.round(time.get(first)!)} ms from observed latency and throughput)`,
      };
    },
  };
}

function expectedMs(candidate: Candidate, stats: LiveStats, outputTokens: number, unknown: number): number {
  const ttft = stats.latencyQuantile(candidate.channel, 'ttft', 0.5) ?? stats.latencyQuantile(candidate.channel, 'total', 0.5);
  if (ttft === undefined) return unknown;
  const throughput = stats.throughput(candidate.channel);
  return ttft + (throughput ? (outputTokens / throughput) * 1000 : 0);
}
