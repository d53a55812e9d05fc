import { calcPrice } from '@pydantic/genai-prices';
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

/** What a call cost, from its usage: genai-prices where it knows the model, else the channel's table. */
export function costOfUsage(channel: Channel, usage: Usage): CostBreakdown {
  const hostPrice = channel.price && channel.price !== channel.model.price;
  if (!hostPrice && channel.model.pricing) {
    const result = safeCalc(usage, channel.model.pricing);
    if (result) {
      const table = channel.price;
      const effective = table ? pricesAt(table, usage.input.total) : undefined;
      const cacheRead = effective?.cacheReadPerMTok !== undefined ? roundUsd((usage.input.cacheRead * effective.cacheReadPerMTok) / 1e6) : 0;
      const cacheWrite = effective?.cacheWritePerMTok !== undefined ? roundUsd((usage.input.cacheWrite * effective.cacheWritePerMTok) / 1e6) : 0;
      const input = roundUsd(result.input_price);
      const output = roundUsd(result.output_price);
      return {
        input: roundUsd(Math.max(0, input - cacheRead - cacheWrite)),
        cacheRead,
        cacheWrite,
        output,
        reasoning: 0,
        other: 0,
        total: roundUsd(input + output),
        currency: 'USD',
        estimated: false,
        source: '@pydantic/genai-prices',
      };
    }
  }
  if (!channel.price) return zeroCost('unknown');
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
    source: hostPrice ? 'host' : 'catalog',
  };
}

function safeCalc(usage: Usage, pricing: { providerId: string; modelId: string }): ReturnType<typeof calcPrice> {
  try {
    return calcPrice(
      { input_tokens: usage.input.total, cache_read_tokens: usage.input.cacheRead, cache_write_tokens: usage.input.cacheWrite, output_tokens: usage.output.total },
      pricing.modelId,
      { providerId: pricing.providerId },
    );
  } catch {
    return null;
  }
}
