import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { ZenError } from '../../src/core/errors.js';
import type { GenerationRequest } from '../../src/core/request.js';
import { resultText } from '../../src/core/result.js';
import type { StreamPart } from '../../src/core/stream-part.js';
import { createOpenAIProvider } from '../../src/providers/openai/index.js';
import { recordedBody, recordedChunks } from '../helpers/fixtures.js';
import { useSimulator } from '../helpers/simulator.js';

/** Real OpenAI responses replayed byte for byte through the real SDK. */
const sim = useSimulator();
const provider = () =>
  createOpenAIProvider('openai', new OpenAI({ apiKey: 'sk-test-recorded', baseURL: sim.openaiBaseURL, maxRetries: 0, logLevel: 'off' }));
const request: GenerationRequest = {
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Invent a new holiday and describe its traditions.' }] }],
};
const MODEL = 'gpt-4.1-nano';

describe('recorded chat completion', () => {
  it('maps openai-text.json', async () => {
    const body = recordedBody('openai/openai-text.json');
    sim.enqueue(MODEL, { raw: { body } });
    const result = await provider().generate({ modelId: MODEL, request });
    const recorded = JSON.parse(body) as { choices: Array<{ message: { content: string } }> };
    expect(resultText(result)).toBe(recorded.choices[0]!.message.content);
    expect(result.content).toHaveLength(1);
    expect(result).toMatchObject({
      id: 'chatcmpl-D8Z5f52zQqikDBEKQMQoYcWMcWPeU',
      modelId: 'gpt-4.1-nano-2025-04-14',
      created: 1770933883,
      finishReason: { unified: 'stop', raw: 'stop' },
      providerMetadata: { system_fingerprint: 'fp_de604bd877', service_tier: 'default' },
    });
    expect(result.usage).toEqual({
      input: { total: 16, noCache: 16, cacheRead: 0, cacheWrite: 0 },
      output: { total: 363, text: 363, reasoning: 0 },
    });
    expect(result.usage.input.total + result.usage.output.total).toBe(379);
  });

  it('maps openai-text.chunks.txt', async () => {
    const chunks = recordedChunks('openai/openai-text.chunks.txt');
    sim.enqueue(MODEL, { raw: { chunks } });
    const parts: StreamPart[] = [];
    for await (const part of await provider().stream({ modelId: MODEL, request })) parts.push(part);

    const expectedText = chunks
      .map((line) => JSON.parse(line) as { choices: Array<{ delta: { content?: string } }> })
      .map((chunk) => chunk.choices[0]?.delta.content ?? '')
      .join('');
    const deltas = parts.filter((part) => part.type === 'text-delta');
    expect(deltas).toHaveLength(300);
    expect(deltas.map((part) => part.delta).join('')).toBe(expectedText);
    expect(parts[0]).toMatchObject({
      type: 'stream-start',
      id: 'chatcmpl-D8Z5oo6uDh67AD85p73ksdT1KxhE0',
      modelId: 'gpt-4.1-nano-2025-04-14',
      created: 1770933892,
    });
    expect(parts.filter((part) => part.type === 'finish')).toHaveLength(1);
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: { input: { total: 16, noCache: 16, cacheRead: 0, cacheWrite: 0 }, output: { total: 300, text: 300, reasoning: 0 } },
      providerMetadata: { system_fingerprint: 'fp_de604bd877', service_tier: 'default' },
    });
  });

  it('reports a stream interrupted when the recorded finish chunk never arrives', async () => {
    // Every chunk up to the last content delta: text but no finish_reason.
    const chunks = recordedChunks('openai/openai-text.chunks.txt').slice(0, -2);
    sim.enqueue(MODEL, { raw: { chunks } });
    const parts: StreamPart[] = [];
    const error = await (async () => {
      for await (const part of await provider().stream({ modelId: MODEL, request })) parts.push(part);
    })().catch((caught: unknown) => caught as ZenError);
    expect(error).toMatchObject({ kind: 'stream_interrupted', provider: 'openai', model: MODEL });
    expect(parts.filter((part) => part.type === 'text-delta')).toHaveLength(300);
  });

  it('maps the recorded legacy-parameter 400 to invalid_request with its message', async () => {
    const body = recordedBody('openai/reasoning-model-legacy-parameter-error.json');
    sim.enqueue('o3-mini', { raw: { status: 400, body } }, { raw: { status: 400, body } });
    const expected = {
      kind: 'invalid_request',
      status: 400,
      retryable: false,
      code: 'unsupported_parameter',
      provider: 'openai',
      model: 'o3-mini',
    };
    const error = await provider()
      .generate({ modelId: 'o3-mini', request })
      .catch((caught: unknown) => caught as ZenError);
    expect(error).toMatchObject(expected);
    expect((error as ZenError).message).toContain(
      "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
    );
    await expect(provider().stream({ modelId: 'o3-mini', request })).rejects.toMatchObject(expected);
  });
});

describe('recorded image generation', () => {
  it('maps openai-image.json', async () => {
    const body = recordedBody('openai/openai-image.json');
    sim.enqueue('dall-e-3', { raw: { body } });
    const result = await provider().generateImages!({
      modelId: 'dall-e-3',
      api: 'openai-images',
      request: { prompt: 'A baby sea otter', n: 2, responseFormat: 'b64_json' },
    });
    const recorded = JSON.parse(body) as { data: Array<{ b64_json: string; revised_prompt?: string }> };
    expect(result.created).toBe(1770935200);
    expect(result.images).toEqual([
      { base64: recorded.data[0]!.b64_json, mediaType: 'image/png', revisedPrompt: recorded.data[0]!.revised_prompt },
      { base64: recorded.data[1]!.b64_json, mediaType: 'image/png' },
    ]);
    expect(result.usage).toBeUndefined();
    expect(sim.calls[0]!.body).toEqual({ model: 'dall-e-3', prompt: 'A baby sea otter', n: 2, response_format: 'b64_json' });
  });
});
