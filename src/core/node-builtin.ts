/**
 * A Node built-in module when the runtime has one (`process.getBuiltinModule`, Node 20.16+), else
 * undefined; never throws. Nothing imports `node:*`, so edge bundles stay free of Node modules, and
 * the lookup is guarded because edge sandboxes make `process` a stub whose unsupported members
 * throw when read (Next.js: "A Node.js API is used (process.getBuiltinModule) which is not
 * supported in the Edge Runtime"), which would otherwise fail at import time. `host` is for tests.
 */
export function nodeBuiltin(id: `node:${string}`, host: object = globalThis): unknown {
  try {
    const process = (host as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    return typeof process?.getBuiltinModule === 'function' ? process.getBuiltinModule(id) : undefined;
  } catch {
    return undefined;
  }
}
