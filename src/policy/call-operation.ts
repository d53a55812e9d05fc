import type { CostBreakdown } from '../core/money.js';
import type { GenerationRequest } from '../core/request.js';
import type { GenerationResult } from '../core/result.js';
import type { Usage } from '../core/usage.js';
import type { ProviderAdapter } from '../providers/types.js';
import type { Channel } from './catalog.js';
import { costOfUsage } from './pricing.js';

/**
 * What a non-streamed attempt does, and how to read its usage and cost. The executor runs any
 * operation the same way (retries, failover, hedging, breakers): text here, images in
 * image-operation.ts; a new kind of call (embeddings, say) is one more of these.
 */
export interface CallOperation<T> {
  run(adapter: ProviderAdapter, channel: Channel, signal: AbortSignal): Promise<T>;
  usage(result: T): Usage;
  cost(channel: Channel, result: T): CostBreakdown;
  finishReason(result: T): string | undefined;
}

/**
 * The usual operation: a chat generation. A class rather than an object of closures: one small
 * object per call, its methods shared.
 */
export class TextOperation implements CallOperation<GenerationResult> {
  constructor(private readonly request: GenerationRequest) {}

  run(adapter: ProviderAdapter, channel: Channel, signal: AbortSignal): Promise<GenerationResult> {
    return adapter.generate({ modelId: channel.providerModelId, request: this.request, signal });
  }

  usage(result: GenerationResult): Usage {
    return result.usage;
  }

  cost(channel: Channel, result: GenerationResult): CostBreakdown {
    return costOfUsage(channel, result.usage);
  }

  finishReason(result: GenerationResult): string | undefined {
    return result.finishReason.raw ?? result.finishReason.unified;
  }
}

export function textOperation(request: GenerationRequest): CallOperation<GenerationResult> {
  return new TextOperation(request);
}
