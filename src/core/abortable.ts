/**
 * Stop waiting when a signal aborts, whatever the awaited work does. The executor uses it on
 * streams stuck on a silent socket; the @google-cloud/vertexai adapter on an SDK that takes no
 * AbortSignal at all (its HTTP exchange runs on until the server ends it). A late result or error
 * of the abandoned promise is swallowed.
 */

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/** `promise`, or a rejection with the signal's reason as soon as `signal` aborts. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      promise.catch(() => undefined);
      reject(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * `iterator.next()` for each item of a stream, rejecting as soon as `signal` aborts, even when the
 * source is stuck waiting on a socket that never answers. One abort listener serves the whole
 * stream rather than one per item (adding and removing an EventTarget listener costs more than
 * passing a chunk on); `dispose` removes it. After an abort has rejected a wait, a late item is
 * dropped, and so is a late error.
 */
export class AbortablePull<T> {
  private rejectPending: ((reason: unknown) => void) | undefined;
  private readonly onAbort = (): void => this.rejectPending?.(abortError(this.signal!));

  constructor(
    readonly iterator: AsyncIterator<T>,
    private readonly signal: AbortSignal | undefined,
  ) {
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  next(): Promise<IteratorResult<T>> {
    if (!this.signal) return this.iterator.next();
    // Already stopped: don't pull another item from the source.
    if (this.signal.aborted) return Promise.reject(abortError(this.signal));
    const next = this.iterator.next();
    return new Promise<IteratorResult<T>>((resolve, reject) => {
      this.rejectPending = reject;
      next.then(
        (value) => {
          this.rejectPending = undefined;
          resolve(value);
        },
        (error: unknown) => {
          this.rejectPending = undefined;
          reject(error);
        },
      );
    });
  }

  dispose(): void {
    this.rejectPending = undefined;
    this.signal?.removeEventListener('abort', this.onAbort);
  }
}

/** The items of `source` until it ends or `signal` aborts. */
export async function* abortableIterable<T>(source: AsyncIterable<T>, signal: AbortSignal | undefined): AsyncGenerator<T> {
  const pull = new AbortablePull(source[Symbol.asyncIterator](), signal);
  try {
    for (;;) {
      const next = await pull.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    pull.dispose();
  }
}
