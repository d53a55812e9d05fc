import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { postgresAvailable, usePostgres } from './helpers/postgres-server.js';
import { redisAvailable, useRedisServer } from './helpers/redis-server.js';

/** Every example runs, offline, and prints what it promises (the README points at them). */
const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));

// No real keys: the examples must take the simulator path.
const env = { ...process.env };
for (const key of [
  'OPENAI_API_KEY',
  'ANTHROPIC_API_KEY',
  'GEMINI_API_KEY',
  'GOOGLE_API_KEY',
  'GOOGLE_CLOUD_PROJECT',
  'GOOGLE_CLOUD_LOCATION',
  'OPENAI_BASE_URL',
  'ANTHROPIC_BASE_URL',
  'GOOGLE_GEMINI_BASE_URL',
]) {
  delete env[key];
}

const redis = useRedisServer();
const postgres = usePostgres();

const EXAMPLES: Array<[string, string[], RegExp[]]> = [
  [
    'examples/demo.ts',
    [],
    [
      /tool call\s+get_weather/,
      /a greeting\s+→ openai\/gpt-5-mini\n.*so the cheapest/,
      /a hard problem → openai\/gpt-5\n.*competition math/,
      /failover/,
      /images\.generate on gpt-image-1/,
      /claim slow_first_token/,
      /ledger summary/,
      /openai\/gpt-5-mini:openai\s+accuracy \d+% \[\d+–\d+%\]/,
      /40 answers · \$[\d.]+ spent/,
      /report: .*report\.html/,
    ],
  ],
  ['examples/run.ts', ['examples/openai-script.ts'], [/gpt-5-mini: /, /claude-haiku-4-5: /, /gemini-2\.5-flash: /]],
  ['examples/run.ts', ['examples/streaming.ts'], [/\[usage\]/, /\[abort\] stopped after 3 chunks/, /\[response\] \d+ JSON lines/]],
  [
    'examples/run.ts',
    ['examples/responses.ts'],
    [
      /gpt-5-mini: calls get_weather/,
      /claude-haiku-4-5: Based on the tool result .*turns: 2/,
      /gemini-2\.5-flash: Based on the tool result .*turns: 2/,
      /\[stream\] completed: /,
      /\[stream\] served by anthropic\/claude-haiku-4-5:anthropic/,
      /\[conversation\] continued: /,
      /\[retrieve\] .*My name is Ada\./,
      /\[web_search\] openai\/gpt-5-mini: web_search_call, message/,
      /\[refused\] invalid_request \(tools\): The tool\(s\) "web_search" run only on OpenAI models/,
    ],
  ],
  ['examples/run.ts', ['examples/tools.ts'], [/calls get_weather/, /Based on the tool result/]],
  [
    'examples/run.ts',
    ['examples/openai-helpers.ts'],
    [
      /embeddings on openai\/text-embedding-3-small: 3 vectors of 256, \d+ tokens, \$\d/,
      /embeddings on google\/gemini-embedding-001: 3 vectors of 256/,
      /base64: string of \d+ characters/,
      /two embedding models in one call: invalid_request/,
      /claude-haiku-4-5 parse: string name, number height/,
      /gemini-2\.5-flash stream: \d+ deltas, finish_reason stop/,
      /gpt-5-mini runTools: called light_status; 4 messages; answer given/,
      /withResponse: 200, x-zen-channel openai\/gpt-5-mini:openai, request_id matches: true/,
      /retrieve gpt-5-mini → openai\/gpt-5-mini owned by openai/,
      /withOptions: auto → anthropic\/claude-haiku-4-5/,
    ],
  ],
  ['examples/run.ts', ['examples/nextjs/run-action.ts'], [/summary: /, /model: 'anthropic\/claude-haiku-4-5'/]],
  ['examples/run.ts', ['examples/anthropic-face.ts'], [/tool_use: get_stock/, /events: message_start/, /final stop_reason: end_turn/]],
  ['examples/run.ts', ['examples/gemini-face.ts'], [/functionCalls: \[/, /json: \{/]],
  ['examples/routing.ts', [], [/auto: the Pareto choice/, /\[breaker\]/, /skipped/, /\[hedge\]/]],
  ['examples/insurance.ts', [], [/\[claim\] slow_first_token/, /\[claim\] invalid_json/, /repaired: true/, /\[EMAIL\]/]],
  [
    'examples/shared-state.ts',
    [],
    [
      /store: MemoryStateStore/,
      /\[second breaker\] openai\/gpt-5-mini:openai: closed → open \(shared cooldown from another process\)/,
      /upstream calls to gpt-5-mini: 1/,
      /turn 2 on second: anthropic\/claude-haiku-4-5:anthropic \(sticky: true\)/,
    ],
  ],
  [
    'examples/pipeline-steps.ts',
    [],
    [
      /second: served from the cache \(same answer: true; upstream calls: 1\)/,
      /second stream: \d+ characters from served from the cache \(upstream calls: 2\)/,
      /refused: content_filter \(guardrail\).*upstream calls: 2; recorded as zen_/,
      /\[attempt\] end {3}openai\/gpt-5-mini:openai: error/,
      /answered by google\/gemini-2\.5-flash:google/,
      /ledger: 6 calls recorded/,
    ],
  ],
  [
    'examples/run.ts',
    ['examples/bad-input.ts'],
    [
      /a timeout of -1: invalid_request at zen\.timeouts\.totalMs/,
      /a circular tool schema: invalid_request at tools\[0\]\.function\.parameters/,
      /signal must be an AbortSignal/,
      /attempts made for them: 0/,
      /a valid call afterwards: /,
    ],
  ],
  [
    'examples/shared-ledger.ts',
    [],
    [/ledger: PGlite \(embedded\)/, /balance seen by first: \$0\.003, by second: \$0\.003/, /claims: 6 \(3 credited, 3 capped\)/],
  ],
  [
    'examples/dashboard.ts',
    [],
    [
      /dashboard: http:\/\/127\.0\.0\.1:\d+\//,
      /the page shows 20 calls, cost \$0\.\d+, (?:[2-9]|\d{2,}) claims, credits \$0\.\d+/,
      /anthropic\/claude-haiku-4-5:anthropic\s+p50 \d+ ms · p95 \d+ ms/,
    ],
  ],
  [
    'examples/budgets.ts',
    [],
    [
      /store: MemoryStateStore/,
      /\[budget\] soft_limit on user:42/,
      /call 5: refused, budget_exceeded \(user:42 usd per day\)/,
      /provider calls: 4\n/,
      /project:atlas: 4 calls answered, 2000 of 2000 tokens/,
      /call 1: openai\/o4-mini[\s\S]*call 12: google\//,
      /ledger: \d+ budget records/,
    ],
  ],
  [
    'examples/telemetry.ts',
    [],
    [
      /answer: Paris\. \(anthropic\/claude-haiku-4-5:anthropic\)/,
      /span "chat gpt-5-mini" \(error\)\n(?:.*\n)*?\s+error\.type = "overloaded"/,
      /zenrouter\.failover = true/,
      /event gen_ai\.evaluation\.result: \{"gen_ai\.evaluation\.name":"invalid_json"/,
      /gen_ai\.client\.token\.usage .*"gen_ai\.token\.type":"input"\}: count 1, sum 14/,
      /gen_ai\.client\.operation\.time_to_first_chunk/,
    ],
  ],
  [
    'examples/images.ts',
    [],
    [
      /gpt-image-1: 2 images/,
      /dall-e-3, n=3: .* 3 images, \$0\.12/,
      /imagen on google\/imagen-4\.0-generate-001:vertex: 5 images/,
      /failover: .*success/,
    ],
  ],
];

describe('examples', () => {
  it.each(EXAMPLES)(
    '%s %s runs',
    async (file, args, patterns) => {
      const { stdout } = await run(tsx, [file, ...args], { cwd: root, env, timeout: 90_000, maxBuffer: 10 * 1024 * 1024 });
      for (const pattern of patterns) expect(stdout).toMatch(pattern);
    },
    120_000,
  );

  it.skipIf(!redisAvailable)(
    'examples/shared-state.ts runs on Redis',
    async () => {
      const { stdout } = await run(tsx, ['examples/shared-state.ts'], {
        cwd: root,
        env: { ...env, REDIS_URL: redis.url },
        timeout: 90_000,
      });
      expect(stdout).toMatch(/store: RedisStateStore/);
      expect(stdout).toMatch(/\[second breaker\] openai\/gpt-5-mini:openai: closed → open \(shared cooldown from another process\)/);
      expect(stdout).toMatch(/upstream calls to gpt-5-mini: 1/);
      expect(stdout).toMatch(/\(sticky: true\)/);
    },
    120_000,
  );

  it.skipIf(!redisAvailable)(
    'examples/budgets.ts runs on Redis',
    async () => {
      const { stdout } = await run(tsx, ['examples/budgets.ts'], { cwd: root, env: { ...env, REDIS_URL: redis.url }, timeout: 90_000 });
      expect(stdout).toMatch(/store: RedisStateStore/);
      expect(stdout).toMatch(/call 5: refused, budget_exceeded \(user:42 usd per day\)/);
      expect(stdout).toMatch(/project:atlas: 4 calls answered, 2000 of 2000 tokens/);
    },
    120_000,
  );

  it.skipIf(!postgresAvailable)(
    'examples/shared-ledger.ts runs on PostgreSQL',
    async () => {
      const { stdout } = await run(tsx, ['examples/shared-ledger.ts'], {
        cwd: root,
        env: { ...env, DATABASE_URL: postgres.url },
        timeout: 90_000,
      });
      expect(stdout).toMatch(/ledger: PostgreSQL at DATABASE_URL/);
      expect(stdout).toMatch(/balance seen by first: \$0\.003, by second: \$0\.003/);
      expect(stdout).toMatch(/claims: 6 \(3 credited, 3 capped\)/);
    },
    120_000,
  );
});
