import { ZenError } from '../core/errors.js';
import { formatModelId } from '../core/model-id.js';
import type { Catalog, ModelInfo, ProviderInfo } from './catalog.js';
import { normalizeModelId } from './catalog.js';
import { addressOf, describeProviders } from './candidates.js';
import { embeddingModelNames } from './embedding-models.js';
import { imageModelNames } from './image-models.js';
import { vendorModelNames, type EmbeddingFacts, type ModelCapabilities, type PriceTable } from './model-data.js';

/** What zenrouter knows of a listed model, beside the openai fields. */
export interface ZenModelFacts {
  /** The providers that serve it, by name. */
  providers: string[];
  displayName?: string;
  contextWindow?: number;
  maxOutputTokens?: number;
  /** USD per million tokens (and per image for image models); absent when no data prices it. */
  price?: PriceTable;
  capabilities: ModelCapabilities;
  /** Set for embedding models. */
  embedding?: EmbeddingFacts;
  releaseDate?: string;
  /** False when no data package and no host definition knows the model (served by a provider's `models` list only). */
  known: boolean;
}

/** The openai SDK's Model (`id`, `object`, `created`, `owned_by`), with zenrouter's facts in `zen`. */
export interface ZenModel {
  id: string;
  object: 'model';
  /** The release date as Unix seconds, 0 when unknown. */
  created: number;
  owned_by: string;
  zen: ZenModelFacts;
}

/** One model the configured providers can serve, and who serves it. */
export interface ServedModel {
  model: ModelInfo;
  /** The providers that serve it, by name, in configuration order. */
  providers: string[];
}

/** The providers serving a model: those listing it, serving its vendor, or any vendor (`*`). */
function servingProviders(id: string, providers: readonly ProviderInfo[]): string[] {
  const address = addressOf(id, providers);
  const full = formatModelId(address);
  return providers
    .filter(
      (provider) =>
        (address.provider === undefined || provider.name === address.provider) &&
        (provider.models.includes(address.name) ||
          provider.models.includes(full) ||
          provider.vendors.includes('*') ||
          (address.vendor !== undefined && provider.vendors.includes(address.vendor))),
    )
    .map((provider) => provider.name);
}

function vendorsOf(providers: readonly ProviderInfo[]): string[] {
  return [...new Set(providers.flatMap((provider) => provider.vendors.filter((vendor) => vendor !== '*')))];
}

/**
 * Every model the configured providers serve that the catalog knows by name: the host's defined
 * models, the models providers list, and each served vendor's text, image and embedding models
 * in the bundled data. A provider serving any vendor (OpenRouter) adds itself to each entry; the
 * models only it serves cannot be enumerated here. Sorted by id.
 */
export async function listServedModels(catalog: Catalog, providers: readonly ProviderInfo[]): Promise<ServedModel[]> {
  const vendors = vendorsOf(providers);
  await catalog.load(vendors);
  const ids = new Set<string>(catalog.definedModelIds());
  for (const provider of providers) for (const id of provider.models) ids.add(normalizeModelId(id));
  for (const vendor of vendors) {
    for (const name of [...vendorModelNames(vendor), ...imageModelNames(vendor), ...embeddingModelNames(vendor)])
      ids.add(`${vendor}/${name}`);
  }
  const served: ServedModel[] = [];
  for (const id of [...ids].sort()) {
    const serving = servingProviders(id, providers);
    if (serving.length > 0) served.push({ model: catalog.model(id), providers: serving });
  }
  return served;
}

/**
 * One model by id (`gpt-4o`, `openai/gpt-4o`, or pinned `openai/gpt-4o:azure`): a `not_found`
 * ZenError naming what is configured when no provider serves it.
 */
export async function retrieveServedModel(catalog: Catalog, providers: readonly ProviderInfo[], id: string): Promise<ServedModel> {
  const address = addressOf(id, providers);
  const full = formatModelId(address);
  if (address.vendor) await catalog.load([address.vendor]);
  const serving = servingProviders(id, providers);
  if (serving.length === 0) {
    throw new ZenError({
      kind: 'not_found',
      retryable: false,
      message: `No configured provider serves the model '${full}'. ${describeProviders(providers)}`,
    });
  }
  return { model: catalog.model(full), providers: serving };
}

/** A served model in the openai SDK's shape. */
export function toOpenAIModel({ model, providers }: ServedModel): ZenModel {
  const released = model.releaseDate ? Date.parse(model.releaseDate) : Number.NaN;
  const zen: ZenModelFacts = {
    providers,
    capabilities: model.capabilities,
    known: !model.unknown,
    ...(model.displayName ? { displayName: model.displayName } : {}),
    ...(model.contextWindow !== undefined ? { contextWindow: model.contextWindow } : {}),
    ...(model.maxOutputTokens !== undefined ? { maxOutputTokens: model.maxOutputTokens } : {}),
    ...(model.price ? { price: model.price } : {}),
    ...(model.embedding ? { embedding: model.embedding } : {}),
    ...(model.releaseDate ? { releaseDate: model.releaseDate } : {}),
  };
  return {
    id: model.id,
    object: 'model',
    created: Number.isFinite(released) ? Math.floor(released / 1000) : 0,
    owned_by: model.vendor ?? providers[0] ?? 'unknown',
    zen,
  };
}
