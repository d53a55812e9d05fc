import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ZenClient, ZenError } from '../../src/index.js';
import { JsonlLedgerStore } from '../../src/node/index.js';
import type { Simulator } from '../../src/testing/index.js';
import { simulatorGoogleAuth } from '../../src/testing/google-auth.js';
import { useSimulator } from '../helpers/simulator.js';

/**
 * No key ever leaves, whatever its format: a key a vendor echoes in a 401 (openai, Anthropic and
 * Gemini wire protocols, through the real SDKs) appears in no error message, no `util.inspect` of
 * the error (the SDK error kept as `cause`, its body, its stack), no event, no ledger record (memory
 * and JSONL), no exported case and no call metadata. The UUID keys (as Volcengine Ark issues)
 * match no pattern: only the client's knowledge of the keys it holds can catch them.
 */

const sim = useSimulator();
const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

type Family = 'openai' | 'anthropic' | 'google';

const FAMILIES: Array<{ family: Family; model: string; upstream: string; client: (sim: Simulator, apiKey: string) => object }> = [
  {
    family: 'openai',
    model: 'openai/gpt-5-mini',
    upstream: 'gpt-5-mini',
    client: (s, apiKey) => new OpenAI({ apiKey, baseURL: s.openaiBaseURL, maxRetries: 0 }),
  },
  {
    family: 'anthropic',
    model: 'anthropic/claude-haiku-4-5',
    upstream: 'claude-haiku-4-5',
    client: (s, apiKey) => new Anthropic({ apiKey, baseURL: s.anthropicBaseURL, maxRetries: 0 }),
  },
  {
    family: 'google',
    model: 'google/gemini-2.5-flash',
    upstream: 'gemini-2.5-flash',
    client: (s, apiKey) => new GoogleGenAI({ apiKey, httpOptions: { baseUrl: s.googleBaseURL } }),
  },
];

/** Keys that patterns know, one per family: the leak of these went through the SDK error kept as `cause`. */
const PATTERN_KEYS: Record<Family, string> = {
  openai: 'sk-proj-Qw3rTy7uIo9pAs2dFg4hJk6lZx8cVb1nM5qW',
  anthropic: 'sk-ant-api03-Qw3rTy7uIo9pAs2dFg4hJk6lZx8cVb1nM5qW-AAAA',
  google: 'AIzaSyQw3rTy7uIo9pAs2dFg4hJk6lZx8cVb1nM',
};

/** Every way a host may print or store an error. */
function renderings(error: unknown): string[] {
  const zenError = error as ZenError & { zen?: unknown };
  return [
    String(error),
    zenError.message,
    inspect(error),
    inspect(error, { depth: Infinity, showHidden: true }),
    inspect(zenError.cause, { depth: Infinity, showHidden: true }),
    JSON.stringify(error),
    JSON.stringify(zenError.attempts ?? []),
    JSON.stringify(zenError.zen ?? {}),
  ];
}

describe.each(FAMILIES)('$family: a 401 whose body echoes the key', ({ family, model, upstream, client }) => {
  it.each([
    ['a key of a known format', () => PATTERN_KEYS[family]],
    ['a UUID key', () => randomUUID()],
  ])('%s is in no rendering of the error, its cause or its metadata', async (_label, makeKey) => {
    const key = makeKey();
    const zen = new ZenClient({ providers: { [family]: client(sim, key) } });
    sim.enqueue(upstream, { fault: { type: 'http', status: 401, message: `Invalid API key: ${key}. Check your key ${key}.` } });
    const error = await zen.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'Hello' }] })
      .catch((caught: unknown) => caught);
    expect(ZenError.isInstance(error)).toBe(true);
    expect(sim.calls).toHaveLength(1);
    const texts = renderings(error);
    for (const text of texts) expect(text).not.toContain(key);
    // The echo was there to leak, and is visibly redacted (not dropped): the SDK's body message was kept.
    expect(texts.join('\n')).toContain('[redacted]');
  });
});

describe.each(FAMILIES)('$family: a UUID key end to end', ({ family, model, upstream, client }) => {
  it('appears in no error, event, ledger record (memory and JSONL), exported case or metadata', async () => {
    const key = randomUUID();
    const folder = await mkdtemp(join(tmpdir(), 'zen-secrets-'));
    folders.push(folder);
    const path = join(folder, 'ledger.jsonl');
    const jsonl = await JsonlLedgerStore.open({ path });
    const vendor = model.split('/')[0]!;
    const clients = (ledger?: JsonlLedgerStore) =>
      new ZenClient({
        providers: { ark: { client: client(sim, key), vendors: [vendor] }, [family]: client(sim, `sk-other-${randomUUID()}`) },
        insurance: { captureContent: 'full' },
        ...(ledger ? { ledger } : {}),
      });
    const memoryClient = clients();
    const jsonlClient = clients(jsonl);
    const seen: unknown[] = [];
    for (const zen of [memoryClient, jsonlClient]) {
      for (const event of ['route', 'attempt', 'failover', 'breaker', 'hedge', 'quality', 'claim', 'error'] as const)
        zen.on(event, (payload: unknown) => seen.push(payload));
    }
    const outputs: string[] = [];
    const chain = [`${model}:ark`, `${model}:${family}`];
    const echo = { fault: { type: 'http' as const, status: 401, message: `Invalid API key ${key}` } };

    for (const zen of [memoryClient, jsonlClient]) {
      // 1. The keyed channel fails with the echo, the other answers: the failover path.
      sim.enqueue(upstream, echo);
      sim.enqueue(upstream, { text: 'Answered by the other channel.' });
      const completion = await zen.chat.completions.create({ model: chain, messages: [{ role: 'user', content: 'Hello' }] });
      expect(completion.zen.attempts.map((attempt) => attempt.errorKind)).toEqual(['auth', undefined]);
      outputs.push(JSON.stringify(completion.zen), inspect(completion.zen, { depth: Infinity }));

      // 2. Only the keyed channel: the caller gets the error.
      sim.enqueue(upstream, echo);
      const error = await zen.chat.completions
        .create({ model: chain[0]!, messages: [{ role: 'user', content: 'Hello' }] })
        .catch((caught: unknown) => caught);
      expect(ZenError.isInstance(error)).toBe(true);
      outputs.push(...renderings(error));

      // 3. The user pasted the key into a prompt whose answer raises a case (an empty answer).
      sim.enqueue(upstream, { text: '' });
      await zen.chat.completions.create({ model: chain[1]!, messages: [{ role: 'user', content: `My key is ${key}, is it valid?` }] });
      await zen.flush();
      const lines: string[] = [];
      for await (const line of zen.exportCases({ format: 'evals' })) lines.push(line);
      expect(lines.some((line) => line.includes('is it valid?'))).toBe(true);
      outputs.push(...lines);
      for await (const record of zen.ledger.query()) outputs.push(JSON.stringify(record));
    }
    await jsonlClient.close();
    const file = await readFile(path, 'utf8');
    expect(file.length).toBeGreaterThan(0);
    expect(file).toContain('is it valid?');
    outputs.push(file, JSON.stringify(seen));
    expect(seen.length).toBeGreaterThan(0);
    expect(outputs.join('\n')).toContain('Invalid API key');
    for (const output of outputs) expect(output).not.toContain(key);
  });
});

describe('Google Cloud credentials that the token endpoint refuses', () => {
  it('leave neither the OAuth client secret nor the refresh token in the error (gaxios keeps the token request as `config`)', async () => {
    const auth = simulatorGoogleAuth(sim);
    auth.credentials.refresh_token = `1//revoked-${randomUUID()}`;
    const vertex = new GoogleGenAI({
      vertexai: true,
      project: 'p',
      location: 'us-central1',
      googleAuthOptions: auth,
      httpOptions: { baseUrl: sim.googleBaseURL },
    });
    const zen = new ZenClient({ providers: { vertex } });
    const error = await zen.chat.completions
      .create({ model: 'google/gemini-2.5-flash', messages: [{ role: 'user', content: 'Hello' }] })
      .catch((caught: unknown) => caught);
    // The kind of the whole call is the pipeline's to choose; the attempt's is auth.
    expect((error as ZenError).attempts?.[0]?.kind).toBe('auth');
    expect((error as ZenError).message).toContain('googleAuthOptions of providers.vertex');
    for (const text of renderings(error)) {
      expect(text).not.toContain(auth.credentials.client_secret);
      expect(text).not.toContain(auth.credentials.refresh_token);
    }
  });
});

describe('the registry of known keys', () => {
  it('ignores placeholder keys of local servers, so ordinary words are not redacted', async () => {
    const { registerSecret, redactKnownSecrets } = await import('../../src/core/secrets.js');
    for (const placeholder of ['ollama', 'EMPTY', 'not-needed', 'with spaces in it ok']) registerSecret(placeholder);
    expect(redactKnownSecrets('ollama served it; EMPTY; not-needed; with spaces in it ok')).toBe(
      'ollama served it; EMPTY; not-needed; with spaces in it ok',
    );
    const key = randomUUID();
    registerSecret(key);
    expect(redactKnownSecrets(`a ${key} b ${key}`)).toBe('a [redacted] b [redacted]');
  });
});
