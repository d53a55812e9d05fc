import { formatModelId, parseModelId, type ModelAddress } from '../core/model-id.js';
import { TASK_CATEGORIES, type PromptAnalysis } from './analyze-prompt.js';
import {
  CAP,
  newScratch,
  qualityAt,
  Reason,
  type CandidateTable,
  type CandidateUniverse,
  type LogisticQuality,
} from './candidate-table.js';
import { normalizeModelId, type Catalog, type Channel, type ModelInfo, type ProviderInfo } from './catalog.js';
import { vendorModelNames } from './model-data.js';
import { imageModelNames } from './image-models.js';
import { embeddingModelNames } from './embedding-models.js';
import { canEmbed } from './embedding-operation.js';
import { canEditImages, servesImagen } from './image-operation.js';
import { estimateCost } from './pricing.js';
import type { QualityModel } from './quality-model.js';
import type { LiveStats, Rejection, RoutingOptions } from './types.js';
import { isDeclared, isKnownModel, unknownModelError } from './unknown-model.js';

/** Default output length guesses per category when neither the caller nor history says. */
export const DEFAULT_OUTPUT_TOKENS: Record<string, number> = {
  code: 500,
  math: 400,
  reasoning: 350,
  extraction: 250,
  creative: 700,
  chat: 300,
};

/** Reads a requested id: a `:suffix` is a provider pin only when it names a configured provider. */
export function addressOf(id: string, providers: readonly ProviderInfo[]): ModelAddress {
  return parseModelId(id, (name) => providers.some((provider) => provider.name === name));
}

/** Providers able to serve a model: a pinned one, or every provider serving its vendor or listing it. */
function providersFor(address: ModelAddress, providers: readonly ProviderInfo[]): ProviderInfo[] {
  if (address.provider) return providers.filter((provider) => provider.name === address.provider);
  const full = formatModelId(address);
  return providers.filter(
    (provider) =>
      provider.models.includes(address.name) ||
      provider.models.includes(full) ||
      provider.vendors.includes('*') ||
      (address.vendor !== undefined && provider.vendors.includes(address.vendor)),
  );
}

export function describeProviders(providers: readonly ProviderInfo[]): string {
  if (providers.length === 0)
    return 'No providers are configured: pass `providers` to ZenClient or set OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY.';
  const list = providers.map((provider) => {
    const serves = [...provider.vendors.map((vendor) => (vendor === '*' ? 'any vendor' : `${vendor}/*`)), ...provider.models];
    return `${provider.name} (${provider.family}; serves ${serves.length > 0 ? serves.join(', ') : 'nothing yet: give it `vendors` or `models`'})`;
  });
  return `Configured providers: ${list.join('; ')}.`;
}

/** What a call makes: text, images (new or edited), or embeddings. */
export type OutputKind = 'text' | 'image' | 'image-edit' | 'embedding';

/** Model names of a vendor that can make this output (before the pool's filters). */
function vendorNamesFor(vendor: string, output: OutputKind): string[] {
  if (output === 'text') return vendorModelNames(vendor);
  return output === 'embedding' ? embeddingModelNames(vendor) : imageModelNames(vendor);
}

/** The default `auto` pool: models of the last year of each served vendor that have prices (image models for images, embedding models for embeddings). */
export function defaultAutoPool(providers: readonly ProviderInfo[], catalog: Catalog, output: OutputKind = 'text'): string[] {
  const pool = new Set<string>(catalog.definedModelIds());
  for (const provider of providers) {
    for (const id of provider.models) pool.add(normalizeModelId(id));
    for (const vendor of provider.vendors) {
      if (vendor === '*') continue;
      const models = vendorNamesFor(vendor, output).map((name) => catalog.model(`${vendor}/${name}`));
      const newest = models.reduce((latest, model) => ((model.releaseDate ?? '') > latest ? (model.releaseDate ?? '') : latest), '');
      const cutoff = newest ? `${Number(newest.slice(0, 4)) - 1}${newest.slice(4)}` : '';
      for (const model of models) {
        if (!model.price || (model.releaseDate ?? '') < cutoff) continue;
        if (output === 'embedding') {
          // Embedding models may be unpriced (text-embedding-005): in the pool all the same.
          pool.add(model.id);
          continue;
        }
        if ((output === 'text') === model.capabilities.imageOutput) continue;
        if (/deep-research|-preview-\d|^o1-(mini|preview)|codex/.test(model.name)) continue;
        pool.add(model.id);
      }
    }
  }
  return [...pool];
}

/**
 * A pool with `vendor/*` entries (`zen: { models: ['openai/*', ...] }`): each wildcard becomes that
 * vendor's models of the default pool, so a pattern never reaches the wire as a model id.
 */
export function expandVendorWildcards(
  pool: readonly string[],
  providers: readonly ProviderInfo[],
  catalog: Catalog,
  output: OutputKind = 'text',
): readonly string[] {
  if (!pool.some((id) => id.endsWith('/*'))) return pool;
  let defaults: string[] | undefined;
  const expanded = new Set<string>();
  for (const id of pool) {
    if (!id.endsWith('/*')) {
      expanded.add(id);
      continue;
    }
    const prefix = id.slice(0, -1);
    defaults ??= defaultAutoPool(providers, catalog, output);
    for (const model of defaults) if (model.startsWith(prefix)) expanded.add(model);
  }
  return [...expanded];
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
  if (model.embedding) bits |= CAP.embedding;
  return bits;
}

/** Resolves model ids to channels and compiles them into arrays. */
export function compileUniverse(ids: readonly string[], providers: readonly ProviderInfo[], catalog: Catalog): CandidateUniverse {
  const channels: Channel[] = [];
  const ranks: number[] = [];
  const staticRejections: Rejection[] = [];
  for (let rank = 0; rank < ids.length; rank += 1) {
    const id = ids[rank]!;
    const address = addressOf(id, providers);
    const servers = providersFor(address, providers);
    const model = catalog.model(formatModelId(address));
    // A typo (`gpt-5-mni`) must not reach the wire as a model id: say so, with the closest ones.
    if (!isKnownModel(model, catalog) && !isDeclared(address, servers))
      throw unknownModelError(id, address, providers, catalog, describeProviders(providers));
    if (servers.length === 0) {
      staticRejections.push({ channel: model.id, reason: 'no configured provider serves it' });
      continue;
    }
    for (const provider of servers) {
      channels.push(catalog.channel(model.id, provider));
      ranks.push(rank);
    }
  }
  const size = channels.length;
  const modelSlots = new Map<string, number>();
  for (const channel of channels) if (!modelSlots.has(channel.model.id)) modelSlots.set(channel.model.id, modelSlots.size);
  const caps = new Uint8Array(size);
  const limitsAndPrices = new Float64Array(4 * size);
  const disabled = new Uint8Array(size);
  let smallestOutputLimit = Number.POSITIVE_INFINITY;
  channels.forEach((channel, i) => {
    caps[i] = capsOf(channel.model);
    const outputLimit = channel.maxOutputTokens ?? Number.POSITIVE_INFINITY;
    limitsAndPrices[4 * i] = channel.contextWindow ?? Number.POSITIVE_INFINITY;
    limitsAndPrices[4 * i + 1] = outputLimit;
    limitsAndPrices[4 * i + 2] = channel.price?.tiers ? Number.NaN : (channel.price?.inputPerMTok ?? 0) / 1e6;
    limitsAndPrices[4 * i + 3] = (channel.price?.outputPerMTok ?? 0) / 1e6;
    if (outputLimit < smallestOutputLimit) smallestOutputLimit = outputLimit;
    disabled[i] = catalog.channelDisabled(channel.model.id, channel.provider.name) ? 1 : 0;
  });
  const universe: CandidateUniverse = {
    size,
    channels,
    caps,
    limitsAndPrices,
    smallestOutputLimit,
    rank: Int32Array.from(ranks),
    channelIndex: Int32Array.from(channels, (channel) => channel.index),
    modelSlot: Int32Array.from(channels, (channel) => modelSlots.get(channel.model.id)!),
    modelMembers: [...modelSlots.keys()].map((id) => channels.flatMap((channel, i) => (channel.model.id === id ? [i] : []))),
    staticRejections,
    disabled,
    staticReasons: new Map(),
    scratch: newScratch(size),
  };
  return universe;
}

/** Allow and deny list entries: `vendor/*`, a model (any channel), or `model:provider` (that channel). */
function matches(pattern: string, channel: Channel): boolean {
  if (pattern.endsWith('/*')) return channel.model.vendor === pattern.slice(0, -2);
  const pin = `:${channel.provider.name}`;
  if (pattern.endsWith(pin) && channel.model.id === normalizeModelId(pattern.slice(0, -pin.length))) return true;
  return channel.model.id === normalizeModelId(pattern);
}

/**
 * Why each channel of a universe is out whatever the prompt says: disabled in the catalog, left
 * out by the allow and deny lists, unable to make the asked output or to meet the required
 * capabilities. Cached on the universe by output kind, capabilities and the lists' contents.
 */
function staticReasons(
  universe: CandidateUniverse,
  routing: RoutingOptions,
  listed: boolean,
  output: OutputKind,
  required: number,
): Uint8Array {
  const allowModels = listed ? routing.models : undefined;
  const { exclude, providers } = routing;
  // Without lists the key is a small number: no string to build on every call.
  const need = required * 4 + (output === 'text' ? 0 : output === 'image' ? 1 : output === 'image-edit' ? 2 : 3);
  const key =
    !exclude && !providers && !allowModels
      ? need
      : `${need}\u0001${listKey(exclude)}\u0001${listKey(providers)}\u0001${listKey(allowModels)}`;
  const cache = universe.staticReasons;
  let reasons = cache.get(key);
  if (!reasons) {
    reasons = new Uint8Array(universe.size);
    universe.channels.forEach((channel, i) => {
      reasons![i] = staticReason(universe, i, channel, exclude, providers, allowModels, output, required);
    });
    if (cache.size > 64) cache.clear();
    cache.set(key, reasons);
  }
  return reasons;
}

function listKey(list: readonly string[] | undefined): string {
  return list ? `[${list.join('\u0000')}]` : '';
}

function staticReason(
  universe: CandidateUniverse,
  i: number,
  channel: Channel,
  exclude: readonly string[] | undefined,
  providers: readonly string[] | undefined,
  allowModels: readonly string[] | undefined,
  output: OutputKind,
  required: number,
): Reason {
  if (universe.disabled[i]) return Reason.Disabled;
  if (providers && !providers.includes(channel.provider.name)) return Reason.ProviderNotAllowed;
  if (exclude?.some((pattern) => matches(pattern, channel))) return Reason.Excluded;
  if (allowModels && !allowModels.some((pattern) => matches(pattern, channel))) return Reason.NotInAllowList;
  const caps = universe.caps[i]!;
  if (output === 'embedding') {
    // A model no catalog knows, that the caller named and a provider lists, is taken at its word.
    if ((caps & CAP.embedding) === 0 && !channel.model.unknown) return Reason.NotEmbeddingModel;
    if (!canEmbed(channel)) return Reason.CannotEmbed;
    return channel.model.embedding?.vertexOnly && !channel.provider.vertex ? Reason.EmbeddingNeedsVertex : Reason.None;
  }
  if ((caps & CAP.embedding) !== 0) return Reason.EmbeddingModel;
  if (output === 'text') {
    if ((caps & CAP.imageOnly) !== 0) return Reason.ImageModel;
    const missing = required & ~caps;
    return missing & CAP.vision
      ? Reason.NoVision
      : missing & CAP.tools
        ? Reason.NoTools
        : missing
          ? Reason.NoStructuredOutput
          : Reason.None;
  }
  if ((caps & CAP.imageOutput) === 0) return Reason.CannotMakeImages;
  if (output === 'image-edit' && !canEditImages(channel)) return Reason.CannotEditImages;
  if (!servesImagen(channel)) return Reason.NeedsVertex;
  return Reason.None;
}

export interface FilterInput {
  universe: CandidateUniverse;
  analysis: PromptAnalysis;
  routing: RoutingOptions;
  quality: QualityModel;
  stats: LiveStats & {
    outputTokensTable?(category: string): Float64Array | undefined;
    outputTokensAverage?(category: string): number | undefined;
  };
  output: OutputKind;
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
  const { survivors, cost, logCost, qualityMean, qualityUncertainty, reasons } = scratch;
  // Image calls are not held to the text checks (capabilities, context window).
  const wantsImages = input.output !== 'text';
  let required = 0;
  if (!wantsImages) {
    if (analysis.requires.tools) required |= CAP.tools;
    if (analysis.requires.vision) required |= CAP.vision;
    if (analysis.requires.structuredOutput) required |= CAP.structuredOutput;
  }
  // The reasons that hold whatever the prompt's size; the loop only writes the ones it finds.
  const base = staticReasons(universe, routing, input.listed, input.output, required);
  reasons.set(base);
  const needed = analysis.inputTokens + (analysis.maxOutputTokens ?? 0);
  const contextNeeded = wantsImages ? Number.NEGATIVE_INFINITY : needed;
  // Numbers the loop uses are made plain with unary plus: the engine then keeps them unboxed,
  // where a value read off an object is checked and unboxed again on every use.
  const inputTokens = +analysis.inputTokens;
  const history = input.stats.outputTokensTable?.(analysis.category);
  // Channels without history get the category's average over all channels, so that estimates of
  // seen and unseen channels stay comparable.
  const defaultOutput = +(
    analysis.maxOutputTokens ??
    input.stats.outputTokensAverage?.(analysis.category) ??
    DEFAULT_OUTPUT_TOKENS[analysis.category] ??
    300
  );
  const maxCost = +(routing.maxCost ?? Number.POSITIVE_INFINITY);
  const useHistory = analysis.maxOutputTokens === undefined && history !== undefined;
  // Locals for the loop: property loads off `universe` on every pass cost more than the tests.
  const { limitsAndPrices, channelIndex, channels } = universe;
  // An output guess no channel's limit is below needs no clamping: one load less per channel.
  const mayClamp = useHistory || defaultOutput > universe.smallestOutputLimit;
  let count = 0;
  let tieredSurvivors = false;
  for (let i = 0; i < n; i += 1) {
    if (base[i] !== 0) continue; // 0 is Reason.None (an imported enum member is a load on every use)
    const at = 4 * i; // context window, output limit, input price, output price
    if (contextNeeded > limitsAndPrices[at]!) {
      reasons[i] = Reason.ContextWindow;
      continue;
    }
    let expected = defaultOutput;
    if (useHistory) {
      const seen = history![channelIndex[i]!]!;
      if (seen > 0) expected = seen; // NaN (never seen) fails the test
    }
    if (mayClamp) {
      const limit = limitsAndPrices[at + 1]!;
      if (expected > limit) expected = limit;
    }
    const estimate = inputTokens * limitsAndPrices[at + 2]! + expected * limitsAndPrices[at + 3]!;
    // A tiered price is stored as NaN, so the estimate comes out NaN: such channels are priced
    // after the loop (a call in the loop would make the engine reload every array on every
    // pass). Until then the cost slot holds the expected output.
    if (Number.isNaN(estimate) && channels[i]!.price?.tiers) {
      cost[i] = expected;
      survivors[count++] = i;
      tieredSurvivors = true;
      continue;
    }
    cost[i] = estimate;
    if (estimate > maxCost) reasons[i] = Reason.MaxCost;
    else {
      logCost[count] = log2Cost(estimate);
      survivors[count++] = i;
    }
  }
  if (tieredSurvivors) count = priceTiered(universe, inputTokens, maxCost, count);
  // Per-prompt logistic models are evaluated by the policy (no pass here); per-category models
  // expose their arrays; the rest are asked per candidate.
  const logistic: LogisticQuality | undefined =
    input.prepared && input.quality.logisticArrays
      ? {
          packed: input.quality.logisticArrays(analysis.category),
          difficulty: +(analysis.features?.difficulty ?? 0),
          discrimination: +(analysis.features?.discrimination ?? 1),
        }
      : undefined;
  const direct = !logistic && input.prepared && input.quality.categoryArrays ? input.quality.categoryArrays(analysis.category) : undefined;
  if (!direct && !logistic) fillQuality(input, survivors, count, qualityMean, qualityUncertainty);
  const qualityIndex = direct || logistic ? channelIndex : undefined;
  if (routing.minQuality !== undefined || routing.maxLatencyMs !== undefined) {
    const view = {
      qualityMean: direct ? direct.mean : qualityMean,
      qualityUncertainty: direct ? direct.uncertainty : qualityUncertainty,
      qualityIndex,
      logistic,
    };
    let kept = 0;
    for (let k = 0; k < count; k += 1) {
      const i = survivors[k]!;
      let reason: number = Reason.None;
      if (routing.minQuality !== undefined && qualityAt(view, i).mean < routing.minQuality) reason = Reason.MinQuality;
      else if (routing.maxLatencyMs !== undefined) {
        const p95 = input.stats.latencyQuantile(universe.channels[i]!, 'total', 0.95);
        if (p95 !== undefined && p95 > routing.maxLatencyMs) reason = Reason.MaxLatency;
      }
      reasons[i] = reason;
      if (reason === Reason.None) {
        logCost[kept] = logCost[k]!;
        survivors[kept++] = i;
      }
    }
    count = kept;
  }
  return {
    universe,
    analysis,
    category: analysis.category,
    survivors,
    count,
    cost,
    logCost,
    reasons,
    generation,
    neededTokens: needed,
    qualityMean: direct ? direct.mean : qualityMean,
    qualityUncertainty: direct ? direct.uncertainty : qualityUncertainty,
    qualityIndex,
    logistic,
    limits: { maxCost: routing.maxCost, minQuality: routing.minQuality, maxLatencyMs: routing.maxLatencyMs },
  };
}

/**
 * Prices the survivors with tiered prices (their cost slot holds the expected output) and drops
 * those above `maxCost`, keeping the others in order; returns the new count.
 */
function priceTiered(universe: CandidateUniverse, inputTokens: number, maxCost: number, count: number): number {
  const { survivors, cost, logCost, reasons } = universe.scratch;
  let kept = 0;
  for (let k = 0; k < count; k += 1) {
    const i = survivors[k]!;
    let log = logCost[k]!;
    if (universe.channels[i]!.price?.tiers) {
      const estimate = estimateCost(universe.channels[i]!.price, inputTokens, cost[i]!);
      cost[i] = estimate;
      if (estimate > maxCost) {
        reasons[i] = Reason.MaxCost;
        continue;
      }
      log = log2Cost(estimate);
    }
    logCost[kept] = log;
    survivors[kept++] = i;
  }
  return kept;
}

/** log2(1 + k/1024), k = 0..1024: the mantissa part of a log. */
const LOG2_TABLE = Float64Array.from({ length: 1026 }, (_, k) => Math.log2(1 + Math.min(k, 1024) / 1024));
/** A float and its raw words, to read a number's exponent and mantissa. */
const FLOAT = new Float64Array(1);
const FLOAT_HIGH_WORD = new Uint32Array(FLOAT.buffer, new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 4 : 0, 1);

/**
 * log2 of a cost, from the float's exponent and mantissa with a table and linear interpolation
 * (error < 2e-6); costs below 2^-40 USD (zero, unknown prices) count as 1e-12. Several times
 * cheaper than Math.log2, which routing would call for every candidate.
 */
function log2Cost(cost: number): number {
  FLOAT[0] = cost;
  const bits = FLOAT_HIGH_WORD[0]!;
  const exponent = (bits >>> 20) - 1023;
  if (exponent < -40) return Math.log2(1e-12); // zero and unknown prices: a finite floor, not -Infinity
  const mantissa = bits & 0xfffff;
  const slot = mantissa >>> 10;
  const fraction = (mantissa & 1023) / 1024;
  const low = LOG2_TABLE[slot]!;
  return exponent + low + fraction * (LOG2_TABLE[slot + 1]! - low);
}

function fillQuality(input: FilterInput, survivors: Int32Array, count: number, mean: Float64Array, uncertainty: Float64Array): void {
  const { quality, universe, analysis } = input;
  if (quality.estimateMany && CATEGORY_INDEX.has(analysis.category)) {
    quality.estimateMany(universe.channels, universe.channelIndex, survivors, count, analysis.category, mean, uncertainty, analysis);
    return;
  }
  for (let k = 0; k < count; k += 1) {
    const i = survivors[k]!;
    const estimate = quality.estimate(universe.channels[i]!, analysis.category, analysis);
    mean[i] = estimate.mean;
    uncertainty[i] = estimate.uncertainty;
  }
}
