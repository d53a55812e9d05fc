import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The recorded real provider responses, read in place from ../shared (see its README and licence). */
export const RECORDED_DIR = fileURLToPath(new URL('../../../shared/fixtures/recorded/', import.meta.url));

/** A recorded non-streamed body, byte for byte. */
export function recordedBody(path: string): string {
  return readFileSync(RECORDED_DIR + path, 'utf8');
}

/** A recorded stream: one JSON event per line, without the SSE envelope. */
export function recordedChunks(path: string): string[] {
  return recordedBody(path)
    .split('\n')
    .filter((line) => line.trim() !== '');
}
