/**
 * The drift simulation of test/policy/drift.test.ts, in process (route() and the quality model,
 * no SDK, no simulator) and over many seeds of the exploration's random source, to show the
 * spread of its two figures:
 *   - away: calls after a channel starts answering wrongly until the router's own choice (not an
 *     exploration) leaves it for good;
 *   - back: calls after it recovers until the router's own choice is that channel again.
 * A answers every graded question right, B one in five wrong; equal prices; every answer graded as
 * feedback; exploration at its default share (5 %).
 *
 *   npx tsx bench/drift.ts [seeds=20]
 */
import { analyzePrompt } from '../src/policy/analyze-prompt.js';
import { Catalog, type ModelDefinition, type ProviderInfo } from '../src/policy/catalog.js';
import { LiveState } from '../src/policy/live-state.js';
import { builtInPolicies, paretoPolicy } from '../src/policy/policies/index.js';
import { ItemResponseQualityModel } from '../src/policy/quality-models/item-response.js';
import { route } from '../src/policy/router.js';

const HEALTHY = 150;
const BROKEN = 250;
const RECOVERED = 500;

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

export function simulateDrift(seed: number): { away: number; back: number; brokenCalls: number; explored: number } {
  const price = { inputPerMTok: 0.25, outputPerMTok: 2 };
  const models: Record<string, ModelDefinition> = { 'acme/a': { price, quality: 0.9 }, 'acme/b': { price, quality: 0.85 } };
  const provider: ProviderInfo = { name: 'p', family: 'openai', vendors: ['acme'], models: [] };
  const quality = new ItemResponseQualityModel();
  const deps = {
    catalog: new Catalog({ models }),
    providers: () => [provider],
    quality,
    state: new LiveState(),
    policies: { ...builtInPolicies(), pareto: paretoPolicy({ random: seeded(seed), now: () => 0 }) },
    autoPool: Object.keys(models),
  };
  const served: Array<{ a: boolean; explored: boolean }> = [];
  for (let n = 0; n < HEALTHY + BROKEN + RECOVERED; n += 1) {
    const broken = n >= HEALTHY && n < HEALTHY + BROKEN;
    const request = {
      messages: [
        {
          role: 'user' as const,
          content: [
            { type: 'text' as const, text: `Question ${n}: what is ${(n * 37) % 97} + ${(n * 53) % 89}? Reply with the number only.` },
          ],
        },
      ],
    };
    const plan = route({ request, model: 'auto', routing: { preference: 'balanced' }, analysis: analyzePrompt(request) }, deps);
    const channel = plan.order[0]!.channel;
    const a = channel.model.id === 'acme/a';
    const good = a ? !broken : n % 5 !== 0;
    quality.observe({ channel, category: plan.analysis.category, success: true, score: good ? 1 : 0, source: 'feedback' });
    served.push({ a, explored: plan.decision.explanation.includes('exploring') });
  }
  const brokenPhase = served.slice(HEALTHY, HEALTHY + BROKEN);
  const away = brokenPhase.reduce((last, call, k) => (call.a && !call.explored ? k : last), -1) + 1;
  const back = served.slice(HEALTHY + BROKEN).findIndex((call) => call.a && !call.explored);
  return { away, back, brokenCalls: brokenPhase.filter((call) => call.a).length, explored: served.filter((call) => call.explored).length };
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seeds = Number(process.argv[2] ?? 20);
  const runs = Array.from({ length: seeds }, (_, k) => simulateDrift(k + 1));
  const describe = (name: string, values: number[]) =>
    `${name}: median ${quantile(values, 0.5)}, 90th percentile ${quantile(values, 0.9)}, max ${Math.max(...values)}`;
  console.log(`drift, ${seeds} seeds (${HEALTHY} healthy, ${BROKEN} broken, ${RECOVERED} recovered calls; exploration 5 %)`);
  console.log(
    `  ${describe(
      'calls until the choice leaves the broken channel',
      runs.map((run) => run.away),
    )}`,
  );
  console.log(
    `  ${describe(
      'calls after recovery until it is chosen again',
      runs.map((run) => (run.back < 0 ? Number.POSITIVE_INFINITY : run.back)),
    )}`,
  );
  console.log(
    `  ${describe(
      'broken-phase calls it still served (explorations included)',
      runs.map((run) => run.brokenCalls),
    )}`,
  );
  console.log(
    `  ${describe(
      'explored calls',
      runs.map((run) => run.explored),
    )} of ${HEALTHY + BROKEN + RECOVERED}`,
  );
}
