import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { RecordLine } from '../../report/ledger-tally.js';
import type { LedgerTail, TailBatch } from './ledger-tail.js';

const CHUNK = 1 << 20;

/**
 * Follows a JSONL ledger file by byte offset, the way `tail -f` does, reading only complete lines
 * (a line still being written is read on a later pass). Read-only: the file is never opened for
 * writing, so it is safe beside the process that writes it.
 *
 * The first read takes the rotated files (`ledger.3.jsonl`, `ledger.2.jsonl`, `ledger.1.jsonl`:
 * oldest first, see JsonlLedgerStore's `rotate`) and then the live file. When the live file is
 * rotated while followed (once or several times between two reads), the rest of the old file is
 * read through the handle still open on it, then the files rotated after it, then the new live
 * file from its start. A live file that is truncated below the position read,
 * or replaced by a file that is not the rotated one, resets the count.
 */
export class JsonlTail implements LedgerTail {
  readonly source: string;
  private handle: FileHandle | undefined;
  private inode = -1;
  private offset = 0;
  private started = false;

  constructor(readonly path: string) {
    this.source = basename(path);
  }

  async *read(): AsyncIterable<TailBatch> {
    if (!this.started) {
      this.started = true;
      // The live file first, so that a rotation while the older files are read is not missed.
      const live = await this.openLive();
      for (const file of await rotatedFiles(this.path)) {
        if (live && (await stat(file).catch(() => undefined))?.ino === this.inode) continue;
        yield* readWholeFile(file);
      }
    }
    for (;;) {
      const handle = this.handle ?? (await this.openLive());
      if (!handle) return;
      const size = (await handle.stat()).size;
      if (size < this.offset) {
        yield* this.restart();
        return;
      }
      yield* this.readTo(size);
      let live: Awaited<ReturnType<typeof stat>> | undefined;
      try {
        live = await stat(this.path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      if (live.ino === this.inode) return;
      // Another file is live now. If the one we hold was rotated (it is `.k` now), it is final:
      // finish it, read the files rotated after it (`.k-1` … `.1`) whole, then the new live file.
      const rotated = await rotatedFiles(this.path);
      let held = -1;
      for (let index = 0; index < rotated.length; index++) {
        if ((await stat(rotated[index]!).catch(() => undefined))?.ino === this.inode) held = index;
      }
      if (held < 0) {
        yield* this.restart();
        return;
      }
      yield* this.readTo((await handle.stat()).size);
      for (const file of rotated.slice(held + 1)) yield* readWholeFile(file);
      await handle.close();
      this.handle = undefined;
    }
  }

  /** Opens the live file at offset 0; undefined when there is none yet. */
  private async openLive(): Promise<FileHandle | undefined> {
    let handle: FileHandle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      // Between the writer's rename and its next open, or before the first record: nothing yet.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    this.handle = handle;
    this.inode = (await handle.stat()).ino;
    this.offset = 0;
    return handle;
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }

  /** The ledger is not what was read: say so, then read it all again. */
  private async *restart(): AsyncIterable<TailBatch> {
    await this.close();
    this.started = false;
    yield { reset: true, records: [] };
    yield* this.read();
  }

  private async *readTo(size: number): AsyncIterable<TailBatch> {
    for await (const { batch, consumed } of readLines(this.handle!, this.offset, size)) {
      this.offset = consumed;
      yield batch;
    }
  }
}

async function* readWholeFile(path: string): AsyncIterable<TailBatch> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    const size = (await handle.stat()).size;
    for await (const { batch } of readLines(handle, 0, size)) yield batch;
  } finally {
    await handle.close();
  }
}

/**
 * The complete lines between `start` and `end`, a chunk at a time, each with the offset just past
 * its last newline. Bytes after the last newline (a line being written) are left for later.
 */
async function* readLines(handle: FileHandle, start: number, end: number): AsyncIterable<{ batch: TailBatch; consumed: number }> {
  let position = start;
  let carry = Buffer.alloc(0);
  while (position < end) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK, end - position));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const data = carry.length === 0 ? chunk.subarray(0, bytesRead) : Buffer.concat([carry, chunk.subarray(0, bytesRead)]);
    const last = data.lastIndexOf(0x0a);
    if (last < 0) {
      carry = data;
      continue;
    }
    carry = Buffer.from(data.subarray(last + 1));
    yield { batch: parseLines(data.subarray(0, last)), consumed: position - carry.length };
  }
}

function parseLines(data: Buffer): TailBatch {
  const records: RecordLine[] = [];
  let skipped = 0;
  for (const text of data.toString('utf8').split('\n')) {
    if (text.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as RecordLine).type === 'string')
        records.push(value as RecordLine);
      else skipped += 1;
    } catch {
      skipped += 1;
    }
  }
  return skipped > 0 ? { records, skipped } : { records };
}

/** The rotated files beside the live one, oldest (highest number) first. */
async function rotatedFiles(path: string): Promise<string[]> {
  const extension = extname(path);
  const stem = basename(path, extension);
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch {
    return [];
  }
  const numbered: Array<{ index: number; path: string }> = [];
  for (const name of names) {
    if (!name.startsWith(`${stem}.`) || !name.endsWith(extension)) continue;
    const middle = name.slice(stem.length + 1, name.length - extension.length);
    if (/^[1-9][0-9]*$/.test(middle)) numbered.push({ index: Number(middle), path: join(dirname(path), name) });
  }
  return numbered.sort((a, b) => b.index - a.index).map((entry) => entry.path);
}
