import { ZenError } from '../core/errors.js';
import type { EngineStream, ZenMetadata } from './engine.js';

/** The abort reason of a stream whose caller stopped reading it (break, return, a cancelled ReadableStream). */
export function readerStopped(): ZenError {
  return new ZenError({ kind: 'aborted', retryable: false, abortedBy: 'reader', message: 'The caller stopped reading the stream.' });
}

/**
 * The Stream surface the openai and @anthropic-ai/sdk clients both return (async iteration,
 * `controller`, `tee()`, `toReadableStream()`), over any event type, plus `zen` metadata.
 * Faces other than chat use it for their vendor's events.
 */
export class ZenStream<Event> implements AsyncIterable<Event> {
  private consumed = false;

  constructor(
    private readonly source: () => AsyncIterator<Event>,
    /** Aborting it cancels the call upstream; iteration then ends quietly, as with the SDKs. */
    readonly controller: AbortController,
    private readonly engine: Pick<EngineStream, 'metadata' | 'done'>,
  ) {}

  /** Metadata so far; complete once the stream has ended. */
  get zen(): ZenMetadata {
    return this.engine.metadata();
  }

  /** Resolves with the final metadata once the stream ended, failed or was abandoned. */
  metadata(): Promise<ZenMetadata> {
    return this.engine.done;
  }

  [Symbol.asyncIterator](): AsyncIterator<Event> {
    if (this.consumed) throw new Error('Cannot iterate over a consumed stream, use `.tee()` to split the stream.');
    this.consumed = true;
    const iterator = this.source();
    const controller = this.controller;
    return {
      async next() {
        try {
          return await iterator.next();
        } catch (error) {
          if (controller.signal.aborted && ZenError.isInstance(error) && error.kind === 'aborted') return { done: true, value: undefined };
          throw error;
        }
      },
      async return() {
        // The reader stopped (break): the call is cancelled by its reader, not aborted by a signal.
        controller.abort(readerStopped());
        await iterator.return?.();
        return { done: true, value: undefined };
      },
    };
  }

  /** Splits the stream in two independent readers (both see every event). */
  tee(): [ZenStream<Event>, ZenStream<Event>] {
    const left: Array<Promise<IteratorResult<Event>>> = [];
    const right: Array<Promise<IteratorResult<Event>>> = [];
    const iterator = this[Symbol.asyncIterator]();
    const teeIterator =
      (queue: typeof left, other: typeof left): (() => AsyncIterator<Event>) =>
      () => ({
        next() {
          if (queue.length === 0) {
            const result = iterator.next();
            queue.push(result);
            other.push(result);
          }
          return queue.shift()!;
        },
      });
    return [
      new ZenStream(teeIterator(left, right), this.controller, this.engine),
      new ZenStream(teeIterator(right, left), this.controller, this.engine),
    ];
  }

  /** Newline-delimited JSON events, the format the SDKs' `fromReadableStream` helpers read back. */
  toReadableStream(): ReadableStream<Uint8Array> {
    const iterator = this[Symbol.asyncIterator]();
    const encoder = new TextEncoder();
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { value, done } = await iterator.next();
          if (done) return controller.close();
          controller.enqueue(encoder.encode(`${JSON.stringify(value)}\n`));
        } catch (error) {
          controller.error(error);
        }
      },
      async cancel() {
        await iterator.return?.();
      },
    });
  }
}
