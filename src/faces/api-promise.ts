import type { ZenMetadata } from './engine.js';

/**
 * The promise the openai SDK's methods return (its `APIPromise`): awaited, it is the parsed answer;
 * `.asResponse()` gives the raw `Response`, `.withResponse()` both and the request id. There is
 * no one HTTP response behind a routed call (it may have taken several attempts at several
 * providers), so the `Response` is zenrouter's: status 200, the JSON body (or, for a stream, the
 * server-sent events the API would have sent), `x-request-id` with the call's request id, and
 * `x-zen-channel`, `x-zen-model`, `x-zen-cost-usd` for what served it.
 *
 * The SDK's own class is not reused: it needs the openai SDK loaded for every call of every face
 * (chat completions also serve apps that install only @anthropic-ai/sdk), and an SDK client
 * whose response parser it calls. Like it, this subclass of Promise resolves through `then`,
 * so `await` and `.then()` see the answer.
 */
export class ZenAPIPromise<T> extends Promise<T> {
  readonly #result: Promise<T>;
  // Typed loosely so that ZenAPIPromise stays covariant in T, as a Promise is.
  readonly #respond: (data: never) => Response;
  #response: Response | undefined;

  /** `respond` builds the Response from the answer, only when one is asked for (a plain `await` never pays for it). */
  constructor(result: Promise<T>, respond: (data: T) => Response) {
    // As the SDK's APIPromise: the base promise is a placeholder; then/catch/finally read `result`.
    super((resolve) => resolve(undefined as T));
    this.#result = result;
    this.#respond = respond;
  }

  /** `then` on a ZenAPIPromise returns a plain Promise. */
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  // biome-ignore lint/suspicious/noThenProperty: a Promise subclass resolving to the answer, as the SDK's APIPromise is.
  override then<Fulfilled = T, Rejected = never>(
    onfulfilled?: ((value: T) => Fulfilled | PromiseLike<Fulfilled>) | null,
    onrejected?: ((reason: unknown) => Rejected | PromiseLike<Rejected>) | null,
  ): Promise<Fulfilled | Rejected> {
    return this.#result.then(onfulfilled, onrejected);
  }

  override catch<Rejected = never>(onrejected?: ((reason: unknown) => Rejected | PromiseLike<Rejected>) | null): Promise<T | Rejected> {
    return this.#result.catch(onrejected);
  }

  override finally(onfinally?: (() => void) | null): Promise<T> {
    return this.#result.finally(onfinally);
  }

  /** The raw `Response` (for a stream, its body is the event stream: read one or the other). */
  async asResponse(): Promise<Response> {
    return (await this.withResponse()).response;
  }

  /** The answer, the `Response`, and the request id (`x-request-id`). */
  async withResponse(): Promise<{ data: T; response: Response; request_id: string | null }> {
    const data = await this.#result;
    // One Response per call, as the SDK's: asking twice gives the same one.
    const response = (this.#response ??= this.#respond(data as never));
    return { data, response, request_id: response.headers.get('x-request-id') };
  }
}

/** The headers of a call's Response: its request id, and what served it. */
export function responseHeaders(metadata: ZenMetadata, contentType: string): Headers {
  const headers = new Headers({ 'content-type': contentType, 'x-request-id': metadata.requestId });
  if (metadata.channel) headers.set('x-zen-channel', metadata.channel);
  if (metadata.model) headers.set('x-zen-model', metadata.model);
  headers.set('x-zen-cost-usd', String(metadata.cost.total));
  return headers;
}

/**
 * A ZenAPIPromise for a call that answers a JSON object carrying its metadata as `zen` (every
 * openai-shaped face's answer). Like the SDK, the answer gets a non-enumerable `_request_id`.
 */
export function jsonAPIPromise<T extends { readonly zen: ZenMetadata }>(answer: Promise<T>): ZenAPIPromise<T> {
  // Shared functions, not closures: nothing per call but the promise.
  return new ZenAPIPromise(answer.then(withRequestId<T>), jsonResponse);
}

function withRequestId<T extends { readonly zen: ZenMetadata }>(data: T): T {
  Object.defineProperty(data, '_request_id', { value: data.zen.requestId, enumerable: false, configurable: true });
  return data;
}

function jsonResponse(data: { readonly zen: ZenMetadata }): Response {
  return new Response(JSON.stringify(data), { status: 200, headers: responseHeaders(data.zen, 'application/json') });
}

/**
 * A ZenAPIPromise for a streamed call: `data` is the stream object, the `Response` body the same
 * events as server-sent events, read from the stream only when the body is read.
 */
export function streamAPIPromise<S extends AsyncIterable<unknown> & { readonly zen: ZenMetadata }>(stream: Promise<S>): ZenAPIPromise<S> {
  return new ZenAPIPromise(stream, (data) => {
    const encoder = new TextEncoder();
    let iterator: AsyncIterator<unknown> | undefined;
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          iterator ??= data[Symbol.asyncIterator]();
          try {
            const { value, done } = await iterator.next();
            if (done) {
              controller.enqueue(encoder.encode('data: [DONE]\n\n'));
              controller.close();
            } else {
              controller.enqueue(encoder.encode(`data: ${JSON.stringify(value)}\n\n`));
            }
          } catch (error) {
            controller.error(error);
          }
        },
        async cancel() {
          await iterator?.return?.();
        },
      },
      // Nothing is read from the stream until the body is.
      { highWaterMark: 0 },
    );
    const headers = responseHeaders(data.zen, 'text/event-stream');
    // A stream's cost is known only at its end, after these headers: `stream.metadata()` has it.
    headers.delete('x-zen-cost-usd');
    return new Response(body, { status: 200, headers });
  });
}
