import { describe, expect, it } from 'vitest';
import { paretoPolicy, type ModelDefinition } from '../../src/index.js';
import type { SimRequestSummary } from '../../src/testing/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { HAIKU, MINI, UP, zenClient } from './execution-helpers.js';

/**
 * Drift: `auto` learns from graded answers. Two channels of equal price; A (gpt-5-mini at openai)
 * answers every sum right, B (claude-haiku-4-5 at anthropic) gets one in five wrong. A grader checks
 * every answer and files feedback (`zen.feedback`), the quality model's graded evidence. After 150
 * calls A starts answering wrongly; after 250 more it recovers. Real SDKs against the simulator;
 * exploration at its default share (5 % of calls), its random source seeded.
 */

const sim = useSimulator();

const HEALTHY = 150;
const BROKEN = 250;
const RECOVERED = 500;

/** A deterministic random source (a linear congruential generator). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function question(n: number): { text: string; answer: number } {
  const x = (n * 37) % 97;
  const y = (n * 53) % 89;
  return { text: `Question ${n}: what is ${x} + ${y}? Reply with the number only.`, answer: x + y };
}

function answerOf(request: SimRequestSummary, wrong: boolean): string {
  const match = /Question (\d+)/.exec(request.lastUserText);
  const { answer } = question(Number(match?.[1] ?? 0));
  return String(wrong ? answer + 1 : answer);
}

describe('drift: a channel that starts answering wrongly loses its traffic and wins it back', () => {
  it(`moves away within a bounded number of calls and comes back after it recovers (${HEALTHY}/${BROKEN}/${RECOVERED} calls)`, async () => {
    const price = { inputPerMTok: 0.25, outputPerMTok: 2 };
    const models: Record<string, ModelDefinition> = { [MINI]: { price, quality: 0.9 }, [HAIKU]: { price, quality: 0.85 } };
    const zen = zenClient(sim, {
      models,
      routing: { models: [MINI, HAIKU], preference: 'balanced', retry: { retries: 0 } },
      policies: { pareto: paretoPolicy({ random: seeded(7), now: () => Date.UTC(2025, 0, 1) }) },
    });
    let broken = false;
    sim.setDefault(UP[MINI], (request) => ({ text: answerOf(request, broken) }));
    sim.setDefault(UP[HAIKU], (request) => ({
      text: answerOf(request, Number(/Question (\d+)/.exec(request.lastUserText)?.[1]) % 5 === 0),
    }));

    const served: Array<{ channel: string; explored: boolean }> = [];
    for (let n = 0; n < HEALTHY + BROKEN + RECOVERED; n += 1) {
      broken = n >= HEALTHY && n < HEALTHY + BROKEN;
      const { text, answer } = question(n);
      const completion = await zen.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: text }] });
      // The grader: is the sum right?
      const good = Number(completion.choices[0]!.message.content) === answer;
      await zen.feedback(completion.zen.requestId, { rating: good ? 'good' : 'bad' });
      served.push({ channel: completion.zen.model ?? '', explored: completion.zen.explanation.includes('exploring') });
    }

    const phase = (from: number, to: number) => served.slice(from, to);
    const share = (calls: typeof served, model: string) => calls.filter((call) => call.channel === model).length / calls.length;
    // Healthy: A carries the traffic.
    expect(share(phase(0, HEALTHY), MINI)).toBeGreaterThan(0.9);
    // Broken: calls until the router's own choice (not exploration) leaves A for good.
    const brokenPhase = phase(HEALTHY, HEALTHY + BROKEN);
    const lastChoice = brokenPhase
      .map((call, k) => (call.channel === MINI && !call.explored ? k : -1))
      .reduce((a, b) => Math.max(a, b), -1);
    const away = lastChoice + 1;
    // Recovered: calls until the router's own choice is A again.
    const recoveredPhase = phase(HEALTHY + BROKEN, served.length);
    const back = recoveredPhase.findIndex((call) => call.channel === MINI && !call.explored);
    console.log(
      `drift: traffic left the broken channel after ${away} calls (${brokenPhase.filter((call) => call.channel === MINI).length} of ${BROKEN} broken-phase calls went to it, explorations included); it came back ${back} calls after recovering; explored ${served.filter((call) => call.explored).length} of ${served.length} calls`,
    );
    expect(away).toBeGreaterThan(0);
    expect(away).toBeLessThanOrEqual(15);
    // After it left, A gets exploration traffic only: at most the exploration share, plus the calls before it left.
    expect(share(brokenPhase.slice(away), MINI)).toBeLessThanOrEqual(0.05);
    expect(back).toBeGreaterThanOrEqual(0);
    expect(back).toBeLessThanOrEqual(300);
    // And it keeps it: over the last 150 calls, A carries the traffic again.
    expect(share(recoveredPhase.slice(-150), MINI)).toBeGreaterThan(0.85);
    // Exploration stayed within its share.
    expect(served.filter((call) => call.explored).length).toBeLessThanOrEqual(0.05 * served.length);
  }, 180_000);
});
