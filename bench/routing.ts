import { analyzePrompt, type PromptAnalysis } from '../src/policy/analyze-prompt.js';
import { Catalog, type ModelDefinition, type ProviderInfo } from '../src/policy/catalog.js';
import { LiveState } from '../src/policy/live-state.js';
import { builtInPolicies } from '../src/policy/policies/index.js';
import { promptFeatures } from '../src/policy/prompt-features.js';
import { ItemResponseQualityModel } from '../src/policy/quality-models/item-response.js';
import { route } from '../src/policy/router.js';

/**
 * A routing decision for `auto` over a catalog of 500 channels (100 models × 5 providers):
 * candidate filtering (capabilities, context window, allow/deny), cost estimates, each candidate's
 * chance of a good answer to this prompt (the default ItemResponseQualityModel: ability against the
 * prompt's difficulty), the pick, the frontier's bookkeeping and the fallback order, with the
 * default exploration budget on. The prompt is analysed once beforehand (token counting and the
 * difficulty features depend on the prompt, not on the catalog): both are measured apart.
 */
export function benchRouting(iterations = 20_000): {
  medianUs: number;
  p99Us: number;
  channels: number;
  analysisUs: number;
  featuresUs: number;
  longFeaturesUs: number;
  longTokens: number;
} {
  const models: Record<string, ModelDefinition> = {};
  const ids: string[] = [];
  for (let i = 0; i < 100; i += 1) {
    const id = `vendor${i % 10}/model-${i}`;
    ids.push(id);
    models[id] = {
      price: { inputPerMTok: 0.05 + (i % 17) * 0.4, outputPerMTok: 0.2 + (i % 13) * 2 },
      contextWindow: 32_000 * (1 + (i % 8)),
      capabilities: {
        tools: i % 3 !== 0,
        vision: i % 2 === 0,
        structuredOutput: true,
        reasoning: i % 4 === 0,
        imageOutput: false,
        temperature: true,
      },
      // Half the models have a host prior, half the uninformative one.
      ...(i % 2 === 0 ? { quality: 0.5 + ((i * 37) % 50) / 100 } : {}),
    };
  }
  const providers: ProviderInfo[] = Array.from({ length: 5 }, (_, p) => ({
    name: `provider${p}`,
    family: 'openai' as const,
    vendors: Array.from({ length: 10 }, (_, v) => `vendor${v}`),
    models: [],
  }));
  const catalog = new Catalog({ models });
  const deps = {
    catalog,
    providers: () => providers,
    quality: new ItemResponseQualityModel(),
    state: new LiveState(),
    policies: builtInPolicies(),
    autoPool: ids,
  };
  const request = {
    messages: [
      { role: 'user' as const, content: [{ type: 'text' as const, text: 'Write a Python function that merges two sorted lists.' }] },
    ],
  };
  const analysisStart = performance.now();
  const analysis = analyzePrompt(request);
  const analysisUs = (performance.now() - analysisStart) * 1000;
  const featuresUs = median(() => promptFeatures(analysis), 5_000);
  analysis.features = promptFeatures(analysis);
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
  const long = longAnalysis();
  return {
    medianUs: samples[Math.floor(iterations / 2)]!,
    p99Us: samples[Math.floor(iterations * 0.99)]!,
    channels,
    analysisUs,
    featuresUs,
    longFeaturesUs: median(() => promptFeatures(long), 5_000),
    longTokens: long.inputTokens,
  };
}

/** Median time of one call, in µs, after a warm-up. */
function median(run: () => unknown, iterations: number): number {
  for (let i = 0; i < 1_000; i += 1) run();
  const samples = new Float64Array(iterations);
  for (let i = 0; i < iterations; i += 1) {
    const start = performance.now();
    run();
    samples[i] = (performance.now() - start) * 1000;
  }
  samples.sort();
  return samples[Math.floor(iterations / 2)]!;
}

/** A 2,000-token prompt: a bug report with code, as long prompts often are. */
function longAnalysis(): PromptAnalysis {
  const paragraph = 'The service reads orders from the queue, validates them against the catalog and writes the result to the ledger. ';
  const code =
    'function handle(order) {\n  const item = catalog.get(order.sku);\n  if (!item) throw new Error("unknown sku");\n  return ledger.write({ id: order.id, total: item.price * order.quantity });\n}\n';
  let text = 'I have a problem with our order service. ';
  while (text.length < 8_400) text += `${paragraph}\n\`\`\`js\n${code}\`\`\`\n`;
  text += 'Please find the bug and explain the fix.';
  return analyzePrompt({ messages: [{ role: 'user', content: [{ type: 'text', text }] }] });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(benchRouting());
}
