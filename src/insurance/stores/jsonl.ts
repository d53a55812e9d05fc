import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { ZenError } from '../../core/errors.js';
import type { DailyCredits, LedgerQuery, LedgerRecord, LedgerStore } from '../types.js';
import { InProcessDailyCredits } from './daily-credits.js';
import { compileQuery, matchesQuery } from './match-query.js';
import { serializeRecords, VALIDATES_RECORDS } from './validate-record.js';

export interface JsonlLedgerStoreOptions {
  /** The live file, e.g. `./zen/ledger.jsonl`. Its folder is created if missing. */
  path: string;
  /**
   * When `append` resolves. Both modes only acknowledge records that are written and fsync'ed:
   * - `sync` (default): each append is written and synced at once (appends that arrive while a
   *   sync is running share the next one).
   * - `batched`: appends wait up to `batch.flushIntervalMs` (or until `batch.maxBatch` records
   *   are waiting) so that many share one write and one fsync. Higher throughput, higher latency;
   *   the same guarantee.
   */
  durability?: 'sync' | 'batched';
  batch?: {
    /** Longest an append waits for company in `batched` mode. Default 50 ms. */
    flushIntervalMs?: number;
    /** Most records per write; reaching it writes at once. Default 1000. */
    maxBatch?: number;
  };
  /**
   * Size-based rotation: before a write would take the live file past `maxBytes`, it becomes
   * `ledger.1.jsonl`, the previous `.1` becomes `.2`, and so on; files past `keep` are deleted.
   * A batch is never split across files, so a file can exceed `maxBytes` by one batch.
   */
  rotate?: { maxBytes: number; keep: number };
  /** Called on open when a torn last line (a process killed mid-write) was cut away. */
  onRepair?: (repair: JsonlRepair) => void;
}

export interface JsonlRepair {
  path: string;
  /** Bytes of the partial last line that were removed. */
  droppedBytes: number;
  /** Bytes of whole records kept. */
  keptBytes: number;
}

interface PendingAppend {
  data: Buffer;
  records: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface FileSnapshot {
  path: string;
  handle: FileHandle;
  size: number;
}

/**
 * The ledger as JSON Lines: one record per line, appended, fsync'ed before `append` resolves.
 * Node only.
 *
 * - Crash safety: a process killed mid-write can leave a partial last line. `open` cuts it away
 *   (reported through `onRepair` and `repair`); records whose append had resolved are whole
 *   lines before it. Records of an append that never resolved may survive in part: they are
 *   whole records that were simply not acknowledged.
 * - One writer: appends from any number of promises are queued and written by one loop, so lines
 *   never interleave. Only one process may write a file at a time.
 * - Queries stream the rotated files, oldest first, then the live file, line by line. They see
 *   the records acknowledged when they started.
 */
export class JsonlLedgerStore implements LedgerStore {
  /** Validates every record itself, so `Ledger` need not. */
  readonly [VALIDATES_RECORDS] = true;
  private readonly dailyCredits = new InProcessDailyCredits(this);
  readonly path: string;
  readonly durability: 'sync' | 'batched';
  /** What `open` repaired, if the file ended in a torn line. */
  readonly repair: JsonlRepair | undefined;

  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly rotation: { maxBytes: number; keep: number } | undefined;

  private handle: FileHandle;
  /** Bytes of whole lines in the live file. */
  private size: number;
  private readonly queue: PendingAppend[] = [];
  private queuedRecords = 0;
  /** Appends queued since open, and appends taken off the queue and written (or failed): `flush` waits for the count at its call. */
  private enqueued = 0;
  private settled = 0;
  private writing: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushers = 0;
  private closing: Promise<void> | undefined;
  /** Set when the file can no longer be trusted (a failed fsync): every later append fails. */
  private failure: ZenError | undefined;
  // Rotation renames files; query snapshots open them. The two take turns.
  private fileLock: Promise<unknown> = Promise.resolve();

  static async open(options: JsonlLedgerStoreOptions): Promise<JsonlLedgerStore> {
    checkOptions(options);
    await mkdir(dirname(options.path), { recursive: true });
    const repair = await repairTornTail(options.path);
    if (repair.droppedBytes > 0) options.onRepair?.(repair);
    const handle = await open(options.path, 'a');
    await syncDirectory(dirname(options.path));
    return new JsonlLedgerStore(options, handle, repair.keptBytes, repair.droppedBytes > 0 ? repair : undefined);
  }

  private constructor(options: JsonlLedgerStoreOptions, handle: FileHandle, size: number, repair: JsonlRepair | undefined) {
    this.path = options.path;
    this.durability = options.durability ?? 'sync';
    this.flushIntervalMs = options.batch?.flushIntervalMs ?? 50;
    this.maxBatch = options.batch?.maxBatch ?? 1000;
    this.rotation = options.rotate;
    this.handle = handle;
    this.size = size;
    this.repair = repair;
  }

  append(records: LedgerRecord[]): Promise<void> {
    if (this.closing) return Promise.reject(storeError(`the ledger file ${this.path} is closed`, 'invalid_request'));
    if (this.failure) return Promise.reject(this.failure);
    let lines: string[];
    try {
      lines = serializeRecords(records);
    } catch (error) {
      return Promise.reject(error);
    }
    if (lines.length === 0) return Promise.resolve();
    const data = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ data, records: lines.length, resolve, reject });
      this.queuedRecords += lines.length;
      this.enqueued += 1;
      this.schedule();
    });
  }

  async *query(query?: LedgerQuery): AsyncIterable<LedgerRecord> {
    const compiled = compileQuery(query);
    if (compiled.limit === 0) return;
    const files = await this.exclusive(() => this.snapshotFiles());
    let stream: Readable | undefined;
    let found = 0;
    try {
      for (const file of files) {
        if (file.size === 0) continue;
        stream = file.handle.createReadStream({ start: 0, end: file.size - 1, autoClose: false, encoding: 'utf8' });
        let lineNumber = 0;
        for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
          lineNumber++;
          if (line === '') continue;
          let record: LedgerRecord;
          try {
            record = JSON.parse(line) as LedgerRecord;
          } catch (error) {
            throw storeError(`ledger file ${file.path} line ${lineNumber} is not valid JSON`, 'server', error);
          }
          if (!matchesQuery(record, compiled)) continue;
          yield record;
          if (++found >= compiled.limit) return;
        }
        stream.destroy();
        stream = undefined;
      }
    } finally {
      stream?.destroy();
      await Promise.allSettled(files.map((file) => file.handle.close()));
    }
  }

  /** Daily claim caps shared by every client given this store object (see LedgerStore.grantDailyCredits). */
  grantDailyCredits<T>(day: string, decide: (credited: DailyCredits) => T): Promise<T> {
    return this.dailyCredits.grant(day, decide);
  }

  /**
   * Writes and syncs everything appended so far, without waiting for the batch interval. Appends
   * that come while it waits are not waited for: under writers that never pause, it still resolves.
   */
  async flush(): Promise<void> {
    const target = this.enqueued;
    this.flushers++;
    try {
      while (this.settled < target) {
        this.startWriting();
        await this.writing;
      }
    } finally {
      this.flushers--;
    }
    if (this.failure) throw this.failure;
  }

  /** Flushes, then closes the file. Appends after `close` are refused. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.flush().catch(() => undefined);
      } finally {
        if (this.timer) clearTimeout(this.timer);
        await this.exclusive(() => this.handle.close());
      }
    })();
    return this.closing;
  }

  private schedule(): void {
    if (this.writing || this.queue.length === 0) return;
    const now = this.durability === 'sync' || this.flushers > 0 || this.closing !== undefined || this.queuedRecords >= this.maxBatch;
    if (now) {
      this.startWriting();
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.startWriting();
      }, this.flushIntervalMs);
    }
  }

  private startWriting(): void {
    if (this.writing || this.queue.length === 0) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.writing = this.writeNextBatch().finally(() => {
      this.writing = undefined;
      this.schedule();
    });
  }

  /** Takes up to `maxBatch` records off the queue, writes and syncs them. Never throws. */
  private async writeNextBatch(): Promise<void> {
    const batch: PendingAppend[] = [];
    let records = 0;
    while (this.queue.length > 0 && (batch.length === 0 || records + this.queue[0]!.records <= this.maxBatch)) {
      const pending = this.queue.shift()!;
      batch.push(pending);
      records += pending.records;
    }
    this.queuedRecords -= records;
    try {
      if (this.failure) throw this.failure;
      await this.writeAndSync(batch.length === 1 ? batch[0]!.data : Buffer.concat(batch.map((pending) => pending.data)));
      for (const pending of batch) pending.resolve();
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    } finally {
      // The queue is first in, first out: these were the oldest appends not yet settled.
      this.settled += batch.length;
    }
  }

  private async writeAndSync(data: Buffer): Promise<void> {
    if (this.rotation && this.size > 0 && this.size + data.length > this.rotation.maxBytes) {
      await this.exclusive(() => this.rotate());
    }
    const before = this.size;
    let written = false;
    try {
      await this.handle.appendFile(data);
      written = true;
      await this.handle.datasync();
      this.size = before + data.length;
    } catch (error) {
      // Take a partial write back out, so the next batch does not start in the middle of a line.
      const undone = await this.handle.truncate(before).then(
        () => true,
        () => false,
      );
      const failure = storeError(`writing the ledger file ${this.path} failed: ${messageOf(error)}`, 'server', error);
      // After a failed fsync the kernel may have dropped the dirty pages: trust nothing more.
      if (written || !undone) this.failure = failure;
      throw failure;
    }
  }

  private async rotate(): Promise<void> {
    const keep = this.rotation!.keep;
    await this.handle.close();
    try {
      await rm(rotatedPath(this.path, keep), { force: true });
      for (let index = keep - 1; index >= 1; index--) {
        await renameIfPresent(rotatedPath(this.path, index), rotatedPath(this.path, index + 1));
      }
      if (keep >= 1) await rename(this.path, rotatedPath(this.path, 1));
      else await rm(this.path, { force: true });
    } finally {
      // Whatever happened, keep a live file to write to.
      this.handle = await open(this.path, 'a');
      this.size = (await this.handle.stat()).size;
      await syncDirectory(dirname(this.path));
    }
  }

  private async snapshotFiles(): Promise<FileSnapshot[]> {
    const paths: Array<{ path: string; live: boolean }> = [];
    for (let index = this.rotation?.keep ?? 0; index >= 1; index--) paths.push({ path: rotatedPath(this.path, index), live: false });
    paths.push({ path: this.path, live: true });
    const files: FileSnapshot[] = [];
    try {
      for (const entry of paths) {
        let handle: FileHandle;
        try {
          handle = await open(entry.path, 'r');
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
          throw error;
        }
        // The live file may have a write in progress: read only the acknowledged bytes.
        const size = entry.live ? this.size : (await handle.stat()).size;
        files.push({ path: entry.path, handle, size });
      }
    } catch (error) {
      await Promise.allSettled(files.map((file) => file.handle.close()));
      throw error;
    }
    return files;
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.fileLock.then(task, task);
    this.fileLock = run.catch(() => undefined);
    return run;
  }
}

/** `ledger.jsonl` → `ledger.3.jsonl`. */
export function rotatedPath(path: string, index: number): string {
  const extension = extname(path);
  return `${path.slice(0, path.length - extension.length)}.${index}${extension}`;
}

/**
 * Cuts a partial last line off the file. Every write ends with a newline, so bytes after the
 * last newline are the remains of a write that was interrupted.
 */
export async function repairTornTail(path: string): Promise<JsonlRepair> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { path, droppedBytes: 0, keptBytes: 0 };
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const chunkSize = 64 * 1024;
    let end = size;
    let keep = 0;
    while (end > 0) {
      const start = Math.max(0, end - chunkSize);
      const chunk = Buffer.alloc(end - start);
      await readFully(handle, chunk, start);
      const newline = chunk.lastIndexOf(0x0a);
      if (newline >= 0) {
        keep = start + newline + 1;
        break;
      }
      end = start;
    }
    if (keep < size) {
      await handle.truncate(keep);
      await handle.datasync();
    }
    return { path, droppedBytes: size - keep, keptBytes: keep };
  } finally {
    await handle.close();
  }
}

async function readFully(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
  let offset = 0;
  while (offset < buffer.length) {
    const { bytesRead } = await handle.read(buffer, offset, buffer.length - offset, position + offset);
    if (bytesRead === 0) throw new Error(`unexpected end of file while reading at byte ${position + offset}`);
    offset += bytesRead;
  }
}

async function renameIfPresent(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Makes a created or renamed file's name durable. Not possible on every platform (Windows). */
async function syncDirectory(path: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch {
    // best effort
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

function checkOptions(options: JsonlLedgerStoreOptions): void {
  const problems: string[] = [];
  if (typeof options.path !== 'string' || options.path === '') problems.push('path must be a file path');
  if (options.durability !== undefined && options.durability !== 'sync' && options.durability !== 'batched') {
    problems.push(`durability must be 'sync' or 'batched', got ${String(options.durability)}`);
  }
  const { flushIntervalMs, maxBatch } = options.batch ?? {};
  if (flushIntervalMs !== undefined && !(flushIntervalMs >= 0)) problems.push('batch.flushIntervalMs must be >= 0');
  if (maxBatch !== undefined && !(Number.isInteger(maxBatch) && maxBatch >= 1)) problems.push('batch.maxBatch must be a whole number >= 1');
  if (options.rotate) {
    const { maxBytes, keep } = options.rotate;
    if (!(Number.isInteger(maxBytes) && maxBytes >= 1)) problems.push('rotate.maxBytes must be a whole number >= 1');
    if (!(Number.isInteger(keep) && keep >= 0)) problems.push('rotate.keep must be a whole number >= 0');
  }
  if (problems.length > 0) {
    throw new ZenError({ kind: 'configuration', message: `JsonlLedgerStore: ${problems.join('; ')}`, retryable: false });
  }
}

function storeError(message: string, kind: 'server' | 'invalid_request', cause?: unknown): ZenError {
  return new ZenError({ kind, message, retryable: false, cause });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
