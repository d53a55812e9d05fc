import { ZenError } from '../core/errors.js';
import { InvalidLedgerRecordError, type Ledger } from './ledger.js';
import type { LedgerRecord } from './types.js';
import { APPEND_OWNED } from './stores/keep-record.js';

/**
 * Builds a call's records off the return path (hashing, redaction). The records are handed over:
 * the store may freeze them in place, so nothing else may hold them or any object inside them
 * (copy what is shared with the call's metadata or the caller's request).
 */
export type RecordBuilder = () => LedgerRecord[] | Promise<LedgerRecord[]>;

export type LedgerWriteFailure = (error: ZenError, records: LedgerRecord[]) => void;

/** Told how many calls' records wait when the backlog first reaches the warning size, and at each doubling. */
export type LedgerBacklog = (pending: number) => void;

/**
 * Queued calls past which the writer drains without waiting for its timer. Calls that never give
 * the event loop a turn (a provider that answers from memory, in a loop) would otherwise starve
 * the timer and hold every call's records until the loop ends.
 */
const DRAIN_NOW_AT = 256;

/** `draining` while a drain has not yet waited for anything. */
const DRAINING: Promise<void> = Promise.resolve();

/**
 * Appends records to the ledger in the background, in the order they were written, so that a
 * slow store does not slow the calls. Nothing is dropped: a batch the store refuses is kept and
 * retried before anything newer (on the next write or flush), every failure is reported, and
 * `flush()` throws while records remain unwritten. Only a record the ledger can never accept
 * (InvalidLedgerRecordError) is handed to the failure callback and not retried.
 */
export class LedgerWriter {
  private queue: RecordBuilder[] = [];
  private unwritten: LedgerRecord[] = [];
  /** Calls behind the unwritten records. */
  private unwrittenCalls = 0;
  /** Calls written so far, and calls whose records are in the store (or were refused for good). */
  private enqueued = 0;
  private done = 0;
  /** Flushes waiting for `done` to reach their target. */
  private waiters: Array<{ target: number; resolve: () => void }> = [];
  /** Set while a drain runs (DRAINING until it first waits, then its promise). */
  private draining: Promise<void> | undefined;
  private scheduled = false;
  private lastError: ZenError | undefined;
  private nextWarning: number;

  /**
   * `onBacklog` hears when the records waiting for a slow or stuck store reach `backlogWarningAt`
   * (default 10 000), and again at each doubling; once the store has caught up, a new backlog is
   * told again. Nothing is dropped either way: a store that never answers holds memory until it does.
   */
  constructor(
    readonly ledger: Ledger,
    private readonly onFailure: LedgerWriteFailure,
    private readonly onBacklog: LedgerBacklog = () => {},
    private readonly backlogWarningAt = 10_000,
  ) {
    this.nextWarning = backlogWarningAt;
  }

  /** Records waiting for the store: kept across failures, so the host can see them. */
  get pending(): number {
    return this.queue.length + this.unwritten.length;
  }

  write(build: RecordBuilder): void {
    this.queue.push(build);
    this.enqueued += 1;
    if (this.queue.length + this.unwritten.length >= this.nextWarning) this.warnBacklog();
    if (this.draining) return;
    if (this.queue.length >= DRAIN_NOW_AT) {
      this.kick();
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    // A macrotask: the caller gets its answer before the records are built and appended.
    setTimeout(() => {
      this.scheduled = false;
      this.kick();
    }, 0);
  }

  /**
   * Waits until everything written so far is in the store; throws if some of it could not be.
   * What is written while it waits is not waited for, so it resolves under calls that never pause.
   */
  async flush(): Promise<void> {
    const target = this.enqueued;
    if (this.done < target) {
      const reached = new Promise<void>((resolve) => this.waiters.push({ target, resolve }));
      this.kick();
      await reached;
    }
    if (this.unwritten.length > 0) {
      throw new ZenError({
        kind: 'server',
        retryable: true,
        message: `${this.unwritten.length} ledger records could not be written (${this.lastError?.message ?? 'store error'}); they are kept and retried on the next write or flush.`,
        cause: this.lastError,
      });
    }
    await this.ledger.flush();
  }

  async close(): Promise<void> {
    await this.flush();
    await this.ledger.close();
  }

  private kick(): void {
    if (!this.draining && (this.queue.length > 0 || this.unwritten.length > 0)) {
      // The drain clears `draining` as it ends; one that ended without waiting has cleared it
      // already (no promise chained per drain to do it).
      this.draining = DRAINING;
      const drained = this.drain();
      if (this.draining === DRAINING) this.draining = drained;
    }
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        // Taken by swapping in fresh arrays (no copy): writes made meanwhile go to the new ones.
        const builders = this.queue;
        this.queue = [];
        const batch = this.unwritten;
        this.unwritten = [];
        const calls = builders.length + this.unwrittenCalls;
        this.unwrittenCalls = 0;
        for (let index = 0; index < builders.length; index += 1) {
          try {
            // Most builders answer synchronously: awaited only when they return a promise.
            const built = builders[index]!();
            const records = built instanceof Promise ? await built : built;
            for (let at = 0; at < records.length; at += 1) batch.push(records[at]!);
          } catch (error) {
            this.fail(asZenError(error, 'building ledger records failed'), []);
          }
        }
        if (batch.length > 0) {
          // The memory store appends at once: awaited only when the store answers with a promise.
          const appended = this.append(batch);
          if (!(appended === true || (appended !== false && (await appended)))) {
            this.unwrittenCalls += calls;
            return;
          }
        }
        this.finished(calls);
        // Caught up: a backlog that builds again is told again.
        if (this.pending < this.backlogWarningAt) this.nextWarning = this.backlogWarningAt;
        if (this.queue.length === 0 && this.unwritten.length === 0) return;
      }
    } finally {
      this.draining = undefined;
      // A store that failed leaves records unwritten: the flushes waiting see them and throw.
      if (this.unwritten.length > 0) this.release(() => true);
    }
  }

  /** `calls` more calls' records are in the store: the flushes that waited for them resolve. */
  private finished(calls: number): void {
    this.done += calls;
    if (this.waiters.length > 0) this.release((target) => target <= this.done);
  }

  private release(reached: (target: number) => boolean): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const waiter of waiting) {
      if (reached(waiter.target)) waiter.resolve();
      else this.waiters.push(waiter);
    }
  }

  /**
   * True when the batch is in the store (less any record the ledger can never accept); a promise
   * of it only when the store answered with one.
   */
  private append(batch: LedgerRecord[]): boolean | Promise<boolean> {
    let records = batch;
    for (;;) {
      let pending: void | Promise<void>;
      try {
        pending = this.ledger[APPEND_OWNED](records);
      } catch (error) {
        const rest = this.refused(error, records);
        if (typeof rest === 'boolean') return rest;
        records = rest;
        continue;
      }
      if (pending === undefined) return true;
      const sent = records;
      return pending.then(
        () => true,
        (error: unknown) => {
          const rest = this.refused(error, sent);
          return typeof rest === 'boolean' ? rest : this.append(rest);
        },
      );
    }
  }

  /**
   * After a failed append: the records to try again without the one the ledger can never accept
   * (true when none is left), or false once the store failed and the records are kept unwritten.
   */
  private refused(error: unknown, records: LedgerRecord[]): LedgerRecord[] | boolean {
    if (InvalidLedgerRecordError.isInstance(error) && records[error.index] !== undefined) {
      // A record JSON cannot keep would block every record after it: hand it over, write the rest.
      this.fail(error, [records[error.index]!]);
      const rest = records.filter((_, index) => index !== error.index);
      return rest.length === 0 ? true : rest;
    }
    this.unwritten = [...records, ...this.unwritten];
    this.fail(asZenError(error, 'the ledger store failed'), records);
    return false;
  }

  private warnBacklog(): void {
    const pending = this.pending;
    this.nextWarning *= 2;
    try {
      this.onBacklog(pending);
    } catch {
      // A throwing listener must not stop the writer.
    }
  }

  private fail(error: ZenError, records: LedgerRecord[]): void {
    this.lastError = error;
    try {
      this.onFailure(error, records);
    } catch {
      // A throwing listener must not stop the writer.
    }
  }
}

function asZenError(error: unknown, message: string): ZenError {
  if (ZenError.isInstance(error)) return error;
  return new ZenError({
    kind: 'server',
    retryable: true,
    message: `${message}: ${error instanceof Error ? error.message : String(error)}`,
    cause: error,
  });
}
