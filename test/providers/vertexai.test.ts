import { VertexAI } from '@google-cloud/vertexai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../src/core/request.js';
import { resultText, resultToolCalls } from '../../src/core/result.js';
import type { StreamPart } from '../../src/core/stream-part.js';
import { createVertexAIProvider } from '../../src/providers/vertexai/index.js';
import { issuedGoogleAccessTokens, simulatorGoogleAuth } from '../../src/testing/google-auth.js';
import { bridgeVertexHttps, vertexApiEndpoint } from '../../src/testing/vertex-https-bridge.js';
import { recordedBody, recordedChunks } from '../helpers/fixtures.js';
import { providerErrors } from '../helpers/provider-errors.js';
import { useSimulator } from '../helpers/simulator.js';

/** The deprecated @google-cloud/vertexai v1 SDK, pointed at the simulator (see vertex-https-bridge.ts). */

const sim = useSimulator();
const MODEL = 'gemini-2.5-flash';
const PATH = `/v1/projects/zen-project/locations/europe-west1/publishers/google/models/${MODEL}`;
const user = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });
const request = { messages: [user('Hello')] };
const weatherTool = { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

let unbridge: () => void;
beforeAll(() => {
  unbridge = bridgeVertexHttps(sim);
});
afterAll(() => unbridge());

function client(auth = simulatorGoogleAuth(sim)): VertexAI {
  return new VertexAI({ project: 'zen-project', location: 'europe-west1', apiEndpoint: vertexApiEndpoint(sim), googleAuthOptions: auth });
}

function provider(vertex = client()) {
  return createVertexAIProvider('vertex', vertex);
}

async function collect(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

const { generateError, streamError } = providerErrors(sim, MODEL, request, () => provider());

describe('vertexai provider: requests and results', () => {
  it('posts the google wire format on the v1 path with an issued access token', async () => {
    sim.enqueue(MODEL, { text: 'Bonjour.', reasoning: 'French.', usage: { input: 40, cachedInput: 10, output: 12, reasoning: 8 } });
    const result = await provider().generate({
      modelId: MODEL,
      request: {
        messages: [{ role: 'system', content: 'Answer in French.' }, user('Hello')],
        tools: [weatherTool],
        toolChoice: 'auto',
        temperature: 0.4,
        seed: 7,
        reasoningEffort: 'low',
        includeReasoning: true,
        responseFormat: { type: 'json-schema', name: 'reply', schema: { type: 'object' } },
      },
    });
    const call = sim.calls[0]!;
    expect(call).toMatchObject({ protocol: 'vertex', path: `${PATH}:generateContent` });
    expect(call.headers.authorization).toBe(`Bearer ${issuedGoogleAccessTokens(sim).at(-1)}`);
    expect(call.body).toMatchObject({
      contents: [{ role: 'user', parts: [{ text: 'Hello' }] }],
      systemInstruction: { parts: [{ text: 'Answer in French.' }] },
      tools: [{ functionDeclarations: [{ name: 'weather', parametersJsonSchema: weatherTool.parameters }] }],
      toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
      generationConfig: {
        temperature: 0.4,
        seed: 7,
        thinkingConfig: { thinkingBudget: 2048, includeThoughts: true },
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object' },
      },
    });
    expect(result.content).toEqual([
      { type: 'reasoning', text: 'French.' },
      { type: 'reasoning', text: '', signature: expect.any(String) },
      { type: 'text', text: 'Bonjour.' },
    ]);
    expect(result.usage).toEqual({
      input: { total: 40, noCache: 30, cacheRead: 10, cacheWrite: 0 },
      output: { total: 12, text: 4, reasoning: 8 },
    });
    expect(result.finishReason).toEqual({ unified: 'stop', raw: 'STOP' });
    expect(result.created).toBeGreaterThan(1_700_000_000);
  });

  it('merges providerOptions.vertexai, generationConfig included, and warns about topK the SDK drops', async () => {
    const safetySettings = [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_ONLY_HIGH' }];
    const result = await provider().generate({
      modelId: MODEL,
      request: {
        ...request,
        temperature: 0.2,
        topK: 64,
        providerOptions: {
          vertexai: { safetySettings, labels: { team: 'zen' }, generationConfig: { temperature: 0.9, candidateCount: 1 } },
          google: { temperature: 0 },
        },
      },
    });
    const body = sim.calls[0]!.body as Record<string, any>;
    expect(body.safetySettings).toEqual(safetySettings);
    expect(body.labels).toEqual({ team: 'zen' });
    expect(body.generationConfig).toEqual({ temperature: 0.9, candidateCount: 1 });
    expect(result.warnings).toEqual([expect.objectContaining({ setting: 'topK' })]);
  });

  it('round-trips function calls with their thought signature', async () => {
    sim.enqueue(MODEL, { reasoning: 'Need weather.', toolCalls: [{ name: 'weather', arguments: { city: 'Lyon' } }] });
    const result = await provider().generate({ modelId: MODEL, request: { ...request, tools: [weatherTool] } });
    const [call] = resultToolCalls(result);
    expect(call).toMatchObject({ name: 'weather', arguments: '{"city":"Lyon"}', providerData: { thoughtSignature: expect.any(String) } });
    expect(result.finishReason.unified).toBe('tool-calls');

    await provider().generate({
      modelId: MODEL,
      request: {
        messages: [
          user('Hello'),
          { role: 'assistant', content: result.content },
          { role: 'tool', toolCallId: call!.id, toolName: 'weather', content: '{"sky":"clear"}' },
        ],
        tools: [weatherTool],
      },
    });
    const body = sim.calls.at(-1)!.body as { contents: Array<{ role: string; parts: unknown[] }> };
    expect(body.contents[1]!.parts).toContainEqual({
      functionCall: { name: 'weather', args: { city: 'Lyon' } },
      thoughtSignature: call!.providerData!.thoughtSignature,
    });
    expect(body.contents[2]).toEqual({
      role: 'user',
      parts: [{ functionResponse: { name: 'weather', response: { result: { sky: 'clear' } } } }],
    });
  });

  it('keeps the finish message that the v1 SDK passes on', async () => {
    sim.enqueue(MODEL, { raw: { body: recordedBody('google/google-tool-call.json') } });
    const result = await provider().generate({ modelId: MODEL, request });
    expect(result.providerMetadata).toEqual({ finishMessage: 'Model generated function call(s).' });
    expect(resultToolCalls(result)[0]).toMatchObject({ name: 'weather', arguments: '{"location":"San Francisco"}' });
    expect(result.usage.output).toEqual({ total: 908, text: 15, reasoning: 893 });
  });

  it('replays the recorded text answer and streams', async () => {
    sim.enqueue(MODEL, { raw: { body: recordedBody('google/google-text.json') } });
    const text = await provider().generate({ modelId: MODEL, request });
    expect(resultText(text)).toBe("There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.");
    expect(text.usage.output).toEqual({ total: 272, text: 28, reasoning: 244 });

    sim.enqueue(MODEL, { raw: { chunks: recordedChunks('google/google-text.chunks.txt') } });
    const parts = await collect(await provider().stream({ modelId: MODEL, request }));
    expect(parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : [])).join('')).toBe(
      'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y',
    );
    expect(parts.at(-1)).toMatchObject({
      type: 'finish',
      finishReason: { unified: 'stop' },
      usage: { output: { total: 208, reasoning: 185 } },
    });

    sim.enqueue(MODEL, { raw: { chunks: recordedChunks('google/google-tool-call.chunks.txt') } });
    const calls = await collect(await provider().stream({ modelId: MODEL, request }));
    expect(calls.filter((part) => part.type === 'tool-call-delta')).toEqual([
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"location":"San Francisco"}' },
    ]);
    expect(calls.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'tool-calls', raw: 'STOP' } });
  });

  it('streams text, thoughts and function calls', async () => {
    sim.enqueue(MODEL, { reasoning: 'Thinking it over.', text: 'All good here.' });
    const parts = await collect(await provider().stream({ modelId: MODEL, request }));
    expect(sim.calls[0]!.path).toBe(`${PATH}:streamGenerateContent`);
    expect(parts[0]).toMatchObject({ type: 'stream-start', modelId: MODEL });
    expect(parts.flatMap((part) => (part.type === 'reasoning-delta' ? [part.delta] : [])).join('')).toBe('Thinking it over.');
    expect(parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : [])).join('')).toBe('All good here.');
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'stop', raw: 'STOP' } });

    sim.enqueue(MODEL, { toolCalls: [{ name: 'weather', arguments: { city: 'Nice' } }] });
    const calls = await collect(await provider().stream({ modelId: MODEL, request: { ...request, tools: [weatherTool] } }));
    expect(calls.filter((part) => part.type.startsWith('tool-call'))).toEqual([
      { type: 'tool-call-start', index: 0, id: expect.stringMatching(/^call_/), name: 'weather' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":"Nice"}' },
    ]);
    expect(calls.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'tool-calls' } });
  });
});

describe('vertexai provider: errors', () => {
  const cases: Array<[number, string, string]> = [
    [400, 'invalid_request', 'INVALID_ARGUMENT'],
    [401, 'auth', 'UNAUTHENTICATED'],
    [403, 'permission', 'PERMISSION_DENIED'],
    [404, 'not_found', 'NOT_FOUND'],
    [429, 'rate_limited', 'RESOURCE_EXHAUSTED'],
    [500, 'server', 'INTERNAL'],
    [503, 'overloaded', 'UNAVAILABLE'],
  ];

  it.each(cases)('maps HTTP %i to %s for generate and stream', async (status, kind, code) => {
    const error = await generateError({ fault: { type: 'http', status, message: `vertex says ${status}` } });
    expect(error).toMatchObject({ kind, status, code, provider: 'vertex', model: MODEL });
    expect(error.message).toContain(`vertex says ${status}`);
    const streamed = await streamError({ fault: { type: 'http', status } });
    expect(streamed.accepted).toBe(false);
    expect(streamed.error).toMatchObject({ kind, status, code });
  });

  it('reads RetryInfo of a 429 (recorded body and simulated)', async () => {
    expect(await generateError({ fault: { type: 'http', status: 429, retryAfter: 12 } })).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 12_000,
    });
    expect(await generateError({ raw: { status: 429, body: recordedBody('google/google-429-retry-info.json') } })).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 34_400,
    });
  });

  it('maps resets, broken bodies and broken streams', async () => {
    expect((await generateError({ fault: { type: 'reset' } })).kind).toBe('network');
    expect((await streamError({ fault: { type: 'reset' } })).error.kind).toBe('network');
    expect((await generateError({ fault: { type: 'malformed' } })).kind).toBe('server');
    const malformed = await streamError({ text: 'a b c', fault: { type: 'malformed' } });
    expect(malformed).toMatchObject({ accepted: true, error: { kind: 'stream_interrupted' } });
  });

  it('turns a cut stream into stream_interrupted', async () => {
    const { error, parts, accepted } = await streamError({ text: 'one two three four', fault: { type: 'cut', afterChunks: 2 } });
    expect(accepted).toBe(true);
    expect(parts.filter((part) => part.type === 'text-delta')).toHaveLength(2);
    expect(error.kind).toBe('stream_interrupted');
  });

  it('raises an error frame inside the stream', async () => {
    const { error, accepted } = await streamError({
      text: 'a b c',
      fault: { type: 'error-frame', afterChunks: 1, message: 'Overloaded.' },
    });
    expect(accepted).toBe(true);
    expect(error).toMatchObject({ kind: 'overloaded', status: 503, code: 'UNAVAILABLE' });
  });

  it('stops waiting when the signal aborts, although the v1 SDK takes no signal', async () => {
    // Aborted once the simulator holds the (stalled) request, at any load.
    const controller = new AbortController();
    const pending = generateError({ fault: { type: 'stall' } }, controller.signal);
    while (sim.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    controller.abort();
    expect((await pending).kind).toBe('aborted');

    const streamController = new AbortController();
    const stalled = await streamError({ text: 'a b c', fault: { type: 'stall', afterChunks: 1 } }, streamController.signal, () =>
      streamController.abort(),
    );
    expect(stalled.accepted).toBe(true);
    expect(stalled.error.kind).toBe('aborted');

    expect((await generateError({ text: 'never' }, AbortSignal.abort())).kind).toBe('aborted');
    expect(sim.calls).toHaveLength(2);
  });

  it('maps credentials the token endpoint refuses to auth', async () => {
    const auth = simulatorGoogleAuth(sim);
    auth.credentials.refresh_token = '1//revoked';
    const error = await provider(client(auth))
      .generate({ modelId: MODEL, request })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'auth', provider: 'vertex', retryable: false });
    expect(sim.calls).toHaveLength(0);
  });
});

describe('vertexai provider: images', () => {
  it('draws with a Gemini image model and refuses Imagen', async () => {
    const result = await provider().generateImages!({
      api: 'gemini-image',
      modelId: 'gemini-2.5-flash-image',
      request: { prompt: 'A boat', n: 2 },
    });
    expect(result.images).toHaveLength(2);
    expect(result.images[0]!.mediaType).toBe('image/png');
    expect(sim.calls[0]!.body).toMatchObject({ generationConfig: { responseModalities: ['IMAGE'] } });
    await expect(
      provider().generateImages!({ api: 'imagen', modelId: 'imagen-4.0-generate-001', request: { prompt: 'A boat', n: 1 } }),
    ).rejects.toMatchObject({ kind: 'configuration' });
  });
});
