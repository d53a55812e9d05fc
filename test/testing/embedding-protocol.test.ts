import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { simulatedEmbedding, simulatedEmbeddingDimensions } from '../../src/testing/index.js';
import { simulatorGoogleAuth } from '../../src/testing/google-auth.js';
import { useSimulator } from '../helpers/simulator.js';

const sim = useSimulator();

const openai = () => new OpenAI({ apiKey: 'sk-sim-embeddings-0000000000', baseURL: sim.openaiBaseURL, maxRetries: 0 });
const gemini = () => new GoogleGenAI({ apiKey: 'AIza-test-embeddings', httpOptions: { baseUrl: sim.googleBaseURL } });
const vertex = () =>
  new GoogleGenAI({
    vertexai: true,
    project: 'sim-project',
    location: 'us-central1',
    googleAuthOptions: simulatorGoogleAuth(sim),
    httpOptions: { baseUrl: sim.googleBaseURL },
  });

describe('the simulator’s embedding endpoints, through the real SDKs', () => {
  it('answers the openai SDK with deterministic unit vectors, float or base64, shortened as a prefix', async () => {
    const full = await openai().embeddings.create({
      model: 'text-embedding-3-large',
      input: ['same text', 'other'],
      encoding_format: 'float',
    });
    expect(full.data[0]!.embedding).toHaveLength(3072);
    expect(Math.hypot(...full.data[0]!.embedding)).toBeCloseTo(1, 5);
    expect(full.data[0]!.embedding).toEqual(simulatedEmbedding('text-embedding-3-large', 'same text'));
    expect(full.data[0]!.embedding).not.toEqual(full.data[1]!.embedding);
    // The SDK asks for base64 by default and decodes it: the same float32 values.
    const decoded = await openai().embeddings.create({ model: 'text-embedding-3-large', input: 'same text', dimensions: 32 });
    expect(decoded.data[0]!.embedding).toEqual(simulatedEmbedding('text-embedding-3-large', 'same text', 32));
    const short = simulatedEmbedding('text-embedding-3-large', 'same text', 32);
    const prefix = full.data[0]!.embedding.slice(0, 32);
    const norm = Math.hypot(...prefix);
    short.forEach((value, index) => expect(value).toBeCloseTo(prefix[index]! / norm, 5));
    expect(decoded.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
  });

  it('refuses what the real APIs refuse: too many inputs, empty input, dimensions on a fixed-size model', async () => {
    await expect(
      openai().embeddings.create({ model: 'text-embedding-3-small', input: Array.from({ length: 2049 }, (_, i) => `t${i}`) }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(openai().embeddings.create({ model: 'text-embedding-3-small', input: '' })).rejects.toMatchObject({ status: 400 });
    await expect(openai().embeddings.create({ model: 'text-embedding-ada-002', input: 'x', dimensions: 8 })).rejects.toThrow(
      /does not support specifying dimensions/,
    );
    await expect(
      gemini().models.embedContent({ model: 'gemini-embedding-001', contents: Array.from({ length: 101 }, (_, i) => `t${i}`) }),
    ).rejects.toThrow(/at most 100 requests/);
    await expect(
      vertex().models.embedContent({ model: 'text-embedding-005', contents: Array.from({ length: 251 }, (_, i) => `t${i}`) }),
    ).rejects.toThrow(/at most 250 instances/);
    await expect(vertex().models.embedContent({ model: 'gemini-embedding-001', contents: ['a', 'b'] })).rejects.toThrow(
      /at most 1 instances/,
    );
  });

  it('answers @google/genai on the Gemini API (batchEmbedContents) and Vertex AI (predict, embedContent)', async () => {
    const batch = await gemini().models.embedContent({
      model: 'gemini-embedding-001',
      contents: ['a', 'b'],
      config: { outputDimensionality: 16 },
    });
    expect(batch.embeddings?.map((embedding) => embedding.values)).toEqual([
      simulatedEmbedding('gemini-embedding-001', 'a', 16),
      simulatedEmbedding('gemini-embedding-001', 'b', 16),
    ]);
    const predict = await vertex().models.embedContent({ model: 'text-embedding-005', contents: ['hello world'] });
    expect(predict.embeddings?.[0]).toEqual({
      values: simulatedEmbedding('text-embedding-005', 'hello world'),
      statistics: { tokenCount: 3, truncated: false },
    });
    expect(simulatedEmbeddingDimensions('text-embedding-005')).toBe(768);
    const single = await vertex().models.embedContent({
      model: 'gemini-embedding-2-preview',
      contents: 'one text',
      config: { outputDimensionality: 8 },
    });
    expect(single.embeddings?.[0]?.values).toEqual(simulatedEmbedding('gemini-embedding-2-preview', 'one text', 8));
    expect(sim.calls.map((call) => call.path.split(':').pop())).toEqual(['batchEmbedContents', 'predict', 'embedContent']);
  });

  it('plays scripted faults and usage like every other endpoint', async () => {
    sim.enqueue('text-embedding-3-small', { fault: { type: 'http', status: 429, retryAfter: 2 } }, { usage: { input: 42 } });
    await expect(openai().embeddings.create({ model: 'text-embedding-3-small', input: 'x' })).rejects.toMatchObject({ status: 429 });
    const scripted = await openai().embeddings.create({ model: 'text-embedding-3-small', input: 'x' });
    expect(scripted.usage.prompt_tokens).toBe(42);
    sim.enqueue('gemini-embedding-001', { fault: { type: 'http', status: 503 } });
    await expect(gemini().models.embedContent({ model: 'gemini-embedding-001', contents: ['x'] })).rejects.toThrow(/UNAVAILABLE|503/);
    expect(sim.calls.map((call) => call.outcome)).toEqual(['http', 'ok', 'http']);
  });
});
