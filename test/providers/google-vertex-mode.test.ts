import { GoogleGenAI } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { ZenError } from '../../src/core/errors.js';
import type { Message } from '../../src/core/request.js';
import { resultText, resultToolCalls } from '../../src/core/result.js';
import type { StreamPart } from '../../src/core/stream-part.js';
import { createGoogleProvider } from '../../src/providers/google/index.js';
import { issuedGoogleAccessTokens, simulatorGoogleAuth } from '../../src/testing/google-auth.js';
import type { SimReply } from '../../src/testing/types.js';
import { recordedBody, recordedChunks } from '../helpers/fixtures.js';
import { useSimulator } from '../helpers/simulator.js';

/** The google provider over @google/genai in Vertex AI mode: OAuth through the simulator, v1beta1 paths. */

const sim = useSimulator();
const MODEL = 'gemini-2.5-pro';
const PATH = `/v1beta1/projects/zen-vertex/locations/us-east5/publishers/google/models/${MODEL}`;
const request = { messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }] as Message[] };
const weatherTool = { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } };

function provider() {
  const client = new GoogleGenAI({
    vertexai: true,
    project: 'zen-vertex',
    location: 'us-east5',
    googleAuthOptions: simulatorGoogleAuth(sim),
    httpOptions: { baseUrl: sim.googleBaseURL },
  });
  return createGoogleProvider('vertex-genai', client);
}

async function collect(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

async function failure(call: 'generate' | 'stream', reply: SimReply, signal?: AbortSignal): Promise<ZenError> {
  sim.enqueue(MODEL, reply);
  const error = await (async () => {
    if (call === 'generate') await provider().generate({ modelId: MODEL, request, signal });
    else for await (const _part of await provider().stream({ modelId: MODEL, request, signal })) void _part;
  })().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(ZenError.isInstance(error)).toBe(true);
  return error as ZenError;
}

describe('google provider in Vertex AI mode', () => {
  it('generates on the project path with the token the simulator issued', async () => {
    sim.enqueue(MODEL, { text: 'Hi from Vertex.', usage: { input: 8, output: 4 } });
    const result = await provider().generate({ modelId: MODEL, request: { ...request, temperature: 0.5 } });
    expect(resultText(result)).toBe('Hi from Vertex.');
    expect(result.usage.output.total).toBe(4);
    expect(result.created).toBeGreaterThan(1_700_000_000);
    expect(sim.calls[0]).toMatchObject({
      protocol: 'vertex',
      path: `${PATH}:generateContent`,
      body: { generationConfig: { temperature: 0.5 } },
    });
    expect(sim.calls[0]!.headers.authorization).toBe(`Bearer ${issuedGoogleAccessTokens(sim).at(-1)}`);
    expect(sim.calls[0]!.headers['x-goog-api-key']).toBeUndefined();
  });

  it('returns and streams function calls', async () => {
    sim.enqueue(
      MODEL,
      { toolCalls: [{ name: 'weather', arguments: { city: 'Turin' } }] },
      { toolCalls: [{ name: 'weather', arguments: { city: 'Milan' } }] },
    );
    const result = await provider().generate({
      modelId: MODEL,
      request: { ...request, tools: [weatherTool], toolChoice: { type: 'tool', name: 'weather' } },
    });
    expect(resultToolCalls(result)).toMatchObject([{ name: 'weather', arguments: '{"city":"Turin"}' }]);
    expect(sim.calls[0]!.body).toMatchObject({ toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['weather'] } } });

    const parts = await collect(await provider().stream({ modelId: MODEL, request: { ...request, tools: [weatherTool] } }));
    expect(sim.calls[1]!.path).toBe(`${PATH}:streamGenerateContent`);
    expect(parts.filter((part) => part.type === 'tool-call-delta')).toEqual([
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":"Milan"}' },
    ]);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'tool-calls' } });
  });

  it('streams text and thoughts', async () => {
    sim.enqueue(MODEL, { reasoning: 'Plan.', text: 'Streaming from Vertex.' });
    const parts = await collect(await provider().stream({ modelId: MODEL, request }));
    expect(parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : [])).join('')).toBe('Streaming from Vertex.');
    expect(parts.flatMap((part) => (part.type === 'reasoning-delta' ? [part.delta] : [])).join('')).toBe('Plan.');
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'stop' } });
  });

  it('replays the recorded responses', async () => {
    sim.enqueue(
      MODEL,
      { raw: { body: recordedBody('google/google-tool-call.json') } },
      { raw: { chunks: recordedChunks('google/google-text.chunks.txt') } },
    );
    const result = await provider().generate({ modelId: MODEL, request });
    expect(resultToolCalls(result)[0]).toMatchObject({ name: 'weather', arguments: '{"location":"San Francisco"}' });
    expect(result.usage.output.reasoning).toBe(893);
    const parts = await collect(await provider().stream({ modelId: MODEL, request }));
    expect(parts.at(-1)).toMatchObject({ type: 'finish', usage: { output: { total: 208, reasoning: 185 } } });
  });

  it.each(['generate', 'stream'] as const)('maps faults to kinds (%s)', async (call) => {
    const expected: Array<[SimReply, string]> = [
      [{ fault: { type: 'http', status: 400 } }, 'invalid_request'],
      [{ fault: { type: 'http', status: 401 } }, 'auth'],
      [{ fault: { type: 'http', status: 403 } }, 'permission'],
      [{ fault: { type: 'http', status: 404 } }, 'not_found'],
      [{ fault: { type: 'http', status: 429, retryAfter: 2 } }, 'rate_limited'],
      [{ fault: { type: 'http', status: 500 } }, 'server'],
      [{ fault: { type: 'http', status: 503 } }, 'overloaded'],
      [{ fault: { type: 'reset' } }, 'network'],
      [{ text: 'a b c', fault: { type: 'malformed' } }, call === 'stream' ? 'stream_interrupted' : 'server'],
    ];
    if (call === 'stream') {
      expected.push([{ text: 'a b c d', fault: { type: 'cut', afterChunks: 2 } }, 'stream_interrupted']);
      expected.push([{ text: 'a b c d', fault: { type: 'error-frame', afterChunks: 1 } }, 'overloaded']);
    }
    for (const [reply, kind] of expected) {
      const error = await failure(call, reply);
      expect({ fault: reply.fault, kind: error.kind }).toEqual({ fault: reply.fault, kind });
      expect(error).toMatchObject({ provider: 'vertex-genai', model: MODEL });
      if (reply.fault?.type === 'http' && reply.fault.retryAfter) expect(error.retryAfterMs).toBe(2000);
    }
  });

  it('aborts stalled calls', async () => {
    for (const call of ['generate', 'stream'] as const) {
      const controller = new AbortController();
      const calls = sim.calls.length;
      const pending = failure(call, { text: 'a b', fault: { type: 'stall' } }, controller.signal);
      // Aborted once the simulator holds the request, at any load.
      while (sim.calls.length === calls) await new Promise((resolve) => setTimeout(resolve, 1));
      controller.abort();
      expect((await pending).kind).toBe('aborted');
    }
  });

  it('serves express mode (API key instead of project) on the same provider', async () => {
    const express = createGoogleProvider(
      'vertex-express',
      new GoogleGenAI({ vertexai: true, apiKey: 'AIza-express-mode', httpOptions: { baseUrl: sim.googleBaseURL } }),
    );
    sim.enqueue(MODEL, { text: 'express ok' });
    expect(resultText(await express.generate({ modelId: MODEL, request }))).toBe('express ok');
    expect(sim.calls[0]!.path).toBe(`/v1beta1/publishers/google/models/${MODEL}:generateContent`);
  });
});
