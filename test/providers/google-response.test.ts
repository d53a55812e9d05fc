import { GoogleGenAI } from '@google/genai';
import { describe, expect, it } from 'vitest';
import type { AssistantMessage, Message, ToolCallPart } from '../../src/core/request.js';
import { resultText, resultToolCalls } from '../../src/core/result.js';
import type { StreamPart } from '../../src/core/stream-part.js';
import { createGoogleProvider } from '../../src/providers/google/index.js';
import { useSimulator } from '../helpers/simulator.js';

/** Gemini responses and streams → canonical results and stream parts, through the real @google/genai. */

const sim = useSimulator();
const MODEL = 'gemini-2.5-flash';

function provider() {
  return createGoogleProvider('google', new GoogleGenAI({ apiKey: 'AIza-response-tests', httpOptions: { baseUrl: sim.googleBaseURL } }));
}

const user = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });
const weatherTool = { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

async function collect(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

function rawBody(candidate: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    ...(candidate ? { candidates: [{ index: 0, ...candidate }] } : {}),
    usageMetadata: { promptTokenCount: 3, totalTokenCount: 3 },
    modelVersion: MODEL,
    responseId: 'resp-raw',
    ...extra,
  });
}

describe('google convert-response', () => {
  it('returns text, ids, stop and usage split by cache and reasoning', async () => {
    sim.enqueue(MODEL, {
      text: 'Paris.',
      reasoning: 'Capital of France.',
      usage: { input: 100, cachedInput: 60, output: 25, reasoning: 20 },
    });
    const result = await provider().generate({ modelId: MODEL, request: { messages: [user('Capital of France?')] } });
    expect(resultText(result)).toBe('Paris.');
    expect(result.id).toBeTruthy();
    expect(result.modelId).toBe(MODEL);
    expect(result.finishReason).toEqual({ unified: 'stop', raw: 'STOP' });
    expect(result.usage).toEqual({
      input: { total: 100, noCache: 40, cacheRead: 60, cacheWrite: 0 },
      output: { total: 25, text: 5, reasoning: 20 },
    });
    expect(result.warnings).toEqual([]);
  });

  it('returns thoughts as reasoning and keeps the signature for the next turn', async () => {
    sim.enqueue(MODEL, { reasoning: 'Think first.', text: 'Answer.' });
    const result = await provider().generate({ modelId: MODEL, request: { messages: [user('Q')], includeReasoning: true } });
    expect(result.content).toEqual([
      { type: 'reasoning', text: 'Think first.' },
      { type: 'reasoning', text: '', signature: expect.any(String) },
      { type: 'text', text: 'Answer.' },
    ]);
    const signature = (result.content[1] as { signature: string }).signature;

    // Sent back as history, the parts come out as Gemini produced them.
    await provider().generate({
      modelId: MODEL,
      request: { messages: [user('Q'), { role: 'assistant', content: result.content } as AssistantMessage, user('And?')] },
    });
    expect((sim.calls.at(-1)!.body as { contents: unknown[] }).contents[1]).toEqual({
      role: 'model',
      parts: [
        { text: 'Think first.', thought: true },
        { text: 'Answer.', thoughtSignature: signature },
      ],
    });
  });

  it('returns function calls with generated ids, JSON arguments and tool-calls', async () => {
    sim.enqueue(MODEL, {
      reasoning: 'Two lookups.',
      toolCalls: [
        { name: 'weather', arguments: { city: 'Paris' } },
        { name: 'weather', arguments: { city: 'Rome' } },
      ],
    });
    const result = await provider().generate({ modelId: MODEL, request: { messages: [user('Weather?')], tools: [weatherTool] } });
    const calls = resultToolCalls(result);
    expect(calls.map(({ name, arguments: args }) => [name, JSON.parse(args)])).toEqual([
      ['weather', { city: 'Paris' }],
      ['weather', { city: 'Rome' }],
    ]);
    expect(calls[0]!.id).toMatch(/^call_[0-9a-f]{24}$/);
    expect(new Set(calls.map((call) => call.id)).size).toBe(2);
    // The first call carries the thought signature Gemini requires back.
    expect(calls[0]!.providerData).toEqual({ thoughtSignature: expect.any(String) });
    expect(calls[1]!.providerData).toBeUndefined();
    expect(result.finishReason).toEqual({ unified: 'tool-calls', raw: 'STOP' });

    await provider().generate({
      modelId: MODEL,
      request: {
        messages: [
          user('Weather?'),
          { role: 'assistant', content: result.content },
          ...calls.map((call: ToolCallPart): Message => ({ role: 'tool', toolCallId: call.id, toolName: call.name, content: '"sunny"' })),
        ],
        tools: [weatherTool],
      },
    });
    const body = sim.calls.at(-1)!.body as { contents: Array<{ parts: Array<Record<string, unknown>> }> };
    expect(body.contents[1]!.parts[1]).toEqual({
      functionCall: { name: 'weather', args: { city: 'Paris' } },
      thoughtSignature: calls[0]!.providerData!.thoughtSignature,
    });
    expect(body.contents[2]!.parts).toHaveLength(2);
  });

  it('keeps a call id Gemini sent', async () => {
    sim.enqueue(MODEL, {
      raw: {
        body: rawBody({
          content: { role: 'model', parts: [{ functionCall: { id: 'gemini-id-1', name: 'weather', args: {} } }] },
          finishReason: 'STOP',
        }),
      },
    });
    const result = await provider().generate({ modelId: MODEL, request: { messages: [user('x')] } });
    expect(resultToolCalls(result)[0]!.id).toBe('gemini-id-1');
  });

  it('maps every finish reason', async () => {
    const cases: Array<[string, string, boolean]> = [
      ['STOP', 'stop', true],
      ['MAX_TOKENS', 'length', true],
      ['SAFETY', 'content-filter', false],
      ['RECITATION', 'content-filter', false],
      ['BLOCKLIST', 'content-filter', false],
      ['PROHIBITED_CONTENT', 'content-filter', false],
      ['SPII', 'content-filter', false],
      ['MALFORMED_FUNCTION_CALL', 'error', false],
      ['LANGUAGE', 'other', true],
      ['OTHER', 'other', true],
      ['FINISH_REASON_UNSPECIFIED', 'other', true],
    ];
    for (const [raw, unified, withText] of cases) {
      const content = withText ? { content: { role: 'model', parts: [{ text: 'partial' }] } } : {};
      sim.enqueue(MODEL, { raw: { body: rawBody({ ...content, finishReason: raw }) } });
      const result = await provider().generate({ modelId: MODEL, request: { messages: [user('x')] } });
      expect(result.finishReason).toEqual({ unified, raw });
    }
    sim.enqueue(MODEL, { text: 'cut', finishReason: 'length' }, { finishReason: 'content_filter', text: '' });
    expect((await provider().generate({ modelId: MODEL, request: { messages: [user('x')] } })).finishReason.unified).toBe('length');
    expect((await provider().generate({ modelId: MODEL, request: { messages: [user('x')] } })).finishReason).toEqual({
      unified: 'content-filter',
      raw: 'SAFETY',
    });
  });

  it('reports a blocked prompt as content-filter with no content', async () => {
    sim.enqueue(MODEL, { raw: { body: rawBody(undefined, { promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } }) } });
    const result = await provider().generate({ modelId: MODEL, request: { messages: [user('bad')] } });
    expect(result.content).toEqual([]);
    expect(result.finishReason).toEqual({ unified: 'content-filter', raw: 'PROHIBITED_CONTENT' });
    expect(result.providerMetadata).toEqual({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } });
  });

  it('keeps grounding metadata', async () => {
    const groundingMetadata = {
      webSearchQueries: ['weather paris'],
      groundingChunks: [{ web: { uri: 'https://example.com', title: 'Example' } }],
    };
    sim.enqueue(MODEL, {
      raw: {
        body: rawBody({
          content: { role: 'model', parts: [{ text: 'Sunny.' }] },
          finishReason: 'STOP',
          finishMessage: 'done',
          groundingMetadata,
        }),
      },
    });
    const result = await provider().generate({ modelId: MODEL, request: { messages: [user('x')] } });
    // @google/genai does not pass finishMessage on from the Gemini API; the v1 Vertex SDK does.
    expect(result.providerMetadata).toEqual({ groundingMetadata });
  });
});

describe('google convert-stream', () => {
  it('streams stream-start, text deltas, then finish with the last usage', async () => {
    sim.enqueue(MODEL, { text: 'The quick brown fox', usage: { input: 9, output: 5, cachedInput: 2 } });
    const parts = await collect(await provider().stream({ modelId: MODEL, request: { messages: [user('x')], parallelToolCalls: false } }));
    expect(parts[0]).toEqual({
      type: 'stream-start',
      id: expect.any(String),
      modelId: MODEL,
      warnings: [expect.objectContaining({ setting: 'parallelToolCalls' })],
    });
    expect(
      parts
        .filter((part) => part.type === 'text-delta')
        .map((part) => part.delta)
        .join(''),
    ).toBe('The quick brown fox');
    expect(parts.filter((part) => part.type === 'text-delta').length).toBeGreaterThan(2);
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      finishReason: { unified: 'stop', raw: 'STOP' },
      usage: { input: { total: 9, noCache: 7, cacheRead: 2, cacheWrite: 0 }, output: { total: 5, text: 5, reasoning: 0 } },
    });
    expect(parts.filter((part) => part.type === 'finish')).toHaveLength(1);
  });

  it('streams thoughts as reasoning deltas', async () => {
    sim.enqueue(MODEL, { reasoning: 'Hmm, let me see.', text: 'Yes.', usage: { output: 12, reasoning: 8 } });
    const parts = await collect(await provider().stream({ modelId: MODEL, request: { messages: [user('x')], includeReasoning: true } }));
    const reasoning = parts.filter((part) => part.type === 'reasoning-delta');
    expect(reasoning.map((part) => part.delta).join('')).toBe('Hmm, let me see.');
    expect(reasoning.some((part) => part.signature)).toBe(true);
    expect(parts.findIndex((part) => part.type === 'reasoning-delta')).toBeLessThan(parts.findIndex((part) => part.type === 'text-delta'));
    expect(parts.at(-1)).toMatchObject({ type: 'finish', usage: { output: { total: 12, text: 4, reasoning: 8 } } });
  });

  it('streams each function call as one start and one delta with the whole arguments', async () => {
    sim.enqueue(MODEL, {
      toolCalls: [
        { name: 'weather', arguments: { city: 'Oslo' } },
        { name: 'weather', arguments: { city: 'Bergen' } },
      ],
    });
    const parts = await collect(await provider().stream({ modelId: MODEL, request: { messages: [user('x')], tools: [weatherTool] } }));
    const calls = parts.filter((part) => part.type === 'tool-call-start' || part.type === 'tool-call-delta');
    expect(calls).toEqual([
      { type: 'tool-call-start', index: 0, id: expect.stringMatching(/^call_/), name: 'weather' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":"Oslo"}' },
      { type: 'tool-call-start', index: 1, id: expect.stringMatching(/^call_/), name: 'weather' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{"city":"Bergen"}' },
    ]);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'tool-calls', raw: 'STOP' } });
  });

  it('ends with finish length when the model hits maxOutputTokens', async () => {
    const parts = await collect(
      await provider().stream({ modelId: MODEL, request: { messages: [user('Tell me everything about everything')], maxOutputTokens: 3 } }),
    );
    expect(parts.at(-1)).toMatchObject({
      type: 'finish',
      finishReason: { unified: 'length', raw: 'MAX_TOKENS' },
      usage: { output: { total: 3 } },
    });
  });
});
