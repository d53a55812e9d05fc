import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import type { GenerationRequest } from '../../src/core/request.js';
import { resultText, resultToolCalls } from '../../src/core/result.js';
import type { StreamPart } from '../../src/core/stream-part.js';
import { createAnthropicProvider } from '../../src/providers/anthropic/index.js';
import { useSimulator } from '../helpers/simulator.js';

const sim = useSimulator();
const MODEL = 'claude-haiku-4-5';
const REQUEST: GenerationRequest = { messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] };

function provider() {
  return createAnthropicProvider(
    'anthropic',
    new Anthropic({ apiKey: 'sk-ant-test-response-0000', baseURL: sim.anthropicBaseURL, maxRetries: 0 }),
  );
}

function generate(request: GenerationRequest = REQUEST) {
  return provider().generate({ modelId: MODEL, request });
}

async function streamParts(request: GenerationRequest = REQUEST): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of await provider().stream({ modelId: MODEL, request })) parts.push(part);
  return parts;
}

/** A recorded-style message body with the given content, stop reason and usage. */
function messageBody(
  content: unknown[],
  stopReason: string | null,
  usage: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    model: 'claude-haiku-4-5-20251001',
    id: 'msg_test',
    type: 'message',
    role: 'assistant',
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: { input_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 5, ...usage },
    ...extra,
  });
}

describe('anthropic response: generate', () => {
  it('returns text, ids, the unified finish reason and usage', async () => {
    sim.enqueue(MODEL, { text: 'Hello world', usage: { input: 20, output: 3 } });
    const result = await generate();
    expect(result).toMatchObject({
      id: expect.stringMatching(/^msg_/),
      modelId: MODEL,
      content: [{ type: 'text', text: 'Hello world' }],
      finishReason: { unified: 'stop', raw: 'end_turn' },
      usage: { input: { total: 20, noCache: 20, cacheRead: 0, cacheWrite: 0 }, output: { total: 3, text: 3, reasoning: 0 } },
      warnings: [],
    });
  });

  it('adds cache reads and writes to the input total', async () => {
    sim.enqueue(MODEL, { text: 'x', usage: { input: 100, cachedInput: 60, cacheWrite: 10, output: 4 } });
    expect((await generate()).usage).toEqual({
      input: { total: 100, noCache: 30, cacheRead: 60, cacheWrite: 10 },
      output: { total: 4, text: 4, reasoning: 0 },
    });
  });

  it('returns thinking as reasoning with its signature, and thinking tokens as reasoning usage', async () => {
    sim.enqueue(MODEL, { reasoning: 'Because.', text: 'Yes.', usage: { output: 30, reasoning: 20 } });
    const result = await generate();
    expect(result.content).toEqual([
      { type: 'reasoning', text: 'Because.', signature: expect.any(String) },
      { type: 'text', text: 'Yes.' },
    ]);
    expect((result.content[0] as { signature: string }).signature.length).toBeGreaterThan(0);
    expect(result.usage.output).toEqual({ total: 30, text: 10, reasoning: 20 });
  });

  it('returns redacted thinking as reasoning with its data', async () => {
    sim.enqueue(MODEL, {
      raw: {
        body: messageBody(
          [
            { type: 'redacted_thinking', data: 'EmwKAhgB' },
            { type: 'text', text: 'ok' },
          ],
          'end_turn',
        ),
      },
    });
    expect((await generate()).content).toEqual([
      { type: 'reasoning', text: '', redactedData: 'EmwKAhgB' },
      { type: 'text', text: 'ok' },
    ]);
  });

  it('returns tool calls with their input as JSON text', async () => {
    sim.enqueue(MODEL, {
      text: 'Looking.',
      toolCalls: [
        { id: 'toolu_1', name: 'weather', arguments: { city: 'Paris', days: 2 } },
        { id: 'toolu_2', name: 'clock', arguments: {} },
      ],
    });
    const result = await generate();
    expect(resultText(result)).toBe('Looking.');
    expect(resultToolCalls(result)).toEqual([
      { type: 'tool-call', id: 'toolu_1', name: 'weather', arguments: '{"city":"Paris","days":2}' },
      { type: 'tool-call', id: 'toolu_2', name: 'clock', arguments: '{}' },
    ]);
    expect(result.finishReason).toEqual({ unified: 'tool-calls', raw: 'tool_use' });
  });

  it('leaves out server-tool blocks that carry no content for the caller', async () => {
    sim.enqueue(MODEL, {
      raw: {
        body: messageBody(
          [
            { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'x' } },
            { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
            { type: 'text', text: 'Found it.' },
          ],
          'end_turn',
        ),
      },
    });
    expect((await generate()).content).toEqual([{ type: 'text', text: 'Found it.' }]);
  });

  const stopReasons = [
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool-calls'],
    ['refusal', 'content-filter'],
    ['pause_turn', 'other'],
    ['something_new', 'other'],
  ] as const;
  for (const [raw, unified] of stopReasons) {
    it(`maps stop_reason ${raw} to ${unified}`, async () => {
      sim.enqueue(MODEL, { raw: { body: messageBody([{ type: 'text', text: 'x' }], raw) } });
      expect((await generate()).finishReason).toEqual({ unified, raw });
    });
  }

  it('keeps the matched stop sequence and service tier as provider metadata', async () => {
    sim.enqueue(MODEL, {
      raw: { body: messageBody([{ type: 'text', text: 'x' }], 'stop_sequence', { service_tier: 'priority' }, { stop_sequence: 'END' }) },
    });
    expect((await generate()).providerMetadata).toEqual({ anthropic: { stopSequence: 'END', serviceTier: 'priority' } });
  });

  it('turns a 200 body that is not a message into a server error', async () => {
    sim.enqueue(MODEL, { raw: { body: '{"unexpected": true}' } });
    await expect(generate()).rejects.toMatchObject({ kind: 'server', retryable: true, provider: 'anthropic', model: MODEL });
  });
});

describe('anthropic response: stream', () => {
  it('starts with stream-start, streams text deltas, and ends with one finish carrying usage', async () => {
    sim.enqueue(MODEL, { text: 'Hello there, friend.', usage: { input: 25, cachedInput: 5, output: 6 } });
    const parts = await streamParts();
    expect(parts[0]).toEqual({ type: 'stream-start', id: expect.stringMatching(/^msg_/), modelId: MODEL, warnings: [] });
    const text = parts.filter((part) => part.type === 'text-delta').map((part) => (part as { delta: string }).delta);
    expect(text.length).toBeGreaterThan(1);
    expect(text.join('')).toBe('Hello there, friend.');
    expect(parts.filter((part) => part.type === 'finish')).toHaveLength(1);
    expect(parts[parts.length - 1]).toEqual({
      type: 'finish',
      finishReason: { unified: 'stop', raw: 'end_turn' },
      // input from message_start, output from message_delta
      usage: { input: { total: 25, noCache: 20, cacheRead: 5, cacheWrite: 0 }, output: { total: 6, text: 6, reasoning: 0 } },
    });
  });

  it('streams thinking as reasoning deltas, then the signature as an empty delta', async () => {
    sim.enqueue(MODEL, { reasoning: 'First, consider the question.', text: 'Done.', usage: { output: 12, reasoning: 8 } });
    const parts = await streamParts();
    const reasoning = parts.filter((part): part is Extract<StreamPart, { type: 'reasoning-delta' }> => part.type === 'reasoning-delta');
    expect(reasoning.map((part) => part.delta).join('')).toBe('First, consider the question.');
    const signed = reasoning.filter((part) => part.signature !== undefined);
    expect(signed).toEqual([{ type: 'reasoning-delta', delta: '', signature: expect.any(String) }]);
    expect(reasoning[reasoning.length - 1]).toBe(signed[0]);
    // Reasoning comes before the answer.
    expect(parts.findIndex((part) => part.type === 'text-delta')).toBeGreaterThan(parts.indexOf(signed[0]!));
    expect(parts[parts.length - 1]).toMatchObject({ type: 'finish', usage: { output: { total: 12, reasoning: 8, text: 4 } } });
  });

  it('numbers tool calls from 0 whatever the block index, and streams their arguments in pieces', async () => {
    sim.enqueue(MODEL, {
      text: 'Let me check both.',
      toolCalls: [
        { id: 'toolu_a', name: 'weather', arguments: { city: 'Paris', unit: 'celsius', days: 3 } },
        { id: 'toolu_b', name: 'clock', arguments: {} },
      ],
    });
    const parts = await streamParts();
    expect(parts.filter((part) => part.type === 'tool-call-start')).toEqual([
      { type: 'tool-call-start', index: 0, id: 'toolu_a', name: 'weather' },
      { type: 'tool-call-start', index: 1, id: 'toolu_b', name: 'clock' },
    ]);
    const deltas = parts.filter((part): part is Extract<StreamPart, { type: 'tool-call-delta' }> => part.type === 'tool-call-delta');
    const first = deltas.filter((part) => part.index === 0);
    expect(first.length).toBeGreaterThan(1);
    expect(JSON.parse(first.map((part) => part.argumentsDelta).join(''))).toEqual({ city: 'Paris', unit: 'celsius', days: 3 });
    // A tool without arguments streams only an empty partial_json; the adapter completes it to `{}`.
    expect(deltas.filter((part) => part.index === 1).map((part) => part.argumentsDelta)).toEqual(['{}']);
    expect(parts[parts.length - 1]).toMatchObject({ type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_use' } });
  });

  it('reports the finish reason from message_delta (max_tokens → length)', async () => {
    sim.enqueue(MODEL, { text: 'cut short', finishReason: 'length' });
    expect((await streamParts()).at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'length', raw: 'max_tokens' } });
  });

  it('keeps a matched stop sequence as finish metadata', async () => {
    const chunks = [
      '{"type":"message_start","message":{"model":"m","id":"msg_1","type":"message","role":"assistant","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":1}}}',
      '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
      '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"}}',
      '{"type":"content_block_stop","index":0}',
      '{"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"END"},"usage":{"output_tokens":2}}',
      '{"type":"message_stop"}',
    ];
    sim.enqueue(MODEL, { raw: { chunks } });
    expect((await streamParts()).at(-1)).toEqual({
      type: 'finish',
      finishReason: { unified: 'stop', raw: 'stop_sequence' },
      usage: { input: { total: 3, noCache: 3, cacheRead: 0, cacheWrite: 0 }, output: { total: 2, text: 2, reasoning: 0 } },
      providerMetadata: { anthropic: { stopSequence: 'END' } },
    });
  });

  it('resolves stream() once headers arrived, before the first token', async () => {
    sim.enqueue(MODEL, { text: 'slow', ttftMs: 60_000 });
    const controller = new AbortController();
    const stream = await provider().stream({ modelId: MODEL, request: REQUEST, signal: controller.signal });
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'stream-start' });
    const pending = iterator.next();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ kind: 'aborted' });
  });
});
