import { crc32, inflateSync } from 'node:zlib';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { SimRequestSummary } from '../../src/testing/index.js';
import { recordedBody } from '../helpers/fixtures.js';
import { useSimulator } from '../helpers/simulator.js';

const sim = useSimulator();
const client = () => new OpenAI({ apiKey: 'sk-test-protocol', baseURL: sim.openaiBaseURL, maxRetries: 0, logLevel: 'off' });

/** Posts a chat body with fetch, to see the exact bytes the SDK would parse. */
async function postChat(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${sim.openaiBaseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .filter((frame) => frame !== '')
    .map((frame) => {
      expect(frame.startsWith('data: ')).toBe(true);
      return frame.slice('data: '.length);
    });
}

function keysOf(value: unknown): string[] {
  return Object.keys(value as object).sort();
}

describe('chat completions request summary', () => {
  it('reads model, texts, tools, tool choice, schema and limits from the body', async () => {
    const seen: SimRequestSummary[] = [];
    sim.setDefault('*', (summary) => {
      seen.push(summary);
      return { text: 'ok' };
    });
    const tools = [
      { type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } },
    ];
    await client().chat.completions.create({
      model: 'gpt-sim',
      messages: [
        { role: 'system', content: 'be brief' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'first ' },
            { type: 'text', text: 'question' },
          ],
        },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'result text' },
      ],
      tools,
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'out', schema: { type: 'object', properties: { a: { type: 'number' } } } },
      },
      max_tokens: 50,
      max_completion_tokens: 40,
    });
    await client()
      .chat.completions.create({
        model: 'gpt-sim',
        messages: [{ role: 'user', content: 'plain' }],
        response_format: { type: 'json_object' },
        max_tokens: 30,
        tool_choice: 'none',
        stream: true,
      })
      .then(async (stream) => {
        for await (const _ of stream) void _;
      });

    expect(seen[0]).toMatchObject({
      model: 'gpt-sim',
      stream: false,
      lastUserText: 'first question',
      lastIsToolResult: true,
      toolResultText: 'result text',
      tools: [{ name: 'lookup', parameters: tools[0]!.function.parameters }],
      toolChoice: 'lookup',
      jsonSchema: { type: 'object', properties: { a: { type: 'number' } } },
      maxOutputTokens: 40,
    });
    expect(seen[0]!.inputTokens).toBeGreaterThan(20);
    expect(seen[1]).toMatchObject({
      stream: true,
      lastUserText: 'plain',
      lastIsToolResult: false,
      toolChoice: 'none',
      jsonSchema: {},
      maxOutputTokens: 30,
      tools: [],
    });
  });
});

describe('chat completions JSON', () => {
  it('has the shape of the recorded API response', async () => {
    sim.enqueue('gpt-sim', { text: 'Hello there', usage: { input: 12, output: 3, cachedInput: 4 } });
    const response = await postChat({ model: 'gpt-sim', messages: [{ role: 'user', content: 'hi' }] });
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    const body = (await response.json()) as Record<string, any>;
    const recorded = JSON.parse(recordedBody('openai/openai-text.json')) as Record<string, any>;
    expect(keysOf(body)).toEqual(keysOf(recorded));
    expect(keysOf(body.choices[0])).toEqual(keysOf(recorded.choices[0]));
    expect(keysOf(body.choices[0].message)).toEqual(keysOf(recorded.choices[0].message));
    expect(keysOf(body.usage)).toEqual(keysOf(recorded.usage));
    expect(body.id).toMatch(/^chatcmpl-/);
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-sim',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Hello there', refusal: null, annotations: [] }, finish_reason: 'stop' },
      ],
      usage: {
        prompt_tokens: 12,
        completion_tokens: 3,
        total_tokens: 15,
        prompt_tokens_details: { cached_tokens: 4 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
  });

  it('sends tool calls with null content, and reasoning_content when there is reasoning', async () => {
    sim.enqueue('gpt-sim', { toolCalls: [{ id: 'call_1', name: 'lookup', arguments: { q: 'x' } }] });
    sim.enqueue('deepseek-reasoner', { reasoning: 'Think first.', text: 'Answer.', usage: { reasoning: 3 } });
    const tool = await client().chat.completions.create({ model: 'gpt-sim', messages: [{ role: 'user', content: 'use it' }] });
    expect(tool.choices[0]!.finish_reason).toBe('tool_calls');
    expect(tool.choices[0]!.message.content).toBeNull();
    expect(tool.choices[0]!.message.tool_calls).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } },
    ]);

    const reasoned = await client().chat.completions.create({ model: 'deepseek-reasoner', messages: [{ role: 'user', content: 'why' }] });
    expect((reasoned.choices[0]!.message as unknown as { reasoning_content: string }).reasoning_content).toBe('Think first.');
    expect(reasoned.usage?.completion_tokens_details?.reasoning_tokens).toBe(3);
  });
});

describe('chat completions SSE', () => {
  it('streams a role chunk, one chunk per token, the finish chunk, the usage chunk and [DONE]', async () => {
    sim.enqueue('gpt-sim', { text: 'One two three', usage: { input: 7, output: 3 } });
    const response = await postChat({
      model: 'gpt-sim',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'count' }],
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const data = sseData(await response.text());
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((line) => JSON.parse(line) as Record<string, any>);
    expect(chunks[0]!.choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
    expect(chunks.slice(1, 4).map((chunk) => chunk.choices[0].delta.content)).toEqual(['One', ' two', ' three']);
    expect(chunks[4]!.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(chunks[5]).toMatchObject({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } });
    expect(chunks).toHaveLength(6);
    for (const chunk of chunks.slice(0, 5)) expect(chunk.usage).toBeNull();
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks[0]!.object).toBe('chat.completion.chunk');
  });

  it('sends no usage chunk and no usage member without include_usage', async () => {
    sim.enqueue('gpt-sim', { text: 'Hi' });
    const data = sseData(await (await postChat({ model: 'gpt-sim', stream: true, messages: [{ role: 'user', content: 'x' }] })).text());
    const chunks = data.slice(0, -1).map((line) => JSON.parse(line) as Record<string, any>);
    expect(chunks.every((chunk) => !('usage' in chunk) && chunk.choices.length === 1)).toBe(true);
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('stop');
  });

  it('streams tool calls as an opening delta then argument pieces, which the SDK reassembles', async () => {
    const args = { city: 'Paris', days: 3, units: 'metric' };
    sim.enqueue('gpt-sim', {
      toolCalls: [
        { id: 'call_a', name: 'forecast', arguments: args },
        { id: 'call_b', name: 'clock', arguments: {} },
      ],
    });
    const stream = await client().chat.completions.create({
      model: 'gpt-sim',
      stream: true,
      messages: [{ role: 'user', content: 'weather' }],
    });
    const deltas: any[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(deltas[0]).toEqual({ index: 0, id: 'call_a', type: 'function', function: { name: 'forecast', arguments: '' } });
    const pieces = deltas.filter((delta) => delta.index === 0).slice(1);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.every((delta) => delta.id === undefined)).toBe(true);
    expect(JSON.parse(pieces.map((delta) => delta.function.arguments).join(''))).toEqual(args);
    expect(deltas.find((delta) => delta.index === 1)).toMatchObject({ id: 'call_b', function: { name: 'clock' } });
    expect(finish).toBe('tool_calls');
  });

  it('streams reasoning_content deltas before the content', async () => {
    sim.enqueue('deepseek-reasoner', { reasoning: 'Let me think.', text: 'Done.' });
    const stream = await client().chat.completions.create({
      model: 'deepseek-reasoner',
      stream: true,
      messages: [{ role: 'user', content: 'q' }],
    });
    let order = '';
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { reasoning_content?: string; content?: string } | undefined;
      if (delta?.reasoning_content) order += `R(${delta.reasoning_content})`;
      if (delta?.content) order += `C(${delta.content})`;
    }
    expect(order).toBe('R(Let)R( me)R( think.)C(Done.)');
  });

  it('sends an error frame that the SDK throws as an APIError with the error type', async () => {
    sim.enqueue('gpt-sim', { text: 'a b c d', fault: { type: 'error-frame', afterChunks: 2, message: 'The server had an error.' } });
    const stream = await client().chat.completions.create({ model: 'gpt-sim', stream: true, messages: [{ role: 'user', content: 'x' }] });
    const text: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) text.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ status: undefined, type: 'server_error', message: 'The server had an error.' });
    expect(text).toEqual(['', 'a']);
  });
});

describe('chat completions HTTP errors', () => {
  it('answers the error body of the real API, with retry headers', async () => {
    sim.enqueue('gpt-sim', { fault: { type: 'http', status: 429, retryAfter: 2, retryAfterMs: 1500 } });
    const response = await postChat({ model: 'gpt-sim', messages: [{ role: 'user', content: 'x' }] });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(response.headers.get('retry-after-ms')).toBe('1500');
    expect(await response.json()).toEqual({
      error: { message: 'Rate limit exceeded.', type: 'requests', param: null, code: 'rate_limit_exceeded' },
    });
  });

  it.each([
    [400, {}, OpenAI.BadRequestError, 'invalid_request_error', null],
    [401, {}, OpenAI.AuthenticationError, 'invalid_request_error', 'invalid_api_key'],
    [404, {}, OpenAI.NotFoundError, 'invalid_request_error', 'model_not_found'],
    [429, { code: 'insufficient_quota' }, OpenAI.RateLimitError, 'insufficient_quota', 'insufficient_quota'],
    [500, {}, OpenAI.InternalServerError, 'server_error', null],
    [503, {}, OpenAI.InternalServerError, 'server_error', null],
  ] as const)('status %i becomes the SDK error class with type and code', async (status, extra, errorClass, type, code) => {
    sim.enqueue('gpt-sim', { fault: { type: 'http', status, ...extra } });
    const error = await client()
      .chat.completions.create({ model: 'gpt-sim', messages: [{ role: 'user', content: 'x' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toMatchObject({ status, type, code });
    expect((error as InstanceType<typeof OpenAI.APIError>).requestID).toMatch(/^req_/);
  });
});

describe('replay', () => {
  it('wraps recorded chunks in data lines and closes with [DONE]', async () => {
    sim.enqueue('gpt-sim', { raw: { chunks: ['{"a":1}', '{"b":2}'] } });
    const text = await (await postChat({ model: 'gpt-sim', stream: true, messages: [] })).text();
    expect(text).toBe('data: {"a":1}\n\ndata: {"b":2}\n\ndata: [DONE]\n\n');
  });
});

/** Checks a PNG's signature, chunk CRCs and IHDR, and that its pixel data inflates to the right size. */
function expectValidPng(bytes: Buffer): { width: number; height: number } {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let offset = 8;
  const chunks: Array<{ type: string; data: Buffer }> = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    expect(bytes.readUInt32BE(offset + 8 + length)).toBe(crc32(bytes.subarray(offset + 4, offset + 8 + length)));
    chunks.push({ type, data });
    offset += 12 + length;
  }
  expect(chunks.map((chunk) => chunk.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
  const header = chunks[0]!.data;
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  expect([...header.subarray(8)]).toEqual([8, 2, 0, 0, 0]);
  expect(inflateSync(chunks[1]!.data).length).toBe(height * (1 + width * 3));
  return { width, height };
}

describe('images', () => {
  it('generates n base64 PNGs with usage for GPT image models', async () => {
    const response = await client().images.generate({ model: 'gpt-image-1', prompt: 'a red square', n: 3, size: '1024x1024' });
    expect(response.data).toHaveLength(3);
    for (const image of response.data!) expect(expectValidPng(Buffer.from(image.b64_json!, 'base64'))).toEqual({ width: 8, height: 8 });
    expect(response.data![0]!.b64_json).not.toBe(response.data![1]!.b64_json);
    expect(response.usage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
    expect(sim.calls[0]).toMatchObject({ model: 'gpt-image-1', path: '/v1/images/generations', body: { prompt: 'a red square', n: 3 } });
  });

  it('serves DALL·E images at a URL by default, and base64 when asked', async () => {
    const byUrl = await client().images.generate({ model: 'dall-e-3', prompt: 'otter' });
    expect(byUrl.data).toHaveLength(1);
    expect(byUrl.data![0]!.revised_prompt).toContain('otter');
    const url = byUrl.data![0]!.url!;
    expect(url.startsWith(sim.url)).toBe(true);
    const file = await fetch(url);
    expect(file.headers.get('content-type')).toBe('image/png');
    expectValidPng(Buffer.from(await file.arrayBuffer()));

    const asBase64 = await client().images.generate({ model: 'dall-e-2', prompt: 'otter', n: 2, response_format: 'b64_json' });
    expect(asBase64.data!.map((image) => image.url)).toEqual([undefined, undefined]);
    expectValidPng(Buffer.from(asBase64.data![1]!.b64_json!, 'base64'));
    expect(asBase64.usage).toBeUndefined();
  });

  it('rejects response_format for GPT image models like the real API', async () => {
    const error = await client()
      .images.generate({ model: 'gpt-image-1', prompt: 'x', response_format: 'url' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ param: 'response_format' });
  });

  it('reads multipart edits and records the uploaded files', async () => {
    const png = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'in.png', { type: 'image/png' });
    const response = await client().images.edit({ model: 'gpt-image-1', prompt: 'make it blue', image: [png, png], n: 2 });
    expect(response.data).toHaveLength(2);
    expect(sim.calls[0]).toMatchObject({
      path: '/v1/images/edits',
      body: {
        model: 'gpt-image-1',
        prompt: 'make it blue',
        n: '2',
        image: [
          { name: 'in.png', type: 'image/png' },
          { name: 'in.png', type: 'image/png' },
        ],
      },
    });
  });

  it('applies scripted faults to image calls', async () => {
    sim.enqueue('gpt-image-1', { fault: { type: 'http', status: 500 } });
    const error = await client()
      .images.generate({ model: 'gpt-image-1', prompt: 'x' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(sim.calls[0]!.outcome).toBe('http');
  });
});

describe('models', () => {
  it('lists models', async () => {
    const ids: string[] = [];
    for await (const model of client().models.list()) ids.push(model.id);
    expect(ids).toContain('gpt-image-1');
  });
});
