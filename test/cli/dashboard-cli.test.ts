import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SqliteLedgerStore } from '../../src/node/index.js';
import type { DashboardData } from '../../src/node/index.js';
import { attempt, requestRecord } from '../insurance/fixtures/records.js';

/** `zenrouter dashboard` as a user runs it: a child process through bin/zenrouter.js. */
const bin = fileURLToPath(new URL('../../bin/zenrouter.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'zen-dashboard-cli-'));

const records = (count: number) =>
  Array.from({ length: count }, (_, index) =>
    requestRecord({
      requestId: `r${index}`,
      at: new Date(Date.UTC(2025, 5, 1, 12, 0, index)).toISOString(),
      costUsd: 0.001,
      attempts: [attempt('openai/gpt-5-mini:openai', 100 + index)],
    }),
  );

function run(args: string[]): {
  child: ChildProcess;
  output: Promise<{ code: number | null; stdout: string; stderr: string }>;
  url: Promise<string>;
} {
  const child = spawn(process.execPath, [bin, 'dashboard', ...args], { cwd: dir });
  let stdout = '';
  let stderr = '';
  let found: (url: string) => void;
  const url = new Promise<string>((resolve) => (found = resolve));
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const match = /zenrouter dashboard: (http:\/\/\S+)/.exec(stdout);
    if (match) found(match[1]!);
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const output = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, output, url };
}

async function figures(url: string): Promise<DashboardData> {
  for (;;) {
    const data = (await (await fetch(`${url}api/snapshot`)).json()) as DashboardData;
    if (!data.loading) return data;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('zenrouter dashboard', () => {
  it('serves a JSONL ledger on 127.0.0.1, prints the URL, stops on Ctrl-C', async () => {
    const path = join(dir, 'ledger.jsonl');
    writeFileSync(
      path,
      records(3)
        .map((record) => `${JSON.stringify(record)}\n`)
        .join(''),
    );
    const { child, output, url } = run(['--ledger', path, '--port', '0', '--refresh', '1', '--title', 'ops board']);
    const address = await url;
    expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const data = await figures(address);
    expect(data.title).toBe('ops board');
    expect(data.refreshSeconds).toBe(1);
    expect(data.totals.requests).toBe(3);
    expect(await (await fetch(address)).text()).toContain('<title>ops board</title>');
    child.kill('SIGINT');
    const { code, stdout } = await output;
    expect(code).toBe(0);
    expect(stdout).toContain('(JSONL, followed by byte offset)');
  }, 30_000);

  it('serves a SQLite ledger', async () => {
    const path = join(dir, 'ledger.db');
    const store = await SqliteLedgerStore.open({ path });
    await store.append(records(5));
    await store.close();
    const { child, output, url } = run(['--ledger', path, '--port', '0']);
    expect((await figures(await url)).totals.requests).toBe(5);
    child.kill('SIGTERM');
    expect((await output).code).toBe(0);
  }, 30_000);

  it('refuses bad input with a message and exit code 2, before serving anything', async () => {
    const html = join(dir, 'report.html');
    writeFileSync(html, '<!doctype html><p>not a ledger</p>\n');
    const cases: Array<[string[], string]> = [
      [[], 'dashboard needs --ledger'],
      [['--ledger', join(dir, 'missing.jsonl')], 'no such ledger file'],
      [['--ledger', html], 'is not a ledger: its first line is not a JSON record'],
      [['--ledger', join(dir, 'ledger.jsonl'), '--port', '70000'], '--port must be from 0 to 65535'],
      [['--ledger', join(dir, 'ledger.jsonl'), '--refresh', '0'], '--refresh must be a number >= 0.2'],
      [
        ['--ledger', 'postgres://zen:secret@127.0.0.1:1/zen'],
        'cannot read the Postgres ledger at postgres://zen:[redacted]@127.0.0.1:1/zen',
      ],
    ];
    writeFileSync(join(dir, 'ledger.jsonl'), '');
    const outputs = await Promise.all(cases.map(([args]) => run(args).output));
    outputs.forEach(({ code, stderr }, index) => {
      const [args, message] = cases[index]!;
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toContain(message);
      expect(stderr).not.toContain('secret');
    });
  }, 60_000);
});
