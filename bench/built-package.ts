/**
 * What the cold-start, memory and event-loop benches measure: the package as users import it (the
 * tsup build, ESM), in fresh Node processes without tsx, so that no TypeScript loader or test
 * tooling is in the figures. The build goes to .tmp/bench-dist (no type declarations: they do not
 * change the JavaScript), from the same tsup configuration as `npm run build`.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import { shared } from '../tsup.config.js';

const root = fileURLToPath(new URL('..', import.meta.url));
export const BENCH_DIST = fileURLToPath(new URL('../.tmp/bench-dist/', import.meta.url));

let built: Promise<string> | undefined;

/** Builds the package once per bench run; resolves with the ESM entry's path. */
export function builtPackage(): Promise<string> {
  built ??= (async () => {
    // The shared options, not the default export: that one cleans dist/ when called.
    await build({ ...shared, format: 'esm', dts: false, sourcemap: false, outDir: BENCH_DIST, silent: true, config: false });
    return `${BENCH_DIST}index.js`;
  })();
  return built;
}

/**
 * Runs `script` (a plain .mjs file in bench/) in a fresh Node process with `args`, collecting the
 * JSON object it prints on its last line.
 */
export function runChild<T>(script: string, args: readonly string[], nodeOptions: readonly string[] = ['--expose-gc']): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    execFile(
      process.execPath,
      [...nodeOptions, fileURLToPath(new URL(script, import.meta.url)), ...args],
      { cwd: root, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${script} failed: ${error.message}\n${stderr}`));
          return;
        }
        const last = stdout.trim().split('\n').pop() ?? '';
        try {
          resolve(JSON.parse(last) as T);
        } catch {
          reject(new Error(`${script} printed no result: ${stdout}\n${stderr}`));
        }
      },
    );
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function range(values: readonly number[]): string {
  return `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}`;
}
