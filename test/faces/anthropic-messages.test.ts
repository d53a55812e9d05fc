import type Anthropic from '@anthropic-ai/sdk';
import { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream';
import { describe, expect, it } from 'vitest';
import { ZenError, type RequestRecord } from '../../src/index.js';
import { toMessage } from '../../src/faces/anthropic-messages-response.js';
import { toMessageEvents } from '../../src/faces/anthropic-messages-stream.js';
import type { StreamPart } from '../../src/core/stream-part.js';
import { makeUsage } from '../../src/core/usage.js';
import type { GenerationResult } from '../../src/core/result.js';
import { useSimulator } from '../helpers/simulator.js';
import { collect, FAMILIES, upstream, zenOver } from './helpers.js';

const sim = useSimulator();
const TOOLS: Anthropic.Tool[] = [
  {
    name: 'get_weather',
    description: 'Weather for a city',
    input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
];

function result(overrides: Partial<GenerationResult>): GenerationResult {
  return {
    id: undefined,
    modelId: undefined,
    content: [],
    finishReason: { unified: 'stop', raw: 'stop' },
    usage: makeUsage({}),
    warnings: [],
    ...overrides,
  };
}

async function* parts(...list: StreamPart[]): AsyncGenerator<StreamPart> {
  yield* list;
}

describe('canonical result → Anthropic Message', () => {
  it('maps thinking, text and tool_use blocks, the stop reason and usage with cache fields', () => {
    const warnings: never[] = [];
    const message = toMessage(
      result({
        id: 'chatcmpl-1',
        content: [
          { type: 'reasoning', text: 'Think.', signature: 'sig' },
          { type: 'text', text: 'Hello ' },
          { type: 'text', text: 'there.' },
          { type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        ],
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
        usage: makeUsage({ inputTotal: 100, cacheRead: 60, cacheWrite: 10, outputTotal: 20, reasoning: 5 }),
      }),
      'zen_1',
      'gpt-5-mini',
      warnings,
    );
    expect(message).toEqual({
      id: 'msg_zen_1',
      type: 'message',
      role: 'assistant',
      model: 'gpt-5-mini',
      content: [
        { type: 'thinking', thinking: 'Think.', signature: 'sig' },
        { type: 'text', text: 'Hello there.', citations: null },
        { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' }, caller: { type: 'direct' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      stop_details: null,
      container: null,
      diagnostics: null,
      usage: {
        input_tokens: 30,
        output_tokens: 20,
        cache_read_input_tokens: 60,
        cache_creation_input_tokens: 10,
        cache_creation: null,
        output_tokens_details: { thinking_tokens: 5 },
        server_tool_use: null,
        service_tier: null,
        inference_geo: null,
        speed: null,
      },
    });
  });

  it.each([
    [{ unified: 'stop', raw: 'stop' }, undefined, 'end_turn'],
    [{ unified: 'stop', raw: 'stop_sequence' }, { anthropic: { stopSequence: 'END' } }, 'stop_sequence'],
    [{ unified: 'length', raw: 'MAX_TOKENS' }, undefined, 'max_tokens'],
    [{ unified: 'tool-calls', raw: 'STOP' }, undefined, 'tool_use'],
    [{ unified: 'content-filter', raw: 'SAFETY' }, undefined, 'refusal'],
    [{ unified: 'other', raw: 'pause_turn' }, undefined, 'pause_turn'],
  ] as const)('finish %o → %s', (finishReason, providerMetadata, stopReason) => {
    const message = toMessage(
      result({ finishReason: { ...finishReason }, ...(providerMetadata ? { providerMetadata } : {}) }),
      'zen_1',
      'm',
      [],
    );
    expect(message.stop_reason).toBe(stopReason);
    if (providerMetadata) expect(message.stop_sequence).toBe('END');
    if (stopReason === 'refusal') expect(message.stop_details).toEqual({ type: 'refusal', category: null, explanation: null });
  });

  it('gives {} and a warning for tool arguments that are not a JSON object', () => {
    const warnings: Array<{ setting?: string }> = [];
    const message = toMessage(
      result({ content: [{ type: 'tool-call', id: 'c', name: 'f', arguments: '{"broken' }] }),
      'zen_1',
      'm',
      warnings as never,
    );
    expect(message.content[0]).toMatchObject({ type: 'tool_use', input: {} });
    expect(warnings[0]!.setting).toBe('tool_use.input');
  });
});

describe('canonical stream → the raw Messages event sequence', () => {
  it('opens and closes one block at a time, signs thinking, and ends with message_delta and message_stop', async () => {
    const events = await collect(
      toMessageEvents(
        parts(
          { type: 'stream-start', id: 'msg_up', modelId: 'claude-haiku-4-5', warnings: [] },
          { type: 'reasoning-delta', delta: 'Hmm' },
          { type: 'reasoning-delta', delta: '', signature: 'sig' },
          { type: 'text-delta', delta: 'Hi' },
          { type: 'tool-call-start', index: 0, id: 'toolu_1', name: 'f' },
          { type: 'tool-call-delta', index: 0, argumentsDelta: '{"a":' },
          { type: 'tool-call-delta', index: 0, argumentsDelta: '1}' },
          {
            type: 'finish',
            finishReason: { unified: 'tool-calls', raw: 'tool_use' },
            usage: makeUsage({ inputTotal: 12, cacheRead: 2, outputTotal: 7 }),
          },
        ),
        { requestId: 'zen_1', model: () => 'unused' },
      ),
    );
    expect(
      events.map((event) =>
        event.type === 'content_block_delta'
          ? `${event.index}:${event.delta.type}`
          : 'index' in event
            ? `${event.type}:${event.index}`
            : event.type,
      ),
    ).toEqual([
      'message_start',
      'content_block_start:0',
      '0:thinking_delta',
      '0:signature_delta',
      'content_block_stop:0',
      'content_block_start:1',
      '1:text_delta',
      'content_block_stop:1',
      'content_block_start:2',
      '2:input_json_delta',
      '2:input_json_delta',
      'content_block_stop:2',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0]).toMatchObject({
      type: 'message_start',
      message: { id: 'msg_up', model: 'claude-haiku-4-5', content: [], stop_reason: null },
    });
    expect(events[8]).toEqual({
      type: 'content_block_start',
      index: 2,
      content_block: { type: 'tool_use', id: 'toolu_1', name: 'f', input: {}, caller: { type: 'direct' } },
    });
    expect(events[12]).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null, stop_details: null, container: null },
      usage: {
        input_tokens: 10,
        output_tokens: 7,
        cache_read_input_tokens: 2,
        cache_creation_input_tokens: 0,
        output_tokens_details: null,
        server_tool_use: null,
      },
    });
  });
});

describe.each(FAMILIES)('zen.messages served by %s', (model) => {
  it('returns a Message with zen metadata, and the ledger records the face', async () => {
    const zen = await zenOver(sim);
    sim.enqueue(upstream(model), { text: 'Paris.', usage: { input: 20, output: 3, cachedInput: 8 } });
    const message = await zen.messages.create({
      model,
      max_tokens: 256,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Capital of France?' }],
    });
    expect(message.type).toBe('message');
    expect(message.id).toMatch(/^msg_/);
    expect(message.content).toEqual([{ type: 'text', text: 'Paris.', citations: null }]);
    expect(message.stop_reason).toBe('end_turn');
    // Anthropic's input_tokens leaves out cached tokens, whoever answered.
    expect(message.usage).toMatchObject({ input_tokens: 12, cache_read_input_tokens: 8, output_tokens: 3 });
    expect(message.zen).toMatchObject({ face: 'anthropic-messages', model, requested: model });
    expect(JSON.parse(JSON.stringify(message))).not.toHaveProperty('zen');
    await zen.flush();
    const records: RequestRecord[] = [];
    for await (const record of zen.ledger.query()) if (record.type === 'request') records.push(record);
    expect(records.map((record) => record.face)).toEqual(['anthropic-messages']);
  });

  it('streams events the SDK’s own MessageStream accumulates into the same message', async () => {
    const zen = await zenOver(sim);
    const reply = {
      reasoning: 'The user wants weather.',
      text: 'Let me check.',
      toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }],
      usage: { input: 30, output: 12 },
    };
    sim.enqueue(upstream(model), reply, reply);
    const body = {
      model,
      max_tokens: 4096,
      thinking: { type: 'enabled' as const, budget_tokens: 1024 },
      tools: TOOLS,
      messages: [{ role: 'user' as const, content: 'Weather in Paris?' }],
    };
    const plain = await zen.messages.create(body);
    const stream = await zen.messages.create({ ...body, stream: true });
    const helper = MessageStream.fromReadableStream(stream.toReadableStream());
    const seen = { text: '', json: '', thinking: '', signature: '', blocks: [] as string[] };
    helper.on('text', (delta) => (seen.text += delta));
    helper.on('inputJson', (delta) => (seen.json += delta));
    helper.on('thinking', (delta) => (seen.thinking += delta));
    helper.on('signature', (signature) => (seen.signature = signature));
    helper.on('contentBlock', (block) => seen.blocks.push(block.type));
    const final = await helper.finalMessage();
    expect(seen.text).toBe('Let me check.');
    expect(JSON.parse(seen.json)).toEqual({ city: 'Paris' });
    expect(seen.thinking).toBe('The user wants weather.');
    expect(seen.blocks).toEqual(['thinking', 'text', 'tool_use']);
    expect(final.stop_reason).toBe('tool_use');
    expect(final.usage).toMatchObject({ input_tokens: 30, output_tokens: 12 });
    // The streamed message is the non-streamed one, block for block (ids and signatures aside).
    const shape = (content: Anthropic.ContentBlock[]) =>
      content.map((block) =>
        block.type === 'tool_use'
          ? { ...block, id: 'id' }
          : block.type === 'thinking'
            ? { ...block, signature: Boolean(block.signature) }
            : block,
      );
    expect(shape(final.content)).toEqual(shape(plain.content));
    expect((await stream.metadata()).face).toBe('anthropic-messages');
  });
});

describe('zen.messages behaviour', () => {
  it('maps the request for an OpenAI model the way the OpenAI API expects', async () => {
    const zen = await zenOver(sim);
    await zen.messages.create({
      model: 'openai/gpt-5-mini',
      max_tokens: 200,
      system: 'Be brief.',
      stop_sequences: ['END'],
      metadata: { user_id: 'u-1' },
      tools: TOOLS,
      tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    expect(sim.calls[0]!.body).toMatchObject({
      model: 'gpt-5-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Paris?' },
      ],
      // The simulator is not api.openai.com, so the compatible-vendor field is used.
      max_tokens: 200,
      stop: ['END'],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
      tools: [{ type: 'function', function: { name: 'get_weather' } }],
    });
  });

  it('maps a tool round trip for a Gemini model (function call ids resolve to names)', async () => {
    const zen = await zenOver(sim);
    const first = await zen.messages.create({
      model: 'google/gemini-2.5-flash',
      max_tokens: 200,
      tools: TOOLS,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    const toolUse = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use')!;
    expect(toolUse.input).toEqual({ city: 'example' });
    const second = await zen.messages.create({
      model: 'google/gemini-2.5-flash',
      max_tokens: 200,
      tools: TOOLS,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: '{"temperature":21}' }] },
      ],
    });
    expect((sim.calls[1]!.body as { contents: unknown[] }).contents.slice(1)).toEqual([
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'example' } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { result: { temperature: 21 } } } }] },
    ]);
    expect(second.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('temperature') });
  });

  it('reports stop_sequence and the sequence from Anthropic', async () => {
    const zen = await zenOver(sim);
    sim.enqueue('claude-haiku-4-5', {
      raw: {
        body: JSON.stringify({
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          model: 'claude-haiku-4-5',
          content: [{ type: 'text', text: 'One two' }],
          stop_reason: 'stop_sequence',
          stop_sequence: 'three',
          usage: { input_tokens: 5, output_tokens: 2 },
        }),
      },
    });
    const message = await zen.messages.create({
      model: 'anthropic/claude-haiku-4-5',
      max_tokens: 50,
      stop_sequences: ['three'],
      messages: [{ role: 'user', content: 'Count' }],
    });
    expect(message).toMatchObject({ id: 'msg_1', stop_reason: 'stop_sequence', stop_sequence: 'three' });
  });

  it('refuses bad input before any call is made', async () => {
    const zen = await zenOver(sim);
    const missing = await zen.messages
      .create({ model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }] } as never)
      .catch((caught: unknown) => caught);
    expect(missing).toMatchObject({ kind: 'invalid_request', code: 'max_tokens' });
    const pdf = await zen.messages
      .create({
        model: 'openai/gpt-5-mini',
        max_tokens: 10,
        messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } }] }],
      })
      .catch((caught: unknown) => caught);
    expect(ZenError.isInstance(pdf) && pdf.code).toBe('messages[0].content[0].type');
    expect(sim.calls).toHaveLength(0);
  });

  it('fails over between families and says so in zen metadata', async () => {
    const zen = await zenOver(sim);
    sim.enqueue('claude-haiku-4-5', { fault: { type: 'http', status: 529 } }, { fault: { type: 'http', status: 529 } });
    const message = await zen.messages.create({
      model: ['anthropic/claude-haiku-4-5', 'openai/gpt-5-mini'],
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hi' }],
      zen: { retry: { minDelayMs: 1, maxDelayMs: 2 } },
    });
    expect(message.zen.channel).toBe('openai/gpt-5-mini:openai');
    expect(message.zen.attempts.map((attempt) => attempt.channel)).toContain('anthropic/claude-haiku-4-5:anthropic');
    expect(message.model).toBe('gpt-5-mini');
  });

  it('stops quietly when the stream is aborted through its controller', async () => {
    const zen = await zenOver(sim);
    sim.enqueue('gpt-5-mini', { text: 'one two three four five six seven eight', tokensPerSecond: 50 });
    const stream = await zen.messages.create({
      model: 'openai/gpt-5-mini',
      max_tokens: 50,
      stream: true,
      messages: [{ role: 'user', content: 'count' }],
    });
    const types: string[] = [];
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta') stream.controller.abort();
    }
    expect(types).not.toContain('message_stop');
    expect((await stream.metadata()).face).toBe('anthropic-messages');
  });
});

describe('zen.messages.stream() helper', () => {
  it('iterates the raw events and emits the SDK helper events', async () => {
    const zen = await zenOver(sim);
    sim.enqueue('claude-haiku-4-5', { reasoning: 'Hmm.', toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] });
    const stream = zen.messages.stream({
      model: 'anthropic/claude-haiku-4-5',
      max_tokens: 2048,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      tools: TOOLS,
      messages: [{ role: 'user', content: 'Oslo?' }],
    });
    const seen: string[] = [];
    const snapshots: unknown[] = [];
    stream.on('connect', () => seen.push('connect'));
    stream.on('thinking', () => seen.push('thinking'));
    stream.on('signature', () => seen.push('signature'));
    stream.on('inputJson', (_delta, snapshot) => snapshots.push(snapshot));
    stream.on('contentBlock', (block) => seen.push(`block:${block.type}`));
    stream.on('message', () => seen.push('message'));
    stream.on('end', () => seen.push('end'));
    const types = (await collect(stream)).map((event) => event.type);
    await stream.done();
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(seen).toEqual(['connect', 'thinking', 'signature', 'block:thinking', 'block:tool_use', 'message', 'end']);
    expect(snapshots.at(-1)).toEqual({ city: 'Oslo' });
    const final = await stream.finalMessage();
    expect(final.content[1]).toMatchObject({ type: 'tool_use', input: { city: 'Oslo' } });
    expect(final.zen.face).toBe('anthropic-messages');
  });

  it('rejects finalMessage() and tells error listeners when the call fails', async () => {
    const zen = await zenOver(sim);
    sim.enqueue('claude-haiku-4-5', { fault: { type: 'http', status: 400, message: 'bad thing' } });
    const stream = zen.messages.stream({ model: 'anthropic/claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    const errors: unknown[] = [];
    stream.on('error', (error) => errors.push(error));
    const failure = await stream.finalMessage().catch((caught: unknown) => caught);
    expect(failure).toMatchObject({ kind: 'invalid_request' });
    expect(errors).toEqual([failure]);
  });

  it('refuses bad input through the same promise', async () => {
    const zen = await zenOver(sim);
    const stream = zen.messages.stream({ model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user', content: 'x' }] } as never);
    await expect(stream.finalText()).rejects.toMatchObject({ kind: 'invalid_request', code: 'max_tokens' });
    expect(sim.calls).toHaveLength(0);
  });

  it('abort() ends the stream and emits abort', async () => {
    const zen = await zenOver(sim);
    sim.enqueue('claude-haiku-4-5', { text: 'one two three four five six seven', tokensPerSecond: 40 });
    const stream = zen.messages.stream({
      model: 'anthropic/claude-haiku-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'count' }],
    });
    let aborted = false;
    stream.on('abort', () => (aborted = true));
    stream.on('text', () => stream.abort());
    await stream.done().catch(() => {});
    expect(aborted).toBe(true);
    expect(stream.receivedMessages).toHaveLength(0);
  });
});
