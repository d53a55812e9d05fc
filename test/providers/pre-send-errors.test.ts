import Anthropic from '@anthropic-ai/sdk';
import { VertexAI } from '@google-cloud/vertexai';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GenerationRequest, ProviderFamily } from '../../src/core/request.js';
import { ZenClient, ZenError } from '../../src/index.js';
import { createAnthropicProvider } from '../../src/providers/anthropic/index.js';
import { createGoogleProvider } from '../../src/providers/google/index.js';
import { createOpenAIProvider } from '../../src/providers/openai/index.js';
import type { ProviderAdapter } from '../../src/providers/types.js';
import { createVertexAIProvider } from '../../src/providers/vertexai/index.js';
import { simulatorGoogleAuth } from '../../src/testing/google-auth.js';
import { useSimulator } from '../helpers/simulator.js';

/**
 * Errors raised before a request leaves the process (the SDK throws while building it) are the
 * caller's: `invalid_request` (or `configuration` for a missing credential), never retried, never
 * failed over, never counted against the channel. These go past the faces on purpose: the faces'
 * validation rejects most such input earlier, and this is the backstop behind it.
 */

const sim = useSimulator();

function nested(depth: number): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
}
const circular: Record<string, unknown> = { a: 1 };
circular.self = circular;

/** Values JSON.stringify throws on: a TypeError (circle, BigInt) or a RangeError (too deep). */
const POISON: Array<[label: string, value: unknown]> = [
  ['a circular value', circular],
  ['a BigInt', { n: 1n }],
  ['an array nested 10,000 deep', nested(10_000)],
];

const ADAPTERS: Array<[family: ProviderFamily, make: () => ProviderAdapter, model: string, key: string]> = [
  [
    'openai',
    () =>
      createOpenAIProvider('openai', new OpenAI({ apiKey: 'sk-test-openai-key-000000000000', baseURL: sim.openaiBaseURL, maxRetries: 0 })),
    'gpt-5-mini',
    'metadata',
  ],
  [
    'anthropic',
    () =>
      createAnthropicProvider(
        'anthropic',
        new Anthropic({ apiKey: 'sk-ant-test-key-0000000000000', baseURL: sim.anthropicBaseURL, maxRetries: 0 }),
      ),
    'claude-haiku-4-5',
    'metadata',
  ],
  [
    'google',
    () =>
      createGoogleProvider(
        'google',
        new GoogleGenAI({ apiKey: 'AIza-simulator-000000000000000000000', httpOptions: { baseUrl: sim.googleBaseURL } }),
      ),
    'gemini-2.5-flash',
    'responseJsonSchema',
  ],
  [
    'vertexai',
    () =>
      createVertexAIProvider(
        'vertex',
        new VertexAI({
          project: 'p',
          location: 'us-central1',
          apiEndpoint: sim.googleBaseURL.replace(/^http:\/\//, ''),
          googleAuthOptions: simulatorGoogleAuth(sim),
        }),
      ),
    'gemini-2.5-flash',
    'labels',
  ],
];

function requestWith(family: ProviderFamily, key: string, value: unknown): GenerationRequest {
  return { messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }], providerOptions: { [family]: { [key]: value } } };
}

describe.each(ADAPTERS)('%s adapter: a request the SDK cannot serialise', (family, make, model, key) => {
  it.each(POISON)('%s is invalid_request, not retryable, and never reaches the wire (generate and stream)', async (_label, value) => {
    const adapter = make();
    const request = requestWith(family, key, value);
    const generated = await adapter.generate({ modelId: model, request }).catch((error: unknown) => error);
    const streamed = await adapter.stream({ modelId: model, request }).catch((error: unknown) => error);
    for (const error of [generated, streamed]) {
      expect(ZenError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ kind: 'invalid_request', retryable: false });
      expect((error as ZenError).message).toMatch(/never sent/);
    }
    expect(sim.calls).toHaveLength(0);
  });
});

describe('a missing credential, found before any fetch, is a configuration error naming what to set', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    // google-auth-library would otherwise look for a GCE metadata server.
    process.env.METADATA_SERVER_DETECTION = 'none';
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it('Anthropic without an API key', async () => {
    const adapter = createAnthropicProvider('anthropic', new Anthropic({ apiKey: null, baseURL: sim.anthropicBaseURL, maxRetries: 0 }));
    const error = await adapter
      .generate({ modelId: 'claude-haiku-4-5', request: requestWith('anthropic', 'x', 1) })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'configuration', retryable: false, provider: 'anthropic' });
    expect((error as ZenError).message).toContain('ANTHROPIC_API_KEY or the apiKey of providers.anthropic');
    expect(sim.calls).toHaveLength(0);
  });

  it('@google/genai in Vertex AI mode without Google Cloud credentials', async () => {
    const client = new GoogleGenAI({ vertexai: true, project: 'p', location: 'us-central1', httpOptions: { baseUrl: sim.googleBaseURL } });
    const adapter = createGoogleProvider('vertex', client);
    const error = await adapter
      .generate({ modelId: 'gemini-2.5-flash', request: requestWith('google', 'x', 1) })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'configuration', retryable: false, provider: 'vertex' });
    expect((error as ZenError).message).toMatch(/GOOGLE_APPLICATION_CREDENTIALS .*googleAuthOptions of providers\.vertex/);
    expect(sim.calls).toHaveLength(0);
  });

  it('@google-cloud/vertexai without Google Cloud credentials', async () => {
    const adapter = createVertexAIProvider(
      'vertex',
      new VertexAI({ project: 'p', location: 'us-central1', apiEndpoint: sim.googleBaseURL.replace(/^http:\/\//, '') }),
    );
    const error = await adapter
      .generate({ modelId: 'gemini-2.5-flash', request: requestWith('vertexai', 'x', 1) })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'configuration', retryable: false });
    expect((error as ZenError).message).toContain('GOOGLE_APPLICATION_CREDENTIALS');
  });
});

describe('through the client: bad input never hurts other callers', () => {
  const messages = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Hello' }] }];

  it('six calls that fail before sending leave the breaker, the quality model and the retry budget as they were, and fail over nowhere', async () => {
    const zen = new ZenClient({
      providers: {
        openai: new OpenAI({ apiKey: 'sk-test-openai-key-000000000000', baseURL: sim.openaiBaseURL, maxRetries: 0 }),
        anthropic: new Anthropic({ apiKey: 'sk-ant-test-key-0000000000000', baseURL: sim.anthropicBaseURL, maxRetries: 0 }),
      },
      routing: { retry: { minDelayMs: 1, maxDelayMs: 2 } },
    });
    const breakers: unknown[] = [];
    const failovers: unknown[] = [];
    zen.on('breaker', (event) => breakers.push(event));
    zen.on('failover', (event) => failovers.push(event));
    const budget = zen.retryBudget.available;
    const model = ['openai/gpt-5-mini', 'anthropic/claude-haiku-4-5'];

    for (let i = 0; i < 6; i += 1) {
      // Past the faces: the engine path with a `user` the SDK cannot serialise.
      const request = { messages, user: nested(10_000) as string };
      const error = await zen
        .run({ operation: 'text', stream: false, face: 'openai-chat', model, request, warnings: [] })
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ kind: 'invalid_request', retryable: false });
      const attempts = (error as { zen?: { attempts: unknown[] } }).zen?.attempts;
      if (attempts) expect(attempts).toHaveLength(1);
    }
    // Through the OpenAI face too, with a value it passes through.
    const faced = await zen.chat.completions
      .create({ model: 'openai/gpt-5-mini', messages: [{ role: 'user', content: 'Hi' }], user: nested(10_000) as string })
      .catch((caught: unknown) => caught);
    expect(faced).toMatchObject({ kind: 'invalid_request', retryable: false });

    expect(sim.calls).toHaveLength(0);
    expect(breakers).toEqual([]);
    expect(failovers).toEqual([]);
    expect(zen.retryBudget.available).toBe(budget);
    const channel = zen.catalog.channels().find((candidate) => candidate.id === 'openai/gpt-5-mini:openai')!;
    expect(zen.state.breaker(channel).state).toBe('closed');

    sim.enqueue('gpt-5-mini', { text: 'Still here.' });
    const completion = await zen.chat.completions.create({ model: 'openai/gpt-5-mini', messages: [{ role: 'user', content: 'Hi' }] });
    expect(completion.choices[0]!.message.content).toBe('Still here.');
    expect(completion.zen.attempts).toHaveLength(1);
  });

  it('the quality model is not told about a failure the channel never saw', async () => {
    const zen = new ZenClient({
      providers: { openai: new OpenAI({ apiKey: 'sk-test-openai-key-000000000000', baseURL: sim.openaiBaseURL, maxRetries: 0 }) },
    });
    const observed: unknown[] = [];
    const observe = zen.quality.observe.bind(zen.quality);
    zen.quality.observe = (outcome) => {
      observed.push(outcome);
      observe(outcome);
    };
    const channelBefore = zen.catalog.channel('openai/gpt-5-mini', (await zen.providers())[0]!.info);
    const before = zen.quality.estimate(channelBefore, 'chat');
    for (let i = 0; i < 3; i += 1) {
      await zen
        .run({
          operation: 'text',
          stream: false,
          face: 'openai-chat',
          model: 'openai/gpt-5-mini',
          request: { messages, providerOptions: { openai: { metadata: circular } } },
          warnings: [],
        })
        .catch(() => undefined);
    }
    expect(zen.quality.estimate(channelBefore, 'chat')).toEqual(before);
    for (const outcome of observed) expect(outcome).toMatchObject({ success: false, errorKind: 'invalid_request' });
  });
});
