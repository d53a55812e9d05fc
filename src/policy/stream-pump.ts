import type { ZenError } from '../core/errors.js';
import type { StreamPart } from '../core/stream-part.js';
import { IdleWatch, READER_STOPPED, type AttemptSignal, type StreamHead } from './attempt.js';

/**
 * Parts read ahead of a caller that does not read: beyond this many, the pump waits for the reader
 * (only the call's total deadline runs meanwhile, since nothing waits on the provider).
 */
const HIGH_WATER = 4096;
/** The pump starts again once the reader has brought the backlog down to this. */
const LOW_WATER = 1024;

export interface StreamPumpOptions {
  /** The committed attempt's signal: the deadline, the caller's signal and the idle limit stop it. */
  signal: AttemptSignal;
  idleMs: number | undefined;
  now: () => number;
  /** The message of an idle timeout. */
  idleMessage: string;
  /** Sees each part as it arrives from the provider. Must not throw. */
  accept: (part: StreamPart) => void;
  /**
   * The stream ended upstream: `failure` is what was thrown (undefined for a clean end). Returns the
   * error the reader gets after the parts that came before it.
   */
  end: (failed: boolean, failure: unknown) => ZenError | undefined;
}

/**
 * A committed stream, read from the provider as fast as it comes, whether or not the caller reads:
 * the idle limit and the deadline hold for a stream nobody reads, and its end (and so its record)
 * comes when the provider's stream ends, not when the caller gets round to it. The caller reads the
 * parts through this iterator, in order, then the error that ended the stream, if one did. A
 * reader that stops early (`return()`) cancels the upstream call if it is still running.
 */
export class StreamPump implements AsyncIterableIterator<StreamPart> {
  private readonly queue: StreamPart[] = [];
  private head = 0;
  /** The reader's pending read, when it waits for the next part (one at a time, as `for await` reads). */
  private resolveRead: ((result: IteratorResult<StreamPart>) => void) | undefined;
  private rejectRead: ((error: unknown) => void) | undefined;
  private pendingRead: Promise<IteratorResult<StreamPart>> | undefined;
  /** Keeps a read's resolvers; made once, so that a read allocates no closure. */
  private readonly awaitRead = (resolve: (result: IteratorResult<StreamPart>) => void, reject: (error: unknown) => void): void => {
    this.resolveRead = resolve;
    this.rejectRead = reject;
  };
  private ended = false;
  private failure: ZenError | undefined;
  private resume: (() => void) | undefined;

  constructor(
    private readonly source: StreamHead,
    private readonly options: StreamPumpOptions,
  ) {}

  /** Starts reading the provider's stream; resolves when it ended, with the error that ended it, if one did (never rejects). */
  async start(): Promise<ZenError | undefined> {
    const { pull } = this.source;
    const { signal } = this.options;
    let idle: IdleWatch | undefined;
    let failed = false;
    let failure: unknown;
    try {
      for (const part of this.source.buffered) this.push(part);
      if (!this.source.ended) {
        // One idle timer for the whole stream (and the pull's one abort listener), not one per part.
        idle = new IdleWatch(this.options.idleMs, () => signal.stop({ kind: 'timeout', message: this.options.idleMessage }), this.options.now);
        for (;;) {
          if (this.queue.length - this.head >= HIGH_WATER) await this.readerCatchesUp();
          idle.wait();
          let next: IteratorResult<StreamPart>;
          try {
            next = await pull.next();
          } finally {
            idle.received();
          }
          if (next.done) break;
          this.push(next.value);
        }
      }
    } catch (error) {
      failed = true;
      failure = error;
    } finally {
      idle?.dispose();
      pull.dispose();
    }
    // Stopped by us (deadline, idle, reader): tell the SDK's iterator too, so that it lets go of the socket.
    if (failed && signal.reason) void pull.iterator.return?.().catch(() => {});
    const error = this.options.end(failed, failure);
    this.failure = error;
    this.ended = true;
    this.wakeReaders();
    return error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<StreamPart>> {
    // A read while another waits (a reader that does not await) queues behind it.
    if (this.pendingRead) return this.pendingRead.then(() => this.next());
    if (this.head < this.queue.length) {
      const value = this.queue[this.head]!;
      this.head += 1;
      if (this.head === this.queue.length) {
        this.queue.length = 0;
        this.head = 0;
      }
      if (this.resume && this.queue.length - this.head <= LOW_WATER) {
        const resume = this.resume;
        this.resume = undefined;
        resume();
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) {
      const failure = this.failure;
      if (failure) {
        // Thrown once; a read after it sees the end.
        this.failure = undefined;
        return Promise.reject(failure);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    this.pendingRead = new Promise(this.awaitRead);
    return this.pendingRead;
  }

  /** The caller stopped reading: cancels the upstream call when it still runs. */
  return(): Promise<IteratorResult<StreamPart>> {
    if (!this.ended) this.options.signal.stop(READER_STOPPED);
    this.queue.length = 0;
    this.head = 0;
    this.failure = undefined;
    this.settleRead({ value: undefined, done: true }, undefined);
    return Promise.resolve({ value: undefined, done: true });
  }

  private push(part: StreamPart): void {
    this.options.accept(part);
    if (this.pendingRead) this.settleRead({ value: part, done: false }, undefined);
    else this.queue.push(part);
  }

  private wakeReaders(): void {
    if (!this.pendingRead) return;
    const failure = this.failure;
    this.failure = undefined;
    this.settleRead({ value: undefined, done: true }, failure);
  }

  private settleRead(result: IteratorResult<StreamPart>, failure: ZenError | undefined): void {
    const resolve = this.resolveRead;
    const reject = this.rejectRead;
    this.pendingRead = undefined;
    this.resolveRead = undefined;
    this.rejectRead = undefined;
    if (failure) reject?.(failure);
    else resolve?.(result);
  }

  /** Waits until the reader has taken most of the backlog, or the attempt is stopped. */
  private readerCatchesUp(): Promise<void> {
    const signal = this.options.signal.signal;
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const onAbort = (): void => {
        this.resume = undefined;
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.resume = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
    });
  }
}
