import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { peerDependencies: Record<string, string> };

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/**
 * An app that installs one SDK must build with Next.js, Vite or esbuild: a literal import of an
 * optional peer makes the bundler resolve it at build time (`Can't resolve 'pg'`). Peers load
 * through importUnbundled (src/core/optional-peer.ts); type-only imports are erased. The simulator
 * (src/testing) and the CLI (src/cli, the bin's own entry) import the SDKs on purpose: neither is part
 * of an app's bundle.
 */
describe('optional peers are never imported by a literal specifier outside src/testing and src/cli', () => {
  const peers = Object.keys(manifest.peerDependencies);
  const files = sources(join(root, 'src')).filter((file) => !file.includes(join('src', 'testing')) && !file.includes(join('src', 'cli')));

  it.each(peers)('%s', (peer) => {
    const escaped = peer.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    const dynamic = new RegExp(`import\\(\\s*['"]${escaped}(/[^'"]*)?['"]\\s*\\)`);
    const value = new RegExp(`^import\\s+(?!type\\b)[^;]*from\\s+['"]${escaped}(/[^'"]*)?['"]`, 'm');
    const offenders = files.filter((file) => {
      // Comments may show the pattern to avoid; only code counts.
      const text = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      return dynamic.test(text) || value.test(text);
    });
    expect(offenders.map((file) => file.slice(root.length))).toEqual([]);
  });
});
