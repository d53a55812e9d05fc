import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { redisAvailable, useRedisServer } from './helpers/redis-server.js';

/** Every example runs, offline, and prints what it promises (the README points at them). */
const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));

// No real keys: the examples must take the simulator path.
const env = { ...process.env };
for (const key of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_CLOUD_PROJECT', 'GOOGLE_CLOUD_LOCATION', 'OPENAI_BASE_URL', 'ANTHROPIC_BASE_URL', 'GOOGLE_GEMINI_BASE_URL']) {
  delete env[key];
}

const redis = useRedisServer();

const EXAMPLES: Array<[string, string[], RegExp[]]> = [
  ['examples/demo.ts', [], [/tool call\s+get_weather/, /a greeting\s+→ openai\/gpt-5-mini\n.*so the cheapest/, /a hard problem → openai\/gpt-5\n.*competition math/, /failover/, /images\.generate on gpt-image-1/, /claim slow_first_token/, /ledger summary/]],
  ['examples/run.ts', ['examples/openai-script.ts'], [/gpt-5-mini: /, /claude-haiku-4-5: /, /gemini-2\.5-flash: /]],
  ['examples/run.ts', ['examples/streaming.ts'], [/\[usage\]/, /\[abort\] stopped after 3 chunks/, /\[response\] \d+ JSON lines/]],
  ['examples/run.ts', ['examples/tools.ts'], [/calls get_weather/, /Based on the tool result/]],
  ['examples/run.ts', ['examples/nextjs/run-action.ts'], [/summary: /, /model: 'anthropic\/claude-haiku-4-5'/]],
  ['examples/run.ts', ['examples/anthropic-face.ts'], [/tool_use: get_stock/, /events: message_start/, /final stop_reason: end_turn/]],
  ['examples/run.ts', ['examples/gemini-face.ts'], [/functionCalls: \[/, /json: \{/]],
  ['examples/routing.ts', [], [/auto: the Pareto choice/, /\[breaker\]/, /skipped/, /\[hedge\]/]],
  ['examples/insurance.ts', [], [/\[claim\] slow_first_token/, /\[claim\] invalid_json/, /repaired: true/, /\[EMAIL\]/]],
  ['examples/shared-state.ts', [], [/store: MemoryStateStore/, /\[second breaker\] openai\/gpt-5-mini:openai: closed → open \(shared cooldown from another process\)/, /upstream calls to gpt-5-mini: 1/, /turn 2 on second: anthropic\/claude-haiku-4-5:anthropic \(sticky: true\)/]],
  ['examples/images.ts', [], [/gpt-image-1: 2 images/, /dall-e-3, n=3: .* 3 images, \$0\.12/, /imagen on google\/imagen-4\.0-generate-001:vertex: 5 images/, /failover: .*success/]],
];

describe('examples', () => {
  it.each(EXAMPLES)('%s %s runs', async (file, args, patterns) => {
    const { stdout } = await run(tsx, [file, ...args], { cwd: root, env, timeout: 90_000, maxBuffer: 10 * 1024 * 1024 });
    for (const pattern of patterns) expect(stdout).toMatch(pattern);
  }, 120_000);

  it.skipIf(!redisAvailable)('examples/shared-state.ts runs on Redis', async () => {
    const { stdout } = await run(tsx, ['examples/shared-state.ts'], { cwd: root, env: { ...env, REDIS_URL: redis.url }, timeout: 90_000 });
    expect(stdout).toMatch(/store: RedisStateStore/);
    expect(stdout).toMatch(/\[second breaker\] openai\/gpt-5-mini:openai: closed → open \(shared cooldown from another process\)/);
    expect(stdout).toMatch(/upstream calls to gpt-5-mini: 1/);
    expect(stdout).toMatch(/\(sticky: true\)/);
  }, 120_000);
});
