import { VertexAI } from '@google-cloud/vertexai';
import { FunctionCallingConfigMode, GoogleGenAI, Type, type GenerateContentResponse } from '@google/genai';
import { crc32, inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuedGoogleAccessTokens, simulatorGoogleAuth } from '../../src/testing/google-auth.js';
import { tinyPng } from '../../src/testing/png.js';
import { bridgeVertexHttps, vertexApiEndpoint } from '../../src/testing/vertex-https-bridge.js';
import { recordedChunks } from '../helpers/fixtures.js';
import { useSimulator } from '../helpers/simulator.js';

// @google/genai 2 calls the Gemini API's v1beta; 3 defaults to v1. The simulator serves both.
const GEMINI_API_VERSION = '(?:v1beta|v1)';

const sim = useSimulator();
const MODEL = 'gemini-2.5-flash';

function gemini(): GoogleGenAI {
  return new GoogleGenAI({ apiKey: 'AIza-test-protocol', httpOptions: { baseUrl: sim.googleBaseURL } });
}

function vertex(): GoogleGenAI {
  return new GoogleGenAI({
    vertexai: true,
    project: 'sim-project',
    location: 'us-central1',
    googleAuthOptions: simulatorGoogleAuth(sim),
    httpOptions: { baseUrl: sim.googleBaseURL },
  });
}

async function collect(stream: AsyncIterable<GenerateContentResponse>): Promise<GenerateContentResponse[]> {
  const chunks: GenerateContentResponse[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

/** Checks every chunk CRC, the header and the pixel data of a PNG, as a decoder would. */
function decodePng(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  const types: string[] = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.subarray(offset + 4, offset + 8).toString('ascii');
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    expect(bytes.readUInt32BE(offset + 8 + length)).toBe(crc32(bytes.subarray(offset + 4, offset + 8 + length)));
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
    }
    if (type === 'IDAT') idat.push(data);
    types.push(type);
    offset += 12 + length;
  }
  expect(types).toEqual(['IHDR', 'IDAT', 'IEND']);
  expect(inflateSync(Buffer.concat(idat)).length).toBe(height * (1 + width * 3));
  return { width, height };
}

describe('Gemini API through @google/genai', () => {
  it('answers generateContent on /v1beta/models with the key in x-goog-api-key', async () => {
    sim.enqueue(MODEL, { text: 'Hello from the simulator.', usage: { input: 12, output: 6, cachedInput: 4 } });
    const response = await gemini().models.generateContent({ model: MODEL, contents: 'Say hello' });
    expect(response.text).toBe('Hello from the simulator.');
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    expect(response.usageMetadata).toMatchObject({
      promptTokenCount: 12,
      candidatesTokenCount: 6,
      cachedContentTokenCount: 4,
      totalTokenCount: 18,
    });
    expect(response.modelVersion).toBe(MODEL);
    expect(response.responseId).toBeTruthy();
    expect(sim.calls[0]).toMatchObject({
      protocol: 'gemini',
      model: MODEL,
      path: expect.stringMatching(new RegExp(`^/${GEMINI_API_VERSION}/models/${MODEL}:generateContent$`)),
      stream: false,
    });
    expect(sim.calls[0]!.headers['x-goog-api-key']).toBe('AIza-test-protocol');
  });

  it('quotes the last user text by default and reads maxOutputTokens', async () => {
    const response = await gemini().models.generateContent({ model: MODEL, contents: 'What is the capital of France?' });
    expect(response.text).toBe(`Simulated answer from ${MODEL}: What is the capital of France?`);
    const short = await gemini().models.generateContent({ model: MODEL, contents: 'Tell me a long story', config: { maxOutputTokens: 2 } });
    expect(short.candidates?.[0]?.finishReason).toBe('MAX_TOKENS');
    expect(short.usageMetadata?.candidatesTokenCount).toBe(2);
  });

  it('calls a declared tool with schema-conforming args, honouring toolConfig', async () => {
    const weather = {
      name: 'weather',
      parametersJsonSchema: {
        type: 'object',
        properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 3 } },
        required: ['city'],
      },
    };
    const time = { name: 'time', parameters: { type: Type.OBJECT, properties: { zone: { type: Type.STRING, enum: ['UTC'] } } } };
    const ai = gemini();
    const auto = await ai.models.generateContent({
      model: MODEL,
      contents: 'Weather?',
      config: { tools: [{ functionDeclarations: [weather, time] }] },
    });
    expect(auto.functionCalls).toEqual([{ name: 'weather', args: { city: 'example', days: 3 } }]);
    expect(auto.candidates?.[0]?.finishReason).toBe('STOP');

    const forced = await ai.models.generateContent({
      model: MODEL,
      contents: 'Time?',
      config: {
        tools: [{ functionDeclarations: [weather, time] }],
        toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: ['time'] } },
      },
    });
    // The OpenAPI-style `parameters` schema (upper-case types) is understood too.
    expect(forced.functionCalls).toEqual([{ name: 'time', args: { zone: 'UTC' } }]);

    const none = await ai.models.generateContent({
      model: MODEL,
      contents: 'Just talk',
      config: {
        tools: [{ functionDeclarations: [weather] }],
        toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.NONE } },
      },
    });
    expect(none.functionCalls).toBeUndefined();
    expect(none.text).toContain('Just talk');
  });

  it('answers a functionResponse turn with text that uses the result', async () => {
    const response = await gemini().models.generateContent({
      model: MODEL,
      contents: [
        { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'weather', args: { city: 'Paris' } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'weather', response: { result: 'sunny, 24C' } } }] },
      ],
      config: { tools: [{ functionDeclarations: [{ name: 'weather', parametersJsonSchema: { type: 'object' } }] }] },
    });
    expect(response.text).toBe('Based on the tool result sunny, 24C, here is the answer.');
  });

  it('follows responseJsonSchema, and answers {} for the JSON mime type alone', async () => {
    const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'] };
    const structured = await gemini().models.generateContent({
      model: MODEL,
      contents: 'A person',
      config: { responseMimeType: 'application/json', responseJsonSchema: schema },
    });
    expect(JSON.parse(structured.text!)).toEqual({ name: 'example', age: 1 });
    expect(sim.calls[0]!.body).toMatchObject({ generationConfig: { responseMimeType: 'application/json', responseJsonSchema: schema } });
    const free = await gemini().models.generateContent({
      model: MODEL,
      contents: 'Anything',
      config: { responseMimeType: 'application/json' },
    });
    expect(JSON.parse(free.text!)).toEqual({});
  });

  it('sends thoughts as thought parts and signs the first part after them', async () => {
    sim.enqueue(MODEL, { reasoning: 'Let me think.', text: 'Done.', usage: { input: 5, output: 30, reasoning: 20 } });
    const response = await gemini().models.generateContent({
      model: MODEL,
      contents: 'Think',
      config: { thinkingConfig: { includeThoughts: true } },
    });
    const parts = response.candidates?.[0]?.content?.parts ?? [];
    expect(parts[0]).toEqual({ text: 'Let me think.', thought: true });
    expect(parts[1]).toMatchObject({ text: 'Done.', thoughtSignature: expect.any(String) });
    expect(response.usageMetadata).toMatchObject({ candidatesTokenCount: 10, thoughtsTokenCount: 20, totalTokenCount: 35 });
  });

  it('reports arguments that are not a JSON object as MALFORMED_FUNCTION_CALL', async () => {
    sim.enqueue(MODEL, { toolCalls: [{ name: 'weather', arguments: '{"city": ' }] });
    const response = await gemini().models.generateContent({ model: MODEL, contents: 'Weather?' });
    expect(response.candidates?.[0]).toMatchObject({ finishReason: 'MALFORMED_FUNCTION_CALL' });
    expect(response.candidates?.[0]?.content).toBeUndefined();
  });

  it('streams SSE chunks whose last one carries finishReason and usage', async () => {
    sim.enqueue(MODEL, { text: 'one two three', usage: { input: 7, output: 3 } });
    const chunks = await collect(await gemini().models.generateContentStream({ model: MODEL, contents: 'Count' }));
    expect(chunks.map((chunk) => chunk.text ?? '').join('')).toBe('one two three');
    expect(chunks.slice(0, -1).every((chunk) => chunk.candidates?.[0]?.finishReason === undefined)).toBe(true);
    expect(chunks.at(-1)!.candidates?.[0]?.finishReason).toBe('STOP');
    expect(chunks.at(-1)!.usageMetadata).toMatchObject({ promptTokenCount: 7, candidatesTokenCount: 3 });
    expect(new Set(chunks.map((chunk) => chunk.responseId)).size).toBe(1);
    expect(sim.calls[0]).toMatchObject({
      path: expect.stringMatching(new RegExp(`^/${GEMINI_API_VERSION}/models/${MODEL}:streamGenerateContent$`)),
      stream: true,
    });
  });

  it('streams a function call whole, in one chunk', async () => {
    sim.enqueue(MODEL, { toolCalls: [{ name: 'weather', arguments: { city: 'Oslo' } }] });
    const chunks = await collect(await gemini().models.generateContentStream({ model: MODEL, contents: 'Weather?' }));
    const calls = chunks.flatMap((chunk) => chunk.functionCalls ?? []);
    expect(calls).toEqual([{ name: 'weather', args: { city: 'Oslo' } }]);
    expect(chunks.at(-1)!.candidates?.[0]?.finishReason).toBe('STOP');
  });

  it('leaves a cut stream without any finishReason', async () => {
    sim.enqueue(MODEL, { text: 'a b c d e f', fault: { type: 'cut', afterChunks: 2 } });
    const chunks = await collect(await gemini().models.generateContentStream({ model: MODEL, contents: 'Count' }));
    expect(chunks).toHaveLength(2);
    expect(chunks.some((chunk) => chunk.candidates?.[0]?.finishReason)).toBe(false);
  });

  it('sends an error object inside the stream, which @google/genai raises as ApiError', async () => {
    sim.enqueue(MODEL, { text: 'a b c d', fault: { type: 'error-frame', afterChunks: 1, message: 'The model is overloaded.' } });
    const stream = await gemini().models.generateContentStream({ model: MODEL, contents: 'Count' });
    const error = await collect(stream).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'ApiError', status: 503 });
    expect(JSON.parse((error as Error).message.slice((error as Error).message.indexOf('{')))).toEqual({
      error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' },
    });
  });

  it('replays recorded chunks in the SSE envelope', async () => {
    sim.enqueue(MODEL, { raw: { chunks: recordedChunks('google/google-text.chunks.txt') } });
    const chunks = await collect(await gemini().models.generateContentStream({ model: MODEL, contents: 'r in strawberry' }));
    expect(chunks).toHaveLength(3);
    expect(chunks.map((chunk) => chunk.text ?? '').join('')).toBe('There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y');
  });

  it('answers errors with the Google error body, RetryInfo included for 429', async () => {
    sim.enqueue(MODEL, { fault: { type: 'http', status: 429, retryAfter: 7 } });
    const error = (await gemini()
      .models.generateContent({ model: MODEL, contents: 'x' })
      .catch((caught: unknown) => caught)) as { status: number; message: string };
    expect(error.status).toBe(429);
    const body = JSON.parse(error.message) as { error: { code: number; status: string; details: Array<Record<string, unknown>> } };
    expect(body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    expect(body.error.details).toContainEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' });

    const statuses: Array<[number, string]> = [
      [400, 'INVALID_ARGUMENT'],
      [401, 'UNAUTHENTICATED'],
      [403, 'PERMISSION_DENIED'],
      [404, 'NOT_FOUND'],
      [500, 'INTERNAL'],
      [503, 'UNAVAILABLE'],
      [504, 'DEADLINE_EXCEEDED'],
    ];
    for (const [status, name] of statuses) {
      sim.enqueue(MODEL, { fault: { type: 'http', status } });
      const failure = (await gemini()
        .models.generateContent({ model: MODEL, contents: 'x' })
        .catch((caught: unknown) => caught)) as { status: number; message: string };
      expect(failure.status).toBe(status);
      expect(JSON.parse(failure.message).error).toMatchObject({ code: status, status: name, details: expect.any(Array) });
    }
  });

  it('refuses calls without an API key as the real API does', async () => {
    const response = await fetch(`${sim.url}/v1beta/models/${MODEL}:generateContent`, { method: 'POST', body: '{"contents":[]}' });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { status: string } }).error.status).toBe('PERMISSION_DENIED');
    const withKey = await fetch(`${sim.url}/v1beta/models/${MODEL}:generateContent?key=AIza-query`, {
      method: 'POST',
      body: '{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}',
    });
    expect(withKey.status).toBe(200);
    expect(sim.calls).toHaveLength(1);
  });

  it('draws PNG images for a Gemini image model asked for the IMAGE modality', async () => {
    const onlyImage = await gemini().models.generateContent({
      model: 'gemini-2.5-flash-image',
      contents: 'A red fox',
      config: { responseModalities: ['IMAGE'] },
    });
    const parts = onlyImage.candidates?.[0]?.content?.parts ?? [];
    expect(parts).toHaveLength(1);
    expect(parts[0]!.inlineData?.mimeType).toBe('image/png');
    expect(decodePng(Buffer.from(parts[0]!.inlineData!.data!, 'base64'))).toEqual({ width: 8, height: 8 });

    const both = await gemini().models.generateContent({
      model: 'gemini-2.5-flash-image',
      contents: 'A red fox',
      config: { responseModalities: ['TEXT', 'IMAGE'] },
    });
    const kinds = (both.candidates?.[0]?.content?.parts ?? []).map((part) => (part.inlineData ? 'image' : 'text'));
    expect(kinds).toEqual(['text', 'image']);
  });
});

describe('Vertex AI through @google/genai (vertexai: true)', () => {
  it('uses the v1beta1 project path with the access token the simulator issued', async () => {
    const response = await vertex().models.generateContent({ model: MODEL, contents: 'Hello Vertex' });
    expect(response.text).toBe(`Simulated answer from ${MODEL}: Hello Vertex`);
    const call = sim.calls[0]!;
    expect(call).toMatchObject({
      protocol: 'vertex',
      path: `/v1beta1/projects/sim-project/locations/us-central1/publishers/google/models/${MODEL}:generateContent`,
    });
    const issued = issuedGoogleAccessTokens(sim);
    expect(call.headers.authorization).toBe(`Bearer ${issued.at(-1)}`);
  });

  it('streams on the Vertex path', async () => {
    sim.enqueue(MODEL, { text: 'streamed on vertex' });
    const chunks = await collect(await vertex().models.generateContentStream({ model: MODEL, contents: 'x' }));
    expect(chunks.map((chunk) => chunk.text ?? '').join('')).toBe('streamed on vertex');
    expect(sim.calls[0]!.path).toBe(
      `/v1beta1/projects/sim-project/locations/us-central1/publishers/google/models/${MODEL}:streamGenerateContent`,
    );
  });

  it('serves express mode (API key, no project) on /v1beta1/publishers/google/models', async () => {
    const express = new GoogleGenAI({ vertexai: true, apiKey: 'AIza-express-key', httpOptions: { baseUrl: sim.googleBaseURL } });
    const response = await express.models.generateContent({ model: MODEL, contents: 'Express' });
    expect(response.text).toContain('Express');
    expect(sim.calls[0]!.path).toBe(`/v1beta1/publishers/google/models/${MODEL}:generateContent`);
    expect(sim.calls[0]!.headers['x-goog-api-key']).toBe('AIza-express-key');
  });

  it('rejects a bearer token it did not issue, and refresh tokens it does not know', async () => {
    const response = await fetch(`${sim.url}/v1beta1/projects/p/locations/l/publishers/google/models/${MODEL}:generateContent`, {
      method: 'POST',
      headers: { authorization: 'Bearer ya29.not-issued-by-the-simulator' },
      body: '{"contents":[]}',
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { status: string } }).error.status).toBe('UNAUTHENTICATED');
    const token = await fetch(`${sim.url}/oauth2/v4/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'unknown', client_id: 'x', client_secret: 'y' }),
    });
    expect(token.status).toBe(400);
    expect(await token.json()).toEqual({ error: 'invalid_grant', error_description: 'Bad Request' });
  });

  it('answers Imagen :predict with valid PNG predictions', async () => {
    const response = await vertex().models.generateImages({
      model: 'imagen-4.0-generate-001',
      prompt: 'A lighthouse',
      config: { numberOfImages: 3 },
    });
    expect(sim.calls[0]!.path).toBe(
      '/v1beta1/projects/sim-project/locations/us-central1/publishers/google/models/imagen-4.0-generate-001:predict',
    );
    expect(sim.calls[0]!.body).toEqual({ instances: [{ prompt: 'A lighthouse' }], parameters: { sampleCount: 3 } });
    const images = response.generatedImages ?? [];
    expect(images).toHaveLength(3);
    for (const image of images) {
      expect(image.image?.mimeType).toBe('image/png');
      decodePng(Buffer.from(image.image!.imageBytes!, 'base64'));
    }
    expect(new Set(images.map((image) => image.image?.imageBytes)).size).toBe(3);
  });
});

describe('Vertex AI through @google-cloud/vertexai', () => {
  let unbridge: () => void;
  beforeAll(() => {
    unbridge = bridgeVertexHttps(sim);
  });
  afterAll(() => unbridge());

  function model(name = MODEL) {
    return new VertexAI({
      project: 'legacy-project',
      location: 'europe-west4',
      apiEndpoint: vertexApiEndpoint(sim),
      googleAuthOptions: simulatorGoogleAuth(sim),
    }).getGenerativeModel({ model: name });
  }

  it('uses the v1 project path with an issued token', async () => {
    sim.enqueue(MODEL, { text: 'legacy hello' });
    const result = await model().generateContent({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
    expect(result.response.candidates?.[0]?.content.parts[0]?.text).toBe('legacy hello');
    expect(sim.calls[0]!.path).toBe(`/v1/projects/legacy-project/locations/europe-west4/publishers/google/models/${MODEL}:generateContent`);
    expect(issuedGoogleAccessTokens(sim)).toContain(sim.calls[0]!.headers.authorization!.replace('Bearer ', ''));
  });

  it('streams SSE that the v1 SDK parses', async () => {
    sim.enqueue(MODEL, { text: 'legacy stream works' });
    const result = await model().generateContentStream({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
    let text = '';
    for await (const chunk of result.stream) text += chunk.candidates?.[0]?.content.parts[0]?.text ?? '';
    expect(text).toBe('legacy stream works');
    expect((await result.response).candidates?.[0]?.finishReason).toBe('STOP');
  });
});

describe('tinyPng', () => {
  it('is a valid PNG whose colour depends on the seed', () => {
    expect(decodePng(tinyPng('a'))).toEqual({ width: 8, height: 8 });
    expect(tinyPng('a').equals(tinyPng('a'))).toBe(true);
    expect(tinyPng('a').equals(tinyPng('b'))).toBe(false);
  });
});
