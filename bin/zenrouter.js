#!/usr/bin/env node
// The `zenrouter` command. In a clone of the repository (src/ present) it runs the TypeScript
// source through tsx, a dev dependency, so that `npx zenrouter` works right after `npm install`
// and never runs a stale build; in the published package (no src/) it runs the built dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const source = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const built = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

if (existsSync(source)) {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    console.error('zenrouter: running from a clone needs its dev dependencies (npm install), or a build (npm run build).');
    process.exit(1);
  }
  register();
  await import(pathToFileURL(source).href);
} else {
  await import(pathToFileURL(built).href);
}
