// Fails when a file the built package loads at import time holds a character beyond U+00FF.
// V8 keeps a script's source in the heap for as long as its functions live, at one byte a
// character when every character is Latin-1 and at two bytes otherwise: one stray character in a
// regex literal or a kept comment (esbuild escapes string literals, not those) doubles the heap
// that the main bundle's text takes (about 0.7 MB). Lazily loaded chunks (redaction, the CLI)
// may hold any text. Usage: node scripts/check-bundle-latin1.mjs [dist/index.js dist/index.cjs ...]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const entries = process.argv.length > 2 ? process.argv.slice(2) : ['dist/index.js', 'dist/index.cjs', 'dist/node/index.js'];
const STATIC =
  /(?:^|\n)\s*(?:import|export)\s[^'"()]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|(?:^|\n)\s*import\s*['"](\.{1,2}\/[^'"]+)['"]|\brequire\(['"](\.{1,2}\/[^'"]+)['"]\)/g;
const seen = new Set();
const problems = [];
const queue = [...entries];
while (queue.length > 0) {
  const file = queue.pop();
  if (seen.has(file)) continue;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range starts at U+0000 on purpose (every Latin-1 character).
  const wide = /[^\u0000-\u00ff]/.exec(text);
  if (wide) {
    const at = wide.index;
    problems.push(`${file}: ${JSON.stringify(wide[0])} in …${text.slice(Math.max(0, at - 60), at + 20).replace(/\n/g, '\\n')}…`);
  }
  for (const match of text.matchAll(STATIC)) queue.push(join(dirname(file), match[1] ?? match[2] ?? match[3]));
}
if (problems.length > 0) {
  console.error(
    `Characters beyond Latin-1 in what the package loads at import time (write them as \\u escapes, or keep them out of kept comments):\n${problems.join('\n')}`,
  );
  process.exit(1);
}
console.log(`bundle text is Latin-1: ${seen.size} files loaded at import time`);
