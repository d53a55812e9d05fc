import type { ZenError } from '../core/errors.js';
import type { StreamPart } from '../core/stream-part.js';
import { IdleWatch, READER_STOPPED, type AttemptSignal, type StreamHead } from './attempt.js';

/**
 * Parts read ahead of a caller that has not started reading: beyond this many, the pump waits for
 * the reader (only the call's total deadline runs meanwhile, since nothing waits on the provider).
 */
const HIGH_WATER = 4096;

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
 * A committed stream between the provider and the caller, which ends (and so is recorded) whether
 * or not the caller reads it:
 *
 * - Until the caller starts reading, the pump reads the provider on its own, so that the idle limit
 *   holds for a stream nobody reads and a stream that ends upstream ends here too.
 * - Once the caller reads, each read pulls the next part (as an SDK stream does): only time spent
 *   waiting on the provider counts against the idle limit, and a part goes from the provider to the
 *   caller without waiting in a queue.
 * - Whatever the caller does, the call's deadline (and its abort) end the stream at once, pulling or not.
 *
 * The caller gets the parts in order, then the error that ended the stream, if one did. A reader
 * that stops early (`return()`) cancels the upstream call if it still runs.
 */
export class StreamPump implements AsyncIterableIterator<StreamPart> {
  private readonly queue: StreamPart[] = [];
  private head = 0;
  /** The caller has read: pulls follow its reads from now on. */
  private reading = false;
  /** A pull from the provider in flight. */
  private pulling = false;
  private ended = false;
  /** The error the reader gets once the parts before it are read (thrown once). */
  private failure: ZenError | undefined;
  /** The read in flight, if any (reads go one at a time, as `for await` makes them). */
  private inFlight: Promise<IteratorResult<StreamPart>> | undefined;
  /** A read that waits for the read-ahead's pull in flight. */
  private pendingRead: Promise<IteratorResult<StreamPart>> | undefined;
  private resolveRead: ((result: IteratorResult<StreamPart>) => void) | undefined;
  private rejectRead: ((error: unknown) => void) | undefined;
  /** Keeps a read's resolvers; made once, so that a read allocates no closure. */
  private readonly awaitRead = (resolve: (result: IteratorResult<StreamPart>) => void, reject: (error: unknown) => void): void => {
    this.resolveRead = resolve;
    this.rejectRead = reject;
  };
  /** Wakes the read-ahead loop waiting at the high-water mark. */
  private resume: (() => void) | undefined;
  private idle: IdleWatch | undefined;
  private resolveEnd!: (error: ZenError | undefined) => void;
  private readonly ending = new Promise<ZenError | undefined>((resolve) => (this.resolveEnd = resolve));
  /** The deadline or an abort while nothing is pulled ends the stream at once. */
  private readonly onStop = (): void => {
    if (!this.pulling) this.finish(true, this.options.signal.signal.reason);
  };

  constructor(
    private readonly source: StreamHead,
    private readonly options: StreamPumpOptions,
  ) {}

  /** Starts the stream; resolves when it ended upstream, with the error that ended it, if one did (never rejects). */
  start(): Promise<ZenError | undefined> {
    for (const part of this.source.buffered) this.push(part);
    if (this.source.ended) {
      this.finish(false, undefined);
    } else {
      // One idle timer for the whole stream (and the pull's one abort listener), not one per part.
      this.idle = new IdleWatch(
        this.options.idleMs,
        () => this.options.signal.stop({ kind: 'timeout', message: this.options.idleMessage }),
        this.options.now,
      );
      const signal = this.options.signal.signal;
      if (signal.aborted) this.finish(true, signal.reason);
      else {
        signal.addEventListener('abort', this.onStop);
        void this.readAhead();
      }
    }
    return this.ending;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<StreamPart>> {
    this.reading = true;
    // A read while another is in flight (a reader that does not await) waits its turn.
    if (this.inFlight) return this.inFlight.then(() => this.next());
    if (this.head < this.queue.length) {
      const value = this.queue[this.head]!;
      this.head += 1;
      if (this.head === this.queue.length) {
        this.queue.length = 0;
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) {
      const failure = this.failure;
      this.failure = undefined;
      return failure ? Promise.reject(failure) : Promise.resolve({ value: undefined, done: true });
    }
    if (this.pulling) {
      // The read-ahead's pull is in flight: its part comes to this read.
      this.pendingRead = new Promise(this.awaitRead);
      this.inFlight = this.pendingRead;
      return this.pendingRead;
    }
    // A read-ahead waiting for room leaves the pulling to the reads from now on.
    this.wakeReadAhead();
    this.pulling = true;
    this.idle!.wait();
    this.inFlight = this.source.pull.next().then(this.pulled, this.pullFailed);
    return this.inFlight;
  }

  /** The caller stopped reading: cancels the upstream call when it still runs. */
  return(): Promise<IteratorResult<StreamPart>> {
    this.reading = true;
    if (!this.ended) this.options.signal.stop(READER_STOPPED);
    this.queue.length = 0;
    this.head = 0;
    this.failure = undefined;
    this.settleRead({ value: undefined, done: true }, undefined);
    return Promise.resolve({ value: undefined, done: true });
  }

  /** A read's part from the provider, straight to the reader. */
  private readonly pulled = (next: IteratorResult<StreamPart>): IteratorResult<StreamPart> => {
    this.pulling = false;
    this.inFlight = undefined;
    this.idle!.received();
    if (next.done) {
      this.finish(false, undefined);
      return this.afterEnd();
    }
    this.options.accept(next.value);
    return next;
  };

  private readonly pullFailed = (error: unknown): IteratorResult<StreamPart> => {
    this.pulling = false;
    this.inFlight = undefined;
    this.idle!.received();
    this.finish(true, error);
    return this.afterEnd();
  };

  /** What a read in flight gets when the stream ends: the error that ended it (thrown once), or the end. */
  private afterEnd(): IteratorResult<StreamPart> {
    const failure = this.failure;
    if (failure) {
      this.failure = undefined;
      throw failure;
    }
    return { value: undefined, done: true };
  }

  /** Reads the provider while nobody reads the stream, up to the high-water mark. */
  private async readAhead(): Promise<void> {
    while (!this.ended && !this.reading) {
      if (this.queue.length - this.head >= HIGH_WATER) {
        await new Promise<void>((resolve) => (this.resume = resolve));
        continue;
      }
      await this.pullAhead();
    }
  }

  private wakeReadAhead(): void {
    const resume = this.resume;
    this.resume = undefined;
    resume?.();
  }

  /** One part from the provider (or its end) while nobody reads: handed to a read that came meanwhile, or queued. */
  private async pullAhead(): Promise<void> {
    this.pulling = true;
    const idle = this.idle!;
    idle.wait();
    let next: IteratorResult<StreamPart>;
    try {
      next = await this.source.pull.next();
    } catch (error) {
      this.pulling = false;
      idle.received();
      this.finish(true, error);
      return;
    }
    this.pulling = false;
    idle.received();
    if (next.done) this.finish(false, undefined);
    else this.push(next.value);
  }

  private push(part: StreamPart): void {
    this.options.accept(part);
    if (this.pendingRead) this.settleRead({ value: part, done: false }, undefined);
    else this.queue.push(part);
  }

  /** The stream ended upstream (once): accounted for, the waiting read told, the provider let go. */
  private finish(failed: boolean, failure: unknown): void {
    if (this.ended) return;
    this.ended = true;
    const { signal } = this.options;
    signal.signal.removeEventListener('abort', this.onStop);
    this.idle?.dispose();
    this.source.pull.dispose();
    // Stopped by us (deadline, idle, reader): tell the SDK's iterator too, so that it lets go of the socket.
    if (failed && signal.reason) void this.source.pull.iterator.return?.().catch(() => {});
    const error = this.options.end(failed, failure);
    this.failure = error;
    this.wakeReadAhead();
    if (this.pendingRead) {
      this.failure = undefined;
      this.settleRead({ value: undefined, done: true }, error);
    }
    this.resolveEnd(error);
  }

  private settleRead(result: IteratorResult<StreamPart>, failure: ZenError | undefined): void {
    const resolve = this.resolveRead;
    const reject = this.rejectRead;
    if (this.inFlight === this.pendingRead) this.inFlight = undefined;
    this.pendingRead = undefined;
    this.resolveRead = undefined;
    this.rejectRead = undefined;
    if (failure) reject?.(failure);
    else resolve?.(result);
  }
}
