import type OpenAI from 'openai';
import { zodFunction, zodResponseFormat } from 'openai/helpers/zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ZenError } from '../../src/index.js';
import { parseCompletion, runToolsCompletion, streamCompletion } from '../../src/faces/openai-chat-helpers.js';
import { useSimulator } from '../helpers/simulator.js';
import { FAMILIES, upstream, zenOver } from './helpers.js';

/**
 * Drop-in proof for the openai SDK's helpers: each script body is what its author writes for
 * `new OpenAI()`, run unchanged but for the client line, served by a model of each family.
 */

const sim = useSimulator();

const Person = z.object({ name: z.string(), age: z.number() });

function getWeather(args: { city: string }): { city: string; temperature: number } {
  return { city: args.city, temperature: 21 };
}

describe.each(FAMILIES)('an openai-SDK helper script served by %s', (MODEL) => {
  it('chat.completions.parse with zodResponseFormat: message.parsed is typed from the schema', async () => {
    const client = await zenOver(sim); // was: const client = new OpenAI();

    const completion = await client.chat.completions.parse({
      model: MODEL,
      messages: [{ role: 'user', content: 'Invent a person.' }],
      response_format: zodResponseFormat(Person, 'person'),
    });
    const person = completion.choices[0]!.message.parsed;
    const name: string | undefined = person?.name; // a type error if `parsed` were not the schema's type

    expect(person).toEqual({ name: expect.any(String), age: expect.any(Number) });
    expect(name).toBe(person!.name);
    expect(completion.zen.model).toBe(MODEL);
    // The wire carried the schema zodResponseFormat built, in the family's own form.
    expect(JSON.stringify(sim.callsFor(upstream(MODEL))[0]!.body)).toContain('"age"');
  });

  it('chat.completions.parse with zodFunction tools: parsed_arguments', async () => {
    sim.enqueue(upstream(MODEL), { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] });
    const client = await zenOver(sim); // was: const client = new OpenAI();

    const completion = await client.chat.completions.parse({
      model: MODEL,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [zodFunction({ name: 'get_weather', parameters: z.object({ city: z.string() }) })],
    });
    const call = completion.choices[0]!.message.tool_calls![0]!;

    // openai 7 types custom tool calls in this list too.
    if (call.type !== 'function') throw new Error(`expected a function tool call, got ${call.type}`);
    expect(call.function.name).toBe('get_weather');
    expect(call.function.parsed_arguments).toEqual({ city: 'Paris' });
  });

  it('chat.completions.stream: content.delta events and finalChatCompletion()', async () => {
    sim.enqueue(upstream(MODEL), { text: 'One two three four.' });
    const client = await zenOver(sim); // was: const client = new OpenAI();

    let printed = '';
    const stream = client.chat.completions
      .stream({ model: MODEL, messages: [{ role: 'user', content: 'Count.' }] })
      .on('content.delta', ({ delta }) => {
        printed += delta;
      });
    const final = await stream.finalChatCompletion();

    expect(printed).toBe('One two three four.');
    expect(final.choices[0]!.message.content).toBe('One two three four.');
    expect(final.choices[0]!.finish_reason).toBe('stop');
  });

  it('chat.completions.stream with a zod response_format: the final message is parsed', async () => {
    const client = await zenOver(sim); // was: const client = new OpenAI();

    const stream = client.chat.completions.stream({
      model: MODEL,
      messages: [{ role: 'user', content: 'Invent a person.' }],
      response_format: zodResponseFormat(Person, 'person'),
    });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const final = await stream.finalChatCompletion();

    expect(chunks.length).toBeGreaterThan(0);
    expect(final.choices[0]!.message.parsed).toEqual({ name: expect.any(String), age: expect.any(Number) });
  });

  it('runTools: calls the function the model asks for, sends its result back, and ends with the answer', async () => {
    sim.enqueue(
      upstream(MODEL),
      { toolCalls: [{ name: 'getWeather', arguments: { city: 'Paris' } }] },
      { text: 'It is 21 degrees in Paris.' },
    );
    const client = await zenOver(sim); // was: const client = new OpenAI();

    const runner = client.chat.completions.runTools({
      model: MODEL,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [
        {
          type: 'function',
          function: {
            function: getWeather,
            description: 'Weather for a city',
            parse: JSON.parse,
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        },
      ],
    });
    const called: string[] = [];
    runner.on('functionToolCall', (call) => called.push(call.name));
    const content = await runner.finalContent();

    expect(called).toEqual(['getWeather']);
    expect(content).toBe('It is 21 degrees in Paris.');
    expect(runner.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    // The second request carried the function's result to the model.
    const calls = sim.callsFor(upstream(MODEL));
    expect(calls).toHaveLength(2);
    expect(JSON.stringify(calls[1]!.body)).toContain('21');
  });

  it('runTools with stream: true and a zodFunction tool', async () => {
    sim.enqueue(upstream(MODEL), { toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] }, { text: 'Cold in Oslo.' });
    const client = await zenOver(sim); // was: const client = new OpenAI();

    const runner = client.chat.completions.runTools({
      model: MODEL,
      stream: true,
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [zodFunction({ name: 'get_weather', parameters: z.object({ city: z.string() }), function: getWeather })],
    });
    let printed = '';
    runner.on('content', (delta) => {
      printed += delta;
    });
    const results: string[] = [];
    runner.on('functionToolCallResult', (result) => results.push(result));
    const content = await runner.finalContent();

    expect(results).toEqual([JSON.stringify({ city: 'Oslo', temperature: 21 })]);
    expect(content).toBe('Cold in Oslo.');
    expect(printed).toBe('Cold in Oslo.');
  });

  it('.withResponse() and .asResponse() on create()', async () => {
    sim.enqueue(upstream(MODEL), { text: 'Hi there.' }, { text: 'Hi again.' });
    const client = await zenOver(sim); // was: const client = new OpenAI();

    const { data, response, request_id } = await client.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    const raw = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }] }).asResponse();
    const body = (await raw.json()) as OpenAI.Chat.ChatCompletion;

    expect(data.choices[0]!.message.content).toBe('Hi there.');
    expect(response.status).toBe(200);
    expect(request_id).toBe(data.zen.requestId);
    expect(response.headers.get('x-zen-model')).toBe(MODEL);
    expect(body.choices[0]!.message.content).toBe('Hi again.');
    expect(Number(response.headers.get('x-zen-cost-usd'))).toBe(data.zen.cost.total);
    expect(raw.headers.get('content-type')).toBe('application/json');
  });

  it('.withResponse() on a stream: the data is the stream, the response body its server-sent events', async () => {
    sim.enqueue(upstream(MODEL), { text: 'Streamed.' }, { text: 'As events.' });
    const client = await zenOver(sim); // was: const client = new OpenAI();

    const { data: stream, response } = await client.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }], stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    const raw = await client.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }], stream: true })
      .asResponse();
    const events = await raw.text();

    expect(text).toBe('Streamed.');
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('x-zen-cost-usd')).toBeNull();
    expect(events.endsWith('data: [DONE]\n\n')).toBe(true);
    const deltas = events
      .split('\n\n')
      .filter((frame) => frame.startsWith('data: {'))
      .map((frame) => (JSON.parse(frame.slice(6)) as OpenAI.Chat.ChatCompletionChunk).choices[0]?.delta.content ?? '');
    expect(deltas.join('')).toBe('As events.');
  });
});

describe('.withResponse() and .asResponse() on the other openai faces', () => {
  it('embeddings.create and images.generate', async () => {
    const client = await zenOver(sim); // was: const client = new OpenAI();

    const {
      data: embedding,
      response,
      request_id,
    } = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] }).withResponse();
    const raw = await client.images.generate({ model: 'gpt-image-1', prompt: 'A lighthouse at dusk' }).asResponse();
    const images = (await raw.json()) as OpenAI.ImagesResponse;

    expect(embedding.data).toHaveLength(2);
    expect(request_id).toBe(embedding.zen.requestId);
    expect(((await response.json()) as OpenAI.CreateEmbeddingResponse).data[1]!.embedding).toEqual(embedding.data[1]!.embedding);
    expect(response.headers.get('x-zen-channel')).toBe('openai/text-embedding-3-small:openai');
    expect(images.data).toHaveLength(1);
    expect(raw.headers.get('x-zen-model')).toBe('openai/gpt-image-1');
  });

  it('a failed call rejects withResponse() and asResponse() with its ZenError', async () => {
    const client = await zenOver(sim);
    const error = await client.embeddings
      .create({ model: 'text-embedding-3-small', input: [] })
      .withResponse()
      .catch((caught: unknown) => caught);
    expect(ZenError.isInstance(error) && error.kind).toBe('invalid_request');
    const raw = await client.chat.completions
      .create({ model: 'acme/none', messages: [{ role: 'user', content: 'hi' }] })
      .asResponse()
      .catch((caught: unknown) => caught);
    expect(ZenError.isInstance(raw) && raw.kind).toBe('configuration');
  });
});

describe('the helpers refuse bad input and a missing openai SDK clearly', () => {
  const missing = (): never => {
    throw Object.assign(new Error("Cannot find module 'openai/lib/parser'"), { code: 'MODULE_NOT_FOUND' });
  };
  const body = { model: 'openai/gpt-5-mini', messages: [{ role: 'user' as const, content: 'hi' }] };

  it('names the openai SDK and the method when it is not installed', async () => {
    const client = await zenOver(sim);
    const completions = client.chat.completions;
    const parse = await parseCompletion(completions, body, undefined, missing).catch((error: unknown) => error);
    expect(ZenError.isInstance(parse) && parse.kind).toBe('configuration');
    expect((parse as ZenError).message).toMatch(/zen\.chat\.completions\.parse\(\) needs the optional peer dependency 'openai'/);
    expect(() => streamCompletion(completions, body, undefined, missing)).toThrow(/zen\.chat\.completions\.stream\(\) needs .*'openai'/);
    expect(() => runToolsCompletion(completions, { ...body, tools: [] }, undefined, missing)).toThrow(/runTools\(\) needs .*'openai'/);
    expect(sim.calls).toHaveLength(0);
  });

  it('names the field of a malformed request at once, and sends nothing', async () => {
    const client = await zenOver(sim);
    const bad = { model: 'openai/gpt-5-mini', messages: 'hi' } as unknown as Parameters<typeof client.chat.completions.stream>[0];
    expect(() => client.chat.completions.stream(bad)).toThrow(ZenError);
    expect(() => client.chat.completions.stream(bad)).toThrow(/messages/);
    const noTools = { model: 'openai/gpt-5-mini', messages: [{ role: 'user', content: 'hi' }] } as unknown as Parameters<
      typeof client.chat.completions.runTools
    >[0];
    expect(() => client.chat.completions.runTools(noTools)).toThrow(/tools must be an array/);
    const parse = await client.chat.completions.parse(bad as never).catch((error: unknown) => error);
    expect(ZenError.isInstance(parse) && parse.kind).toBe('invalid_request');
    expect(sim.calls).toHaveLength(0);
  });

  it('a failed routed call reaches the stream helper as its error: the SDK wraps it, the ZenError is its cause', async () => {
    sim.enqueue('gpt-5-mini', { fault: { type: 'http', status: 400, message: 'bad request' } });
    const client = await zenOver(sim);
    const stream = client.chat.completions.stream(body);
    const error = await stream.finalChatCompletion().catch((caught: unknown) => caught);
    // The SDK's EventStream wraps any error that is not its own in an OpenAIError, with the original as `cause`.
    const cause = (error as Error).cause;
    expect(ZenError.isInstance(cause) && cause.kind).toBe('invalid_request');
    expect((error as Error).message).toContain('400 bad request');
  });
});

describe('models.list() and models.retrieve() in the openai shape', () => {
  it('lists what the configured providers serve, iterable and as a page, with zenrouter’s facts in `zen`; nothing is sent', async () => {
    const client = await zenOver(sim); // was: const client = new OpenAI();

    const page = await client.models.list();
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    const model = await client.models.retrieve('gpt-5-mini');

    expect(page.object).toBe('list');
    expect(page.data.map((entry) => entry.id)).toEqual(ids);
    expect(page.hasNextPage()).toBe(false);
    for (const id of [
      'openai/gpt-5-mini',
      'google/gemini-2.5-flash',
      'anthropic/claude-3-5-haiku-20241022',
      'openai/text-embedding-3-small',
      'google/gemini-embedding-001',
    ])
      expect(ids).toContain(id);
    // A model the bundled list lacks but a configured provider serves is still retrieved.
    expect((await client.models.retrieve('claude-haiku-4-5')).zen.providers).toEqual(['anthropic']);
    expect(ids).toEqual([...ids].sort());
    for (const entry of page.data) {
      expect(entry).toMatchObject({ object: 'model', owned_by: entry.id.split('/')[0] });
      expect(entry.zen.providers.length).toBeGreaterThan(0);
    }
    expect(model).toMatchObject({
      id: 'openai/gpt-5-mini',
      object: 'model',
      owned_by: 'openai',
      zen: { providers: ['openai'], known: true },
    });
    expect(model.created).toBeGreaterThan(Date.parse('2025-01-01') / 1000);
    expect(model.zen.price?.inputPerMTok).toBeGreaterThan(0);
    expect(page.data.find((entry) => entry.id === 'openai/text-embedding-3-small')?.zen.embedding).toMatchObject({ dimensions: 1536 });
    // The ids route: the same id as `model` of a call.
    const completion = await client.chat.completions.create({ model: model.id, messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.zen.model).toBe(model.id);
    expect(sim.calls).toHaveLength(1);
  });

  it('lists only the providers configured, and a pinned or unserved id is handled by name', async () => {
    const client = await zenOver(sim, {}, { anthropic: false, google: false });
    const { data } = await client.models.list();
    expect(data.length).toBeGreaterThan(0);
    expect(data.every((entry) => entry.id.startsWith('openai/'))).toBe(true);
    expect((await client.models.retrieve('openai/gpt-5-mini:openai')).zen.providers).toEqual(['openai']);
    const missing = await client.models.retrieve('claude-haiku-4-5').catch((error: unknown) => error);
    expect(ZenError.isInstance(missing) && missing.kind).toBe('not_found');
    expect((missing as ZenError).message).toMatch(
      /No configured provider serves the model 'anthropic\/claude-haiku-4-5'.*Configured providers: openai/,
    );
    const empty = await client.models.retrieve('').catch((error: unknown) => error);
    expect(ZenError.isInstance(empty) && empty.kind).toBe('invalid_request');
  });

  it('keeps the Gemini methods on zen.models', async () => {
    const client = await zenOver(sim);
    const response = await client.models.generateContent({ model: 'google/gemini-2.5-flash', contents: 'Say hi.' });
    expect(response.text).toContain('Say hi.');
    expect((await client.models.list().withResponse()).response.status).toBe(200);
  });
});

describe('zen.withOptions()', () => {
  it('gives defaults to every call of the client it returns; a call’s own options win; the original is unchanged', async () => {
    const client = await zenOver(sim); // was: const client = new OpenAI();
    const model = 'openai/gpt-5-mini';
    const failOnce = (): void => {
      sim.enqueue('gpt-5-mini', { fault: { type: 'http', status: 500, message: 'upstream failed' } }, { text: 'ok' });
    };

    failOnce();
    const noRetries = client.withOptions({ maxRetries: 0 });
    const error = await noRetries.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(ZenError.isInstance(error) && error.attempts).toEqual([
      expect.objectContaining({ channel: 'openai/gpt-5-mini:openai', kind: 'server' }),
    ]);
    sim.reset();

    failOnce();
    const retried = await noRetries.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }, { maxRetries: 1 });
    expect(retried.choices[0]!.message.content).toBe('ok');
    sim.reset();

    failOnce();
    const original = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
    expect(original.choices[0]!.message.content).toBe('ok');
  });

  it('applies to every face, shares the ledger and listeners, and nests', async () => {
    const client = await zenOver(sim);
    const patient = client.withOptions({ timeout: 30_000 });
    const pinned = patient.withOptions({ zen: { models: ['anthropic/claude-haiku-4-5'] } });
    const routed: string[] = [];
    pinned.on('route', (event) => routed.push(event.requestId));
    const seen: string[] = [];
    client.on('route', (event) => seen.push(event.requestId));
    const deadlines: Array<number | undefined> = [];
    client.use(async (call, next) => {
      deadlines.push(call.options.timeouts?.totalMs);
      return next();
    });

    const completion = await pinned.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] });
    const message = await pinned.messages.create({ model: 'auto', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    const embedding = await patient.embeddings.create({ model: 'openai/text-embedding-3-small', input: 'hi' });
    await client.flush();

    expect(completion.zen.model).toBe('anthropic/claude-haiku-4-5');
    expect(message.zen.model).toBe('anthropic/claude-haiku-4-5');
    expect(embedding.data).toHaveLength(1);
    expect(routed).toEqual([completion.zen.requestId, message.zen.requestId, embedding.zen.requestId]);
    expect(seen).toEqual(routed);
    expect(deadlines).toEqual([30_000, 30_000, 30_000]);
    expect(pinned.ledger).toBe(client.ledger);
    const records: unknown[] = [];
    for await (const record of client.ledger.query({ requestId: completion.zen.requestId, types: ['request'] })) records.push(record);
    expect(records).toEqual([expect.objectContaining({ channel: 'anthropic/claude-haiku-4-5:anthropic' })]);
  });

  it('refuses what it cannot apply, by name', async () => {
    const client = await zenOver(sim);
    expect(() => client.withOptions({ apiKey: 'sk-x', baseURL: 'http://x' } as never)).toThrow(
      /withOptions\(\) does not take 'apiKey', 'baseURL'/,
    );
    expect(() => client.withOptions({ timeout: -1 })).toThrow(ZenError);
    expect(() => client.withOptions({}).use(async (_call, next) => next())).toThrow(/call use\(\) there/);
  });
});
