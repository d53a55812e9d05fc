import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { ImageCallOptions } from '../../src/providers/types.js';
import { createOpenAIProvider } from '../../src/providers/openai/index.js';
import { useSimulator } from '../helpers/simulator.js';

const sim = useSimulator();
const provider = () =>
  createOpenAIProvider('openai', new OpenAI({ apiKey: 'sk-test-images', baseURL: sim.openaiBaseURL, maxRetries: 0, logLevel: 'off' }));
const generate = (options: Omit<ImageCallOptions, 'api'>) => provider().generateImages!({ api: 'openai-images', ...options });

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function expectPng(bytes: Uint8Array): void {
  expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  expect(Buffer.from(bytes.subarray(12, 16)).toString('latin1')).toBe('IHDR');
}

const tinyPngBase64 = () => Buffer.from(PNG_SIGNATURE).toString('base64');

describe('generateImages', () => {
  it('generates base64 PNGs with a GPT image model, without response_format', async () => {
    const result = await generate({
      modelId: 'gpt-image-1',
      request: {
        prompt: 'a lighthouse',
        n: 2,
        size: '1024x1024',
        quality: 'low',
        background: 'transparent',
        outputFormat: 'png',
        responseFormat: 'b64_json',
        user: 'u1',
      },
    });
    expect(sim.calls[0]!.body).toEqual({
      model: 'gpt-image-1',
      prompt: 'a lighthouse',
      n: 2,
      size: '1024x1024',
      quality: 'low',
      background: 'transparent',
      output_format: 'png',
      user: 'u1',
    });
    expect(result.images).toHaveLength(2);
    for (const image of result.images) {
      expect(image.mediaType).toBe('image/png');
      expect(image.url).toBeUndefined();
      expectPng(Buffer.from(image.base64!, 'base64'));
    }
    expect(result.usage).toEqual({ inputTokens: expect.any(Number), outputTokens: 544 });
    expect(result.warnings).toEqual([]);
  });

  it('warns that GPT image models cannot answer URLs, and still succeeds', async () => {
    const result = await generate({ modelId: 'gpt-image-1', request: { prompt: 'x', n: 1, responseFormat: 'url' } });
    expect(sim.calls[0]!.body).not.toHaveProperty('response_format');
    expect(result.images[0]!.base64).toBeDefined();
    expect(result.warnings).toEqual([expect.objectContaining({ type: 'unsupported-setting', setting: 'responseFormat' })]);
  });

  it('asks DALL·E for URLs and drops the settings it does not know', async () => {
    const result = await generate({
      modelId: 'dall-e-3',
      request: { prompt: 'an otter', n: 1, responseFormat: 'url', background: 'opaque', outputFormat: 'webp' },
    });
    expect(sim.calls[0]!.body).toEqual({ model: 'dall-e-3', prompt: 'an otter', n: 1, response_format: 'url' });
    expect(result.warnings.map((warning) => warning.setting)).toEqual(['background', 'outputFormat']);
    const url = result.images[0]!.url!;
    expect(result.images[0]!.revisedPrompt).toContain('an otter');
    expectPng(new Uint8Array(await (await fetch(url)).arrayBuffer()));
  });

  it('edits with input images and a mask through multipart', async () => {
    const result = await generate({
      modelId: 'gpt-image-1',
      request: {
        prompt: 'add a hat',
        n: 1,
        images: [
          { data: tinyPngBase64(), mediaType: 'image/png' },
          { data: tinyPngBase64(), mediaType: 'image/jpeg' },
        ],
        mask: { data: tinyPngBase64(), mediaType: 'image/png' },
      },
    });
    expect(sim.calls[0]).toMatchObject({
      path: '/v1/images/edits',
      body: {
        model: 'gpt-image-1',
        prompt: 'add a hat',
        n: '1',
        image: [
          { name: 'image-0.png', type: 'image/png' },
          { name: 'image-1.jpg', type: 'image/jpeg' },
        ],
        mask: { name: 'mask.png', type: 'image/png' },
      },
    });
    expect(result.images).toHaveLength(1);
    expectPng(Buffer.from(result.images[0]!.base64!, 'base64'));
  });

  it('sends a single edit image as `image`', async () => {
    await generate({
      modelId: 'dall-e-2',
      request: { prompt: 'p', n: 1, responseFormat: 'b64_json', images: [{ data: tinyPngBase64(), mediaType: 'image/png' }] },
    });
    expect(sim.calls[0]!.body).toMatchObject({ image: { name: 'image-0.png', type: 'image/png' }, response_format: 'b64_json' });
  });

  it('maps image errors like chat errors', async () => {
    sim.enqueue('gpt-image-1', { fault: { type: 'http', status: 429, retryAfter: 3 } });
    await expect(generate({ modelId: 'gpt-image-1', request: { prompt: 'x', n: 1 } })).rejects.toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 3000,
      provider: 'openai',
      model: 'gpt-image-1',
    });
  });

  it('refuses image APIs of other families', async () => {
    await expect(provider().generateImages!({ modelId: 'imagen-4', api: 'imagen', request: { prompt: 'x', n: 1 } })).rejects.toMatchObject({
      kind: 'configuration',
    });
    expect(sim.calls).toHaveLength(0);
  });
});
