import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import OpenAI from 'openai';
import { OpenAI as OpenAIv5 } from 'openai-v5';
import { describe, expect, it, vi } from 'vitest';
import { SUPPORTED_SDK_MAJORS } from '../../src/client/sdk-version.js';
import { ZenClient, ZenError, type SdkVersionWarning } from '../../src/index.js';
import type { Simulator } from '../../src/testing/index.js';
import { useSimulator } from '../helpers/simulator.js';

/** Errors say what to do: which key to check, which host refused, which SDK major is off. */

const sim = useSimulator();
const messages = [{ role: 'user' as const, content: 'Hello' }];

const CLIENTS: Record<'openai' | 'anthropic' | 'google', (baseURL: string) => object> = {
  openai: (baseURL) => new OpenAI({ apiKey: 'sk-test-openai-key-000000000000', baseURL, maxRetries: 0 }),
  anthropic: (baseURL) => new Anthropic({ apiKey: 'sk-ant-test-key-0000000000000', baseURL, maxRetries: 0 }),
  google: (baseURL) => new GoogleGenAI({ apiKey: 'AIza-simulator-000000000000000000000', httpOptions: { baseUrl: baseURL } }),
};
const BASE_URL: Record<keyof typeof CLIENTS, (sim: Simulator) => string> = {
  openai: (s) => s.openaiBaseURL,
  anthropic: (s) => s.anthropicBaseURL,
  google: (s) => s.googleBaseURL,
};
const MODEL = { openai: 'openai/gpt-5-mini', anthropic: 'anthropic/claude-haiku-4-5', google: 'google/gemini-2.5-flash' } as const;

async function failure(zen: ZenClient, model: string): Promise<ZenError> {
  const error = await zen.chat.completions.create({ model, messages }).catch((caught: unknown) => caught);
  expect(ZenError.isInstance(error)).toBe(true);
  return error as ZenError;
}

describe('an auth failure names the provider and what to check', () => {
  it.each([
    ['openai', 'openai', 'OPENAI_API_KEY or the apiKey of providers.openai'],
    ['anthropic', 'anthropic', 'ANTHROPIC_API_KEY or the apiKey of providers.anthropic'],
    ['google', 'google', 'GEMINI_API_KEY (or GOOGLE_API_KEY) or the apiKey of providers.google'],
    ['openai', 'deepseek', 'the apiKey of providers.deepseek'],
  ] as const)('%s SDK as provider %s: "%s"', async (family, name, hint) => {
    const zen = new ZenClient({
      providers: { [name]: { client: CLIENTS[family](BASE_URL[family](sim)), vendors: [MODEL[family].split('/')[0]!] } },
    });
    sim.enqueue(MODEL[family].split('/')[1]!, { fault: { type: 'http', status: 401, message: 'Invalid API key.' } });
    const error = await failure(zen, MODEL[family]);
    expect(error.attempts?.[0]?.kind).toBe('auth');
    expect(error.attempts?.[0]?.message).toContain(name);
    expect(error.attempts?.[0]?.message).toContain(`Check ${hint}.`);
  });
});

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('a closed port names the host', () => {
  it.each(['openai', 'anthropic', 'google'] as const)('%s', async (family) => {
    const port = await closedPort();
    const base = family === 'openai' ? `http://127.0.0.1:${port}/v1` : `http://127.0.0.1:${port}`;
    const zen = new ZenClient({ providers: { [family]: CLIENTS[family](base) }, routing: { retry: { retries: 0 } } });
    const error = await failure(zen, MODEL[family]);
    expect(error.attempts?.[0]?.kind).toBe('network');
    expect(error.attempts?.[0]?.message).toContain(`connection refused by 127.0.0.1:${port} (ECONNREFUSED`);
  });
});

describe('an SDK major outside the supported range', () => {
  it('gets one warning per provider and client, through the warning event', async () => {
    const zen = new ZenClient({
      providers: {
        old: {
          client: new OpenAIv5({ apiKey: 'sk-test-openai-key-000000000000', baseURL: sim.openaiBaseURL, maxRetries: 0 }),
          vendors: ['openai'],
        },
        openai: new OpenAI({ apiKey: 'sk-test-openai-key-000000000000', baseURL: sim.openaiBaseURL, maxRetries: 0 }),
      },
    });
    const warnings: SdkVersionWarning[] = [];
    zen.on('warning', (warning) => warnings.push(warning));
    sim.enqueue('gpt-5-mini', { text: 'one' });
    sim.enqueue('gpt-5-mini', { text: 'two' });
    await zen.chat.completions.create({ model: 'openai/gpt-5-mini:old', messages });
    await zen.chat.completions.create({ model: 'openai/gpt-5-mini:old', messages });
    expect(warnings).toEqual([
      expect.objectContaining({ source: 'sdk-version', provider: 'old', sdk: 'openai', version: '5.23.2', supported: [6, 7] }),
    ]);
    expect(warnings[0]!.message).toContain('openai 6.x and 7.x');
  });

  it('goes to console.warn once when nobody listens', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const zen = new ZenClient({
        providers: { openai: new OpenAIv5({ apiKey: 'sk-test-openai-key-000000000000', baseURL: sim.openaiBaseURL, maxRetries: 0 }) },
      });
      sim.enqueue('gpt-5-mini', { text: 'one' });
      await zen.chat.completions.create({ model: 'openai/gpt-5-mini', messages });
      const ours = warn.mock.calls.filter((args) => String(args[0]).startsWith('zenrouter:'));
      expect(ours).toHaveLength(1);
      expect(String(ours[0]![0])).toContain('openai 5.23.2');
    } finally {
      warn.mockRestore();
    }
  });

  it('the supported majors are the package.json peerDependencies', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
      peerDependencies: Record<string, string>;
    };
    for (const [sdk, majors] of Object.entries(SUPPORTED_SDK_MAJORS)) {
      const range = pkg.peerDependencies[sdk]!;
      expect([...range.matchAll(/\^(\d+)\./g)].map((match) => Number(match[1]))).toEqual(majors);
    }
  });
});
