import { fileURLToPath } from 'node:url';

// Two levels up from src/cli/ (a clone) and from dist/cli/ (the package) alike.
/** The bundled HLE-format sample (data/hle-sample.jsonl): written for tests and demos, not HLE itself. */
export const SAMPLE_DATASET = fileURLToPath(new URL('../../data/hle-sample.jsonl', import.meta.url));
