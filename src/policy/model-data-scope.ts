/**
 * Which vendors' model data a routing call can reach, so that the router loads just those before
 * it compiles candidates (./model-data.ts loads per vendor, on first use). The answer for a pool
 * or a provider set is remembered by the array's identity: a call with a known pool costs one
 * lookup per vendor.
 */
import { parseModelId } from '../core/model-id.js';
import type { Catalog, ProviderInfo } from './catalog.js';
import { missingModelData, modelDataLoaded } from './model-data.js';

const NOTHING: string[] = [];

const vendorsOfList = new WeakMap<readonly string[], string[]>();

function vendorsOf(ids: readonly string[]): string[] {
  let vendors = vendorsOfList.get(ids);
  if (!vendors) {
    const found = new Set<string>();
    for (const id of ids) {
      const vendor = parseModelId(id).vendor;
      if (vendor) found.add(vendor);
    }
    vendors = [...found];
    vendorsOfList.set(ids, vendors);
  }
  return vendors;
}

const vendorsOfProviders = new WeakMap<readonly ProviderInfo[], string[]>();

/** What the default `auto` pool reads: the vendors providers serve, their listed models'. */
function providerVendors(providers: readonly ProviderInfo[]): string[] {
  let vendors = vendorsOfProviders.get(providers);
  if (!vendors) {
    const found = new Set<string>();
    for (const provider of providers) {
      for (const vendor of provider.vendors) if (vendor !== '*') found.add(vendor);
      for (const vendor of vendorsOf(provider.models)) found.add(vendor);
    }
    vendors = [...found];
    vendorsOfProviders.set(providers, vendors);
  }
  return vendors;
}

const vendorsOfCatalog = new WeakMap<Catalog, { version: number; vendors: string[] }>();

/** The vendors of the host's own models, read again when the catalog changes. */
function definedVendors(catalog: Catalog): string[] {
  let known = vendorsOfCatalog.get(catalog);
  if (!known || known.version !== catalog.version) {
    known = { version: catalog.version, vendors: vendorsOf(catalog.definedModelIds()) };
    vendorsOfCatalog.set(catalog, known);
  }
  return known.vendors;
}

/**
 * The vendors whose data is not loaded yet among those a call can reach: the models it names, the
 * pool it routes over, or, for the default `auto` pool, the vendors of the configured providers
 * and of the host's own models. Empty (the common case) when nothing is missing.
 */
export function modelDataToLoad(
  ids: readonly string[] | undefined,
  pool: readonly string[] | undefined,
  providers: readonly ProviderInfo[],
  catalog: Catalog,
): string[] {
  if (ids?.length === 1) {
    const vendor = parseModelId(ids[0]!).vendor ?? '';
    return modelDataLoaded(vendor) ? NOTHING : [vendor];
  }
  if (ids) return missingModelData(vendorsOf(ids));
  if (pool) return missingModelData(vendorsOf(pool));
  const missing = missingModelData(providerVendors(providers));
  const defined = definedVendors(catalog);
  if (defined.length === 0) return missing;
  const missingDefined = missingModelData(defined);
  return missingDefined.length === 0 ? missing : [...new Set([...missing, ...missingDefined])];
}
