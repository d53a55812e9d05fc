import { ZenAPIPromise } from './api-promise.js';
import { invalidRequest } from './invalid-request.js';

/** The openai SDK's models page: `data`, and iteration (one page holds every model). */
export interface ZenModelsPage<M> extends AsyncIterable<M> {
  object: 'list';
  data: M[];
  getPaginatedItems(): M[];
  hasNextPage(): boolean;
  iterPages(): AsyncGenerator<ZenModelsPage<M>>;
}

/** Where the models come from (the client's catalog and configured providers), already in the openai shape. */
export interface ModelSource<M> {
  list(): Promise<M[]>;
  retrieve(id: string): Promise<M>;
}

/** `models.list()`'s promise: awaited it is the page, and like the SDK's PagePromise it can be iterated directly. */
export class ZenModelsPagePromise<M> extends ZenAPIPromise<ZenModelsPage<M>> implements AsyncIterable<M> {
  async *[Symbol.asyncIterator](): AsyncGenerator<M> {
    yield* (await this).data;
  }
}

function page<M>(data: M[]): ZenModelsPage<M> {
  const result: ZenModelsPage<M> = {
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
  return new Response(JSON.stringify(data), {
    status: 200,
    headers: { 'content-type': 'application/json', 'x-request-id': `req_${crypto.randomUUID()}` },
  });
}

/**
 * The openai SDK's `models.list()` and `models.retrieve()` over the configured catalog: every model
 * the configured providers serve (by the catalog's ids, `openai/gpt-4o`), with zenrouter's facts
 * in `zen`. Nothing is sent to a provider. The ids work as `model` in every face.
 */
export class OpenAIModels<M> {
  constructor(private readonly source: ModelSource<M>) {}

  list(): ZenModelsPagePromise<M> {
    return new ZenModelsPagePromise(this.source.list().then(page), respond);
  }

  /** One model: `gpt-4o`, `openai/gpt-4o` or a provider pin; a `not_found` ZenError when no configured provider serves it. */
  retrieve(model: string): ZenAPIPromise<M> {
    const found = (async () => {
      if (typeof model !== 'string' || model.trim() === '')
        throw invalidRequest('models.retrieve() takes a model id, such as "gpt-4o" or "openai/gpt-4o".', 'model');
      return this.source.retrieve(model);
    })();
    return new ZenAPIPromise(found, respond);
  }
}
