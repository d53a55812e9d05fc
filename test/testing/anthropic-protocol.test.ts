import Anthropic, { type APIError } from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import type { SimRequestSummary } from '../../src/testing/index.js';
import { useSimulator } from '../helpers/simulator.js';

const sim = useSimulator();
const MODEL = 'claude-haiku-4-5';

function client(): Anthropic {
  return new Anthropic({ apiKey: 'sk-ant-test-protocol-0000', baseURL: sim.anthropicBaseURL, maxRetries: 0 });
}

function ask(text: string, extra: Partial<Anthropic.MessageCreateParamsNonStreaming> = {}): Anthropic.MessageCreateParamsNonStreaming {
  return { model: MODEL, max_tokens: 1000, messages: [{ role: 'user', content: text }], ...extra };
}

/** Captures the summary the simulator built for the next call. */
function captureSummary(reply: { text?: string } = { text: 'ok' }): () => SimRequestSummary {
  let seen: SimRequestSummary | undefined;
  sim.enqueue(MODEL, (summary) => {
    seen = summary;
    return reply;
  });
  return () => {
    if (!seen) throw new Error('the simulator saw no call');
    return seen;
  };
}

async function rawPost(body: string): Promise<Response> {
  return fetch(`${sim.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
}

describe('anthropic protocol: request summary', () => {
  it('reads model, stream, last user text from a string and from text blocks, and max_tokens', async () => {
    const summary = captureSummary();
    await client().messages.create({
      model: MODEL,
      max_tokens: 321,
      system: 'be brief',
      messages: [
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'an answer' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'second' },
            { type: 'text', text: 'question' },
          ],
        },
      ],
    });
    const seen = summary();
    expect(seen).toMatchObject({
      model: MODEL,
      stream: false,
      lastUserText: 'second\nquestion',
      lastIsToolResult: false,
      maxOutputTokens: 321,
      toolChoice: 'auto',
    });
    expect(seen.jsonSchema).toBeUndefined();
  });

  it('estimates input tokens from the size of system, messages and tools', async () => {
    const small = captureSummary();
    await client().messages.create(ask('hi'));
    const large = captureSummary();
    await client().messages.create(ask('x'.repeat(4000)));
    expect(small().inputTokens).toBeLessThan(20);
    expect(large().inputTokens).toBeGreaterThanOrEqual(1000);
    expect(large().inputTokens).toBeLessThan(1100);
  });

  it('sees tool results in the last user message and their text (string or text blocks)', async () => {
    const summary = captureSummary();
    await client().messages.create({
      model: MODEL,
      max_tokens: 100,
      messages: [
        { role: 'user', content: 'weather?' },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'toolu_1', name: 'weather', input: {} },
            { type: 'tool_use', id: 'toolu_2', name: 'weather', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'rainy' }] },
          ],
        },
      ],
    });
    expect(summary()).toMatchObject({ lastIsToolResult: true, toolResultText: 'sunny\nrainy', lastUserText: 'weather?' });
  });

  it('reads tools with their input_schema and every tool_choice form', async () => {
    const tools: Anthropic.Tool[] = [
      { name: 'a', input_schema: { type: 'object', properties: { q: { type: 'string' } } } },
      { name: 'b', input_schema: { type: 'object' } },
    ];
    const cases: Array<[Anthropic.ToolChoice | undefined, string]> = [
      [undefined, 'auto'],
      [{ type: 'auto' }, 'auto'],
      [{ type: 'any' }, 'required'],
      [{ type: 'none' }, 'none'],
      [{ type: 'tool', name: 'b' }, 'b'],
    ];
    for (const [choice, expected] of cases) {
      const summary = captureSummary();
      await client().messages.create(ask('go', { tools, ...(choice ? { tool_choice: choice } : {}) }));
      expect(summary().toolChoice).toBe(expected);
      expect(summary().tools).toEqual([
        { name: 'a', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
        { name: 'b', parameters: { type: 'object' } },
      ]);
    }
  });

  it('reads the structured-output schema from output_config.format', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
    const summary = captureSummary();
    await client().messages.create(ask('where?', { output_config: { format: { type: 'json_schema', schema } } }));
    expect(summary().jsonSchema).toEqual(schema);
  });

  it('answers a schema request with a conforming JSON text by default', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' }, people: { type: 'integer' } }, required: ['city', 'people'] };
    const message = await client().messages.create(ask('where?', { output_config: { format: { type: 'json_schema', schema } } }));
    const block = message.content[0] as Anthropic.TextBlock;
    expect(JSON.parse(block.text)).toEqual({ city: 'example', people: 1 });
  });

  it('calls the forced tool by default, with arguments that fit its schema', async () => {
    const message = await client().messages.create(
      ask('go', {
        tools: [
          { name: 'a', input_schema: { type: 'object' } },
          { name: 'lookup', input_schema: { type: 'object', properties: { id: { type: 'integer' } } } },
        ],
        tool_choice: { type: 'tool', name: 'lookup' },
      }),
    );
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([expect.objectContaining({ type: 'tool_use', name: 'lookup', input: { id: 1 } })]);
  });

  it('matches the path only, so calls with ?beta=true reach the same route', async () => {
    sim.enqueue(MODEL, { text: 'beta hello' });
    const response = await fetch(`${sim.url}/v1/messages?beta=true`, { method: 'POST', body: JSON.stringify(ask('hi')) });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ content: [{ type: 'text', text: 'beta hello' }] });
    expect(sim.calls[0]).toMatchObject({ protocol: 'anthropic', path: '/v1/messages', model: MODEL });
  });

  it('answers a body that is not JSON with a 400 invalid_request_error', async () => {
    const response = await rawPost('{not json');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });
});

describe('anthropic protocol: JSON responses', () => {
  it('renders a message like the real API, with a request-id header', async () => {
    sim.enqueue(MODEL, { text: 'Hello!', usage: { input: 12, output: 3 } });
    const { data, response } = await client().messages.create(ask('hi')).withResponse();
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    expect(data).toEqual({
      model: MODEL,
      id: expect.stringMatching(/^msg_/),
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: 'Hello!' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 3 },
    });
  });

  it('keeps cached tokens out of input_tokens (cache reads and writes are counted apart)', async () => {
    sim.enqueue(MODEL, { text: 'cached', usage: { input: 100, cachedInput: 60, cacheWrite: 10, output: 4 } });
    const message = await client().messages.create(ask('hi'));
    expect(message.usage).toMatchObject({
      input_tokens: 30,
      cache_read_input_tokens: 60,
      cache_creation_input_tokens: 10,
      output_tokens: 4,
    });
  });

  it('puts thinking (with a signature) before text and tool_use blocks', async () => {
    sim.enqueue(MODEL, { reasoning: 'let me think', text: 'calling', toolCalls: [{ id: 'toolu_9', name: 'f', arguments: { x: [1, 2] } }] });
    const message = await client().messages.create(ask('hi'));
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'let me think', signature: expect.any(String) },
      { type: 'text', text: 'calling' },
      { type: 'tool_use', id: 'toolu_9', name: 'f', input: { x: [1, 2] } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage.output_tokens_details).toEqual({ thinking_tokens: expect.any(Number) });
  });

  it('maps every finish reason to its stop_reason', async () => {
    const cases = [
      ['stop', 'end_turn'],
      ['length', 'max_tokens'],
      ['tool_calls', 'tool_use'],
      ['content_filter', 'refusal'],
    ] as const;
    for (const [finishReason, stopReason] of cases) {
      sim.enqueue(MODEL, { text: 'x', finishReason });
      expect((await client().messages.create(ask('hi'))).stop_reason).toBe(stopReason);
    }
  });

  it('stops at max_tokens like a real model', async () => {
    sim.enqueue(MODEL, { text: 'a long answer that goes on and on and on and on and on' });
    const message = await client().messages.create(ask('hi', { max_tokens: 2 }));
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage.output_tokens).toBe(2);
  });
});

describe('anthropic protocol: streams', () => {
  it('sends named SSE events exactly in the recorded shape, ending with message_stop', async () => {
    sim.enqueue(MODEL, { text: 'Hi there', usage: { input: 7, output: 2 } });
    const response = await fetch(`${sim.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...ask('hi'), stream: true }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    const text = await response.text();
    const frames = text.split('\n\n').filter(Boolean);
    for (const frame of frames) {
      const [eventLine, dataLine, ...rest] = frame.split('\n');
      expect(rest).toEqual([]);
      const event = eventLine!.replace(/^event: /, '');
      expect(JSON.parse(dataLine!.replace(/^data: /, '')).type).toBe(event);
    }
    expect(frames.map((frame) => frame.split('\n')[0]!.slice('event: '.length))).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(JSON.parse(frames[6]!.split('\n')[1]!.slice(6))).toMatchObject({
      delta: { stop_reason: 'end_turn' },
      usage: { output_tokens: 2 },
    });
  });

  it('streams thinking, text and tool input that the SDK accumulates into the same message', async () => {
    sim.enqueue(MODEL, {
      reasoning: 'step one, step two',
      text: 'Let me look that up.',
      toolCalls: [
        { id: 'toolu_a', name: 'search', arguments: { query: 'weather in a long city name', limit: 5 } },
        { id: 'toolu_b', name: 'noop', arguments: {} },
      ],
      usage: { input: 50, cachedInput: 20, output: 40 },
    });
    const final = await client().messages.stream(ask('hi')).finalMessage();
    expect(final.content).toEqual([
      expect.objectContaining({ type: 'thinking', thinking: 'step one, step two', signature: expect.any(String) }),
      expect.objectContaining({ type: 'text', text: 'Let me look that up.' }),
      expect.objectContaining({
        type: 'tool_use',
        id: 'toolu_a',
        name: 'search',
        input: { query: 'weather in a long city name', limit: 5 },
      }),
      expect.objectContaining({ type: 'tool_use', id: 'toolu_b', name: 'noop', input: {} }),
    ]);
    expect(final.stop_reason).toBe('tool_use');
    expect(final.usage).toMatchObject({ input_tokens: 30, cache_read_input_tokens: 20, output_tokens: 40 });
  });

  it('splits tool input into several input_json_delta pieces', async () => {
    sim.enqueue(MODEL, { toolCalls: [{ name: 'f', arguments: { text: 'a fairly long argument value to split' } }] });
    const stream = await client().messages.create({ ...ask('hi'), stream: true });
    const pieces: string[] = [];
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta' && event.delta.partial_json)
        pieces.push(event.delta.partial_json);
    }
    expect(pieces.length).toBeGreaterThan(2);
    expect(JSON.parse(pieces.join(''))).toEqual({ text: 'a fairly long argument value to split' });
  });

  it('sends an error event inside a 200 stream that the SDK throws as overloaded_error', async () => {
    sim.enqueue(MODEL, { text: 'never finished', fault: { type: 'error-frame', afterChunks: 2 } });
    const stream = await client().messages.create({ ...ask('hi'), stream: true });
    const seen: string[] = [];
    const error = await (async () => {
      try {
        for await (const event of stream) seen.push(event.type);
      } catch (caught) {
        return caught as APIError;
      }
      return undefined;
    })();
    expect(seen).toEqual(['message_start', 'content_block_start']);
    expect(error?.type).toBe('overloaded_error');
    expect(error?.apiMessage).toBe('Overloaded');
  });

  it('renders the error frame exactly, with the code as the error type', async () => {
    sim.enqueue(MODEL, { fault: { type: 'error-frame', afterChunks: 1, code: 'api_error', message: 'Internal' } });
    const response = await fetch(`${sim.url}/v1/messages`, { method: 'POST', body: JSON.stringify({ ...ask('hi'), stream: true }) });
    const text = await response.text();
    expect(text.endsWith('event: error\ndata: {"type":"error","error":{"type":"api_error","message":"Internal"}}\n\n')).toBe(true);
  });

  it('wraps replayed events in the event envelope and adds no terminal frame of its own', async () => {
    const chunks = [
      '{"type":"message_start","message":{"id":"msg_x","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}}',
      '{"type":"message_stop"}',
    ];
    sim.enqueue(MODEL, { raw: { chunks } });
    const response = await fetch(`${sim.url}/v1/messages`, { method: 'POST', body: JSON.stringify({ ...ask('hi'), stream: true }) });
    expect(await response.text()).toBe(`event: message_start\ndata: ${chunks[0]}\n\nevent: message_stop\ndata: ${chunks[1]}\n\n`);
  });
});

describe('anthropic protocol: HTTP errors', () => {
  const cases: Array<[number, string]> = [
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [413, 'request_too_large'],
    [429, 'rate_limit_error'],
    [500, 'api_error'],
    [529, 'overloaded_error'],
  ];
  for (const [status, type] of cases) {
    it(`answers ${status} with a ${type} body`, async () => {
      sim.enqueue(MODEL, { fault: { type: 'http', status, message: `failure ${status}` } });
      const error = (await client()
        .messages.create(ask('hi'))
        .catch((caught: unknown) => caught)) as APIError;
      expect(error.status).toBe(status);
      expect(error.type).toBe(type);
      expect(error.apiMessage).toBe(`failure ${status}`);
      expect(error.error).toMatchObject({
        type: 'error',
        error: { type, message: `failure ${status}` },
        request_id: expect.stringMatching(/^req_/),
      });
      expect(error.requestID).toMatch(/^req_/);
    });
  }

  it('sends retry-after with a 429 and takes an explicit error type', async () => {
    sim.enqueue(MODEL, { fault: { type: 'http', status: 429, retryAfter: 7, code: 'billing_error' } });
    const error = (await client()
      .messages.create(ask('hi'))
      .catch((caught: unknown) => caught)) as APIError;
    expect(error.headers?.get('retry-after')).toBe('7');
    expect(error.type).toBe('billing_error');
  });
});
