import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readmeBlocks, ReadmeMarkerError } from '../scripts/readme/blocks.js';
import { blockModule, preludeNames, runBlocks, typecheckBlocks, writeBlockModules } from '../scripts/readme/check.js';

const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');

describe('README blocks: markers', () => {
  it('checks ts blocks, runs them unless marked, and leaves other languages alone', () => {
    const blocks = readmeBlocks(
      [
        '# x',
        '```sh',
        'npm i',
        '```',
        '```ts',
        'one();',
        '```',
        '<!-- readme-check: typecheck (needs Redis) -->',
        '```typescript',
        'two();',
        '```',
      ].join('\n'),
    );
    expect(blocks).toEqual([
      { line: 6, mode: 'run', code: 'one();' },
      { line: 10, mode: 'typecheck', reason: 'needs Redis', code: 'two();' },
    ]);
  });

  it.each([
    ['<!-- readme-check: typecheck -->\n```ts\nx\n```', /line 1: say why the block cannot run/],
    ['<!-- readme-check: sometimes -->\n```ts\nx\n```', /line 1: unknown readme-check marker "sometimes"/],
    ['<!-- readme-check: run -->\n\n```ts\nx\n```', /line 1: a readme-check marker must be on the line right before a code fence/],
    ['<!-- readme-check: run -->\n```sh\nx\n```', /only ts blocks are checked/],
    ['```ts\nx\n', /line 1: the code fence is never closed/],
  ])('rejects %j', (markdown, message) => {
    expect(() => readmeBlocks(markdown)).toThrow(ReadmeMarkerError);
    expect(() => readmeBlocks(markdown)).toThrow(message);
  });

  it('marks every README block that cannot run with the reason', () => {
    const blocks = readmeBlocks(readme);
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    for (const block of blocks.filter((entry) => entry.mode === 'typecheck')) expect(block.reason).toMatch(/needs /);
  });
});

describe('README blocks: modules', () => {
  it('keeps imports as imports, runs the rest in run(), and maps every line back to the README', () => {
    const { text, lineMap } = blockModule(
      { line: 40, mode: 'run', code: "import { ZenClient } from 'zenrouter';\nexport class Store {}\nconst zen = new ZenClient();" },
      ['ZenClient', 'zen', 'messages'],
      './prelude.js',
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe("import { zen, messages } from './prelude.js'; export async function run(): Promise<void> {");
    expect(lines[2]).toBe('       class Store {}');
    expect(lines.at(-3)).toBe("import { ZenClient } from 'zenrouter';");
    expect(lineMap[1]).toBe(40);
    expect(lineMap[3]).toBe(42);
    expect(lineMap[lines.length - 3]).toBe(40);
    expect(preludeNames()).toEqual(expect.arrayContaining(['zen', 'messages', 'ZenClient', 'simulator']));
  });
});

describe('README blocks: typechecked and run against the simulator', () => {
  // The README, and after it two blocks that must fail: a misspelled parameter, and a call that throws.
  const broken = [
    '```ts',
    "await zen.chat.completions.create({ model: 'gpt-5-mini', messages, max_completion_tokenz: 5 });",
    '```',
    '```ts',
    "await zen.chat.completions.create({ model: 'no-such-vendor/model', messages });",
    '```',
  ];
  const markdown = `${readme}\n${broken.join('\n')}\n`;
  const total = markdown.split('\n').length;
  const typoLine = total - 5;
  const throwsLine = total - 2;
  // Inside the repository, so that the blocks resolve its node_modules.
  const scratch = fileURLToPath(new URL('../.tmp/', import.meta.url));
  mkdirSync(scratch, { recursive: true });
  const dir = mkdtempSync(join(scratch, 'readme-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const modules = writeBlockModules(readmeBlocks(markdown), dir);

  it('typechecks every block: the README has no type error, the misspelled parameter is one', () => {
    const problems = typecheckBlocks(modules);
    expect(problems).toEqual([{ line: typoLine, message: expect.stringMatching(/max_completion_tokenz/) }]);
  }, 240_000);

  it('runs every block not marked typecheck: the README blocks succeed, the failing call is reported', async () => {
    const results = await runBlocks(modules);
    const readmeRunnable = readmeBlocks(readme).filter((block) => block.mode === 'run');
    expect(results.map((result) => result.line)).toEqual([...readmeRunnable.map((block) => block.line), typoLine, throwsLine]);
    for (const result of results.slice(0, readmeRunnable.length))
      expect(result, `README.md:${result.line}\n${result.output}`).toMatchObject({ ok: true });
    expect(results.at(-1)).toMatchObject({ ok: false, error: expect.stringMatching(/ZenError|no-such-vendor/) });
    expect(results[0]!.output).toMatch(/Simulated answer from claude-haiku-4-5/);
  }, 240_000);
});
