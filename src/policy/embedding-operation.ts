import type { EmbeddingInput, EmbeddingRequest, EmbeddingResult } from '../core/embedding.js';
import { ZenError } from '../core/errors.js';
import type { CostBreakdown } from '../core/money.js';
import type { CallWarning } from '../core/result.js';
import { makeUsage, type Usage } from '../core/usage.js';
import type { ProviderAdapter } from '../providers/types.js';
import type { CallOperation } from './call-operation.js';
import type { Channel } from './catalog.js';
import { costOfUsage } from './pricing.js';
import { estimateTextTokens } from './token-estimate.js';

/** Whether a channel's SDK has an embeddings API: the openai SDK and @google/genai (either mode) do; @anthropic-ai/sdk and @google-cloud/vertexai do not. */
export function canEmbed(channel: Channel): boolean {
  return channel.provider.family === 'openai' || channel.provider.family === 'google';
}

/** How much one provider call may carry. */
export interface BatchLimits {
  inputs: number;
  /** Summed input tokens per call, where the API has such a limit. */
  tokens: number;
}

/** Vertex AI serves these through `:embedContent`, one input per call (@google/genai's own test). */
function vertexEmbedContentModel(name: string): boolean {
  return (name.includes('gemini') && name !== 'gemini-embedding-001') || name.includes('maas');
}

/**
 * Per-call limits of each API: OpenAI's Embeddings API takes 2,048 inputs and 300,000 tokens; the
 * Gemini API's batchEmbedContents 100 inputs; Vertex AI's `predict` 250 texts and 20,000 tokens,
 * and one input for gemini-embedding-001 and the `:embedContent` models. A host's
 * `embedding.maxInputsPerCall` (an OpenAI-compatible server with its own limit) wins.
 */
export function batchLimits(channel: Channel): BatchLimits {
  const declared = channel.model.embedding?.maxInputsPerCall;
  const name = channel.providerModelId;
  let limits: BatchLimits;
  if (channel.provider.family !== 'google') limits = { inputs: 2048, tokens: 300_000 };
  else if (!channel.provider.vertex) limits = { inputs: 100, tokens: Number.POSITIVE_INFINITY };
  else if (name === 'gemini-embedding-001' || vertexEmbedContentModel(name)) limits = { inputs: 1, tokens: Number.POSITIVE_INFINITY };
  else limits = { inputs: 250, tokens: 20_000 };
  return declared !== undefined ? { ...limits, inputs: declared } : limits;
}

/** Provider calls of one attempt in flight at once: enough to hide latency, few enough not to trip a rate limit by itself. */
const CONCURRENT_BATCHES = 4;

interface DoneBatch {
  start: number;
  vectors: number[][];
  usage: { inputTokens: number; estimated: boolean };
  modelId?: string;
  warnings: CallWarning[];
}

/** Tokens of one input for batching and for usage the provider did not report: the estimate's upper bound, or a token array's length. */
function inputTokens(input: EmbeddingInput, bound: 'high' | 'estimate'): number {
  if (typeof input !== 'string') return input.length;
  const estimate = estimateTextTokens(input);
  return bound === 'high' ? estimate.high : estimate.estimate;
}

/**
 * Embeds every input on one channel, in batches of what its API takes, up to four calls at a time;
 * vectors come back in input order, usage summed. Batches that succeeded are kept across retries and
 * failover (every channel of a plan serves the same model, so their vectors are the same): a retry
 * sends only what is still missing.
 */
export class EmbeddingOperation implements CallOperation<EmbeddingResult> {
  /** Finished batches by model id (a plan mixes models only when the host allowed it). */
  private readonly done = new Map<string, DoneBatch[]>();

  constructor(private readonly request: EmbeddingRequest) {}

  async run(adapter: ProviderAdapter, channel: Channel, signal: AbortSignal): Promise<EmbeddingResult> {
    if (!adapter.embed) {
      throw new ZenError({
        kind: 'invalid_request',
        retryable: false,
        message: `Provider "${channel.provider.name}" cannot embed: its SDK has no embeddings API.`,
        provider: channel.provider.name,
        model: channel.model.id,
      });
    }
    const embed = adapter.embed.bind(adapter);
    let shared = this.done.get(channel.model.id);
    if (!shared) this.done.set(channel.model.id, (shared = []));
    // What earlier attempts finished, as of now: a hedge running beside this attempt adds its own
    // batches to `shared` for later attempts, never to this one's answer (no input twice).
    const done = [...shared];
    const pending = this.batches(channel, done);
    let failure: unknown;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (failure === undefined && next < pending.length) {
        const { start, end } = pending[next++]!;
        const request: EmbeddingRequest = { ...this.request, inputs: this.request.inputs.slice(start, end) };
        try {
          const result = await embed({ modelId: channel.providerModelId, request, signal });
          const batch: DoneBatch = {
            start,
            vectors: result.vectors,
            usage: result.usage ?? {
              inputTokens: request.inputs.reduce((sum, input) => sum + inputTokens(input, 'estimate'), 0),
              estimated: true,
            },
            ...(result.modelId ? { modelId: result.modelId } : {}),
            warnings: result.warnings,
          };
          done.push(batch);
          shared.push(batch);
        } catch (error) {
          failure ??= error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENT_BATCHES, pending.length) }, worker));
    if (failure !== undefined) throw failure;
    return this.assemble(done);
  }

  /** The runs of inputs not embedded yet, cut to the channel's limits. */
  private batches(channel: Channel, done: readonly DoneBatch[]): Array<{ start: number; end: number }> {
    const inputs = this.request.inputs;
    const covered = new Uint8Array(inputs.length);
    for (const batch of done) covered.fill(1, batch.start, batch.start + batch.vectors.length);
    const limits = batchLimits(channel);
    const batches: Array<{ start: number; end: number }> = [];
    let start = -1;
    let tokens = 0;
    for (let index = 0; index <= inputs.length; index += 1) {
      const open = start >= 0;
      if (index === inputs.length || covered[index]) {
        if (open) batches.push({ start, end: index });
        start = -1;
        continue;
      }
      const size = limits.tokens === Number.POSITIVE_INFINITY ? 0 : inputTokens(inputs[index]!, 'high');
      if (open && (index - start >= limits.inputs || tokens + size > limits.tokens)) {
        batches.push({ start, end: index });
        start = -1;
      }
      if (start < 0) {
        start = index;
        tokens = 0;
      }
      tokens += size;
    }
    return batches;
  }

  private assemble(done: DoneBatch[]): EmbeddingResult {
    const sorted = [...done].sort((a, b) => a.start - b.start);
    const vectors = sorted.flatMap((batch) => batch.vectors);
    const warnings = new Map<string, CallWarning>();
    for (const batch of sorted) for (const warning of batch.warnings) warnings.set(warning.message, warning);
    const dimensions = this.request.dimensions;
    if (dimensions !== undefined && vectors.some((vector) => vector.length !== dimensions)) {
      const got = vectors.find((vector) => vector.length !== dimensions)!.length;
      warnings.set('dimensions', {
        type: 'unsupported-setting',
        setting: 'dimensions',
        message: `The model returned ${got} dimensions, not the ${dimensions} asked for.`,
      });
    }
    const modelId = sorted.find((batch) => batch.modelId)?.modelId;
    return {
      vectors,
      usage: {
        inputTokens: sorted.reduce((sum, batch) => sum + batch.usage.inputTokens, 0),
        estimated: sorted.some((batch) => batch.usage.estimated),
      },
      ...(modelId ? { modelId } : {}),
      warnings: [...warnings.values()],
    };
  }

  usage(result: EmbeddingResult): Usage {
    return makeUsage({ inputTotal: result.usage?.inputTokens ?? 0 });
  }

  /** The input tokens at the model's input price; estimated when some batch's usage was. */
  cost(channel: Channel, result: EmbeddingResult): CostBreakdown {
    const cost = costOfUsage(channel, this.usage(result));
    return result.usage?.estimated ? { ...cost, estimated: true } : cost;
  }

  finishReason(): string {
    return 'stop';
  }
}

export function embeddingOperation(request: EmbeddingRequest): CallOperation<EmbeddingResult> {
  return new EmbeddingOperation(request);
}
