import { GoogleGenAI } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { ZenError } from '../../src/core/errors.js';
import { createGoogleProvider } from '../../src/providers/google/index.js';
import type { ImageCallOptions, ImageRequest } from '../../src/providers/types.js';
import { simulatorGoogleAuth } from '../../src/testing/google-auth.js';
import { useSimulator } from '../helpers/simulator.js';

/** Imagen (`generateImages`, Vertex AI) and Gemini image models (IMAGE modality) through @google/genai. */

const sim = useSimulator();
const IMAGEN = 'imagen-4.0-generate-001';
const GEMINI_IMAGE = 'gemini-2.5-flash-image';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function vertexProvider() {
  const client = new GoogleGenAI({
    vertexai: true,
    project: 'img-project',
    location: 'us-central1',
    googleAuthOptions: simulatorGoogleAuth(sim),
    httpOptions: { baseUrl: sim.googleBaseURL },
  });
  return createGoogleProvider('vertex-genai', client);
}

function geminiProvider() {
  return createGoogleProvider('google', new GoogleGenAI({ apiKey: 'AIza-image-tests', httpOptions: { baseUrl: sim.googleBaseURL } }));
}

function options(api: ImageCallOptions['api'], modelId: string, request: Partial<ImageRequest> = {}): ImageCallOptions {
  return { api, modelId, request: { prompt: 'A lighthouse at dusk', n: 1, ...request } };
}

function isPng(base64: string | undefined): boolean {
  return Buffer.from(base64 ?? '', 'base64')
    .subarray(0, 8)
    .equals(PNG_SIGNATURE);
}

describe('Imagen through generateImages', () => {
  it('asks for n images with the aspect ratio and format, and returns PNG bytes', async () => {
    const result = await vertexProvider().generateImages!(options('imagen', IMAGEN, { n: 2, size: '1024x1024', outputFormat: 'png' }));
    expect(sim.calls[0]!.path).toBe(`/v1beta1/projects/img-project/locations/us-central1/publishers/google/models/${IMAGEN}:predict`);
    expect(sim.calls[0]!.body).toEqual({
      instances: [{ prompt: 'A lighthouse at dusk' }],
      parameters: { sampleCount: 2, aspectRatio: '1:1', outputOptions: { mimeType: 'image/png' } },
    });
    expect(result.images).toHaveLength(2);
    for (const image of result.images) {
      expect(image.mediaType).toBe('image/png');
      expect(isPng(image.base64)).toBe(true);
    }
    expect(result.warnings).toEqual([]);
  });

  it('maps other sizes to the nearest ratio and warns about what it drops', async () => {
    const result = await vertexProvider().generateImages!(
      options('imagen', IMAGEN, {
        size: '1536x1024',
        quality: 'high',
        background: 'transparent',
        responseFormat: 'url',
        outputFormat: 'webp',
      }),
    );
    expect((sim.calls[0]!.body as { parameters: Record<string, unknown> }).parameters).toEqual({ sampleCount: 1, aspectRatio: '4:3' });
    expect(result.warnings.map((warning) => warning.setting)).toEqual(['quality', 'background', 'responseFormat', 'size', 'outputFormat']);
  });

  it('reports images removed by the safety filter as content_filter', async () => {
    sim.enqueue(IMAGEN, { finishReason: 'content_filter' });
    const error = await vertexProvider().generateImages!(options('imagen', IMAGEN)).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'content_filter', provider: 'vertex-genai', model: IMAGEN });
    expect((error as Error).message).toContain('filtered');
  });

  it('maps HTTP errors like any other call', async () => {
    sim.enqueue(IMAGEN, { fault: { type: 'http', status: 429, retryAfter: 3 } });
    await expect(vertexProvider().generateImages!(options('imagen', IMAGEN))).rejects.toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 3000,
    });
  });

  it('refuses Imagen on a Gemini API client and image edits, without calling', async () => {
    await expect(geminiProvider().generateImages!(options('imagen', IMAGEN))).rejects.toMatchObject({ kind: 'configuration' });
    await expect(
      vertexProvider().generateImages!(options('imagen', IMAGEN, { images: [{ data: 'AAAA', mediaType: 'image/png' }] })),
    ).rejects.toMatchObject({ kind: 'invalid_request' });
    await expect(geminiProvider().generateImages!(options('openai-images', 'gpt-image-1'))).rejects.toMatchObject({
      kind: 'configuration',
    });
    expect(sim.calls).toHaveLength(0);
  });
});

describe('Gemini image models through generateContent', () => {
  it('makes one call per image with the IMAGE modality and sums the usage', async () => {
    sim.setDefault(GEMINI_IMAGE, { usage: { input: 10, output: 1290 } });
    const result = await geminiProvider().generateImages!(options('gemini-image', GEMINI_IMAGE, { n: 2, size: '1792x1024' }));
    expect(sim.calls).toHaveLength(2);
    expect(sim.calls[0]!.body).toMatchObject({
      contents: [{ role: 'user', parts: [{ text: 'A lighthouse at dusk' }] }],
      generationConfig: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '16:9' } },
    });
    expect(result.images).toHaveLength(2);
    expect(result.images.every((image) => image.mediaType === 'image/png' && isPng(image.base64))).toBe(true);
    expect(result.usage).toEqual({ inputTokens: 20, outputTokens: 2580 });
  });

  it('sends the images to edit before the prompt, and warns that masks are dropped', async () => {
    const result = await geminiProvider().generateImages!(
      options('gemini-image', GEMINI_IMAGE, {
        prompt: 'Make it blue',
        images: [{ data: 'iVBORw0KGgo=', mediaType: 'image/png' }],
        mask: { data: 'AAAA', mediaType: 'image/png' },
      }),
    );
    expect((sim.calls[0]!.body as { contents: unknown }).contents).toEqual([
      { role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }, { text: 'Make it blue' }] },
    ]);
    expect(result.warnings.map((warning) => warning.setting)).toEqual(['mask']);
  });

  it('fails clearly when the model answers without an image', async () => {
    sim.enqueue(GEMINI_IMAGE, { finishReason: 'content_filter' });
    const filtered = await geminiProvider().generateImages!(options('gemini-image', GEMINI_IMAGE)).catch((caught: unknown) => caught);
    expect(ZenError.isInstance(filtered)).toBe(true);
    expect(filtered).toMatchObject({ kind: 'content_filter', code: 'SAFETY' });

    sim.enqueue(GEMINI_IMAGE, {
      raw: {
        body: JSON.stringify({
          candidates: [{ content: { role: 'model', parts: [{ text: 'I can only describe it.' }] }, finishReason: 'STOP' }],
        }),
      },
    });
    await expect(geminiProvider().generateImages!(options('gemini-image', GEMINI_IMAGE))).rejects.toMatchObject({ kind: 'server' });
  });

  it('works on Vertex AI too', async () => {
    const result = await vertexProvider().generateImages!(options('gemini-image', GEMINI_IMAGE));
    expect(sim.calls[0]!.path).toBe(
      `/v1beta1/projects/img-project/locations/us-central1/publishers/google/models/${GEMINI_IMAGE}:generateContent`,
    );
    expect(isPng(result.images[0]?.base64)).toBe(true);
  });
});
