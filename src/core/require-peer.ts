import { nodeBuiltin } from './node-builtin.js';

interface RequireFunction {
  (id: string): unknown;
  resolve(id: string): string;
}

/** This runtime has no `require` (an edge runtime, a browser): nothing can be loaded synchronously. */
export class NoRequireError extends Error {
  override readonly name = 'NoRequireError';
}

/**
 * Loads an optional peer dependency synchronously, for an API that must return at once: the openai
 * SDK's `chat.completions.stream()` returns its stream object, not a promise, so zenrouter's must
 * build the SDK's class before it returns. Like `importUnbundled`, bundlers never see a specifier:
 * the `require` comes from `node:module` at run time (through `process.getBuiltinModule`), and
 * resolves from this file, then from the working directory (a bundle whose own path is gone).
 * `importUnbundled` (./optional-peer.ts) cannot serve here: `import()` returns a promise.
 *
 * `esm` names the ES module build of the same file (`.mjs`): loaded with `require(esm)` (Node
 * 20.19+), it is the very module an app's `import` gets, so classes and `instanceof` are shared;
 * where that fails (module hooks on Node 20), the CommonJS build is used.
 */
export function requireUnbundled(specifier: string, esm?: string): unknown {
  const module = nodeBuiltin('node:module') as { createRequire?: (from: string) => RequireFunction } | undefined;
  if (typeof module?.createRequire !== 'function')
    throw new NoRequireError(`this runtime cannot load '${specifier}' synchronously (no require)`);
  const cwd = (nodeBuiltin('node:process') as { cwd?: () => string } | undefined)?.cwd?.();
  // The CommonJS build has no `import.meta.url` (esbuild leaves it undefined): the working directory only.
  const here = (import.meta as { url?: unknown }).url;
  const bases = [...(typeof here === 'string' && here ? [here] : []), ...(cwd ? [`${cwd}/noop.js`] : [])];
  if (bases.length === 0) throw new NoRequireError(`nowhere to resolve '${specifier}' from`);
  let notFound: unknown;
  for (const base of bases) {
    const require = module.createRequire(base);
    if (esm) {
      try {
        return require(require.resolve(esm));
      } catch {
        // An older Node, or module hooks: the CommonJS build below.
      }
    }
    try {
      return require(specifier);
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code !== 'MODULE_NOT_FOUND') throw error;
      notFound ??= error;
    }
  }
  throw notFound;
}
