import { roundUsd, zeroCost, type CostBreakdown } from '../core/money.js';
import type { Usage } from '../core/usage.js';
import type { Channel } from './catalog.js';
import type { PriceTable } from './model-data.js';

/** Prices in effect for a prompt of this size (tiers such as "above 200k tokens"). */
function pricesAt(price: PriceTable, inputTokens: number): PriceTable {
  if (!price.tiers) return price;
  let effective: PriceTable = price;
  for (const tier of price.tiers) {
    if (inputTokens > tier.aboveInputTokens) {
      effective = {
        ...price,
        inputPerMTok: tier.inputPerMTok,
        outputPerMTok: tier.outputPerMTok,
        cacheReadPerMTok: tier.cacheReadPerMTok ?? price.cacheReadPerMTok,
        cacheWritePerMTok: tier.cacheWritePerMTok ?? price.cacheWritePerMTok,
      };
    }
  }
  return effective;
}

/** A quick estimate for routing: no allocation, no lookups. Unknown prices estimate as 0. */
export function estimateCost(price: PriceTable | undefined, inputTokens: number, outputTokens: number): number {
  if (!price) return 0;
  const effective = price.tiers ? pricesAt(price, inputTokens) : price;
  return (inputTokens * effective.inputPerMTok + outputTokens * effective.outputPerMTok) / 1_000_000;
}

/**
 * What a call cost, from its usage and the channel's price table. The table comes from
 * @pydantic/genai-prices (or the host), read once per model; doing the arithmetic here instead of
 * calling `calcPrice` per call keeps cost accounting off the hot path (a test checks both agree).
 * Tiers apply to the whole prompt once it is above the threshold, as the vendors bill them.
 */
export function costOfUsage(channel: Channel, usage: Usage): CostBreakdown {
  if (!channel.price) return zeroCost('unknown');
  const host = channel.price !== channel.model.price;
  const price = pricesAt(channel.price, usage.input.total);
  const input = roundUsd((usage.input.noCache * price.inputPerMTok) / 1e6);
  const cacheRead = roundUsd((usage.input.cacheRead * (price.cacheReadPerMTok ?? price.inputPerMTok)) / 1e6);
  const cacheWrite = roundUsd((usage.input.cacheWrite * (price.cacheWritePerMTok ?? price.inputPerMTok)) / 1e6);
  const reasoningPrice = price.reasoningPerMTok;
  const reasoning = reasoningPrice !== undefined ? roundUsd((usage.output.reasoning * reasoningPrice) / 1e6) : 0;
  const outputTokens = reasoningPrice !== undefined ? usage.output.text : usage.output.total;
  const output = roundUsd((outputTokens * price.outputPerMTok) / 1e6);
  return {
    input,
    cacheRead,
    cacheWrite,
    output,
    reasoning,
    other: 0,
    total: roundUsd(input + cacheRead + cacheWrite + output + reasoning),
    currency: 'USD',
    estimated: false,
    source: host ? 'host' : (channel.model.sources.price ?? 'catalog'),
  };
}
