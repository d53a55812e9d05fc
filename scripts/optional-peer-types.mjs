#!/usr/bin/env node
/**
 * Runs after tsup (`npm run build`). The published declarations import types from the optional
 * peer dependencies (openai, @anthropic-ai/sdk, @google/genai, better-sqlite3, ...). An app that
 * installs only some of them, compiled with `skipLibCheck: false`, would fail on the others with
 * "Cannot find module". Each such import gets a `@ts-ignore`, so a missing package's types become
 * TypeScript's error type, which src/core/peer-types.ts turns into `PeerNotInstalled<'package'>`
 * where a face is typed by them. Packages are read from package.json (optional peers).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MARK = '// @ts-ignore optional peer dependency: its types are absent when the app does not install it';
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const optional = Object.entries(pkg.peerDependenciesMeta ?? {})
  .filter(([, meta]) => meta.optional)
  .map(([name]) => name);
const escaped = optional.map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|');
// A module specifier of an optional peer, or a subpath of one: 'openai', "openai/resources/images".
const specifier = new RegExp(`(?:from\\s*|import\\s*\\(\\s*|import\\s+)(['"])(?:${escaped})(?:/[^'"]*)?\\1`);

function* declarationFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* declarationFiles(path);
    else if (/\.d\.c?ts$/.test(entry.name)) yield path;
  }
}

let marked = 0;
for (const file of declarationFiles('dist')) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out = [];
  for (const [index, line] of lines.entries()) {
    if (specifier.test(line) && !line.trimStart().startsWith('*') && lines[index - 1] !== MARK) {
      out.push(MARK);
      marked++;
    }
    out.push(line);
  }
  writeFileSync(file, out.join('\n'));
}
console.log(`optional peer types: ${marked} imports marked in dist (${optional.join(', ')})`);
