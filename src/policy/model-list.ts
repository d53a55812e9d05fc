import { ZenError } from '../core/errors.js';
import { formatModelId } from '../core/model-id.js';
import type { Catalog, ModelInfo, ProviderInfo } from './catalog.js';
import { normalizeModelId } from './catalog.js';
import { addressOf, describeProviders } from './candidates.js';
import { embeddingModelNames } from './embedding-models.js';
import { imageModelNames } from './image-models.js';
import { vendorModelNames } from './model-data.js';

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
    for (const name of [...vendorModelNames(vendor), ...imageModelNames(vendor), ...embeddingModelNames(vendor)]) ids.add(`${vendor}/${name}`);
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
    throw new ZenError({ kind: 'not_found', retryable: false, message: `No configured provider serves the model '${full}'. ${describeProviders(providers)}` });
  }
  return { model: catalog.model(full), providers: serving };
}
