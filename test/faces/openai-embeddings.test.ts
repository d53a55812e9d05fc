import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { ZenClient, ZenError, type RequestRecord } from '../../src/index.js';
import { simulatedEmbedding, simulatorProviders, SIMULATED_EMBEDDING_LIMITS, type Simulator } from '../../src/testing/index.js';
import { useSimulator } from '../helpers/simulator.js';

const sim = useSimulator();

/** A ZenClient over the three SDKs that embed: OpenAI, the Gemini API and Vertex AI (@google/genai), and an OpenAI-compatible server. */
async function zen(options: ConstructorParameters<typeof ZenClient>[0] = {}): Promise<ZenClient> {
  const providers = await simulatorProviders(sim, { anthropic: false, vertex: 'vertex' });
  const compatible = new OpenAI({ apiKey: 'sk-local-0000000000000000', baseURL: sim.openaiBaseURL, maxRetries: 0 });
  return new ZenClient({
    providers: { ...providers, local: { client: compatible, vendors: [], models: ['nomic-embed-text'] } },
    ...options,
  });
}

function decodeBase64(text: unknown): number[] {
  expect(typeof text).toBe('string');
  const bytes = Buffer.from(text as string, 'base64');
  return [...new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)];
}

/**
 * A RAG indexing script written for the openai SDK: it only ever sees `client`. It embeds the
 * documents as floats and as base64, shortened to 256 dimensions, and finds the nearest document
 * to a query.
 */
async function ragScript(client: OpenAI, model: string) {
  const documents = ['The cat sat on the mat.', 'Paris is the capital of France.', 'Embeddings map text to vectors.'];
  const floats = await client.embeddings.create({ model, input: documents, dimensions: 256, encoding_format: 'float' });
  const packed = await client.embeddings.create({ model, input: documents, dimensions: 256, encoding_format: 'base64' });
  const query = await client.embeddings.create({ model, input: 'Paris is the capital of France.', dimensions: 256 });
  const dot = (a: number[], b: number[]) => a.reduce((sum, value, index) => sum + value * b[index]!, 0);
  const scores = floats.data.map((item) => dot(item.embedding, query.data[0]!.embedding));
  return { documents, floats, packed, query, nearest: scores.indexOf(Math.max(...scores)) };
}

const FAMILIES = [
  {
    family: 'OpenAI',
    model: 'openai/text-embedding-3-small',
    upstream: 'text-embedding-3-small',
    provider: 'openai',
    path: '/v1/embeddings',
  },
  {
    family: 'Gemini API',
    model: 'google/gemini-embedding-001',
    upstream: 'gemini-embedding-001',
    provider: 'google',
    path: '/v1beta/models/gemini-embedding-001:batchEmbedContents',
  },
  {
    family: 'Vertex AI',
    model: 'google/text-embedding-005',
    upstream: 'text-embedding-005',
    provider: 'vertex',
    path: '/v1beta1/projects/simulator-project/locations/us-central1/publishers/google/models/text-embedding-005:predict',
  },
  { family: 'OpenAI-compatible', model: 'nomic-embed-text', upstream: 'nomic-embed-text', provider: 'local', path: '/v1/embeddings' },
] as const;

describe.each(FAMILIES)('an openai-SDK embeddings script on $family', ({ model, upstream, provider, path }) => {
  it('gets the float and base64 vectors of each input in order, shortened to `dimensions`, with usage and a priced record', async () => {
    const client = await zen();
    const { documents, floats, packed, query, nearest } = await ragScript(client as unknown as OpenAI, model);
    expect(floats.object).toBe('list');
    expect(floats.data.map((item) => item.index)).toEqual([0, 1, 2]);
    floats.data.forEach((item, index) => {
      expect(item.object).toBe('embedding');
      expect(item.embedding).toHaveLength(256);
      expect(item.embedding).toEqual(simulatedEmbedding(upstream, documents[index]!, 256));
      // base64 is the same float32 values, little-endian, as the API sends them.
      expect(decodeBase64(packed.data[index]!.embedding)).toEqual(item.embedding);
    });
    expect(nearest).toBe(1);
    expect(query.data).toHaveLength(1);
    expect(floats.usage.prompt_tokens).toBeGreaterThan(0);
    expect(floats.usage.total_tokens).toBe(floats.usage.prompt_tokens);
    expect(floats.model).toBe(upstream);
    const metadata = (floats as typeof floats & { zen: RequestRecord & { channel: string } }).zen;
    expect(metadata.channel).toBe(`${model}:${provider}`);
    expect(metadata.face).toBe('openai-embeddings');
    expect(JSON.parse(JSON.stringify(floats))).not.toHaveProperty('zen');
    expect(sim.calls.every((call) => call.path === path)).toBe(true);
    expect(sim.calls).toHaveLength(3);
    if (path === '/v1/embeddings') {
      // The same script on the openai SDK itself, against the same server, sees the same data.
      const direct = await ragScript(
        new OpenAI({ apiKey: 'sk-direct-000000000000000', baseURL: sim.openaiBaseURL, maxRetries: 0 }),
        upstream,
      );
      expect(direct.floats.data).toEqual(floats.data);
      expect(direct.packed.data).toEqual(packed.data);
      expect(direct.floats.usage).toEqual(floats.usage);
    }
  });
});

describe('zen.embeddings.create on each SDK, as the wire shows it', () => {
  it('sends OpenAI the model, the inputs and dimensions, lets the SDK fetch base64, and prices the call from genai-prices', async () => {
    const client = await zen();
    const response = await client.embeddings.create({
      model: 'openai/text-embedding-3-small',
      input: ['alpha', 'beta'],
      dimensions: 64,
      user: 'user-7',
    });
    expect(sim.calls[0]!.body).toEqual({
      model: 'text-embedding-3-small',
      input: ['alpha', 'beta'],
      dimensions: 64,
      user: 'user-7',
      encoding_format: 'base64',
    });
    expect(response.data[1]!.embedding).toEqual(simulatedEmbedding('text-embedding-3-small', 'beta', 64));
    const tokens = response.usage.prompt_tokens;
    // text-embedding-3-small: $0.02 per million input tokens (genai-prices).
    expect(response.zen.cost).toMatchObject({ total: (tokens * 0.02) / 1e6, estimated: false, source: '@pydantic/genai-prices' });
    expect(response.zen.usage.input.total).toBe(tokens);
  });

  it('takes token arrays on OpenAI models and refuses them on Gemini ones', async () => {
    const client = await zen();
    const one = await client.embeddings.create({ model: 'openai/text-embedding-3-small', input: [101, 202, 303] });
    expect(sim.calls[0]!.body).toMatchObject({ input: [[101, 202, 303]] });
    expect(one.data[0]!.embedding).toEqual(simulatedEmbedding('text-embedding-3-small', JSON.stringify([101, 202, 303])));
    const two = await client.embeddings.create({ model: 'openai/text-embedding-3-small', input: [[1, 2], [3]] });
    expect(two.data).toHaveLength(2);
    const refused = await client.embeddings
      .create({ model: 'google/gemini-embedding-001', input: [[1, 2]], zen: { providers: ['google'] } })
      .catch((error: unknown) => error);
    expect(ZenError.isInstance(refused) && refused.kind).toBe('invalid_request');
    expect(String((refused as Error).message)).toMatch(/token array; Gemini embedding models take text only/);
    expect(sim.calls).toHaveLength(2);
  });

  it('sends Gemini API calls to batchEmbedContents with outputDimensionality, and estimates the usage it does not report', async () => {
    const client = await zen();
    const response = await client.embeddings.create({
      model: 'google/gemini-embedding-001',
      input: ['one', 'two'],
      dimensions: 128,
      zen: { providers: ['google'] },
    });
    expect(sim.calls[0]!.body).toMatchObject({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'one' }] }, outputDimensionality: 128 },
        { content: { parts: [{ text: 'two' }] } },
      ],
    });
    expect(response.data[0]!.embedding).toHaveLength(128);
    expect(response.usage.prompt_tokens).toBeGreaterThan(0);
    // $0.15 per million (genai-prices); an estimate because the Gemini API reports no tokens.
    expect(response.zen.cost.estimated).toBe(true);
    expect(response.zen.cost.total).toBeCloseTo((response.usage.prompt_tokens * 0.15) / 1e6, 12);
  });

  it('reads the token counts Vertex AI reports, and an unpriced model costs `unknown` until the host prices it', async () => {
    const client = await zen();
    const unpriced = await client.embeddings.create({ model: 'google/text-embedding-005', input: ['a longer sentence here', 'b'] });
    expect(sim.calls[0]!.body).toEqual({ instances: [{ content: 'a longer sentence here' }, { content: 'b' }] });
    expect(unpriced.usage.prompt_tokens).toBe(Math.ceil('a longer sentence here'.length / 4) + 1);
    expect(unpriced.zen.cost).toMatchObject({ total: 0, source: 'unknown', estimated: true });
    const priced = await (
      await zen({ models: { 'google/text-embedding-005': { price: { inputPerMTok: 0.025, outputPerMTok: 0 } } } })
    ).embeddings.create({ model: 'google/text-embedding-005', input: ['a longer sentence here', 'b'] });
    expect(priced.zen.cost).toMatchObject({ source: 'host', estimated: false });
    expect(priced.zen.cost.total).toBeCloseTo((priced.usage.prompt_tokens * 0.025) / 1e6, 12);
  });

  it('serves text-embedding-005 through Vertex AI only, and gemini-embedding-001 there one input per call', async () => {
    const client = await zen();
    const planned = await client.embeddings.create({ model: 'google/text-embedding-005', input: 'x' });
    expect(planned.zen.plan).toEqual(['google/text-embedding-005:vertex']);
    expect(planned.zen.rejected).toContainEqual({
      channel: 'google/text-embedding-005:google',
      reason: expect.stringContaining('Vertex AI only'),
    });
    sim.reset();
    const vertex = await client.embeddings.create({
      model: 'google/gemini-embedding-001',
      input: ['p', 'q', 'r'],
      zen: { providers: ['vertex'] },
    });
    expect(sim.calls.map((call) => (call.body as { instances: unknown[] }).instances.length)).toEqual([1, 1, 1]);
    expect(vertex.data.map((item) => item.embedding)).toEqual(
      ['p', 'q', 'r'].map((text) => simulatedEmbedding('gemini-embedding-001', text)),
    );
  });
});

/** Inputs whose vectors a test can tell apart. */
const texts = (count: number, prefix = 'doc') => Array.from({ length: count }, (_, index) => `${prefix} ${index}`);

function inputsSent(calls: Simulator['calls']): number[] {
  return calls.map((call) => {
    const body = call.body as { input?: unknown[]; requests?: unknown[]; instances?: unknown[] };
    return (body.input ?? body.requests ?? body.instances ?? []).length;
  });
}

describe('batching past a provider’s per-call limit', () => {
  it('splits 5,000 OpenAI inputs into calls of 2,048, keeps their order, and sums usage and cost', async () => {
    const client = await zen();
    const input = texts(5000);
    const response = await client.embeddings.create({ model: 'openai/text-embedding-3-small', input, dimensions: 8 });
    expect(inputsSent(sim.calls).sort((a, b) => b - a)).toEqual([
      SIMULATED_EMBEDDING_LIMITS.openai,
      SIMULATED_EMBEDDING_LIMITS.openai,
      904,
    ]);
    expect(response.data.map((item) => item.index)).toEqual(input.map((_, index) => index));
    for (const index of [0, 2047, 2048, 4095, 4096, 4999])
      expect(response.data[index]!.embedding).toEqual(simulatedEmbedding('text-embedding-3-small', input[index]!, 8));
    // The simulator counts a quarter token per character, rounded up, per input.
    const expected = input.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
    expect(response.usage.prompt_tokens).toBe(expected);
    expect(response.zen.usage.input.total).toBe(expected);
    expect(response.zen.cost.total).toBeCloseTo((expected * 0.02) / 1e6, 12);
    expect(response.zen.attempts).toHaveLength(1);
  });

  it('splits by OpenAI’s 300,000 tokens per request too, before the input count is reached', async () => {
    const client = await zen();
    // 100 inputs of about 5,000 tokens each: 500,000 tokens, two calls at least.
    const input = Array.from({ length: 100 }, (_, index) => `${index} ${'lorem ipsum dolor sit amet '.repeat(900)}`);
    const response = await client.embeddings.create({ model: 'openai/text-embedding-3-small', input, dimensions: 4 });
    const sent = inputsSent(sim.calls);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(sent.reduce((sum, count) => sum + count, 0)).toBe(100);
    expect(response.data[99]!.embedding).toEqual(simulatedEmbedding('text-embedding-3-small', input[99]!, 4));
  });

  it('sends the Gemini API 100 inputs per batchEmbedContents and Vertex AI 250 per predict', async () => {
    const client = await zen();
    const gemini = await client.embeddings.create({
      model: 'google/gemini-embedding-001',
      input: texts(250),
      dimensions: 8,
      zen: { providers: ['google'] },
    });
    expect(inputsSent(sim.calls).sort((a, b) => b - a)).toEqual([100, 100, 50]);
    expect(gemini.data[249]!.embedding).toEqual(simulatedEmbedding('gemini-embedding-001', 'doc 249', 8));
    sim.reset();
    const vertex = await client.embeddings.create({ model: 'google/text-embedding-005', input: texts(600) });
    expect(inputsSent(sim.calls).sort((a, b) => b - a)).toEqual([250, 250, 100]);
    expect(vertex.data.map((item) => item.embedding)).toEqual(texts(600).map((text) => simulatedEmbedding('text-embedding-005', text)));
    expect(vertex.usage.prompt_tokens).toBe(texts(600).reduce((sum, text) => sum + Math.ceil(text.length / 4), 0));
  });

  it('takes a host’s per-call limit for an OpenAI-compatible model', async () => {
    const client = await zen({ models: { 'nomic-embed-text': { embedding: { dimensions: 768, maxInputsPerCall: 16 } } } });
    const response = await client.embeddings.create({ model: 'nomic-embed-text', input: texts(40) });
    expect(inputsSent(sim.calls).sort((a, b) => b - a)).toEqual([16, 16, 8]);
    expect(response.data).toHaveLength(40);
  });
});

describe('retries, failover, breakers and timeouts apply', () => {
  it('retries a failed batch alone: the batches that succeeded are not sent again', async () => {
    const client = await zen();
    sim.setDefault('gemini-embedding-001', {});
    // Four concurrent batches: the first call to arrive fails with a 503, the rest succeed.
    sim.enqueue('gemini-embedding-001', { fault: { type: 'http', status: 503 } });
    const response = await client.embeddings.create({
      model: 'google/gemini-embedding-001',
      input: texts(400),
      dimensions: 4,
      zen: { providers: ['google'], retry: { retries: 1, minDelayMs: 0, maxDelayMs: 0 } },
    });
    expect(sim.calls.map((call) => call.outcome)).toEqual(['http', 'ok', 'ok', 'ok', 'ok']);
    // Four batches of 100, then one retry of the failed one.
    expect(inputsSent(sim.calls)).toEqual([100, 100, 100, 100, 100]);
    expect(response.data.map((item) => item.embedding)).toEqual(
      texts(400).map((text) => simulatedEmbedding('gemini-embedding-001', text, 4)),
    );
    expect(response.zen.attempts.map((attempt) => [attempt.outcome, attempt.retry])).toEqual([
      ['error', 0],
      ['success', 1],
    ]);
  });

  it('fails over between channels of the same model (OpenAI → an Azure-style second OpenAI client), and records the attempts', async () => {
    const base = await simulatorProviders(sim, { anthropic: false, google: false });
    const azure = new OpenAI({ apiKey: 'sk-azure-00000000000000000', baseURL: sim.openaiBaseURL, maxRetries: 0 });
    const client = new ZenClient({ providers: { ...base, azure } });
    sim.enqueue('text-embedding-3-large', { fault: { type: 'http', status: 500 } });
    const response = await client.embeddings.create({
      model: 'openai/text-embedding-3-large',
      input: ['failover'],
      zen: { retry: { retries: 0 } },
    });
    expect(response.zen.attempts.map((attempt) => `${attempt.channel} ${attempt.outcome}`)).toEqual([
      'openai/text-embedding-3-large:openai error',
      'openai/text-embedding-3-large:azure success',
    ]);
    expect(response.data[0]!.embedding).toEqual(simulatedEmbedding('text-embedding-3-large', 'failover'));
  });

  it('opens the channel’s breaker after repeated failures, and skips it on the next call', async () => {
    const client = await zen({ breaker: { allowedFailures: 0, cooldownMs: 60_000 } });
    sim.enqueue('text-embedding-3-small', { fault: { type: 'http', status: 503 } });
    const failed = await client.embeddings
      .create({ model: 'openai/text-embedding-3-small', input: 'x', zen: { retry: { retries: 0 } } })
      .catch((error: unknown) => error);
    expect((failed as ZenError).zen?.attempts.map((attempt) => attempt.errorKind)).toEqual(['overloaded']);
    const channel = client.catalog.channels().find((candidate) => candidate.id === 'openai/text-embedding-3-small:openai')!;
    expect(client.state.breakerState(channel)).toBe('open');
    const skipped = await client.embeddings.create({ model: 'openai/text-embedding-3-small', input: 'x' }).catch((error: unknown) => error);
    expect((skipped as ZenError).zen?.attempts.map((attempt) => attempt.outcome)).toEqual(['skipped']);
    expect(sim.calls).toHaveLength(1);
  });

  it('times out a stalled attempt and fails over to the next channel of the model', async () => {
    const client = await zen();
    sim.enqueue('gemini-embedding-001', { fault: { type: 'stall' } });
    const response = await client.embeddings.create({
      model: 'google/gemini-embedding-001',
      input: ['slow'],
      zen: { timeouts: { attemptMs: 200 }, retry: { retries: 0 } },
    });
    expect(response.zen.attempts.map((attempt) => [attempt.channel, attempt.outcome, attempt.errorKind])).toEqual([
      ['google/gemini-embedding-001:google', 'error', 'timeout'],
      ['google/gemini-embedding-001:vertex', 'success', undefined],
    ]);
  });

  it('writes the call to the ledger: face, channel, usage, cost and attempts', async () => {
    const client = await zen();
    const response = await client.embeddings.create({
      model: 'openai/text-embedding-3-small',
      input: texts(3),
      zen: { tags: { job: 'index' } },
    });
    await client.flush();
    const records: RequestRecord[] = [];
    for await (const record of client.ledger.query({ requestId: response.zen.requestId }))
      if (record.type === 'request') records.push(record);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      face: 'openai-embeddings',
      requested: 'openai/text-embedding-3-small',
      channel: 'openai/text-embedding-3-small:openai',
      outcome: 'success',
      tags: { job: 'index' },
      usage: { input: { total: response.usage.prompt_tokens } },
      cost: { total: response.zen.cost.total },
    });
    expect(records[0]!.attempts).toHaveLength(1);
  });
});

describe('one embedding model per call', () => {
  it('refuses a list of models, a wildcard or auto with an invalid_request naming `model`, before anything is sent', async () => {
    const client = await zen();
    const cases: Array<Parameters<ZenClient['embeddings']['create']>[0]> = [
      { model: ['openai/text-embedding-3-small', 'google/gemini-embedding-001'], input: 'x' },
      { model: 'openai/text-embedding-3-small', models: ['openai/text-embedding-3-large'], input: 'x' },
      { model: 'auto', input: 'x' },
      { model: 'openai/*', input: 'x' },
    ];
    for (const body of cases) {
      const error = await client.embeddings.create(body).catch((caught: unknown) => caught);
      expect(ZenError.isInstance(error), String(error)).toBe(true);
      expect((error as ZenError).kind).toBe('invalid_request');
      expect((error as ZenError).code).toBe('model');
      expect((error as ZenError).message).toMatch(/different spaces.*allowMixedEmbeddingModels/);
    }
    expect(sim.calls).toHaveLength(0);
  });

  it('allows a list of one model’s channels', async () => {
    const client = await zen();
    const response = await client.embeddings.create({
      model: ['google/gemini-embedding-001:vertex', 'google/gemini-embedding-001:google'],
      input: 'x',
    });
    expect(response.zen.plan).toEqual(['google/gemini-embedding-001:vertex', 'google/gemini-embedding-001:google']);
  });

  it('mixes models when the host opts in, per call or for the client', async () => {
    const client = await zen();
    sim.enqueue('text-embedding-3-small', { fault: { type: 'http', status: 500 } });
    const mixed = await client.embeddings.create({
      model: ['openai/text-embedding-3-small', 'google/gemini-embedding-001'],
      input: 'x',
      zen: { allowMixedEmbeddingModels: true, retry: { retries: 0 } },
    });
    expect(mixed.zen.model).toBe('google/gemini-embedding-001');
    expect(mixed.data[0]!.embedding).toHaveLength(3072);
    const auto = await (await zen({ routing: { allowMixedEmbeddingModels: true } })).embeddings.create({ model: 'auto', input: 'x' });
    expect(auto.zen.plan.length).toBeGreaterThan(0);
    // Every embedding model the providers serve (the OpenAI-compatible server's listed one too), no chat model.
    expect(auto.zen.plan.every((channel) => /embed/.test(channel))).toBe(true);
  });
});

describe('bad embedding calls get a clear error and send nothing', () => {
  it('names the field', async () => {
    const client = await zen();
    const cases: Array<[unknown, string, RegExp]> = [
      [{ model: 'openai/text-embedding-3-small' }, 'input', /input must be present/],
      [{ model: 'openai/text-embedding-3-small', input: '' }, 'input', /input must be a non-empty string/],
      [{ model: 'openai/text-embedding-3-small', input: [] }, 'input', /non-empty array/],
      [{ model: 'openai/text-embedding-3-small', input: ['ok', ''] }, 'input[1]', /non-empty string/],
      [{ model: 'openai/text-embedding-3-small', input: [1, -2] }, 'input[1]', /token id/],
      [{ model: 'openai/text-embedding-3-small', input: 'x', dimensions: 0 }, 'dimensions', /whole number >= 1/],
      [{ model: 'openai/text-embedding-3-small', input: 'x', encoding_format: 'int8' }, 'encoding_format', /'float', 'base64'/],
      [{ input: 'x' }, 'model', /model must be a model id/],
    ];
    for (const [body, code, message] of cases) {
      const error = await client.embeddings.create(body as never).catch((caught: unknown) => caught);
      expect(ZenError.isInstance(error), `${code}: ${String(error)}`).toBe(true);
      expect((error as ZenError).kind).toBe('invalid_request');
      expect((error as ZenError).code).toBe(code);
      expect((error as ZenError).message).toMatch(message);
    }
    expect(sim.calls).toHaveLength(0);
  });

  it('refuses a `dimensions` the model cannot make', async () => {
    const client = await zen();
    const fixed = await client.embeddings
      .create({ model: 'openai/text-embedding-ada-002', input: 'x', dimensions: 256 })
      .catch((error: unknown) => error);
    expect(fixed).toMatchObject({
      kind: 'invalid_request',
      code: 'dimensions',
      message: expect.stringContaining('1536-dimensional vectors and cannot shorten them'),
    });
    const tooMany = await client.embeddings
      .create({ model: 'openai/text-embedding-3-small', input: 'x', dimensions: 4096 })
      .catch((error: unknown) => error);
    expect(tooMany).toMatchObject({ kind: 'invalid_request', code: 'dimensions', message: expect.stringContaining('at most 1536') });
    expect(sim.calls).toHaveLength(0);
  });

  it('says why a chat model, an Anthropic-only or a @google-cloud/vertexai-only client cannot embed', async () => {
    const client = await zen();
    const chat = await client.embeddings.create({ model: 'openai/gpt-5-mini', input: 'x' }).catch((error: unknown) => error);
    expect((chat as ZenError).message).toMatch(/gpt-5-mini:openai: is not an embedding model/);
    const { default: Anthropic } = await import('@anthropic-ai/sdk');
    const { VertexAI } = await import('@google-cloud/vertexai');
    const only = new ZenClient({
      providers: {
        anthropic: new Anthropic({ apiKey: 'sk-ant-000000000000000000', baseURL: sim.anthropicBaseURL }),
        vertexai: { client: new VertexAI({ project: 'p', location: 'us-central1' }), vendors: ['google'] },
      },
    });
    const none = await only.embeddings.create({ model: 'google/gemini-embedding-001', input: 'x' }).catch((error: unknown) => error);
    expect((none as ZenError).message).toMatch(/@google-cloud\/vertexai has no embeddings API \(use @google\/genai with vertexai: true\)/);
    const embedModelInChat = await client.chat.completions
      .create({ model: 'openai/text-embedding-3-small', messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect((embedModelInChat as ZenError).message).toMatch(/is an embedding model/);
    expect(sim.calls).toHaveLength(0);
  });
});
