import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The `zenrouter` bin as a user runs it: a child process, through bin/zenrouter.js. */
const bin = fileURLToPath(new URL('../../bin/zenrouter.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'zen-cli-'));
const env = { ...process.env };
for (const key of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_CLOUD_PROJECT']) delete env[key];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function zenrouter(args: string[], options: { onStart?: (child: ReturnType<typeof spawn>) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: dir, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    options.onStart?.(child);
  });
}

function resultLines(path: string): Array<{ channel: string; item: string; sample: number }> {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"type":"result"'))
    .map((line) => JSON.parse(line) as { channel: string; item: string; sample: number });
}

describe('zenrouter CLI', () => {
  it('eval --simulate runs with no key and flags the worse host of a model', async () => {
    const out = join(dir, 'results.jsonl');
    const run = await zenrouter([
      'eval',
      '--simulate',
      '--out',
      out,
      '--ledger',
      join(dir, 'ledger.jsonl'),
      '--probe-identity',
      '--concurrency',
      '8',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/openai\/gpt-5-mini:openai\s+\d+\.\d% \[/);
    expect(run.stdout).toMatch(/openai\/gpt-5-mini:openai vs openai\/gpt-5-mini:budget-host: .* → openai\/gpt-5-mini:budget-host is WORSE/);
    expect(run.stdout).toMatch(/budget-host: FLAGGED \(says it is "I am Llama/);
    expect(run.stderr).toMatch(/\d+\/120 answers \| accuracy \d+\.\d% \| spent \$\d\.\d{4} \| ETA/);
    expect(resultLines(out)).toHaveLength(120);
  }, 120_000);

  it('Ctrl-C stops cleanly, keeps the answers, and the same command resumes where it stopped', async () => {
    const out = join(dir, 'interrupted.jsonl');
    const args = [
      'eval',
      '--simulate',
      '--out',
      out,
      '--channels',
      'openai/gpt-5-mini:openai,anthropic/claude-haiku-4-5:anthropic',
      '--concurrency',
      '1',
      '--sim-latency',
      '150',
    ];
    const first = await zenrouter(args, {
      onStart: (child) => {
        const timer = setInterval(() => {
          if (resultLines(out).length >= 4) {
            clearInterval(timer);
            child.kill('SIGINT');
          }
        }, 50);
      },
    });
    expect(first.code).toBe(130);
    expect(first.stderr).toMatch(/stopping .* keeping every graded answer/);
    expect(first.stdout).toMatch(/run the same command again to resume/);
    const kept = resultLines(out).length;
    expect(kept).toBeGreaterThanOrEqual(4);
    expect(kept).toBeLessThan(60);

    const second = await zenrouter([...args, '--sim-latency', '0']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain(`resuming: ${kept} answers already in`);
    const all = resultLines(out);
    expect(all).toHaveLength(60);
    expect(new Set(all.map((line) => `${line.channel}|${line.item}|${line.sample}`)).size).toBe(60);
    expect(second.stdout).toMatch(new RegExp(`60 answers · \\$[\\d.]+ spent · ${kept} resumed`));
  }, 120_000);

  it('watch --simulate flags the host that starts answering wrongly, and report draws it all in one file', async () => {
    const watchOut = join(dir, 'watch.jsonl');
    const watch = await zenrouter(['watch', '--simulate', '--every', '10ms', '--runs', '10', '--out', watchOut, '--sim-latency', '0']);
    expect(watch.code, watch.stderr).toBe(0);
    expect(watch.stdout).toMatch(/DEGRADATION openai\/gpt-5-mini:budget-host accuracy/);
    expect(watch.stdout).not.toMatch(/DEGRADATION openai\/gpt-5-mini:openai/);

    const html = join(dir, 'report.html');
    const report = await zenrouter(['report', join(dir, 'results.jsonl'), join(dir, 'ledger.jsonl'), watchOut, '-o', html]);
    expect(report.code, report.stderr).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('id="chart-accuracy"');
    expect(page).toContain('id="chart-watch"');
    expect(page).toContain('id="chart-ledger-cost"');
    // Self-contained: no external script, style or font.
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import|https?:\/\/cdn/);
  }, 120_000);

  it('refuses bad input with a clear message and exit code 2', async () => {
    const missing = await zenrouter(['eval', '--dataset', 'missing.jsonl', '--channels', 'openai/gpt-5-mini:openai']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/zenrouter: dataset missing\.jsonl: no such file/);
    const noModels = await zenrouter(['eval', '--dataset', fileURLToPath(new URL('../../data/hle-sample.jsonl', import.meta.url))]);
    expect(noModels.code).toBe(2);
    expect(noModels.stderr).toMatch(/--models or --channels/);
    const badNumber = await zenrouter(['eval', '--simulate', '--concurrency', '0']);
    expect(badNumber.code).toBe(2);
    expect(badNumber.stderr).toMatch(/--concurrency must be a whole number >= 1/);
  }, 120_000);
});
