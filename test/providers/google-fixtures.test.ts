import { GoogleGenAI } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { ZenError } from '../../src/core/errors.js';
import type { Message } from '../../src/core/request.js';
import { resultText, resultToolCalls } from '../../src/core/result.js';
import type { StreamPart } from '../../src/core/stream-part.js';
import { createGoogleProvider } from '../../src/providers/google/index.js';
import { recordedBody, recordedChunks } from '../helpers/fixtures.js';
import { useSimulator } from '../helpers/simulator.js';

/** Real Gemini API responses (gemini-3-pro-preview), replayed byte for byte through @google/genai. */

const sim = useSimulator();
const MODEL = 'gemini-3-pro-preview';
const request = { messages: [{ role: 'user', content: [{ type: 'text', text: 'How many r in strawberry?' }] }] as Message[] };

function provider() {
  return createGoogleProvider('google', new GoogleGenAI({ apiKey: 'AIza-fixture-tests', httpOptions: { baseUrl: sim.googleBaseURL } }));
}

async function collect(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

describe('recorded Gemini responses', () => {
  it('google-text.json: text, its thought signature, usage with thoughts as reasoning', async () => {
    sim.enqueue(MODEL, { raw: { body: recordedBody('google/google-text.json') } });
    const result = await provider().generate({ modelId: MODEL, request });
    expect(resultText(result)).toBe("There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.");
    expect(result.content[0]).toEqual({ type: 'reasoning', text: '', signature: expect.stringMatching(/^EtoFCtcFAb4/) });
    expect(result).toMatchObject({
      id: 'Un6LacrVMcjUxs0PmJfWoQc',
      modelId: 'gemini-3-pro-preview',
      finishReason: { unified: 'stop', raw: 'STOP' },
    });
    expect(result.usage).toEqual({
      input: { total: 9, noCache: 9, cacheRead: 0, cacheWrite: 0 },
      output: { total: 272, text: 28, reasoning: 244 },
    });
  });

  it('google-tool-call.json: the call, its thought signature, tool-calls', async () => {
    sim.enqueue(MODEL, { raw: { body: recordedBody('google/google-tool-call.json') } });
    const result = await provider().generate({ modelId: MODEL, request });
    const calls = resultToolCalls(result);
    expect(calls).toEqual([
      {
        type: 'tool-call',
        id: expect.stringMatching(/^call_/),
        name: 'weather',
        arguments: '{"location":"San Francisco"}',
        providerData: { thoughtSignature: expect.stringMatching(/^EskgCsYgAb4/) },
      },
    ]);
    expect(result.finishReason).toEqual({ unified: 'tool-calls', raw: 'STOP' });
    expect(result.usage.output).toEqual({ total: 908, text: 15, reasoning: 893 });
    expect(result.usage.input.total).toBe(29);
  });

  it('google-text.chunks.txt: deltas, the trailing signature, usage of the last chunk', async () => {
    sim.enqueue(MODEL, { raw: { chunks: recordedChunks('google/google-text.chunks.txt') } });
    const parts = await collect(await provider().stream({ modelId: MODEL, request }));
    expect(parts[0]).toEqual({ type: 'stream-start', id: 'bH6LaZW8Fp_3nsEPqtaSwQ4', modelId: 'gemini-3-pro-preview', warnings: [] });
    const text = parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : [])).join('');
    expect(text).toBe('There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y');
    expect(parts.filter((part) => part.type === 'reasoning-delta')).toEqual([
      { type: 'reasoning-delta', delta: '', signature: expect.stringMatching(/^EqsFCqgFAb4/) },
    ]);
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      finishReason: { unified: 'stop', raw: 'STOP' },
      usage: { input: { total: 9, noCache: 9, cacheRead: 0, cacheWrite: 0 }, output: { total: 208, text: 23, reasoning: 185 } },
    });
  });

  it('google-tool-call.chunks.txt: one start and one delta, then tool-calls', async () => {
    sim.enqueue(MODEL, { raw: { chunks: recordedChunks('google/google-tool-call.chunks.txt') } });
    const parts = await collect(await provider().stream({ modelId: MODEL, request }));
    expect(parts.slice(1)).toEqual([
      {
        type: 'tool-call-start',
        index: 0,
        id: expect.stringMatching(/^call_/),
        name: 'weather',
        providerData: { thoughtSignature: expect.stringMatching(/^EqUCCqICAb4/) },
      },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"location":"San Francisco"}' },
      {
        type: 'finish',
        finishReason: { unified: 'tool-calls', raw: 'STOP' },
        usage: { input: { total: 29, noCache: 29, cacheRead: 0, cacheWrite: 0 }, output: { total: 60, text: 15, reasoning: 45 } },
      },
    ]);
  });

  it('google-429-retry-info.json: rate_limited with the RetryInfo delay', async () => {
    for (const call of ['generate', 'stream'] as const) {
      sim.enqueue(MODEL, { raw: { status: 429, body: recordedBody('google/google-429-retry-info.json') } });
      const error = await (call === 'generate'
        ? provider().generate({ modelId: MODEL, request })
        : provider().stream({ modelId: MODEL, request })
      ).catch((caught: unknown) => caught);
      expect(ZenError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ kind: 'rate_limited', status: 429, code: 'RESOURCE_EXHAUSTED', retryAfterMs: 34_400, retryable: true });
      expect((error as ZenError).message).toContain('You exceeded your current quota, please check your plan.');
    }
  });
});
