import { ZenError } from './errors.js';

/**
 * Loads an optional peer dependency (an SDK, better-sqlite3) when the app's code needs it, with an
 * import that bundlers leave alone. A literal `import('@anthropic-ai/sdk')` makes Next.js (webpack
 * and Turbopack), Vite and esbuild resolve the package at build time, so an app that installs only
 * `openai` fails to build. The specifier here is a variable, and the comments tell webpack,
 * Turbopack and Vite not to touch the import: it stays the runtime's own `import()`, which on Node
 * resolves the package from the app's node_modules when (and only if) it is called.
 *
 * Built with Next.js 16.4 (Turbopack and webpack), the alternatives fail: a literal specifier, with
 * or without `createRequire(import.meta.url)`, breaks Turbopack's build when the package is absent
 * (webpack's too, for the plain import); a variable without the comments builds, but both bundlers
 * then replace the import with one that fails at run time even for installed packages ("Cannot find
 * module as expression is too dynamic"). A literal with the comments works too; the variable keeps
 * tools that do not read the comments from trying.
 *
 * Edge runtimes (Next.js edge routes, Cloudflare Workers) have no module resolution at run time:
 * there the import fails and the host passes SDK clients it built itself (`providers`).
 */
export function importUnbundled(specifier: string): Promise<unknown> {
  return import(/* webpackIgnore: true */ /* turbopackIgnore: true */ /* @vite-ignore */ specifier);
}

/** The `configuration` error for a peer that could not be loaded: missing, or this runtime cannot import it. */
export function optionalPeerError(specifier: string, neededFor: string, error: unknown): ZenError {
  const missing = isModuleNotFound(error);
  const detail = error instanceof Error ? error.message : String(error);
  return new ZenError({
    kind: 'configuration',
    retryable: false,
    cause: error,
    message: missing
      ? `${neededFor} needs the optional peer dependency '${specifier}': run \`npm install ${specifier}\`.`
      : `${neededFor} could not load '${specifier}' in this runtime (${detail}). On runtimes without module loading at run time (edge functions, Cloudflare Workers), import the SDK in your code and pass the client: new ZenClient({ providers: { ... } }).`,
  });
}

/** Node's error for a package that is not installed (from `import()` or `require`). */
export function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}
