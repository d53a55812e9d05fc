import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { GenerationRequest } from '../../src/core/request.js';
import { resultText, resultToolCalls } from '../../src/core/result.js';
import type { StreamPart } from '../../src/core/stream-part.js';
import { createOpenAIProvider } from '../../src/providers/openai/index.js';
import { useSimulator } from '../helpers/simulator.js';

const sim = useSimulator();

function provider(options: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}) {
  return createOpenAIProvider(
    'openai',
    new OpenAI({ apiKey: 'sk-test-0123456789', baseURL: sim.openaiBaseURL, maxRetries: 0, logLevel: 'off', ...options }),
  );
}

function ask(text: string, extra: Partial<GenerationRequest> = {}): GenerationRequest {
  return { messages: [{ role: 'user', content: [{ type: 'text', text }] }], ...extra };
}

async function collect(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

const lastBody = () => sim.calls.at(-1)!.body as Record<string, unknown>;

describe('request mapping', () => {
  it('sends every canonical setting under its OpenAI name', async () => {
    const request: GenerationRequest = {
      messages: [
        { role: 'system', content: 'You are terse.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Describe these.' },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.png' }, detail: 'low' },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/full.png' }, detail: 'original' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'hidden thoughts' },
            { type: 'text', text: 'Let me look.' },
            { type: 'tool-call', id: 'call_1', name: 'lookup', arguments: '{"q":"cat"}' },
          ],
        },
        { role: 'tool', toolCallId: 'call_1', toolName: 'lookup', content: '{"found":true}' },
        { role: 'assistant', content: [{ type: 'tool-call', id: 'call_2', name: 'lookup', arguments: '{}' }] },
        { role: 'tool', toolCallId: 'call_2', toolName: 'lookup', content: 'none', isError: true },
      ],
      tools: [
        {
          name: 'lookup',
          description: 'Looks things up',
          parameters: { type: 'object', properties: { q: { type: 'string' } } },
          strict: true,
        },
        { name: 'plain', parameters: { type: 'object' } },
      ],
      toolChoice: { type: 'tool', name: 'lookup' },
      parallelToolCalls: false,
      responseFormat: { type: 'json-schema', name: 'answer', schema: { type: 'object' }, description: 'The answer', strict: true },
      temperature: 0.3,
      topP: 0.9,
      maxOutputTokens: 300,
      stopSequences: ['END'],
      seed: 42,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      reasoningEffort: 'low',
      user: 'user-7',
      providerOptions: { openai: { service_tier: 'flex', temperature: 0.5 } },
    };
    const result = await provider().generate({ modelId: 'gpt-sim', request });
    expect(result.warnings).toEqual([]);
    expect(lastBody()).toEqual({
      model: 'gpt-sim',
      messages: [
        { role: 'system', content: 'You are terse.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Describe these.' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            // openai 7's full-resolution hint, sent as given under openai 6 too.
            { type: 'image_url', image_url: { url: 'https://example.com/full.png', detail: 'original' } },
          ],
        },
        {
          role: 'assistant',
          content: 'Let me look.',
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"found":true}' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_2', type: 'function', function: { name: 'lookup', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'call_2', content: 'none' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'lookup',
            description: 'Looks things up',
            parameters: { type: 'object', properties: { q: { type: 'string' } } },
            strict: true,
          },
        },
        { type: 'function', function: { name: 'plain', parameters: { type: 'object' } } },
      ],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      parallel_tool_calls: false,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', schema: { type: 'object' }, description: 'The answer', strict: true },
      },
      // providerOptions come last and win.
      temperature: 0.5,
      service_tier: 'flex',
      top_p: 0.9,
      max_tokens: 300,
      stop: ['END'],
      seed: 42,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      reasoning_effort: 'low',
      user: 'user-7',
    });
  });

  it('sends a lone text part as a string, json mode as json_object and string tool choices as they are', async () => {
    await provider().generate({
      modelId: 'gpt-sim',
      request: ask('hi', { responseFormat: { type: 'json' }, toolChoice: 'required', tools: [{ name: 't', parameters: {} }] }),
    });
    expect(lastBody()).toMatchObject({
      messages: [{ role: 'user', content: 'hi' }],
      response_format: { type: 'json_object' },
      tool_choice: 'required',
    });
    await provider().generate({ modelId: 'gpt-sim', request: ask('hi', { responseFormat: { type: 'text' }, parallelToolCalls: true }) });
    // No tools: parallel_tool_calls would be rejected, and a text format is the default.
    expect(lastBody()).toEqual({ model: 'gpt-sim', messages: [{ role: 'user', content: 'hi' }] });
  });

  it('warns about topK and maps a bare thinking budget to an effort bucket', async () => {
    const result = await provider().generate({ modelId: 'gpt-sim', request: ask('hi', { topK: 40, reasoningBudgetTokens: 5000 }) });
    expect(lastBody()).toMatchObject({ reasoning_effort: 'medium' });
    expect(lastBody()).not.toHaveProperty('top_k');
    expect(result.warnings).toEqual([
      expect.objectContaining({ type: 'other', setting: 'reasoningBudgetTokens' }),
      expect.objectContaining({ type: 'unsupported-setting', setting: 'topK' }),
    ]);
    for (const [budget, effort] of [
      [1000, 'low'],
      [50_000, 'high'],
    ] as const) {
      await provider().generate({ modelId: 'gpt-sim', request: ask('hi', { reasoningBudgetTokens: budget }) });
      expect(lastBody().reasoning_effort).toBe(effort);
    }
  });

  it("prefers an explicit effort over a budget, and leaves effort 'none' out", async () => {
    const result = await provider().generate({
      modelId: 'gpt-sim',
      request: ask('hi', { reasoningEffort: 'high', reasoningBudgetTokens: 100 }),
    });
    expect(lastBody().reasoning_effort).toBe('high');
    expect(result.warnings).toEqual([expect.objectContaining({ type: 'unsupported-setting', setting: 'reasoningBudgetTokens' })]);
    await provider().generate({ modelId: 'gpt-sim', request: ask('hi', { reasoningEffort: 'none' }) });
    expect(lastBody()).not.toHaveProperty('reasoning_effort');
  });

  it('uses max_completion_tokens for api.openai.com and max_tokens for compatible vendors', async () => {
    // The SDK's own fetch option sends api.openai.com traffic to the simulator.
    const viaOpenAIHost = provider({
      baseURL: 'https://api.openai.com/v1',
      fetch: (url, init) => fetch(String(url).replace('https://api.openai.com', sim.url), init),
    });
    await viaOpenAIHost.generate({ modelId: 'gpt-sim', request: ask('hi', { maxOutputTokens: 64 }) });
    expect(lastBody()).toMatchObject({ max_completion_tokens: 64 });
    expect(lastBody()).not.toHaveProperty('max_tokens');
    await provider().generate({ modelId: 'gpt-sim', request: ask('hi', { maxOutputTokens: 64 }) });
    expect(lastBody()).toMatchObject({ max_tokens: 64 });
    expect(lastBody()).not.toHaveProperty('max_completion_tokens');
  });

  it('always asks for the usage chunk when streaming', async () => {
    await collect(await provider().stream({ modelId: 'gpt-sim', request: ask('hi', { providerOptions: { openai: { store: false } } }) }));
    expect(lastBody()).toMatchObject({ stream: true, stream_options: { include_usage: true }, store: false });
  });

  it('turns SDK retries off even on a client built with them', async () => {
    sim.enqueue('gpt-sim', { fault: { type: 'http', status: 500 } }, { text: 'second' });
    const retrying = provider({ maxRetries: 3 });
    await expect(retrying.generate({ modelId: 'gpt-sim', request: ask('hi') })).rejects.toMatchObject({ kind: 'server' });
    expect(sim.calls).toHaveLength(1);
  });
});

describe('response mapping', () => {
  it('maps text, usage with cached and reasoning tokens, ids and metadata', async () => {
    sim.enqueue('gpt-sim', { text: 'Hello!', usage: { input: 100, cachedInput: 60, output: 30, reasoning: 20 } });
    const result = await provider().generate({ modelId: 'gpt-sim', request: ask('hi') });
    expect(result.content).toEqual([{ type: 'text', text: 'Hello!' }]);
    expect(result.id).toMatch(/^chatcmpl-/);
    expect(result.modelId).toBe('gpt-sim');
    expect(result.created).toBeGreaterThan(1_700_000_000);
    expect(result.finishReason).toEqual({ unified: 'stop', raw: 'stop' });
    expect(result.usage).toEqual({
      input: { total: 100, noCache: 40, cacheRead: 60, cacheWrite: 0 },
      output: { total: 30, text: 10, reasoning: 20 },
    });
    expect(result.providerMetadata).toEqual({ system_fingerprint: expect.stringMatching(/^fp_/), service_tier: 'default' });
  });

  it('maps tool calls and the tool_calls finish reason', async () => {
    sim.enqueue('gpt-sim', {
      toolCalls: [
        { id: 'call_x', name: 'lookup', arguments: { q: 'cats' } },
        { id: 'call_y', name: 'clock', arguments: {} },
      ],
    });
    const result = await provider().generate({ modelId: 'gpt-sim', request: ask('hi') });
    expect(resultToolCalls(result)).toEqual([
      { type: 'tool-call', id: 'call_x', name: 'lookup', arguments: '{"q":"cats"}' },
      { type: 'tool-call', id: 'call_y', name: 'clock', arguments: '{}' },
    ]);
    expect(resultText(result)).toBe('');
    expect(result.finishReason).toEqual({ unified: 'tool-calls', raw: 'tool_calls' });
  });

  it.each([
    ['length', 'length'],
    ['content_filter', 'content-filter'],
  ] as const)('maps finish reason %s', async (raw, unified) => {
    sim.enqueue('gpt-sim', { text: 'cut', finishReason: raw });
    expect((await provider().generate({ modelId: 'gpt-sim', request: ask('hi') })).finishReason).toEqual({ unified, raw });
  });

  it('maps a hit output limit to length', async () => {
    sim.enqueue('gpt-sim', { text: 'a long answer that goes on and on well past the limit' });
    const result = await provider().generate({ modelId: 'gpt-sim', request: ask('hi', { maxOutputTokens: 2 }) });
    expect(result.finishReason.unified).toBe('length');
    expect(result.usage.output.total).toBe(2);
  });

  it('returns reasoning_content of compatible vendors as a reasoning part first', async () => {
    sim.enqueue('deepseek-reasoner', { reasoning: 'Two plus two...', text: '4' });
    const result = await provider().generate({ modelId: 'deepseek-reasoner', request: ask('2+2?') });
    expect(result.content).toEqual([
      { type: 'reasoning', text: 'Two plus two...' },
      { type: 'text', text: '4' },
    ]);
  });
});

describe('streaming', () => {
  it('streams text deltas between stream-start and one finish with the usage chunk', async () => {
    sim.enqueue('gpt-sim', { text: 'Streams are fun to watch', usage: { input: 9, output: 6, cachedInput: 2 } });
    const parts = await collect(await provider().stream({ modelId: 'gpt-sim', request: ask('hi', { topK: 3 }) }));
    expect(parts[0]).toMatchObject({
      type: 'stream-start',
      id: expect.stringMatching(/^chatcmpl-/),
      modelId: 'gpt-sim',
      created: expect.any(Number),
    });
    expect((parts[0] as Extract<StreamPart, { type: 'stream-start' }>).warnings).toEqual([expect.objectContaining({ setting: 'topK' })]);
    const deltas = parts.filter((part) => part.type === 'text-delta').map((part) => part.delta);
    expect(deltas).toEqual(['Streams', ' are', ' fun', ' to', ' watch']);
    expect(parts.filter((part) => part.type === 'finish')).toHaveLength(1);
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: { input: { total: 9, noCache: 7, cacheRead: 2, cacheWrite: 0 }, output: { total: 6, text: 6, reasoning: 0 } },
      providerMetadata: { system_fingerprint: expect.any(String), service_tier: 'default' },
    });
  });

  it('streams tool calls as start and argument deltas indexed from 0', async () => {
    const args = { city: 'Paris', when: 'tomorrow morning' };
    sim.enqueue('gpt-sim', {
      toolCalls: [
        { id: 'call_a', name: 'forecast', arguments: args },
        { id: 'call_b', name: 'clock', arguments: { tz: 'CET' } },
      ],
    });
    const parts = await collect(await provider().stream({ modelId: 'gpt-sim', request: ask('hi') }));
    const starts = parts.filter((part) => part.type === 'tool-call-start');
    expect(starts).toEqual([
      { type: 'tool-call-start', index: 0, id: 'call_a', name: 'forecast' },
      { type: 'tool-call-start', index: 1, id: 'call_b', name: 'clock' },
    ]);
    const argsOf = (index: number) =>
      parts.flatMap((part) => (part.type === 'tool-call-delta' && part.index === index ? [part.argumentsDelta] : []));
    expect(argsOf(0).length).toBeGreaterThan(1);
    expect(JSON.parse(argsOf(0).join(''))).toEqual(args);
    expect(JSON.parse(argsOf(1).join(''))).toEqual({ tz: 'CET' });
    // Every delta of a call comes after its start.
    const firstDelta = parts.findIndex((part) => part.type === 'tool-call-delta' && part.index === 1);
    expect(firstDelta).toBeGreaterThan(parts.indexOf(starts[1]!));
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' } });
  });

  it('streams reasoning_content as reasoning deltas', async () => {
    sim.enqueue('deepseek-reasoner', { reasoning: 'Hmm, let me see.', text: 'Yes.', usage: { reasoning: 5, output: 7 } });
    const parts = await collect(await provider().stream({ modelId: 'deepseek-reasoner', request: ask('?') }));
    expect(
      parts
        .filter((part) => part.type === 'reasoning-delta')
        .map((part) => part.delta)
        .join(''),
    ).toBe('Hmm, let me see.');
    expect(parts.findIndex((part) => part.type === 'reasoning-delta')).toBeLessThan(parts.findIndex((part) => part.type === 'text-delta'));
    expect(parts.at(-1)).toMatchObject({ type: 'finish', usage: { output: { total: 7, text: 2, reasoning: 5 } } });
  });

  it('still finishes, with zero usage, when a vendor ignores include_usage', async () => {
    const chunk = (choices: unknown[]) => JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices });
    sim.enqueue('gpt-sim', {
      raw: {
        chunks: [
          chunk([{ index: 0, delta: { role: 'assistant', content: 'ok' }, finish_reason: null }]),
          chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
        ],
      },
    });
    const parts = await collect(await provider().stream({ modelId: 'gpt-sim', request: ask('hi') }));
    expect(parts.map((part) => part.type)).toEqual(['stream-start', 'text-delta', 'finish']);
    expect(parts.at(-1)).toMatchObject({ usage: { input: { total: 0 }, output: { total: 0 } } });
  });

  it('starts a new call when a vendor reuses index 0 with a new id', async () => {
    const chunk = (delta: unknown, finish: string | null = null) =>
      JSON.stringify({
        id: 'c1',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'm',
        choices: [{ index: 0, delta, finish_reason: finish }],
      });
    sim.enqueue('gpt-sim', {
      raw: {
        chunks: [
          chunk({ tool_calls: [{ index: 0, id: 'a', type: 'function', function: { name: 'one', arguments: '{}' } }] }),
          chunk({ tool_calls: [{ index: 0, id: 'b', type: 'function', function: { name: 'two', arguments: '{"x":1}' } }] }),
          chunk({}, 'tool_calls'),
        ],
      },
    });
    const parts = await collect(await provider().stream({ modelId: 'gpt-sim', request: ask('hi') }));
    expect(parts.filter((part) => part.type.startsWith('tool-call'))).toEqual([
      { type: 'tool-call-start', index: 0, id: 'a', name: 'one' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{}' },
      { type: 'tool-call-start', index: 1, id: 'b', name: 'two' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{"x":1}' },
    ]);
  });

  it('resolves when headers arrive, before any content', async () => {
    // The content is held until the stream has resolved: resolving cannot have waited for it.
    let release!: () => void;
    sim.enqueue('gpt-sim', { text: 'late', hold: new Promise<void>((resolve) => (release = resolve)) });
    const parts = await provider().stream({ modelId: 'gpt-sim', request: ask('hi') });
    release();
    expect(resultTextOf(await collect(parts))).toBe('late');
  });
});

function resultTextOf(parts: StreamPart[]): string {
  return parts.map((part) => (part.type === 'text-delta' ? part.delta : '')).join('');
}
