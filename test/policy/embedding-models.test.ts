import { describe, expect, it } from 'vitest';
import { Catalog, ZenError } from '../../src/index.js';
import { batchLimits } from '../../src/policy/embedding-operation.js';

describe('embedding models in the catalog', () => {
  it('knows the vendors’ embedding models: size, flexibility and the input price from genai-prices, no chat capabilities or context window', async () => {
    const catalog = new Catalog();
    await catalog.load(['openai', 'google', 'mistral']);
    const small = catalog.model('openai/text-embedding-3-small');
    expect(small.embedding).toEqual({ dimensions: 1536, flexibleDimensions: true, maxInputTokens: 8191 });
    expect(small.price).toEqual({ inputPerMTok: 0.02, outputPerMTok: 0 });
    expect(small.sources).toEqual({ capabilities: 'zenrouter embedding models', price: '@pydantic/genai-prices' });
    expect(small.capabilities).toMatchObject({ tools: false, vision: false, imageOutput: false });
    expect(small.contextWindow).toBeUndefined();
    expect(small.unknown).toBe(false);
    expect(catalog.model('google/gemini-embedding-001')).toMatchObject({
      embedding: { dimensions: 3072, flexibleDimensions: true },
      price: { inputPerMTok: 0.15 },
    });
    // genai-prices gives mistral-embed an output price too; an embedding writes no tokens.
    expect(catalog.model('mistral/mistral-embed').price).toEqual({ inputPerMTok: 0.1, outputPerMTok: 0 });
    // Known but unpriced: routable, its cost `unknown` until the host sets a price.
    expect(catalog.model('google/text-embedding-005')).toMatchObject({
      unknown: false,
      price: undefined,
      embedding: { dimensions: 768, vertexOnly: true },
    });
    expect(catalog.model('openai/gpt-5-mini').embedding).toBeUndefined();
  });

  it('takes a host’s embedding model (an OpenAI-compatible server’s) and checks its facts', () => {
    const catalog = new Catalog({
      models: { 'local/bge-m3': { embedding: { dimensions: 1024, maxInputsPerCall: 64 }, price: { inputPerMTok: 0, outputPerMTok: 0 } } },
    });
    expect(catalog.model('local/bge-m3').embedding).toEqual({ flexibleDimensions: false, dimensions: 1024, maxInputsPerCall: 64 });
    for (const embedding of [{ dimensions: 0 }, { maxInputsPerCall: 1.5 }, { flexibleDimensions: 'yes' }]) {
      let error: unknown;
      try {
        new Catalog({ models: { 'local/bad': { embedding: embedding as never } } });
      } catch (caught) {
        error = caught;
      }
      expect(ZenError.isInstance(error) && error.kind).toBe('configuration');
      expect((error as Error).message).toMatch(/Model definition "local\/bad": embedding\./);
    }
  });

  it('batches by the API’s limits: OpenAI 2,048, the Gemini API 100, Vertex predict 250, one for Vertex’s gemini models, the host’s where set', () => {
    const catalog = new Catalog({ models: { 'local/bge-m3': { embedding: { maxInputsPerCall: 64 } } } });
    const provider = (name: string, family: 'openai' | 'google', vertex = false) => ({
      name,
      family,
      vendors: ['openai', 'google'],
      models: ['local/bge-m3'],
      vertex,
    });
    expect(batchLimits(catalog.channel('openai/text-embedding-3-small', provider('openai', 'openai')))).toEqual({
      inputs: 2048,
      tokens: 300_000,
    });
    expect(batchLimits(catalog.channel('google/gemini-embedding-001', provider('google', 'google'))).inputs).toBe(100);
    expect(batchLimits(catalog.channel('google/text-embedding-005', provider('vertex', 'google', true)))).toEqual({
      inputs: 250,
      tokens: 20_000,
    });
    expect(batchLimits(catalog.channel('google/gemini-embedding-001', provider('vertex', 'google', true))).inputs).toBe(1);
    expect(batchLimits(catalog.channel('local/bge-m3', provider('local', 'openai'))).inputs).toBe(64);
  });
});
