import { configurationError } from '../core/errors.js';
import { formatModelId, parseModelId } from '../core/model-id.js';
import type { ProviderFamily } from '../core/request.js';
import {
  knownVendors,
  loadModelData,
  lookupModelFacts,
  modelDataVersion,
  type EmbeddingFacts,
  type ModelCapabilities,
  type PriceTable,
} from './model-data.js';
import { withImageModelFacts } from './image-models.js';
import { withEmbeddingModelFacts } from './embedding-models.js';
import type { TaskCategory } from './analyze-prompt.js';

/** What the host may say about a model: anything it sets wins over the data packages. */
export interface ModelDefinition {
  capabilities?: Partial<ModelCapabilities>;
  contextWindow?: number;
  maxOutputTokens?: number;
  price?: PriceTable;
  /** Prior quality (0..1) per task category, or one number for all. */
  quality?: number | Partial<Record<TaskCategory, number>>;
  /** Include in the `auto` pool even without the pool option (default true for defined models). */
  auto?: boolean;
  /**
   * Makes it an embedding model for `zen.embeddings` (an OpenAI-compatible server's
   * `nomic-embed-text`, say), or changes what the built-in table says of one.
   */
  embedding?: Partial<EmbeddingFacts>;
}

/** What the host may say about one model at one provider. */
export interface ChannelDefinition {
  /** The provider's own id for the model (`claude-sonnet-4-5@20250929` on Vertex). */
  providerModelId?: string;
  price?: PriceTable;
  contextWindow?: number;
  maxOutputTokens?: number;
  /** Weight for load balancing across channels of one model (default 1). */
  weight?: number;
  disabled?: boolean;
}

export interface ModelInfo {
  /** `vendor/name` (or the bare name when the vendor is unknown). */
  id: string;
  vendor: string | undefined;
  name: string;
  displayName?: string;
  capabilities: ModelCapabilities;
  contextWindow: number | undefined;
  maxOutputTokens: number | undefined;
  price: PriceTable | undefined;
  releaseDate?: string;
  quality?: number | Partial<Record<TaskCategory, number>>;
  /** True when no data package and no host definition knows the model. */
  unknown: boolean;
  /** Set for embedding models: vector size, whether it can be shortened, per-input and per-call limits. */
  embedding?: EmbeddingFacts;
  pricing?: { providerId: string; modelId: string };
  sources: { capabilities?: string; price?: string };
}

export interface ProviderInfo {
  name: string;
  family: ProviderFamily;
  /** Vendors whose models this provider serves. `*` serves any vendor (OpenRouter). */
  vendors: readonly string[];
  /** Model ids served beyond the vendors' catalogues (vLLM, Ollama). */
  models: readonly string[];
  /** A Google client in Vertex AI mode (Imagen is served there only). */
  vertex?: boolean;
}

export interface Channel {
  /** `vendor/name:provider` */
  id: string;
  /** Dense number, stable for the catalog's life: the index into per-channel state arrays. */
  index: number;
  model: ModelInfo;
  provider: ProviderInfo;
  providerModelId: string;
  price: PriceTable | undefined;
  contextWindow: number | undefined;
  maxOutputTokens: number | undefined;
  weight: number;
}

const PERMISSIVE: ModelCapabilities = {
  tools: true,
  vision: true,
  structuredOutput: true,
  reasoning: false,
  imageOutput: false,
  temperature: true,
};

export interface CatalogOptions {
  models?: Record<string, ModelDefinition>;
  channels?: Record<string, ChannelDefinition>;
}

/**
 * What is known about models and channels. Facts come from the maintained data packages; the
 * host's definitions override them and add models no package knows.
 *
 * The packages' data loads per vendor on first use (./model-data.ts): the client loads what a
 * call can reach before routing it. Reading facts directly, load them first with `load()`.
 */
export class Catalog {
  private readonly modelCache = new Map<string, ModelInfo>();
  private readonly channelCache = new Map<string, Channel>();
  private readonly channelList: Channel[] = [];
  private readonly modelDefinitions: Map<string, ModelDefinition>;
  private readonly channelDefinitions: Map<string, ChannelDefinition>;
  private definitionVersion = 0;
  /** The model data version the cached facts were read at. */
  private dataVersion = modelDataVersion();

  /** Changes on every definition change and data load, so compiled candidate sets know to rebuild. */
  get version(): number {
    return this.definitionVersion + modelDataVersion();
  }

  /**
   * Loads the data packages' facts for these vendors (`vendor` or `vendor/model` ids; every known
   * vendor by default), for reading facts before the first call.
   */
  async load(vendorsOrIds: readonly string[] = knownVendors()): Promise<void> {
    const vendors = new Set(knownVendors());
    await loadModelData(vendorsOrIds.map((entry) => (vendors.has(entry) ? entry : (parseModelId(entry).vendor ?? entry))));
  }

  /** Facts read before data arrived are read again. */
  private refreshIfDataLoaded(): void {
    if (this.dataVersion === modelDataVersion()) return;
    this.dataVersion = modelDataVersion();
    this.modelCache.clear();
    for (const channel of this.channelList) this.refreshChannel(channel);
  }

  constructor(options: CatalogOptions = {}) {
    this.modelDefinitions = new Map(Object.entries(options.models ?? {}).map(([id, definition]) => [normalizeModelId(id), definition]));
    this.channelDefinitions = new Map(Object.entries(options.channels ?? {}));
    for (const [id, definition] of this.channelDefinitions) validateChannelDefinition(id, definition);
    for (const [id, definition] of this.modelDefinitions) validateModelDefinition(id, definition);
  }

  /** Adds or replaces a host definition at run time. */
  defineModel(id: string, definition: ModelDefinition): void {
    validateModelDefinition(id, definition);
    const key = normalizeModelId(id);
    this.modelDefinitions.set(key, definition);
    this.modelCache.delete(key);
    this.definitionVersion += 1;
    for (const channel of this.channelList) if (channel.model.id === key) this.refreshChannel(channel);
  }

  defineChannel(id: string, definition: ChannelDefinition): void {
    validateChannelDefinition(id, definition);
    this.channelDefinitions.set(id, definition);
    this.definitionVersion += 1;
    const channel = this.channelCache.get(id);
    if (channel) this.refreshChannel(channel);
  }

  /** Whether the host defined this model (in the `models` option or with defineModel). */
  hasDefinition(id: string): boolean {
    return this.modelDefinitions.has(normalizeModelId(id));
  }

  definedModelIds(): string[] {
    return [...this.modelDefinitions.keys()];
  }

  model(id: string): ModelInfo {
    this.refreshIfDataLoaded();
    const key = normalizeModelId(id);
    let info = this.modelCache.get(key);
    if (!info) {
      info = this.buildModel(key);
      this.modelCache.set(key, info);
    }
    return info;
  }

  channelDisabled(modelId: string, provider: string): boolean {
    return this.channelDefinitions.get(`${normalizeModelId(modelId)}:${provider}`)?.disabled === true;
  }

  /** The channel of `model` at `provider`, created on first use. */
  channel(modelId: string, provider: ProviderInfo): Channel {
    this.refreshIfDataLoaded();
    const model = this.model(modelId);
    const id = `${model.id}:${provider.name}`;
    let channel = this.channelCache.get(id);
    if (!channel) {
      channel = {
        id,
        index: this.channelList.length,
        model,
        provider,
        providerModelId: model.name,
        price: undefined,
        contextWindow: undefined,
        maxOutputTokens: undefined,
        weight: 1,
      };
      this.refreshChannel(channel);
      this.channelCache.set(id, channel);
      this.channelList.push(channel);
    }
    return channel;
  }

  /** Every channel created so far. */
  channels(): readonly Channel[] {
    this.refreshIfDataLoaded();
    return this.channelList;
  }

  private refreshChannel(channel: Channel): void {
    const model = this.model(channel.model.id);
    const definition = this.channelDefinitions.get(channel.id) ?? {};
    channel.model = model;
    channel.providerModelId = definition.providerModelId ?? listedId(channel.provider, model.id) ?? model.name;
    channel.price = definition.price ?? model.price;
    channel.contextWindow = definition.contextWindow ?? model.contextWindow;
    channel.maxOutputTokens = definition.maxOutputTokens ?? model.maxOutputTokens;
    channel.weight = definition.weight ?? 1;
  }

  private buildModel(id: string): ModelInfo {
    const address = parseModelId(id);
    const facts = withEmbeddingModelFacts(
      address.vendor,
      address.name,
      withImageModelFacts(address.vendor, address.name, lookupModelFacts(address.vendor, address.name)),
    );
    const definition = this.modelDefinitions.get(id);
    const known = Boolean(facts.capabilities || facts.price || definition);
    const capabilities: ModelCapabilities = { ...(facts.capabilities ?? PERMISSIVE), ...definition?.capabilities };
    return {
      id,
      vendor: address.vendor,
      name: address.name,
      displayName: facts.displayName,
      capabilities,
      contextWindow: definition?.contextWindow ?? facts.contextWindow,
      maxOutputTokens: definition?.maxOutputTokens ?? facts.maxOutputTokens,
      price: definition?.price ?? facts.price,
      releaseDate: facts.releaseDate,
      quality: definition?.quality,
      unknown: !known,
      ...(facts.embedding || definition?.embedding
        ? { embedding: { flexibleDimensions: false, ...facts.embedding, ...definition?.embedding } }
        : {}),
      pricing: definition?.price ? undefined : facts.pricing,
      sources: {
        capabilities: definition?.capabilities ? 'host' : facts.sources.capabilities,
        price: definition?.price ? 'host' : facts.sources.price,
      },
    };
  }
}

/**
 * The id a provider listed in its `models` for this model, when it has a `/`: a vLLM server serves
 * `meta-llama/Llama-3.1-8B-Instruct` under that whole name, not under the part after the vendor.
 */
function listedId(provider: ProviderInfo, modelId: string): string | undefined {
  return provider.models.find((id) => id.includes('/') && normalizeModelId(id) === modelId);
}

/** `gpt-4o` → `openai/gpt-4o`; `vendor/name` stays; a colon is part of the name (`llama3.1:8b`). */
export function normalizeModelId(id: string): string {
  const address = parseModelId(id);
  return formatModelId(address);
}

function validatePrice(where: string, price: PriceTable | undefined): void {
  if (!price) return;
  for (const [key, value] of Object.entries(price)) {
    if (key === 'tiers') continue;
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      throw configurationError(
        `${where}: price.${key} must be a non-negative number of USD per million tokens, got ${JSON.stringify(value)}.`,
      );
    }
  }
}

function validatePositive(where: string, key: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)) {
    throw configurationError(`${where}: ${key} must be a positive number, got ${JSON.stringify(value)}.`);
  }
}

function validateModelDefinition(id: string, definition: ModelDefinition): void {
  const where = `Model definition "${id}"`;
  validatePrice(where, definition.price);
  validatePositive(where, 'contextWindow', definition.contextWindow);
  validatePositive(where, 'maxOutputTokens', definition.maxOutputTokens);
  validateEmbeddingDefinition(where, definition.embedding);
  const quality = definition.quality;
  const values = typeof quality === 'number' ? [quality] : Object.values(quality ?? {});
  for (const value of values) {
    if (typeof value !== 'number' || value < 0 || value > 1)
      throw configurationError(`${where}: quality values must be numbers from 0 to 1, got ${JSON.stringify(value)}.`);
  }
}

function validateChannelDefinition(id: string, definition: ChannelDefinition): void {
  const where = `Channel definition "${id}"`;
  if (!/^[^:]+:[^:]+$/.test(id.replace(/^[^/]*\//, ''))) {
    throw configurationError(`${where}: channel ids are "vendor/model:provider", e.g. "anthropic/claude-sonnet-4-5:vertex".`);
  }
  validatePrice(where, definition.price);
  validatePositive(where, 'contextWindow', definition.contextWindow);
  validatePositive(where, 'maxOutputTokens', definition.maxOutputTokens);
  if (definition.weight !== undefined && (typeof definition.weight !== 'number' || definition.weight < 0)) {
    throw configurationError(`${where}: weight must be a non-negative number.`);
  }
}

function validateEmbeddingDefinition(where: string, embedding: Partial<EmbeddingFacts> | undefined): void {
  if (embedding === undefined) return;
  if (typeof embedding !== 'object' || embedding === null)
    throw configurationError(
      `${where}: embedding must be an object ({ dimensions, flexibleDimensions, maxInputTokens, maxInputsPerCall }).`,
    );
  for (const key of ['dimensions', 'maxInputTokens', 'maxInputsPerCall'] as const) {
    const value = embedding[key];
    if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value) && value > 0)) {
      throw configurationError(`${where}: embedding.${key} must be a whole number >= 1, got ${JSON.stringify(value)}.`);
    }
  }
  if (embedding.flexibleDimensions !== undefined && typeof embedding.flexibleDimensions !== 'boolean') {
    throw configurationError(`${where}: embedding.flexibleDimensions must be true or false.`);
  }
}
