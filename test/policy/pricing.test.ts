import { calcPrice } from '@pydantic/genai-prices';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeUsage } from '../../src/core/usage.js';
import { Catalog } from '../../src/policy/catalog.js';
import { costOfUsage } from '../../src/policy/pricing.js';

const provider = (name: string, vendor: string) => ({ name, family: 'openai' as const, vendors: [vendor], models: [] });

describe('costOfUsage', () => {
  const catalog = new Catalog();
  beforeAll(() => catalog.load());
  const cases: Array<[string, string]> = [
    ['openai/gpt-5-mini', 'openai'],
    ['anthropic/claude-haiku-4-5', 'anthropic'],
    ['anthropic/claude-sonnet-4-5', 'anthropic'],
    ['google/gemini-2.5-pro', 'google'],
    ['google/gemini-2.5-flash', 'google'],
    ['deepseek/deepseek-chat', 'deepseek'],
  ];

  it.each(cases)('matches @pydantic/genai-prices for %s, tiers and caches included', (id, vendor) => {
    const channel = catalog.channel(id, provider(vendor, vendor));
    const pricing = channel.model.pricing!;
    expect(pricing).toBeDefined();
    let seed = 7;
    const random = (max: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % max;
    for (let i = 0; i < 200; i += 1) {
      const inputTotal = random(2) === 0 ? random(5_000) : 150_000 + random(150_000); // both sides of 200k tiers
      const cacheRead = random(3) === 0 ? random(Math.max(1, Math.floor(inputTotal / 2))) : 0;
      const cacheWrite = random(4) === 0 ? random(Math.max(1, Math.floor((inputTotal - cacheRead) / 3))) : 0;
      const outputTotal = random(4_000);
      const usage = makeUsage({ inputTotal, cacheRead, cacheWrite, outputTotal });
      const expected = calcPrice(
        { input_tokens: inputTotal, cache_read_tokens: cacheRead, cache_write_tokens: cacheWrite, output_tokens: outputTotal },
        pricing.modelId,
        { providerId: pricing.providerId },
      )!;
      const cost = costOfUsage(channel, usage);
      expect(cost.total).toBeCloseTo(expected.total_price, 9);
      expect(cost.input + cost.cacheRead + cost.cacheWrite).toBeCloseTo(expected.input_price, 9);
      expect(cost.output).toBeCloseTo(expected.output_price, 9);
    }
  });

  it('uses a host price over the data package, and says so', () => {
    const custom = new Catalog({ channels: { 'openai/gpt-5-mini:cheap': { price: { inputPerMTok: 1, outputPerMTok: 2 } } } });
    const channel = custom.channel('openai/gpt-5-mini', provider('cheap', 'openai'));
    const cost = costOfUsage(channel, makeUsage({ inputTotal: 1_000_000, outputTotal: 500_000 }));
    expect(cost).toMatchObject({ input: 1, output: 1, total: 2, source: 'host', estimated: false });
  });

  it('reports zero, marked estimated, for a model without a price', () => {
    const channel = catalog.channel('acme/unknown-1', provider('acme', 'acme'));
    expect(costOfUsage(channel, makeUsage({ inputTotal: 10, outputTotal: 10 }))).toMatchObject({
      total: 0,
      estimated: true,
      source: 'unknown',
    });
  });
});
