import { describe, expect, it } from 'vitest';
import type { PromptAnalysis } from '../../src/policy/analyze-prompt.js';
import { Catalog, type ModelDefinition, type ProviderInfo } from '../../src/policy/catalog.js';
import { LiveState } from '../../src/policy/live-state.js';
import { builtInPolicies } from '../../src/policy/policies/index.js';
import { estimateCost } from '../../src/policy/pricing.js';
import { BetaQualityModel } from '../../src/policy/quality-model.js';
import { route, type RouterDeps } from '../../src/policy/router.js';
import type { Candidate, Policy, RoutingOptions } from '../../src/policy/types.js';

const text = (overrides: Partial<PromptAnalysis> = {}): PromptAnalysis => ({
  inputTokens: 1_000,
  inputTokensSource: 'counted',
  inputTokenBounds: { low: overrides.inputTokens ?? 1_000, high: overrides.inputTokens ?? 1_000 },
  maxOutputTokens: undefined,
  requires: { tools: false, vision: false, structuredOutput: false, reasoning: false },
  category: 'code',
  promptText: 'x',
  ...overrides,
});

const capabilities = { tools: true, vision: false, structuredOutput: true, reasoning: false, imageOutput: false, temperature: true };
const provider: ProviderInfo = { name: 'p', family: 'openai', vendors: ['acme'], models: [] };
const other: ProviderInfo = { name: 'q', family: 'openai', vendors: ['acme'], models: [] };

function setup(models: Record<string, ModelDefinition>, providers: ProviderInfo[] = [provider]): RouterDeps {
  return {
    catalog: new Catalog({ models }),
    providers: () => providers,
    quality: new BetaQualityModel(),
    state: new LiveState(),
    policies: builtInPolicies(),
    autoPool: Object.keys(models),
  };
}

/** A policy that keeps the candidates it was given, with their log costs, in the caller's order. */
function probe(): Policy & { seen: Candidate[]; logCosts: number[] } {
  const policy = {
    name: 'probe',
    seen: [] as Candidate[],
    logCosts: [] as number[],
    decide(context: Parameters<Policy['decide']>[0]) {
      policy.seen = context.candidates;
      policy.logCosts = Array.from(context.table.logCost.subarray(0, context.table.count));
      return { order: context.candidates, explanation: 'probe' };
    },
  };
  return policy;
}

function routeWith(deps: RouterDeps, analysis: PromptAnalysis, routing: RoutingOptions = {}) {
  return route({ request: { messages: [] }, model: 'auto', routing, analysis }, deps);
}

describe('candidate filter', () => {
  it('prices tiered channels at the tier for the prompt and holds them to maxCost with that price', () => {
    const tiered = { inputPerMTok: 1, outputPerMTok: 2, tiers: [{ aboveInputTokens: 2_000, inputPerMTok: 10, outputPerMTok: 20 }] };
    const deps = setup({
      'acme/tiered': { capabilities, price: tiered, maxOutputTokens: 100_000 },
      'acme/flat': { capabilities, price: { inputPerMTok: 3, outputPerMTok: 6 }, maxOutputTokens: 100_000 },
    });
    const small = probe();
    routeWith(deps, text({ inputTokens: 1_000, maxOutputTokens: 500 }), { policy: small });
    expect(small.seen.map((candidate) => [candidate.channel.id, candidate.cost])).toEqual([
      ['acme/tiered:p', estimateCost(tiered, 1_000, 500)],
      ['acme/flat:p', 1_000 * (3 / 1e6) + 500 * (6 / 1e6)],
    ]);
    // Above the tier the tiered channel costs 0.06 + 0.01 = 0.07 USD: over maxCost, with its message.
    const large = routeWith(deps, text({ inputTokens: 6_000, maxOutputTokens: 500 }), { maxCost: 0.05 });
    expect(large.order.map((candidate) => candidate.channel.id)).toEqual(['acme/flat:p']);
    expect(large.rejected).toEqual([{ channel: 'acme/tiered:p', reason: 'estimated cost $0.0700 is above maxCost $0.05' }]);
  });

  it("clamps a channel's output history at its output limit, even when the usual guess is under every limit", () => {
    const deps = setup({ 'acme/short': { capabilities, price: { inputPerMTok: 1, outputPerMTok: 10 }, maxOutputTokens: 8_000 } }, [
      provider,
      other,
    ]);
    const [busy, quiet] = [deps.catalog.channel('acme/short', provider), deps.catalog.channel('acme/short', other)];
    // The busy channel writes 20k tokens, the quiet one 100: the average stays under the 8k limit.
    deps.state.recordLatency(busy, { totalMs: 1_000, outputTokens: 20_000, category: 'code' });
    for (let call = 0; call < 40; call += 1) deps.state.recordLatency(quiet, { totalMs: 1_000, outputTokens: 100, category: 'code' });
    expect(deps.state.outputTokensAverage('code')).toBeLessThan(8_000);
    const seen = probe();
    routeWith(deps, text({ inputTokens: 1_000 }), { policy: seen });
    const busyCost = seen.seen.find((candidate) => candidate.channel.id === 'acme/short:p')!.cost;
    expect(busyCost).toBe(1_000 * (1 / 1e6) + 8_000 * (10 / 1e6));
  });

  it('keeps the allow and deny lists of one call from leaking into the next', () => {
    const deps = setup({ 'acme/a': { capabilities, price: { inputPerMTok: 1, outputPerMTok: 2 } } }, [provider, other]);
    const none = routeWith.bind(null, deps, text());
    expect(() => none({ exclude: ['other/*'], providers: [] })).toThrow(/provider not in the `providers` allow list/);
    expect(none({ exclude: ['other/*'] }).order.map((candidate) => candidate.channel.id)).toEqual(['acme/a:p', 'acme/a:q']);
  });

  it('tells missing capabilities apart per call', () => {
    const deps = setup({
      'acme/plain': { capabilities: { ...capabilities, tools: false }, price: { inputPerMTok: 1, outputPerMTok: 2 } },
      'acme/tools': { capabilities, price: { inputPerMTok: 5, outputPerMTok: 10 } },
    });
    const needs = (tools: boolean, vision: boolean) => text({ requires: { tools, vision, structuredOutput: false, reasoning: false } });
    expect(routeWith(deps, needs(true, false)).rejected).toEqual([{ channel: 'acme/plain:p', reason: 'cannot call tools' }]);
    expect(routeWith(deps, needs(false, false)).rejected).toEqual([]);
    expect(() => routeWith(deps, needs(true, true))).toThrow(/acme\/plain:p: cannot read images; acme\/tools:p: cannot read images/);
  });

  it('hands policies the log2 of each candidate cost, with a floor for free channels', () => {
    const deps = setup({
      'acme/free': { capabilities, price: { inputPerMTok: 0, outputPerMTok: 0 } },
      'acme/paid': { capabilities, price: { inputPerMTok: 0.3, outputPerMTok: 1.7 } },
    });
    const seen = probe();
    routeWith(deps, text({ inputTokens: 1_234, maxOutputTokens: 321 }), { policy: seen });
    expect(seen.logCosts[0]).toBe(Math.log2(1e-12));
    expect(seen.logCosts[1]).toBeCloseTo(Math.log2(seen.seen[1]!.cost), 5);
  });
});

describe('vendor wildcards in the auto pool', () => {
  it("expands `openai/*` in zen.models to the vendor's models: no pattern reaches the plan as a model id", async () => {
    const providers: ProviderInfo[] = [
      { name: 'openai', family: 'openai', vendors: ['openai'], models: [] },
      { name: 'anthropic', family: 'anthropic', vendors: ['anthropic'], models: [] },
    ];
    const deps: RouterDeps = {
      catalog: new Catalog({}),
      providers: () => providers,
      quality: new BetaQualityModel(),
      state: new LiveState(),
      policies: builtInPolicies(),
    };
    await deps.catalog.load(); // model data loads on first use; route() reads it as it is
    const request = { messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Hello' }] }] };
    const plan = route(
      { request, model: 'auto', routing: { models: ['openai/*', 'anthropic/claude-haiku-4-5'], maxChannels: 20 }, output: 'text' },
      deps,
    );
    const ids = plan.order.map((candidate) => candidate.channel.model.id);
    expect(ids.length).toBeGreaterThan(2);
    for (const id of ids) {
      expect(id).not.toContain('*');
      expect(id.startsWith('openai/') || id === 'anthropic/claude-haiku-4-5').toBe(true);
    }
    expect(ids.some((id) => id.startsWith('openai/'))).toBe(true);
  });
});
