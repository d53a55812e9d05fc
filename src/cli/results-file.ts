import { createReadStream, existsSync } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { ItemResult } from '../eval/types.js';

/**
 * The CLI's results file: JSONL, one line per graded answer (`{"type":"result", ...}`), a
 * `{"type":"run"}` line when a run starts, a `{"type":"summary"}` line when it ends, and for
 * `watch` one `{"type":"watch-run"}` per canary run and `{"type":"degradation"}` per alarm. Lines
 * are appended as answers arrive, so a run stopped at any point keeps every answer it had.
 */
export class ResultsFile {
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  async open(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
  }

  /** Appends one line; lines are written in order. */
  write(line: Record<string, unknown>): Promise<void> {
    const text = `${JSON.stringify(line)}\n`;
    this.queue = this.queue.then(() => appendFile(this.path, text, 'utf8'));
    return this.queue;
  }

  flush(): Promise<void> {
    return this.queue;
  }
}

/** The graded answers already in a results file (none when it does not exist). A torn last line is skipped. */
export async function* readResults(path: string): AsyncIterable<ItemResult> {
  if (!existsSync(path)) return;
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof record === 'object' && record !== null && (record as { type?: unknown }).type === 'result') {
      const { type: _type, ...result } = record as ItemResult & { type: string };
      yield result;
    }
  }
}
