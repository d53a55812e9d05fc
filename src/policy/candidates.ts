import { configurationError } from '../core/errors.js';
import { parseModelId } from '../core/model-id.js';
import type { PromptAnalysis } from './analyze-prompt.js';
import { normalizeModelId, type Catalog, type Channel, type ModelInfo, type ProviderInfo } from './catalog.js';
import { vendorModelNames } from './model-data.js';
import type { QualityModel } from './quality-model.js';
import type { Candidate, LiveStats, Rejection, RoutingOptions } from './types.js';
import { estimateCost } from './pricing.js';

/** Default output length guesses per category when neither the caller nor history says. */
const DEFAULT_OUTPUT_TOKENS: Record<string, number> = { code: 500, math: 400, reasoning: 350, extraction: 250, creative: 700, chat: 300 };

export interface CandidateSearch {
  /** One id, an ordered list, or `auto`. */
  model: string | string[];
  providers: readonly ProviderInfo[];
  catalog: Catalog;
  routing: RoutingOptions;
  analysis: PromptAnalysis;
  quality: QualityModel;
  stats: LiveStats;
  /** Ids the `auto` pool holds when the routing options give no `models` list. */
  autoPool?: readonly string[];
  /** What the call needs the model to produce. */
  output?: 'text' | 'image';
}

export interface CandidateSet {
  mode: 'auto' | 'list' | 'single';
  candidates: Candidate[];
  rejected: Rejection[];
}

function matches(pattern: string, model: ModelInfo, channel?: Channel): boolean {
  if (pattern.includes(':')) return channel !== undefined && channel.id === `${normalizeModelId(pattern.split(':')[0]!)}:${pattern.split(':')[1]}`;
  if (pattern.endsWith('/*')) return model.vendor === pattern.slice(0, -2);
  return model.id === normalizeModelId(pattern);
}

/** Providers able to serve a model: a pinned one, or every provider serving its vendor or listing it. */
function providersFor(id: string, providers: readonly ProviderInfo[]): ProviderInfo[] {
  const address = parseModelId(id);
  if (address.provider) {
    const pinned = providers.find((provider) => provider.name === address.provider);
    if (!pinned) {
      throw configurationError(`Model "${id}" pins provider "${address.provider}", which is not configured. ${describeProviders(providers)}`);
    }
    return [pinned];
  }
  const bare = address.name;
  const full = normalizeModelId(id);
  return providers.filter(
    (provider) =>
      provider.models.includes(bare) ||
      provider.models.includes(full) ||
      provider.vendors.includes('*') ||
      (address.vendor !== undefined && provider.vendors.includes(address.vendor)),
  );
}

export function describeProviders(providers: readonly ProviderInfo[]): string {
  if (providers.length === 0) return 'No providers are configured: pass `providers` to ZenClient or set OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY.';
  const list = providers.map((provider) => {
    const serves = [...provider.vendors.map((vendor) => (vendor === '*' ? 'any vendor' : `${vendor}/*`)), ...provider.models];
    return `${provider.name} (${provider.family}; serves ${serves.length > 0 ? serves.join(', ') : 'nothing yet: give it `vendors` or `models`'})`;
  });
  return `Configured providers: ${list.join('; ')}.`;
}

/** The default `auto` pool: recent models of the vendors the providers serve, that have prices. */
export function defaultAutoPool(providers: readonly ProviderInfo[], catalog: Catalog, output: 'text' | 'image' = 'text'): string[] {
  const pool = new Set<string>(catalog.definedModelIds());
  for (const provider of providers) {
    for (const id of provider.models) pool.add(normalizeModelId(id));
    for (const vendor of provider.vendors) {
      if (vendor === '*') continue;
      const models = vendorModelNames(vendor).map((name) => catalog.model(`${vendor}/${name}`));
      const newest = models.reduce((latest, model) => ((model.releaseDate ?? '') > latest ? (model.releaseDate ?? '') : latest), '');
      const cutoff = newest ? `${Number(newest.slice(0, 4)) - 1}${newest.slice(4)}` : '';
      for (const model of models) {
        if (!model.price || (model.releaseDate ?? '') < cutoff) continue;
        if (output === 'text' && model.capabilities.imageOutput) continue;
        if (/deep-research|-preview-\d|^o1-(mini|preview)|codex/.test(model.name)) continue;
        pool.add(model.id);
      }
    }
  }
  return [...pool];
}

/**
 * Resolves what the caller asked for into channels and drops the ones that can't serve this call,
 * saying why for each (so that "no candidate" errors explain themselves).
 */
export function findCandidates(search: CandidateSearch): CandidateSet {
  const { routing, analysis, catalog, providers } = search;
  const ids = search.model === 'auto' ? undefined : Array.isArray(search.model) ? search.model : [search.model];
  const mode: CandidateSet['mode'] = ids === undefined ? 'auto' : ids.length > 1 ? 'list' : 'single';
  const requested = ids ?? routing.models ?? search.autoPool ?? defaultAutoPool(providers, catalog, search.output);
  const candidates: Candidate[] = [];
  const rejected: Rejection[] = [];
  const output = search.output ?? 'text';
  const allowedProviders = routing.providers;

  for (let rank = 0; rank < requested.length; rank += 1) {
    const id = requested[rank]!;
    const servers = providersFor(id, providers);
    const model = catalog.model(id);
    if (servers.length === 0) {
      rejected.push({ channel: model.id, reason: 'no configured provider serves it' });
      continue;
    }
    if (ids === undefined || mode !== 'auto') {
      if (routing.models && ids !== undefined && !routing.models.some((pattern) => matches(pattern, model))) {
        rejected.push({ channel: model.id, reason: 'not in the `models` allow list' });
        continue;
      }
    }
    const modelRejection = rejectModel(model, analysis, output);
    for (const provider of servers) {
      const channel = catalog.channel(model.id, provider);
      if (catalog.channelDisabled(model.id, provider.name)) {
        rejected.push({ channel: channel.id, reason: 'disabled in the catalog' });
        continue;
      }
      if (allowedProviders && !allowedProviders.includes(provider.name)) {
        rejected.push({ channel: channel.id, reason: 'provider not in the `providers` allow list' });
        continue;
      }
      if (routing.exclude?.some((pattern) => matches(pattern, model, channel))) {
        rejected.push({ channel: channel.id, reason: 'excluded by `exclude`' });
        continue;
      }
      if (modelRejection) {
        rejected.push({ channel: channel.id, reason: modelRejection });
        continue;
      }
      const contextRejection = rejectContext(channel, analysis);
      if (contextRejection) {
        rejected.push({ channel: channel.id, reason: contextRejection });
        continue;
      }
      const expectedOutput =
        analysis.maxOutputTokens ?? search.stats.outputTokens(channel, analysis.category) ?? DEFAULT_OUTPUT_TOKENS[analysis.category] ?? 300;
      const cost = estimateCost(channel.price, analysis.inputTokens, Math.min(expectedOutput, channel.maxOutputTokens ?? expectedOutput));
      if (routing.maxCost !== undefined && cost > routing.maxCost) {
        rejected.push({ channel: channel.id, reason: `estimated cost $${cost.toPrecision(3)} is above maxCost $${routing.maxCost}` });
        continue;
      }
      const quality = search.quality.estimate(channel, analysis.category, analysis);
      if (routing.minQuality !== undefined && quality.mean < routing.minQuality) {
        rejected.push({ channel: channel.id, reason: `expected ${analysis.category} quality ${quality.mean.toFixed(2)} is below minQuality ${routing.minQuality}` });
        continue;
      }
      if (routing.maxLatencyMs !== undefined) {
        const p95 = search.stats.latencyQuantile(channel, 'total', 0.95);
        if (p95 !== undefined && p95 > routing.maxLatencyMs) {
          rejected.push({ channel: channel.id, reason: `observed p95 latency ${Math.round(p95)} ms is above maxLatencyMs ${routing.maxLatencyMs}` });
          continue;
        }
      }
      candidates.push({ channel, cost, quality, rank });
    }
  }
  return { mode, candidates, rejected };
}

function rejectModel(model: ModelInfo, analysis: PromptAnalysis, output: 'text' | 'image'): string | undefined {
  const caps = model.capabilities;
  if (output === 'image') return caps.imageOutput ? undefined : 'cannot generate images';
  if (caps.imageOutput && !caps.tools && !model.capabilities.vision) return 'is an image model';
  if (analysis.requires.vision && !caps.vision) return 'cannot read images';
  if (analysis.requires.tools && !caps.tools) return 'cannot call tools';
  if (analysis.requires.structuredOutput && !caps.structuredOutput) return 'has no structured output';
  return undefined;
}

function rejectContext(channel: Channel, analysis: PromptAnalysis): string | undefined {
  const window = channel.contextWindow;
  if (window === undefined) return undefined;
  const needed = analysis.inputTokens + (analysis.maxOutputTokens ?? 0);
  if (needed > window) {
    return `needs ${needed} tokens (${analysis.inputTokens} in${analysis.maxOutputTokens ? ` + ${analysis.maxOutputTokens} out` : ''}), context window is ${window}`;
  }
  return undefined;
}
