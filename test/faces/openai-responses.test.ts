import { ResponseStream } from 'openai/lib/responses/ResponseStream';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { describe, expect, it } from 'vitest';
import { MemoryConversationStore, ZenClient, ZenError, type ConversationStore, type ZenErrorEvent } from '../../src/index.js';
import { outputItems } from '../../src/faces/openai-responses-response.js';
import { toResponseEvents } from '../../src/faces/openai-responses-stream.js';
import type { StreamPart } from '../../src/core/stream-part.js';
import { makeUsage } from '../../src/core/usage.js';
import { simulatorProviders } from '../../src/testing/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { inVirtualTime } from '../helpers/virtual-time.js';
import { collect, zenOver } from './helpers.js';

const sim = useSimulator();
const MINI = 'openai/gpt-5-mini';
const HAIKU = 'anthropic/claude-haiku-4-5';
const FLASH = 'google/gemini-2.5-flash';
const PNG_DATA_URL = 'data:image/png;base64,iVBORw0KGgo=';

type Body = Record<string, unknown>;
const body = (model: string): Body => sim.callsFor(model).at(-1)!.body as Body;

async function rejection(promise: Promise<unknown>): Promise<ZenError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!ZenError.isInstance(error)) throw new Error(`expected a ZenError, got ${String(error)}`);
  return error;
}

async function* parts(...list: StreamPart[]): AsyncGenerator<StreamPart> {
  yield* list;
}

describe('settings reach the answering model', () => {
  it('OpenAI: instructions, images, sampling, limit, effort, format, tool choice, user; the response echoes them', async () => {
    const zen = await zenOver(sim);
    const response = await zen.responses.create({
      model: MINI,
      instructions: 'Be brief.',
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'What is this?' },
            { type: 'input_image', image_url: PNG_DATA_URL, detail: 'low' },
            { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'auto' },
          ],
        },
      ],
      temperature: 0.3,
      top_p: 0.9,
      max_output_tokens: 200,
      reasoning: { effort: 'low' },
      text: { format: { type: 'json_object' } },
      tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } }, strict: false }],
      tool_choice: { type: 'function', name: 'lookup' },
      parallel_tool_calls: false,
      user: 'user-7',
      metadata: { team: 'search' },
    });
    expect(body('gpt-5-mini')).toMatchObject({
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: PNG_DATA_URL, detail: 'low' } },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'auto' } },
          ],
        },
      ],
      temperature: 0.3,
      top_p: 0.9,
      max_tokens: 200,
      reasoning_effort: 'low',
      response_format: { type: 'json_object' },
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      parallel_tool_calls: false,
      user: 'user-7',
    });
    expect(response).toMatchObject({
      instructions: 'Be brief.',
      temperature: 0.3,
      top_p: 0.9,
      max_output_tokens: 200,
      reasoning: { effort: 'low' },
      text: { format: { type: 'json_object' } },
      tool_choice: { type: 'function', name: 'lookup' },
      parallel_tool_calls: false,
      user: 'user-7',
      metadata: { team: 'search' },
      // Typed by openai 7; null when no access program applied.
      access_programs: null,
    });
    expect(response.output[0]).toMatchObject({ type: 'function_call', name: 'lookup' });
  });

  it('Anthropic: instructions as the system prompt, effort as a thinking budget, user as metadata.user_id, images as blocks', async () => {
    const zen = await zenOver(sim);
    await zen.responses.create({
      model: HAIKU,
      instructions: 'Be brief.',
      input: [
        { role: 'developer', content: 'Answer in French.' },
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'Hi' },
            { type: 'input_image', image_url: PNG_DATA_URL, detail: 'auto' },
          ],
        },
      ],
      reasoning: { effort: 'medium' },
      max_output_tokens: 20_000,
      user: 'user-7',
    });
    const sent = body('claude-haiku-4-5');
    expect(JSON.stringify(sent.system)).toContain('Be brief.');
    expect(JSON.stringify(sent.system)).toContain('Answer in French.');
    expect(sent).toMatchObject({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Hi' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          ],
        },
      ],
      thinking: { type: 'enabled' },
      metadata: { user_id: 'user-7' },
    });
  });

  it('Gemini: a json_schema format as the response schema, instructions as the system instruction', async () => {
    const zen = await zenOver(sim);
    const response = await zen.responses.create({
      model: FLASH,
      instructions: 'Be brief.',
      input: 'Invent a city.',
      text: {
        format: {
          type: 'json_schema',
          name: 'city',
          schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
          strict: true,
        },
      },
    });
    const sent = body('gemini-2.5-flash') as { systemInstruction?: unknown; generationConfig?: Record<string, unknown> };
    expect(JSON.stringify(sent.systemInstruction)).toContain('Be brief.');
    expect(sent.generationConfig?.responseMimeType).toBe('application/json');
    expect(JSON.parse(response.output_text)).toEqual({ name: 'example' });
  });

  it('allowed_tools keeps the listed tools only, with its mode', async () => {
    const zen = await zenOver(sim);
    const tool = (name: string) => ({ type: 'function' as const, name, parameters: { type: 'object', properties: {} }, strict: false });
    await zen.responses.create({
      model: HAIKU,
      input: 'Go',
      tools: [tool('a'), tool('b'), tool('c')],
      tool_choice: { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'b' }] },
    });
    expect(body('claude-haiku-4-5')).toMatchObject({ tools: [{ name: 'b' }], tool_choice: { type: 'any' } });
  });
});

describe('output', () => {
  it('reasoning comes back as a reasoning item whose signature continues the turn on Anthropic', async () => {
    const zen = await zenOver(sim);
    sim.enqueue('claude-haiku-4-5', { reasoning: 'The user greets.', text: 'Hello!' });
    const first = await zen.responses.create({ model: HAIKU, input: 'Hi', reasoning: { effort: 'low', summary: 'auto' } });
    expect(first.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    const [reasoning, message] = first.output;
    if (reasoning?.type !== 'reasoning' || message?.type !== 'message') throw new Error('expected a reasoning item and a message');
    expect(reasoning).toMatchObject({
      type: 'reasoning',
      content: [{ type: 'reasoning_text', text: 'The user greets.' }],
      encrypted_content: expect.any(String),
    });
    await zen.responses.create({
      model: HAIKU,
      input: [{ role: 'user', content: 'Hi' }, reasoning, message, { role: 'user', content: 'And?' }],
      reasoning: { effort: 'low' },
    });
    const assistant = (body('claude-haiku-4-5').messages as Array<{ role: string; content: unknown }>)[1]!;
    expect(assistant).toMatchObject({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'The user greets.', signature: reasoning.encrypted_content },
        { type: 'text', text: 'Hello!' },
      ],
    });
  });

  it('a length cut is incomplete: status, incomplete_details, the cut item, and response.incomplete when streamed', async () => {
    const zen = await zenOver(sim);
    sim.enqueue('gemini-2.5-flash', { text: 'word '.repeat(100) });
    const response = await zen.responses.create({ model: FLASH, input: 'Talk', max_output_tokens: 4 });
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(response.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
    expect(response.usage?.output_tokens).toBe(4);
    sim.enqueue('gemini-2.5-flash', { text: 'word '.repeat(100) });
    const stream = await zen.responses.create({ model: FLASH, input: 'Talk', max_output_tokens: 4, stream: true });
    const final = await ResponseStream.fromReadableStream(stream.toReadableStream()).finalResponse();
    expect(final).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      output: [{ type: 'message', status: 'incomplete' }],
    });
  });

  it('canonical content → items: consecutive text is one message, reasoning one item, each call its own', () => {
    const items = outputItems(
      [
        { type: 'reasoning', text: 'a', signature: 's1' },
        { type: 'reasoning', text: 'b', signature: 's2' },
        { type: 'text', text: 'Hello ' },
        { type: 'text', text: 'there.' },
        { type: 'tool-call', id: 'call_1', name: 'f', arguments: '{}' },
        { type: 'tool-call', id: 'call_2', name: 'g', arguments: '{"x":1}' },
      ],
      'resp_abc',
      { unified: 'tool-calls', raw: 'tool_calls' },
    );
    expect(items).toEqual([
      {
        type: 'reasoning',
        id: 'rs_abc_0',
        summary: [],
        content: [{ type: 'reasoning_text', text: 'ab' }],
        encrypted_content: 's2',
        status: 'completed',
      },
      {
        type: 'message',
        id: 'msg_abc_1',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Hello there.', annotations: [], logprobs: [] }],
      },
      { type: 'function_call', id: 'fc_abc_2', call_id: 'call_1', name: 'f', arguments: '{}', status: 'completed' },
      { type: 'function_call', id: 'fc_abc_3', call_id: 'call_2', name: 'g', arguments: '{"x":1}', status: 'completed' },
    ]);
  });

  it('canonical parts → events the SDK accumulator takes: reasoning, text, interleaved calls, all items closed once', async () => {
    const context = { id: 'resp_abc', createdAt: 1, model: 'm', body: { model: 'm', input: 'x' } };
    const events = await collect(
      toResponseEvents(
        parts(
          { type: 'stream-start', warnings: [] },
          { type: 'reasoning-delta', delta: 'think' },
          { type: 'reasoning-delta', delta: '', signature: 'sig' },
          { type: 'text-delta', delta: 'Hi' },
          { type: 'tool-call-start', index: 0, id: 'call_1', name: 'f' },
          { type: 'tool-call-start', index: 1, id: 'call_2', name: 'g' },
          { type: 'tool-call-delta', index: 0, argumentsDelta: '{"a":' },
          { type: 'tool-call-delta', index: 1, argumentsDelta: '{}' },
          { type: 'tool-call-delta', index: 0, argumentsDelta: '1}' },
          {
            type: 'finish',
            finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
            usage: makeUsage({ inputTotal: 3, outputTotal: 4 }),
          },
        ),
        { context: () => context },
      ),
    );
    const stream = ResponseStream.fromReadableStream(
      new ReadableStream({
        start: (controller) => {
          for (const event of events) controller.enqueue(new TextEncoder().encode(`${JSON.stringify(event)}\n`));
          controller.close();
        },
      }),
    );
    const final = await stream.finalResponse();
    expect(final.output).toMatchObject([
      { type: 'reasoning', content: [{ text: 'think' }], encrypted_content: 'sig' },
      { type: 'message', content: [{ text: 'Hi' }] },
      { type: 'function_call', call_id: 'call_1', arguments: '{"a":1}', status: 'completed' },
      { type: 'function_call', call_id: 'call_2', arguments: '{}', status: 'completed' },
    ]);
    const done = events.filter(
      (event): event is Extract<ResponseStreamEvent, { type: 'response.output_item.done' }> => event.type === 'response.output_item.done',
    );
    expect(done.map((event) => event.output_index).sort()).toEqual([0, 1, 2, 3]);
    expect(final.usage).toMatchObject({ input_tokens: 3, output_tokens: 4 });
  });
});

describe('the engine applies', () => {
  it('fails over before the first content: the stream shows only the second channel, the record both attempts', async () => {
    const zen = await zenOver(sim);
    sim.enqueue('gpt-5-mini', { fault: { type: 'http', status: 500 } });
    sim.enqueue('claude-haiku-4-5', { text: 'From Claude.' });
    const stream = await zen.responses.create({ model: [MINI, HAIKU], input: 'Hi', stream: true, zen: { retry: { retries: 0 } } });
    const events = await collect(stream);
    expect(events.filter((event) => event.type === 'response.created')).toHaveLength(1);
    const completed = events.at(-1)!;
    expect(completed.type === 'response.completed' && completed.response.output_text).toBe('From Claude.');
    expect(completed.type === 'response.completed' && completed.response.model).toBe('claude-haiku-4-5');
    const record = await stream.metadata();
    expect(record.attempts.map((attempt) => [attempt.channel, attempt.outcome])).toEqual([
      [`${MINI}:openai`, 'error'],
      [`${HAIKU}:anthropic`, 'success'],
    ]);
    expect(record.face).toBe('openai-responses');
  });

  it('a first-token deadline moves a silent stream to the next channel', async () => {
    const zen = await zenOver(sim);
    await inVirtualTime(async (time) => {
      sim.enqueue('gpt-5-mini', { text: 'too late', fault: { type: 'stall' } });
      sim.enqueue('claude-haiku-4-5', { text: 'In time.' });
      const pending = zen.responses.create({
        model: [MINI, HAIKU],
        input: 'Hi',
        stream: true,
        zen: { timeouts: { firstTokenMs: 1_000 }, retry: { retries: 0 } },
      });
      await time.until(() => sim.callsFor('gpt-5-mini').length === 1, 'the first attempt');
      await time.advance(1_001);
      const stream = await pending;
      const completed = (await collect(stream)).at(-1)!;
      expect(completed.type === 'response.completed' && completed.response.output_text).toBe('In time.');
      expect((await stream.metadata()).attempts.map((attempt) => attempt.errorKind ?? attempt.outcome)).toEqual(['timeout', 'success']);
    });
  });

  it('the insurance checks the answer: invalid JSON under json_object is a quality event on the record', async () => {
    const zen = await zenOver(sim);
    sim.enqueue('gpt-5-mini', { text: '{"broken": ' });
    const response = await zen.responses.create({ model: MINI, input: 'JSON please', text: { format: { type: 'json_object' } } });
    expect(response.zen.events.map((event) => event.kind)).toContain('invalid_json');
  });
});

describe('conversations', () => {
  it('retrieve returns the stored response; delete removes it; store: false keeps none', async () => {
    const zen = await zenOver(sim);
    const response = await zen.responses.create({ model: MINI, input: 'Hi' });
    expect(await zen.responses.retrieve(response.id)).toEqual(JSON.parse(JSON.stringify(response)));
    await zen.responses.delete(response.id);
    expect((await rejection(zen.responses.retrieve(response.id))).code).toBe('response_id');
    expect((await rejection(zen.responses.delete(response.id))).code).toBe('response_id');
    const unstored = await zen.responses.create({ model: MINI, input: 'Hi', store: false });
    const error = await rejection(zen.responses.create({ model: MINI, input: 'Again', previous_response_id: unstored.id }));
    expect(error.kind).toBe('invalid_request');
    expect(error.code).toBe('previous_response_id');
    expect(error.message).toContain(unstored.id);
  });

  it('an unknown previous_response_id is a clear invalid_request, and nothing is sent', async () => {
    const zen = await zenOver(sim);
    const error = await rejection(zen.responses.create({ model: MINI, input: 'Hi', previous_response_id: 'resp_nope' }));
    expect(error).toMatchObject({ kind: 'invalid_request', code: 'previous_response_id', retryable: false });
    expect(error.message).toMatch(/previous_response_id "resp_nope" is not in the conversation store/);
    expect(sim.calls).toHaveLength(0);
  });

  it('conversations: false keeps none and says so when a call asks', async () => {
    const zen = new ZenClient({ providers: await simulatorProviders(sim), conversations: false });
    const response = await zen.responses.create({ model: MINI, input: 'Hi', store: true });
    expect(response.zen.warnings.map((warning) => warning.setting)).toContain('store');
    const error = await rejection(zen.responses.create({ model: MINI, input: 'x', previous_response_id: response.id }));
    expect(error.message).toContain('conversations: false');
  });

  it('a continuation sends the stored items and the previous output, without the earlier instructions', async () => {
    const zen = await zenOver(sim);
    sim.enqueue('claude-haiku-4-5', { toolCalls: [{ name: 'f', arguments: { a: 1 }, id: 'toolu_1' }] }, { text: 'Done.' });
    const tools = [
      { type: 'function' as const, name: 'f', parameters: { type: 'object', properties: { a: { type: 'number' } } }, strict: false },
    ];
    const first = await zen.responses.create({ model: HAIKU, instructions: 'First instructions.', input: 'Call f.', tools });
    const second = await zen.responses.create({
      model: HAIKU,
      previous_response_id: first.id,
      tools,
      input: [{ type: 'function_call_output', call_id: 'toolu_1', output: '42' }],
    });
    expect(second.output_text).toBe('Done.');
    const sent = body('claude-haiku-4-5');
    expect(sent.system).toBeUndefined();
    expect(sent.messages).toMatchObject([
      { role: 'user', content: [{ type: 'text', text: 'Call f.' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: 1 } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1' }] },
    ]);
  });

  it('a store that fails to keep a response is reported as an error event; the answer stands', async () => {
    const failing: ConversationStore = {
      get: async () => undefined,
      set: async () => {
        throw new Error('disk full');
      },
      delete: async () => false,
    };
    const zen = new ZenClient({ providers: await simulatorProviders(sim), conversations: failing });
    const errors: ZenErrorEvent[] = [];
    zen.on('error', (event) => errors.push(event));
    const response = await zen.responses.create({ model: MINI, input: 'Hi' });
    expect(response.output_text).toContain('Hi');
    expect(errors).toMatchObject([
      { source: 'conversation-store', operation: 'set', error: { message: expect.stringContaining('disk full') } },
    ]);
  });

  it('a store that cannot read fails the continuation with the store named', async () => {
    const broken: ConversationStore = {
      get: () => Promise.reject(new Error('connection refused')),
      set: async () => {},
      delete: async () => false,
    };
    const zen = new ZenClient({ providers: await simulatorProviders(sim), conversations: broken });
    const error = await rejection(zen.responses.create({ model: MINI, input: 'x', previous_response_id: 'resp_1' }));
    expect(error.message).toMatch(/conversation store failed to read response resp_1: connection refused/);
    expect(sim.calls).toHaveLength(0);
  });

  it('a bad conversations option is a configuration error', () => {
    expect(() => new ZenClient({ conversations: { get: () => undefined } as never })).toThrow(/conversations must be a ConversationStore/);
    expect(() => new ZenClient({ conversations: new MemoryConversationStore({ maxBytes: 1024 }) })).not.toThrow();
  });
});

describe('bad input is refused before anything is sent', () => {
  const cases: Array<[string, Body, RegExp, string]> = [
    ['an unknown item type', { input: [{ type: 'teleport' }] }, /Unknown input item type "teleport"/, 'input[0].type'],
    [
      'a function_call_output without its call',
      { input: [{ type: 'function_call_output', call_id: 'c9', output: 'x' }] },
      /no earlier function_call item made/,
      'input[0].call_id',
    ],
    [
      'a tool_choice naming a missing function',
      { input: 'x', tool_choice: { type: 'function', name: 'ghost' } },
      /names function "ghost"/,
      'tool_choice.name',
    ],
    [
      'a hosted tool_choice with no such tool',
      { input: 'x', tool_choice: { type: 'web_search_preview' } },
      /not among the tools offered/,
      'tool_choice',
    ],
    ['background', { input: 'x', background: true }, /Background responses are not supported/, 'background'],
    [
      'a file image',
      { input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1', detail: 'auto' }] }] },
      /file_id is not supported/,
      'input[0].content[0].file_id',
    ],
    ['an unknown effort', { input: 'x', reasoning: { effort: 'extreme' } }, /reasoning.effort "extreme"/, 'reasoning.effort'],
    ['no input', {}, /input is required/, 'input'],
    ['a non-string metadata value', { input: 'x', metadata: { a: 1 } }, /metadata.a must be a string/, 'metadata.a'],
  ];
  it.each(cases)('%s', async (_, fields, message, code) => {
    const zen = await zenOver(sim);
    const error = await rejection(zen.responses.create({ model: MINI, ...fields } as never));
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toMatch(message);
    expect(error.code).toBe(code);
    expect(sim.calls).toHaveLength(0);
  });
});
