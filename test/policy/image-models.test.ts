import { beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/policy/catalog.js';
import { defaultAutoPool } from '../../src/policy/candidates.js';
import type { ProviderInfo } from '../../src/policy/catalog.js';
import { useSimulator } from '../helpers/simulator.js';
import { zenOver } from '../faces/helpers.js';

const sim = useSimulator();

const provider = (name: string, family: ProviderInfo['family'], vendors: string[], vertex = false): ProviderInfo =>
  ({ name, family, vendors, models: [], ...(vertex ? { vertex } : {}) }) as ProviderInfo;

describe('image models in the catalog', () => {
  const catalog = new Catalog();
  // Model data loads on first use; these tests read the catalog directly.
  beforeAll(() => catalog.load());

  it.each([
    ['openai/gpt-image-1', '@pydantic/genai-prices', { inputPerMTok: 5, outputPerMTok: 40 }],
    ['openai/gpt-image-1-mini', '@pydantic/genai-prices', { inputPerMTok: 2, outputPerMTok: 8 }],
    // genai-prices prices Gemini's text output at 2.5 and its image output at 30: images are what it makes.
    ['google/gemini-2.5-flash-image', '@pydantic/genai-prices', { inputPerMTok: 0.3, outputPerMTok: 30 }],
    ['openai/dall-e-3', 'zenrouter image models', { perImage: 0.04 }],
    ['google/imagen-4.0-generate-001', 'zenrouter image models', { perImage: 0.04 }],
    ['google/imagen-4.0-fast-generate-001', 'zenrouter image models', { perImage: 0.02 }],
  ])('%s makes images, has a release date and a price from %s', (id, source, price) => {
    const model = catalog.model(id);
    expect(model.capabilities).toMatchObject({ imageOutput: true, tools: false, structuredOutput: false });
    expect(model.releaseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(model.price).toMatchObject(price);
    expect(model.sources).toEqual({ capabilities: 'zenrouter image models', price: source });
    expect(model.unknown).toBe(false);
  });

  it('knows which image models take input images', () => {
    expect(catalog.model('openai/gpt-image-1').capabilities.vision).toBe(true);
    expect(catalog.model('openai/dall-e-3').capabilities.vision).toBe(false);
  });

  it('builds the auto pool for images from image models only, and the text pool without them', () => {
    const providers = [
      provider('openai', 'openai', ['openai']),
      provider('anthropic', 'anthropic', ['anthropic']),
      provider('google', 'google', ['google']),
    ];
    const images = defaultAutoPool(providers, catalog, 'image');
    expect(images).toEqual(
      expect.arrayContaining([
        'openai/gpt-image-1',
        'openai/gpt-image-1-mini',
        'google/gemini-2.5-flash-image',
        'google/gemini-3-pro-image-preview',
        'google/imagen-4.0-generate-001',
      ]),
    );
    // Legacy, and more than a year older than the vendor's newest image model.
    expect(images).not.toContain('openai/dall-e-2');
    expect(images).not.toContain('openai/dall-e-3');
    expect(images.every((id) => catalog.model(id).capabilities.imageOutput)).toBe(true);
    const text = defaultAutoPool(providers, catalog, 'text');
    expect(text.length).toBeGreaterThan(5);
    expect(text.some((id) => catalog.model(id).capabilities.imageOutput)).toBe(false);
  });
});

describe("images.generate({ model: 'auto' }) on a fresh client", () => {
  it('routes to an image model of the three providers, with n split and a priced cost, as the README shows it', async () => {
    const zen = await zenOver(sim); // openai, anthropic and google (Gemini API); no models defined
    const images = await zen.images.generate({ model: 'auto', prompt: 'A lighthouse at dusk', n: 3 });
    expect(images.data).toHaveLength(3);
    expect(images.zen.requested).toBe('auto');
    expect(images.zen.plan.length).toBeGreaterThan(1);
    for (const channel of images.zen.plan)
      expect(channel).toMatch(/^(openai\/gpt-image-1(-mini|\.5)?:openai|google\/gemini-[\w.-]+-image[\w-]*:google)$/);
    // Imagen runs on Vertex AI only: without a Vertex client it is left out, with the reason.
    expect(images.zen.rejected).toContainEqual({
      channel: 'google/imagen-4.0-generate-001:google',
      reason: expect.stringMatching(/Vertex/i),
    });
    expect(images.zen.cost.total).toBeGreaterThan(0);
    expect(sim.calls.every((call) => /images|generateContent/.test(call.path))).toBe(true);
  });

  it('plans Imagen too when a Vertex AI client is configured, at its per-image price', async () => {
    const zen = await zenOver(sim, {}, { vertex: 'vertex' });
    const images = await zen.images.generate({ model: 'auto', prompt: 'A paper boat', n: 2 });
    expect(images.data).toHaveLength(2);
    expect(images.zen.plan).toEqual(
      expect.arrayContaining(['google/imagen-4.0-generate-001:vertex', 'google/imagen-4.0-fast-generate-001:vertex']),
    );
    const imagen = await zen.images.generate({ model: 'google/imagen-4.0-fast-generate-001', prompt: 'A paper boat', n: 5 });
    expect(imagen.zen.channel).toBe('google/imagen-4.0-fast-generate-001:vertex');
    expect(imagen.zen.cost).toMatchObject({ total: 0.1, source: 'catalog' }); // 5 × $0.02
  });
});
