import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The recorded real provider responses: from ZEN_RECORDED_DIR if set, else the shared folder next
 * to the checkout (../shared/fixtures/recorded), else the copy kept in test/fixtures/recorded
 * (same files, with their README and licence), so that a clone elsewhere still runs them.
 */
function recordedDir(): string {
  const candidates = [
    process.env.ZEN_RECORDED_DIR,
    fileURLToPath(new URL('../../../shared/fixtures/recorded/', import.meta.url)),
    fileURLToPath(new URL('../fixtures/recorded/', import.meta.url)),
  ];
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate.endsWith('/') ? candidate : `${candidate}/`;
  throw new Error('No recorded fixtures found: set ZEN_RECORDED_DIR.');
}

export const RECORDED_DIR = recordedDir();

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
