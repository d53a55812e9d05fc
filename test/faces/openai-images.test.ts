import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ZenError, type RequestRecord } from '../../src/index.js';
import { readImageInput } from '../../src/faces/image-input.js';
import { useSimulator } from '../helpers/simulator.js';
import { zenOver } from './helpers.js';

const sim = useSimulator();
const DALL_E_PRICE = { models: { 'openai/dall-e-3': { price: { inputPerMTok: 0, outputPerMTok: 0, perImage: 0.04 } } } };

let crcTable: number[] | undefined;
function crc32(bytes: Uint8Array): number {
  crcTable ??= Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A PNG any decoder opens: signature, chunks with correct CRCs, IHDR first, IDAT that inflates to the pixel rows, IEND last. */
function expectValidPng(base64: string | undefined): void {
  const bytes = Buffer.from(base64 ?? '', 'base64');
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunks: Array<{ type: string; data: Buffer }> = [];
  for (let offset = 8; offset < bytes.length; ) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.subarray(offset + 4, offset + 8).toString('latin1');
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    expect(bytes.readUInt32BE(offset + 8 + length)).toBe(crc32(bytes.subarray(offset + 4, offset + 8 + length)));
    chunks.push({ type, data });
    offset += 12 + length;
  }
  expect(chunks[0]!.type).toBe('IHDR');
  expect(chunks.at(-1)!.type).toBe('IEND');
  const width = chunks[0]!.data.readUInt32BE(0);
  const height = chunks[0]!.data.readUInt32BE(4);
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[chunks[0]!.data[9]! as 0 | 2 | 4 | 6];
  const pixels = inflateSync(Buffer.concat(chunks.filter((chunk) => chunk.type === 'IDAT').map((chunk) => chunk.data)));
  expect(pixels.length).toBe(height * (1 + width * channels));
}

function dataUrlBase64(url: string | undefined): string {
  const match = /^data:image\/png;base64,(.+)$/.exec(url ?? '');
  expect(match).not.toBeNull();
  return match![1]!;
}

describe('zen.images.generate through the OpenAI Images API', () => {
  it('returns an ImagesResponse with valid PNG bytes, usage and zen metadata', async () => {
    const zen = await zenOver(sim);
    const response = await zen.images.generate({
      model: 'openai/gpt-image-1',
      prompt: 'A lighthouse at dusk',
      n: 2,
      size: '1024x1024',
      quality: 'low',
      output_format: 'png',
    });
    expect(sim.calls[0]).toMatchObject({
      path: '/v1/images/generations',
      body: { model: 'gpt-image-1', prompt: 'A lighthouse at dusk', n: 2, size: '1024x1024', quality: 'low', output_format: 'png' },
    });
    expect(response.data).toHaveLength(2);
    for (const image of response.data!) expectValidPng(image.b64_json);
    expect(response.output_format).toBe('png');
    expect(response.usage).toMatchObject({ output_tokens: 544, total_tokens: expect.any(Number) });
    expect(response.created).toEqual(expect.any(Number));
    expect(response.zen).toMatchObject({ face: 'openai-images', model: 'openai/gpt-image-1', channel: 'openai/gpt-image-1:openai' });
    expect(JSON.parse(JSON.stringify(response))).not.toHaveProperty('zen');
    await zen.flush();
    const faces: string[] = [];
    for await (const record of zen.ledger.query()) if (record.type === 'request') faces.push((record as RequestRecord).face);
    expect(faces).toEqual(['openai-images']);
  });

  it('splits n across calls for DALL·E 3 (one image per call) and charges the price per image', async () => {
    const zen = await zenOver(sim, DALL_E_PRICE);
    const response = await zen.images.generate({ model: 'openai/dall-e-3', prompt: 'An otter', n: 3, response_format: 'b64_json' });
    expect(sim.calls.map((call) => (call.body as { n: number }).n)).toEqual([1, 1, 1]);
    expect(response.data).toHaveLength(3);
    for (const image of response.data!) {
      expectValidPng(image.b64_json);
      expect(image.revised_prompt).toContain('An otter');
    }
    expect(response.zen.cost).toMatchObject({ other: 0.12, total: 0.12, estimated: false });
  });

  it('response_format url: DALL·E URLs pass through; bytes become data URLs', async () => {
    const zen = await zenOver(sim);
    const dalle = await zen.images.generate({ model: 'openai/dall-e-3', prompt: 'A fox', response_format: 'url' });
    const fetched = await fetch(dalle.data![0]!.url!);
    expectValidPng(Buffer.from(await fetched.arrayBuffer()).toString('base64'));
    const gpt = await zen.images.generate({ model: 'openai/gpt-image-1', prompt: 'A fox', response_format: 'url' });
    expectValidPng(dataUrlBase64(gpt.data![0]!.url));
    expect(gpt.zen.warnings.map((warning) => warning.setting)).toContain('responseFormat');
  });
});

describe('zen.images.generate through Google image models', () => {
  it('Gemini image models (IMAGE modality), one call per image', async () => {
    const zen = await zenOver(sim);
    const response = await zen.images.generate({ model: 'google/gemini-2.5-flash-image', prompt: 'A red kite', n: 2, size: '1792x1024' });
    // @google/genai 2 calls v1beta, 3 calls v1 by default.
    const path = expect.stringMatching(/^\/v1(beta)?\/models\/gemini-2\.5-flash-image:generateContent$/);
    expect(sim.calls.map((call) => call.path)).toEqual([path, path]);
    for (const image of response.data!) expectValidPng(image.b64_json);
    expect(response.zen.channel).toBe('google/gemini-2.5-flash-image:google');
  });

  it('Imagen through a Vertex AI client, four images per call', async () => {
    const zen = await zenOver(sim, {}, { google: false, vertex: 'vertex' });
    const response = await zen.images.generate({
      model: 'google/imagen-4.0-generate-001',
      prompt: 'A red kite',
      n: 5,
      response_format: 'url',
    });
    expect(
      sim.calls
        .filter((call) => call.path.endsWith(':predict'))
        .map((call) => (call.body as { parameters: { sampleCount: number } }).parameters.sampleCount)
        .sort(),
    ).toEqual([1, 4]);
    expect(response.data).toHaveLength(5);
    for (const image of response.data!) expectValidPng(dataUrlBase64(image.url));
    expect(response.zen.channel).toBe('google/imagen-4.0-generate-001:vertex');
  });
});

describe('routing image calls', () => {
  it('never plans a text-only model', async () => {
    const zen = await zenOver(sim);
    const response = await zen.images.generate({ model: ['openai/gpt-5-mini', 'openai/dall-e-3'], prompt: 'A boat' });
    expect(response.zen.plan).toEqual(['openai/dall-e-3:openai']);
    expect(response.zen.rejected).toContainEqual({ channel: 'openai/gpt-5-mini:openai', reason: 'cannot generate images' });
    const onlyText = await zen.images
      .generate({ model: 'anthropic/claude-haiku-4-5', prompt: 'A boat' })
      .catch((caught: unknown) => caught);
    expect(ZenError.isInstance(onlyText)).toBe(true);
    expect(sim.calls.every((call) => call.path.includes('images'))).toBe(true);
  });

  it('auto picks image models only', async () => {
    const zen = await zenOver(sim); // the catalog's image models, none defined here
    const response = await zen.images.generate({ prompt: 'A boat' });
    expect(response.zen.requested).toBe('auto');
    expect(response.zen.plan.length).toBeGreaterThan(0);
    expect(response.zen.plan.every((channel) => /image|dall-e|imagen/.test(channel))).toBe(true);
  });

  it('fails over to the next image model when one fails', async () => {
    const zen = await zenOver(sim);
    sim.enqueue('gpt-image-1', { fault: { type: 'http', status: 503 } }, { fault: { type: 'http', status: 503 } });
    const response = await zen.images.generate({
      model: ['openai/gpt-image-1', 'google/gemini-2.5-flash-image'],
      prompt: 'A boat',
      zen: { retry: { minDelayMs: 1, maxDelayMs: 2 } },
    });
    expect(response.zen.channel).toBe('google/gemini-2.5-flash-image:google');
    expect(response.zen.attempts.map((attempt) => [attempt.channel, attempt.outcome])).toContainEqual([
      'openai/gpt-image-1:openai',
      expect.not.stringMatching(/^success$/),
    ]);
    expectValidPng(response.data![0]!.b64_json);
  });
});

describe('zen.images.edit', () => {
  const png = async () =>
    (await zenOver(sim)).images.generate({ model: 'openai/gpt-image-1', prompt: 'seed' }).then((response) => response.data![0]!.b64_json!);

  it('takes the image as a File, Blob, bytes, base64 or a data URL, with a mask', async () => {
    const base64 = await png();
    const bytes = Buffer.from(base64, 'base64');
    const zen = await zenOver(sim);
    const inputs: unknown[] = [
      new File([bytes], 'in.png', { type: 'image/png' }),
      new Blob([bytes]),
      new Uint8Array(bytes),
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
      base64,
      `data:image/png;base64,${base64}`,
    ];
    for (const input of inputs) {
      sim.reset();
      const response = await zen.images.edit({ model: 'openai/gpt-image-1', prompt: 'Add a hat', image: input as File, mask: base64 });
      expect(sim.calls[0]).toMatchObject({
        path: '/v1/images/edits',
        body: { prompt: 'Add a hat', image: { type: 'image/png' }, mask: { type: 'image/png' } },
      });
      expectValidPng(response.data![0]!.b64_json);
    }
  });

  it('sends several images, and reads a readable stream', async () => {
    const base64 = await png();
    const zen = await zenOver(sim);
    async function* stream() {
      yield Buffer.from(base64, 'base64');
    }
    sim.reset();
    await zen.images.edit({ model: 'openai/gpt-image-1', prompt: 'Merge', image: [base64, stream()] });
    expect((sim.calls[0]!.body as { image: unknown[] }).image).toHaveLength(2);
  });

  it('routes edits past models that cannot edit, to a Gemini image model too', async () => {
    const base64 = await png();
    const zen = await zenOver(sim);
    sim.reset();
    const response = await zen.images.edit({
      model: ['openai/dall-e-3', 'google/gemini-2.5-flash-image'],
      prompt: 'Make it blue',
      image: base64,
    });
    expect(response.zen.plan).toEqual(['google/gemini-2.5-flash-image:google']);
    expect(response.zen.rejected).toContainEqual({ channel: 'openai/dall-e-3:openai', reason: 'cannot edit images' });
    expect((sim.calls[0]!.body as { contents: Array<{ parts: unknown[] }> }).contents[0]!.parts[0]).toEqual({
      inlineData: { mimeType: 'image/png', data: base64 },
    });
  });
});

describe('bad image input gets a clear invalid_request error naming the field', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['no prompt', { model: 'openai/gpt-image-1' }, 'prompt'],
    ['n of 0', { prompt: 'x', n: 0 }, 'n'],
    ['n of 11', { prompt: 'x', n: 11 }, 'n'],
    ['a size that is not WxH', { prompt: 'x', size: 'big' }, 'size'],
    ['an unknown response_format', { prompt: 'x', response_format: 'png' }, 'response_format'],
    ['an unknown quality', { prompt: 'x', quality: 'ultra' }, 'quality'],
    ['streaming', { prompt: 'x', stream: true }, 'stream'],
  ];
  it.each(cases)('generate: %s', async (_name, body, param) => {
    const zen = await zenOver(sim);
    const error = await zen.images.generate(body as never).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'invalid_request', code: param });
    expect(sim.calls).toHaveLength(0);
  });

  it.each([
    ['no image', { prompt: 'x' }, 'image', /image is required/],
    ['a file path', { prompt: 'x', image: './cat.png' }, 'image', /base64 data or a data URL/],
    ['bytes that are not an image', { prompt: 'x', image: new Uint8Array([1, 2, 3, 4]) }, 'image', /not a PNG/],
    ['a number among images', { prompt: 'x', image: ['iVBORw0KGgoAAAANSUhEUg==', 42] }, 'image[1]', /must be a File/],
    ['an empty mask', { prompt: 'x', image: 'iVBORw0KGgoAAAANSUhEUg==', mask: new Uint8Array() }, 'mask', /empty/],
  ])('edit: %s', async (_name, body, param, message) => {
    const zen = await zenOver(sim);
    const error = await zen.images.edit({ model: 'openai/gpt-image-1', ...body } as never).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'invalid_request', code: param });
    expect((error as Error).message).toMatch(message);
    expect(sim.calls).toHaveLength(0);
  });

  it('reads media types by their magic numbers', async () => {
    const jpeg = await readImageInput(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0]), 'image');
    expect(jpeg.mediaType).toBe('image/jpeg');
    const webp = await readImageInput(new Uint8Array([0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50]), 'image');
    expect(webp.mediaType).toBe('image/webp');
  });
});

describe('Imagen planning', () => {
  it('plans Imagen only on a Vertex AI client, and fails over past nothing', async () => {
    const { GoogleGenAI } = await import('@google/genai');
    const { ZenClient } = await import('../../src/index.js');
    const { simulatorGoogleAuth } = await import('../../src/testing/google-auth.js');
    const zen = new ZenClient({
      providers: {
        google: new GoogleGenAI({ apiKey: 'AIza-test-0000000000000000000000000', httpOptions: { baseUrl: sim.googleBaseURL } }),
        vertex: new GoogleGenAI({
          vertexai: true,
          project: 'p',
          location: 'us-central1',
          googleAuthOptions: simulatorGoogleAuth(sim),
          httpOptions: { baseUrl: sim.googleBaseURL },
        }),
      },
    });
    const images = await zen.images.generate({ model: 'google/imagen-4.0-generate-001', prompt: 'a cat', n: 1 });
    expect(images.zen.channel).toBe('google/imagen-4.0-generate-001:vertex');
    expect(images.zen.attempts.map((attempt) => attempt.channel)).toEqual(['google/imagen-4.0-generate-001:vertex']);
    expect(images.zen.rejected).toContainEqual({
      channel: 'google/imagen-4.0-generate-001:google',
      reason: expect.stringContaining('Vertex AI only'),
    });
  });
});
