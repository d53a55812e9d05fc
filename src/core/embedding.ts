import type { CallWarning } from './result.js';

/**
 * The canonical embedding call: what `zen.embeddings.create()` asked, whatever provider serves
 * it. The executor sends it in batches (a provider takes so many inputs per call), each batch an
 * `EmbeddingRequest` of its own, and joins their results in input order.
 */

/** One input: a text, or (OpenAI-compatible models only) the model's token ids. */
export type EmbeddingInput = string | number[];

export interface EmbeddingRequest {
  inputs: EmbeddingInput[];
  /** A shorter vector than the model's default (models that support it). */
  dimensions?: number;
  /** Opaque end-user id (OpenAI `user`). */
  user?: string;
}

export interface EmbeddingResult {
  /** One vector per input, in the inputs' order. */
  vectors: number[][];
  /**
   * Input tokens billed. A provider leaves it out when its API does not say (the Gemini API's
   * batchEmbedContents); the executor then estimates it from the text, with `estimated` set.
   */
  usage?: { inputTokens: number; estimated: boolean };
  /** The model id the provider reports, when it does. */
  modelId?: string;
  warnings: CallWarning[];
}
