import { analyzePrompt } from '../src/policy/analyze-prompt.js';
import { Catalog, type ModelDefinition, type ProviderInfo } from '../src/policy/catalog.js';
import { LiveState } from '../src/policy/live-state.js';
import { builtInPolicies } from '../src/policy/policies/index.js';
import { BetaQualityModel } from '../src/policy/quality-model.js';
import { route } from '../src/policy/router.js';

/**
 * A routing decision for `auto` over a catalog of 500 channels (100 models × 5 providers):
 * candidate filtering (capabilities, context window, allow/deny), cost and quality estimates,
 * the Pareto frontier, the pick and the fallback order. The prompt is analysed once beforehand,
 * because token counting depends on the prompt's length, not on the catalog.
 */
export function benchRouting(iterations = 20_000): { medianUs: number; p99Us: number; channels: number; analysisUs: number } {
  const models: Record<string, ModelDefinition> = {};
  const ids: string[] = [];
  for (let i = 0; i < 100; i += 1) {
    const id = `vendor${i % 10}/model-${i}`;
    ids.push(id);
    models[id] = {
      price: { inputPerMTok: 0.05 + (i % 17) * 0.4, outputPerMTok: 0.2 + (i % 13) * 2 },
      contextWindow: 32_000 * (1 + (i % 8)),
      capabilities: { tools: i % 3 !== 0, vision: i % 2 === 0, structuredOutput: true, reasoning: i % 4 === 0, imageOutput: false, temperature: true },
      quality: 0.5 + ((i * 37) % 50) / 100,
    };
  }
  const providers: ProviderInfo[] = Array.from({ length: 5 }, (_, p) => ({ name: `provider${p}`, family: 'openai' as const, vendors: Array.from({ length: 10 }, (_, v) => `vendor${v}`), models: [] }));
  const catalog = new Catalog({ models });
  const deps = { catalog, providers: () => providers, quality: new BetaQualityModel(), state: new LiveState(), policies: builtInPolicies(), autoPool: ids };
  const request = { messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Write a Python function that merges two sorted lists.' }] }] };
  const analysisStart = performance.now();
  const analysis = analyzePrompt(request);
  const analysisUs = (performance.now() - analysisStart) * 1000;
  const input = { request, model: 'auto', routing: { preference: 'balanced' as const }, analysis };
  const first = route(input, deps);
  if (first.order.length === 0) throw new Error('no route');
  const channels = catalog.channels().length;
  for (let i = 0; i < 2_000; i += 1) route(input, deps); // warm up the JIT
  const samples = new Float64Array(iterations);
  for (let i = 0; i < iterations; i += 1) {
    const start = performance.now();
    route(input, deps);
    samples[i] = (performance.now() - start) * 1000;
  }
  samples.sort();
  return { medianUs: samples[Math.floor(iterations / 2)]!, p99Us: samples[Math.floor(iterations * 0.99)]!, channels, analysisUs };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(benchRouting());
}
