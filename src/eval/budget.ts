import { configurationError } from '../core/errors.js';
import { fromNanos, toNanos } from '../core/money.js';
import type { Channel } from '../policy/catalog.js';
import type { PriceTable } from '../policy/model-data.js';

/**
 * A spending limit that is never crossed: before a call, its worst-case cost is reserved; after
 * it, the reservation is replaced by what the call really cost. A call whose worst case does not
 * fit what is left is not made. Money is kept in integer nanodollars, as the ledger does.
 */
export class Budget {
  private spentNanos = 0;
  private reservedNanos = 0;
  private readonly limitNanos: number;
  /** Calls whose real cost came out above their reservation (the worst case was wrong). */
  overruns = 0;

  constructor(limitUsd: number | undefined) {
    if (limitUsd !== undefined && (!Number.isFinite(limitUsd) || limitUsd < 0)) {
      throw configurationError(`budgetUsd must be a number >= 0, got ${String(limitUsd)}`);
    }
    this.limitNanos = limitUsd === undefined ? Infinity : toNanos(limitUsd);
  }

  get limited(): boolean {
    return this.limitNanos !== Infinity;
  }

  get spentUsd(): number {
    return fromNanos(this.spentNanos);
  }

  /** Reserves `usd` when it fits; false (and nothing reserved) when it does not. */
  reserve(usd: number): boolean {
    const nanos = Math.ceil(usd * 1e9);
    if (this.spentNanos + this.reservedNanos + nanos > this.limitNanos) return false;
    this.reservedNanos += nanos;
    return true;
  }

  /** Replaces a reservation by the real cost. */
  settle(reservedUsd: number, actualUsd: number): void {
    const reserved = Math.ceil(reservedUsd * 1e9);
    const actual = toNanos(actualUsd);
    this.reservedNanos -= reserved;
    this.spentNanos += actual;
    if (actual > reserved) this.overruns += 1;
  }
}

/** Tokens assumed for one image in the worst case (documented with `EvaluateOptions.imageTokens`). */
export const DEFAULT_IMAGE_TOKENS = 2_000;

/**
 * The most a call can cost: every UTF-8 byte of the prompt as one input token (a byte-level
 * tokenizer never makes more tokens than bytes), 50 tokens of message framing, `imageTokens` per
 * image, and `maxOutputTokens` at the dearest output or reasoning rate of any price tier.
 * Throws when the channel has no price: a budget cannot be kept without one.
 */
export function worstCaseUsd(
  channel: Channel,
  prompt: { bytes: number; images: number },
  maxOutputTokens: number,
  imageTokens = DEFAULT_IMAGE_TOKENS,
): number {
  const price = channel.price;
  if (!price) {
    throw configurationError(
      `budgetUsd needs a price for ${channel.id}: define one with \`channels: { '${channel.id}': { price: { inputPerMTok, outputPerMTok } } }\` or drop the budget`,
    );
  }
  const inputTokens = prompt.bytes + 50 + prompt.images * imageTokens;
  return (inputTokens * highest(price, 'input') + maxOutputTokens * highest(price, 'output')) / 1e6;
}

function highest(price: PriceTable, side: 'input' | 'output'): number {
  const rates =
    side === 'input'
      ? [
          price.inputPerMTok,
          price.cacheWritePerMTok ?? 0,
          ...(price.tiers ?? []).flatMap((tier) => [tier.inputPerMTok, tier.cacheWritePerMTok ?? 0]),
        ]
      : [price.outputPerMTok, price.reasoningPerMTok ?? 0, ...(price.tiers ?? []).map((tier) => tier.outputPerMTok)];
  return Math.max(0, ...rates);
}

const encoder = new TextEncoder();

export function utf8Bytes(text: string): number {
  return encoder.encode(text).length;
}
