import type { EmbeddingRequest } from '../core/embedding.js';
import { ZenError } from '../core/errors.js';
import { formatModelId } from '../core/model-id.js';
import { addressOf } from './candidates.js';
import type { Catalog, ProviderInfo } from './catalog.js';
import type { RoutingOptions } from './types.js';

/**
 * What an embedding call must settle before it is routed. Vectors of different models live in
 * different spaces (a query embedded by one cannot be compared with documents embedded by
 * another), so a plan holds the channels of one model: a list of models, a `vendor/*` wildcard or
 * `auto` is refused unless the host opts in with `allowMixedEmbeddingModels`. A `dimensions` the
 * model cannot make is refused here too, before anything is sent.
 */
export function checkEmbeddingCall(
  model: string | string[],
  routing: RoutingOptions,
  request: EmbeddingRequest,
  providers: readonly ProviderInfo[],
  catalog: Catalog,
): void {
  const ids = model === 'auto' ? undefined : Array.isArray(model) ? model : [model];
  const mixedAllowed = routing.allowMixedEmbeddingModels === true;
  const models = new Set<string>();
  for (const id of ids ?? []) {
    if (id.endsWith('/*') && !mixedAllowed) throw mixingError(`the wildcard "${id}"`);
    const address = addressOf(id, providers);
    models.add(formatModelId({ vendor: address.vendor, name: address.name }));
  }
  if (!mixedAllowed) {
    if (!ids) throw mixingError('"auto"');
    if (models.size > 1) throw mixingError(`the list ${[...models].map((id) => `"${id}"`).join(', ')}`);
  }
  const dimensions = request.dimensions;
  if (dimensions === undefined) return;
  for (const id of models) {
    const facts = catalog.model(id).embedding;
    if (!facts?.dimensions) continue;
    if (!facts.flexibleDimensions && dimensions !== facts.dimensions) {
      throw invalidDimensions(
        `${id} makes ${facts.dimensions}-dimensional vectors and cannot shorten them; leave dimensions out (or set it to ${facts.dimensions}).`,
      );
    }
    if (dimensions > facts.dimensions)
      throw invalidDimensions(`dimensions must be at most ${facts.dimensions} for ${id}, got ${dimensions}.`);
  }
}

function mixingError(what: string): ZenError {
  return new ZenError({
    kind: 'invalid_request',
    retryable: false,
    code: 'model',
    message:
      `Embeddings need one model: ${what} could fail over between embedding models whose vectors live in different spaces (not comparable with each other). ` +
      'Name one embedding model (e.g. "openai/text-embedding-3-small"); its channels at several providers still fail over. ' +
      "To allow mixing anyway, set zen: { allowMixedEmbeddingModels: true } on the call (or in the client's routing).",
  });
}

function invalidDimensions(message: string): ZenError {
  return new ZenError({ kind: 'invalid_request', retryable: false, code: 'dimensions', message: `${message} (param: dimensions)` });
}
