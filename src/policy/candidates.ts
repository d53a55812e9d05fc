import { configurationError } from '../core/errors.js';
import { parseModelId } from '../core/model-id.js';
import { TASK_CATEGORIES, type PromptAnalysis } from './analyze-prompt.js';
import { CAP, newScratch, Reason, type CandidateTable, type CandidateUniverse } from './candidate-table.js';
import { normalizeModelId, type Catalog, type Channel, type ModelInfo, type ProviderInfo } from './catalog.js';
import { vendorModelNames } from './model-data.js';
import { canEditImages, servesImagen } from './image-operation.js';
import { estimateCost } from './pricing.js';
import type { QualityModel } from './quality-model.js';
import type { LiveStats, Rejection, RoutingOptions } from './types.js';

/** Default output length guesses per category when neither the caller nor history says. */
const DEFAULT_OUTPUT_TOKENS: Record<string, number> = { code: 500, math: 400, reasoning: 350, extraction: 250, creative: 700, chat: 300 };

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
  const full = normalizeModelId(id);
  return providers.filter(
    (provider) =>
      provider.models.includes(address.name) ||
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

/** The default `auto` pool: models of the last year of each served vendor that have prices. */
export function defaultAutoPool(providers: readonly ProviderInfo[], catalog: Catalog, output: 'text' | 'image' | 'image-edit' = 'text'): string[] {
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
        if ((output === 'text') === model.capabilities.imageOutput) continue;
        if (/deep-research|-preview-\d|^o1-(mini|preview)|codex/.test(model.name)) continue;
        pool.add(model.id);
      }
    }
  }
  return [...pool];
}

function capsOf(model: ModelInfo): number {
  const caps = model.capabilities;
  let bits = 0;
  if (caps.tools) bits |= CAP.tools;
  if (caps.vision) bits |= CAP.vision;
  if (caps.structuredOutput) bits |= CAP.structuredOutput;
  if (caps.reasoning) bits |= CAP.reasoning;
  if (caps.imageOutput) bits |= CAP.imageOutput;
  if (caps.imageOutput && !caps.tools && !caps.vision) bits |= CAP.imageOnly;
  return bits;
}

/** Resolves model ids to channels and compiles them into arrays. */
export function compileUniverse(ids: readonly string[], providers: readonly ProviderInfo[], catalog: Catalog): CandidateUniverse {
  const channels: Channel[] = [];
  const ranks: number[] = [];
  const staticRejections: Rejection[] = [];
  for (let rank = 0; rank < ids.length; rank += 1) {
    const id = ids[rank]!;
    const servers = providersFor(id, providers);
    if (servers.length === 0) {
      staticRejections.push({ channel: normalizeModelId(id), reason: 'no configured provider serves it' });
      continue;
    }
    const model = catalog.model(id);
    for (const provider of servers) {
      channels.push(catalog.channel(model.id, provider));
      ranks.push(rank);
    }
  }
  const size = channels.length;
  const modelSlots = new Map<string, number>();
  for (const channel of channels) if (!modelSlots.has(channel.model.id)) modelSlots.set(channel.model.id, modelSlots.size);
  const universe: CandidateUniverse = {
    size,
    channels,
    caps: new Uint8Array(size),
    contextWindow: new Float64Array(size),
    maxOutputTokens: new Float64Array(size),
    inputPrice: new Float64Array(size),
    outputPrice: new Float64Array(size),
    tiered: new Uint8Array(size),
    rank: Int32Array.from(ranks),
    channelIndex: Int32Array.from(channels, (channel) => channel.index),
    modelSlot: Int32Array.from(channels, (channel) => modelSlots.get(channel.model.id)!),
    modelMembers: [...modelSlots.keys()].map((id) => channels.flatMap((channel, i) => (channel.model.id === id ? [i] : []))),
    staticRejections,
    disabled: new Uint8Array(size),
    scratch: newScratch(size),
  };
  channels.forEach((channel, i) => {
    universe.caps[i] = capsOf(channel.model);
    universe.contextWindow[i] = channel.contextWindow ?? Number.POSITIVE_INFINITY;
    universe.maxOutputTokens[i] = channel.maxOutputTokens ?? Number.POSITIVE_INFINITY;
    universe.inputPrice[i] = (channel.price?.inputPerMTok ?? 0) / 1e6;
    universe.outputPrice[i] = (channel.price?.outputPerMTok ?? 0) / 1e6;
    universe.tiered[i] = channel.price?.tiers ? 1 : 0;
    universe.disabled[i] = catalog.channelDisabled(channel.model.id, channel.provider.name) ? 1 : 0;
  });
  return universe;
}

function matches(pattern: string, channel: Channel): boolean {
  const colon = pattern.lastIndexOf(':');
  if (colon > pattern.indexOf('/') && pattern.includes('/')) return channel.id === `${normalizeModelId(pattern.slice(0, colon))}:${pattern.slice(colon + 1)}`;
  if (pattern.endsWith('/*')) return channel.model.vendor === pattern.slice(0, -2);
  return channel.model.id === normalizeModelId(pattern);
}

/** Per-universe masks for the allow and deny lists, cached by the lists' contents. */
const maskCache = new WeakMap<CandidateUniverse, Map<string, Uint8Array>>();

function routingMask(universe: CandidateUniverse, routing: RoutingOptions, listed: boolean): Uint8Array | undefined {
  const allowModels = listed ? routing.models : undefined;
  if (!routing.exclude && !routing.providers && !allowModels) return undefined;
  const key = `${routing.exclude?.join('\u0000') ?? ''}\u0001${routing.providers?.join('\u0000') ?? ''}\u0001${allowModels?.join('\u0000') ?? ''}`;
  let cache = maskCache.get(universe);
  if (!cache) maskCache.set(universe, (cache = new Map()));
  let mask = cache.get(key);
  if (!mask) {
    mask = new Uint8Array(universe.size);
    universe.channels.forEach((channel, i) => {
      if (routing.providers && !routing.providers.includes(channel.provider.name)) mask![i] = Reason.ProviderNotAllowed;
      else if (routing.exclude?.some((pattern) => matches(pattern, channel))) mask![i] = Reason.Excluded;
      else if (allowModels && !allowModels.some((pattern) => matches(pattern, channel))) mask![i] = Reason.NotInAllowList;
    });
    if (cache.size > 64) cache.clear();
    cache.set(key, mask);
  }
  return mask;
}

export interface FilterInput {
  universe: CandidateUniverse;
  analysis: PromptAnalysis;
  routing: RoutingOptions;
  quality: QualityModel;
  stats: LiveStats & { outputTokensTable?(category: string): Float64Array | undefined; outputTokensAverage?(category: string): number | undefined };
  output: 'text' | 'image' | 'image-edit';
  /** Whether the caller named the models (then `routing.models` also filters them). */
  listed: boolean;
  /** The quality model's `prepare` ran on this universe's channels. */
  prepared?: boolean;
}

const CATEGORY_INDEX = new Map<string, number>(TASK_CATEGORIES.map((category, index) => [category, index]));

/**
 * Drops the channels that can't serve this call and estimates cost and quality for the rest.
 * One pass over numbers for the common case; the reasons are kept as codes.
 */
export function filterCandidates(input: FilterInput): CandidateTable {
  const { universe, analysis, routing } = input;
  const n = universe.size;
  const scratch = universe.scratch;
  const generation = (scratch.generation += 1);
  const { survivors, cost, qualityMean, qualityUncertainty, reasons } = scratch;
  const mask = routingMask(universe, routing, input.listed);
  let required = 0;
  if (analysis.requires.tools) required |= CAP.tools;
  if (analysis.requires.vision) required |= CAP.vision;
  if (analysis.requires.structuredOutput) required |= CAP.structuredOutput;
  const wantsImages = input.output !== 'text';
  const editing = input.output === 'image-edit';
  const needed = analysis.inputTokens + (analysis.maxOutputTokens ?? 0);
  const inputTokens = analysis.inputTokens;
  const history = input.stats.outputTokensTable?.(analysis.category);
  // Channels without history get the category's average over all channels, so that estimates of
  // seen and unseen channels stay comparable.
  const defaultOutput = analysis.maxOutputTokens ?? input.stats.outputTokensAverage?.(analysis.category) ?? DEFAULT_OUTPUT_TOKENS[analysis.category] ?? 300;
  const maxCost = routing.maxCost ?? Number.POSITIVE_INFINITY;
  const useHistory = analysis.maxOutputTokens === undefined && history !== undefined;
  // Locals for the loop: property loads off `universe` on every pass cost more than the tests.
  const { disabled, caps: capsOf, contextWindow, channelIndex, maxOutputTokens, tiered, inputPrice, outputPrice } = universe;
  let count = 0;
  for (let i = 0; i < n; i += 1) {
    let reason: number = disabled[i]! ? Reason.Disabled : mask ? mask[i]! : Reason.None;
    if (reason === Reason.None) {
      const caps = capsOf[i]!;
      if (wantsImages) {
        if ((caps & CAP.imageOutput) === 0) reason = Reason.CannotMakeImages;
        else if (editing && !canEditImages(universe.channels[i]!)) reason = Reason.CannotEditImages;
        else if (!servesImagen(universe.channels[i]!)) reason = Reason.NeedsVertex;
      } else if ((caps & CAP.imageOnly) !== 0) reason = Reason.ImageModel;
      else if ((caps & required) !== required) {
        const missing = required & ~caps;
        reason = missing & CAP.vision ? Reason.NoVision : missing & CAP.tools ? Reason.NoTools : Reason.NoStructuredOutput;
      } else if (needed > contextWindow[i]!) reason = Reason.ContextWindow;
    }
    if (reason === Reason.None) {
      let expected = defaultOutput;
      if (useHistory) {
        const seen = history![channelIndex[i]!]!;
        if (seen > 0) expected = seen; // NaN (never seen) fails the test
      }
      const limit = maxOutputTokens[i]!;
      if (expected > limit) expected = limit;
      const estimate = tiered[i]
        ? estimateCost(universe.channels[i]!.price, inputTokens, expected)
        : inputTokens * inputPrice[i]! + expected * outputPrice[i]!;
      cost[i] = estimate;
      if (estimate > maxCost) reason = Reason.MaxCost;
    }
    reasons[i] = reason;
    if (reason === Reason.None) survivors[count++] = i;
  }
  const direct = input.prepared && input.quality.categoryArrays ? input.quality.categoryArrays(analysis.category) : undefined;
  if (!direct) fillQuality(input, survivors, count, qualityMean, qualityUncertainty);
  const means = direct ? direct.mean : qualityMean;
  const qualityIndex = direct ? universe.channelIndex : undefined;
  if (routing.minQuality !== undefined || routing.maxLatencyMs !== undefined) {
    let kept = 0;
    for (let k = 0; k < count; k += 1) {
      const i = survivors[k]!;
      let reason: number = Reason.None;
      if (routing.minQuality !== undefined && means[qualityIndex ? qualityIndex[i]! : i]! < routing.minQuality) reason = Reason.MinQuality;
      else if (routing.maxLatencyMs !== undefined) {
        const p95 = input.stats.latencyQuantile(universe.channels[i]!, 'total', 0.95);
        if (p95 !== undefined && p95 > routing.maxLatencyMs) reason = Reason.MaxLatency;
      }
      reasons[i] = reason;
      if (reason === Reason.None) survivors[kept++] = i;
    }
    count = kept;
  }
  return {
    universe, analysis, category: analysis.category, survivors, count, cost, reasons, generation, neededTokens: needed,
    qualityMean: direct ? direct.mean : qualityMean,
    qualityUncertainty: direct ? direct.uncertainty : qualityUncertainty,
    qualityIndex,
    limits: { maxCost: routing.maxCost, minQuality: routing.minQuality, maxLatencyMs: routing.maxLatencyMs },
  };
}

function fillQuality(input: FilterInput, survivors: Int32Array, count: number, mean: Float64Array, uncertainty: Float64Array): void {
  const { quality, universe, analysis } = input;
  if (quality.estimateMany && CATEGORY_INDEX.has(analysis.category)) {
    quality.estimateMany(universe.channels, universe.channelIndex, survivors, count, analysis.category, mean, uncertainty);
    return;
  }
  for (let k = 0; k < count; k += 1) {
    const i = survivors[k]!;
    const estimate = quality.estimate(universe.channels[i]!, analysis.category, analysis);
    mean[i] = estimate.mean;
    uncertainty[i] = estimate.uncertainty;
  }
}
