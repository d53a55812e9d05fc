#!/usr/bin/env node
// The `zenrouter` command. In a clone of the repository (src/ present, dev dependencies
// installed) it runs the TypeScript source through tsx, so that `npx zenrouter` works right after
// `npm install` and never runs a stale build; in the published package (no src/) it runs dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const source = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const built = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

async function tsx() {
  try {
    return await import('tsx/esm/api');
  } catch {
    return undefined;
  }
}

const loader = existsSync(source) ? await tsx() : undefined;
if (loader) {
  loader.register();
  await import(pathToFileURL(source).href);
} else if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  console.error('zenrouter: no build and no tsx to run the source: run `npm install` (and `npm run build` outside a clone).');
  process.exit(1);
}
