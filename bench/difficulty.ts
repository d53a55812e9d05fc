/**
 * The README's difficulty table: what `auto` picks for a fixed set of prompts with OpenAI,
 * Anthropic and Google configured (the catalog's default pool, the benchmark priors, nothing from
 * the host), at three preferences, and each pick's expected quality. No network: routing only.
 *
 *   npx tsx bench/difficulty.ts
 */
import { analyzePrompt } from '../src/policy/analyze-prompt.js';
import { Catalog, type ProviderInfo } from '../src/policy/catalog.js';
import { LiveState } from '../src/policy/live-state.js';
import { builtInPolicies } from '../src/policy/policies/index.js';
import { difficultyWord } from '../src/policy/prompt-features.js';
import { ItemResponseQualityModel } from '../src/policy/quality-models/item-response.js';
import { route, type RouterDeps } from '../src/policy/router.js';

export const PROMPTS = [
  'Hello!',
  'Rewrite this sentence to be more formal: gonna be late, sorry.',
  'What is the capital of Australia?',
  'Write a Python function that merges two sorted lists.',
  'Explain the difference between a process and a thread, with an example of when each is the better choice and the trade-offs for memory.',
  'Find all positive integers n such that n^2 + 3n + 7 is divisible by 13, and prove that your list is complete.',
  'Refactor src/server/router.ts, src/server/cache.ts and src/client/api.ts: they share a race condition in the session cache. Keep the public API and add tests.',
];

function deps(): RouterDeps {
  const providers: ProviderInfo[] = [
    { name: 'openai', family: 'openai', vendors: ['openai'], models: [] },
    { name: 'anthropic', family: 'anthropic', vendors: ['anthropic'], models: [] },
    { name: 'google', family: 'google', vendors: ['google'], models: [] },
  ];
  return {
    catalog: new Catalog(),
    providers: () => providers,
    quality: new ItemResponseQualityModel(),
    state: new LiveState(),
    policies: builtInPolicies(),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const router = deps();
  console.log('| prompt | looks | `price` | `balanced` | 0.9 | `quality` |');
  console.log('|---|---|---|---|---|---|');
  for (const text of PROMPTS) {
    const request = { messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text }] }] };
    const analysis = analyzePrompt(request);
    const cells = (['price', 'balanced', 0.9, 'quality'] as const).map((preference) => {
      const chosen = route({ request, model: 'auto', routing: { preference, exploration: false }, analysis }, router).order[0]!;
      return `${chosen.channel.model.name} (${chosen.quality.mean.toFixed(2)}, $${chosen.cost.toPrecision(2)})`;
    });
    const features = analysis.features!;
    const short = text.length > 60 ? `${text.slice(0, 57)}…` : text;
    console.log(
      `| ${short} | ${analysis.category}, ${difficultyWord(features.difficulty)} (${features.difficulty >= 0 ? '+' : ''}${features.difficulty.toFixed(1)}${features.cues.length > 0 ? `: ${features.cues.slice(0, 2).join(', ')}` : ''}) | ${cells.join(' | ')} |`,
    );
  }
}
