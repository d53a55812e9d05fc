import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { providersFromEnv } from '../../src/client/providers-from-env.js';
import { nodeBuiltin } from '../../src/core/node-builtin.js';
import { importUnbundled } from '../../src/core/optional-peer.js';
import { ZenClient, ZenError } from '../../src/index.js';
import { useSimulator } from '../helpers/simulator.js';

const sim = useSimulator();

const notInstalled = (specifier: string) =>
  Object.assign(new Error(`Cannot find package '${specifier}' imported from /app/node_modules/zenrouter/dist/index.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });

describe('providers from the environment', () => {
  it('loads each SDK at run time, only for the keys that are set, with SDK retries off', async () => {
    const loaded: string[] = [];
    const providers = await providersFromEnv(
      { OPENAI_API_KEY: 'sk-test-000000000000000000', ANTHROPIC_API_KEY: 'sk-ant-test-0000000000' },
      (specifier) => {
        loaded.push(specifier);
        return importUnbundled(specifier);
      },
    );
    expect(loaded).toEqual(['openai', '@anthropic-ai/sdk']);
    expect(Object.keys(providers)).toEqual(['openai', 'anthropic']);
    expect(providers.openai).toBeInstanceOf(OpenAI);
    expect((providers.openai as OpenAI).maxRetries).toBe(0);
  });

  it('skips an SDK the app did not install, so a key in a shared environment does not fail every call', async () => {
    const providers = await providersFromEnv(
      { OPENAI_API_KEY: 'sk-test-000000000000000000', GEMINI_API_KEY: 'AIza-test-0000000000' },
      (specifier) => (specifier === '@google/genai' ? Promise.reject(notInstalled(specifier)) : importUnbundled(specifier)),
    );
    expect(Object.keys(providers)).toEqual(['openai']);
  });

  it('names the keys and the packages when no SDK of the keys set could be loaded, instead of "no providers"', async () => {
    const error = await providersFromEnv(
      { OPENAI_API_KEY: 'sk-test-000000000000000000', ANTHROPIC_API_KEY: 'sk-ant-test-0000000000' },
      (specifier) => Promise.reject(notInstalled(specifier)),
    ).catch((caught: unknown) => caught);
    expect(ZenError.isInstance(error) && error.kind).toBe('configuration');
    expect((error as ZenError).message).toBe(
      "No provider could be built from the environment: OPENAI_API_KEY is set but 'openai' could not be loaded (Cannot find package 'openai' imported from /app/node_modules/zenrouter/dist/index.js); ANTHROPIC_API_KEY is set but '@anthropic-ai/sdk' could not be loaded (Cannot find package '@anthropic-ai/sdk' imported from /app/node_modules/zenrouter/dist/index.js). Install the SDKs you use (npm install openai @anthropic-ai/sdk) or pass `providers`.",
    );
  });

  it('is a configuration error naming the package and the fix where the runtime cannot import modules (edge)', async () => {
    const edge = new TypeError('A dynamic import callback was not specified.');
    const error = await providersFromEnv({ OPENAI_API_KEY: 'sk-test-000000000000000000' }, () => Promise.reject(edge)).catch(
      (caught: unknown) => caught,
    );
    expect(ZenError.isInstance(error) && error.kind).toBe('configuration');
    expect((error as ZenError).message).toMatch(
      /Building a provider from OPENAI_API_KEY could not load 'openai' in this runtime \(A dynamic import callback was not specified\.\)/,
    );
    expect((error as ZenError).message).toMatch(/new ZenClient\(\{ providers:/);
    expect((error as ZenError).message).not.toContain('sk-test');
    expect((error as ZenError).cause).toBe(edge);
  });

  it('is a configuration error, not an empty provider list, where the runtime has no process.env (Workers)', async () => {
    const error = await providersFromEnv(null).catch((caught: unknown) => caught);
    expect(ZenError.isInstance(error) && error.kind).toBe('configuration');
    expect((error as ZenError).message).toMatch(
      /builds SDK clients from process\.env, which this runtime does not have\. Pass the clients: new ZenClient\(\{ providers:/,
    );
  });

  it('serves calls through a client built from the environment (the SDK reads its own base URL variable)', async () => {
    const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
    Object.assign(process.env, { OPENAI_API_KEY: 'sk-test-000000000000000000', OPENAI_BASE_URL: sim.openaiBaseURL });
    try {
      const zen = new ZenClient();
      // The model is named: other keys in this machine's environment do not change who serves it.
      sim.enqueue('gpt-5-mini', { text: 'from the environment' });
      const completion = await zen.chat.completions.create({ model: 'openai/gpt-5-mini', messages: [{ role: 'user', content: 'hi' }] });
      expect(completion.choices[0]?.message.content).toBe('from the environment');
      expect(sim.callsFor('gpt-5-mini')).toHaveLength(1);
    } finally {
      for (const [name, value] of [
        ['OPENAI_API_KEY', saved.key],
        ['OPENAI_BASE_URL', saved.url],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});

describe('Node built-ins', () => {
  it('come from process.getBuiltinModule on Node', () => {
    expect(nodeBuiltin('node:crypto')).toBe(process.getBuiltinModule('node:crypto'));
  });

  it('are undefined, without throwing, where process is an edge stub whose unsupported members throw', () => {
    const edgeProcess = new Proxy(
      { env: {} },
      {
        get(target, key) {
          if (key === 'env') return target.env;
          throw new Error(`A Node.js API is used (process.${String(key)}) which is not supported in the Edge Runtime.`);
        },
      },
    );
    expect(nodeBuiltin('node:crypto', { process: edgeProcess })).toBeUndefined();
    expect(nodeBuiltin('node:crypto', {})).toBeUndefined();
  });
});
