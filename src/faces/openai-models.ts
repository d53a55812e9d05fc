import type { Model } from 'openai/resources/models';
import type { FromPeer } from '../core/peer-types.js';
import type { EmbeddingFacts, ModelCapabilities, PriceTable } from '../policy/model-data.js';
import type { ServedModel } from '../policy/model-list.js';
import { ZenAPIPromise } from './api-promise.js';
import { invalidRequest } from './invalid-request.js';

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
export type ZenModel = FromPeer<Model, 'openai'> & { zen: ZenModelFacts };

/** The openai SDK's models page: `data`, and iteration (one page holds every model). */
export interface ZenModelsPage extends AsyncIterable<ZenModel> {
  object: 'list';
  data: ZenModel[];
  getPaginatedItems(): ZenModel[];
  hasNextPage(): boolean;
  iterPages(): AsyncGenerator<ZenModelsPage>;
}

/** Where the models come from: the client's catalog and configured providers. */
export interface ModelSource {
  list(): Promise<ServedModel[]>;
  retrieve(id: string): Promise<ServedModel>;
}

/** `models.list()`'s promise: awaited it is the page, and like the SDK's PagePromise it can be iterated directly. */
export class ZenModelsPagePromise extends ZenAPIPromise<ZenModelsPage> implements AsyncIterable<ZenModel> {
  async *[Symbol.asyncIterator](): AsyncGenerator<ZenModel> {
    yield* (await this).data;
  }
}

function toModel({ model, providers }: ServedModel): ZenModel {
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

function page(data: ZenModel[]): ZenModelsPage {
  const result: ZenModelsPage = {
    object: 'list',
    data,
    getPaginatedItems: () => data,
    hasNextPage: () => false,
    async *iterPages() {
      yield result;
    },
    async *[Symbol.asyncIterator]() {
      yield* data;
    },
  };
  // Iteration and the page methods are the SDK page's behaviour, not its JSON.
  for (const key of ['getPaginatedItems', 'hasNextPage', 'iterPages'] as const) Object.defineProperty(result, key, { enumerable: false });
  return result;
}

/** The Response for a models answer: its JSON and a request id of its own (no call stands behind it). */
function respond(data: unknown): Response {
  return new Response(JSON.stringify(data), { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': `req_${crypto.randomUUID()}` } });
}

/**
 * The openai SDK's `models.list()` and `models.retrieve()` over the configured catalog: every model
 * the configured providers serve (by the catalog's ids, `openai/gpt-4o`), with zenrouter's facts
 * in `zen`. Nothing is sent to a provider. The ids work as `model` in every face.
 */
export class OpenAIModels {
  constructor(private readonly source: ModelSource) {}

  list(): ZenModelsPagePromise {
    return new ZenModelsPagePromise(this.source.list().then((served) => page(served.map(toModel))), respond);
  }

  /** One model: `gpt-4o`, `openai/gpt-4o` or a provider pin; a `not_found` ZenError when no configured provider serves it. */
  retrieve(model: string): ZenAPIPromise<ZenModel> {
    const found = (async () => {
      if (typeof model !== 'string' || model.trim() === '') throw invalidRequest('models.retrieve() takes a model id, such as "gpt-4o" or "openai/gpt-4o".', 'model');
      return toModel(await this.source.retrieve(model));
    })();
    return new ZenAPIPromise(found, respond);
  }
}
