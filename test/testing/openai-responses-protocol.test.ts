import OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { describe, expect, it } from 'vitest';
import type { SimRequestSummary } from '../../src/testing/index.js';
import { useSimulator } from '../helpers/simulator.js';

/** The simulator's `/v1/responses`, read by the real openai SDK: JSON, typed SSE events, the store, faults. */

const sim = useSimulator();
const client = () => new OpenAI({ apiKey: 'sk-test-protocol', baseURL: sim.openaiBaseURL, maxRetries: 0, logLevel: 'off' });

async function events(stream: AsyncIterable<ResponseStreamEvent>): Promise<ResponseStreamEvent[]> {
  const out: ResponseStreamEvent[] = [];
  for await (const event of stream) out.push(event);
  return out;
}

describe('responses request summary', () => {
  it('reads the input items, tools, tool choice, format and limit', async () => {
    const seen: SimRequestSummary[] = [];
    sim.setDefault('*', (summary) => {
      seen.push(summary);
      return { text: 'ok' };
    });
    await client().responses.create({
      model: 'gpt-sim',
      instructions: 'Be brief.',
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'first ' },
            { type: 'input_text', text: 'question' },
          ],
        },
        { type: 'function_call', call_id: 'c1', name: 'lookup', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: 'result text' },
      ],
      tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } }, strict: false }],
      tool_choice: { type: 'function', name: 'lookup' },
      text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object', properties: { a: { type: 'number' } } } } },
      max_output_tokens: 40,
    });
    expect(seen[0]).toMatchObject({
      model: 'gpt-sim',
      stream: false,
      lastUserText: 'first question',
      lastIsToolResult: true,
      toolResultText: 'result text',
      tools: [{ name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } }],
      toolChoice: 'lookup',
      jsonSchema: { type: 'object', properties: { a: { type: 'number' } } },
      maxOutputTokens: 40,
    });
  });
});

describe('responses JSON', () => {
  it('answers a Response with usage, output_text and the echoed settings', async () => {
    sim.enqueue('gpt-sim', {
      text: 'Hello there.',
      reasoning: 'Greet back.',
      usage: { input: 12, output: 9, cachedInput: 4, reasoning: 3 },
    });
    const response = await client().responses.create({
      model: 'gpt-sim',
      input: 'Hi',
      instructions: 'Be kind.',
      temperature: 0.2,
      metadata: { team: 'a' },
    });
    expect(response.object).toBe('response');
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('Hello there.');
    expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect(response.usage).toEqual({
      input_tokens: 12,
      input_tokens_details: { cached_tokens: 4 },
      output_tokens: 9,
      output_tokens_details: { reasoning_tokens: 3 },
      total_tokens: 21,
    });
    expect(response).toMatchObject({
      instructions: 'Be kind.',
      temperature: 0.2,
      metadata: { team: 'a' },
      incomplete_details: null,
      error: null,
    });
  });

  it('calls a function tool by default when tools are offered, then answers from its result', async () => {
    const tools: OpenAI.Responses.Tool[] = [
      {
        type: 'function',
        name: 'get_weather',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        strict: true,
      },
    ];
    const first = await client().responses.create({ model: 'gpt-sim', input: 'Weather in Paris?', tools });
    const call = first.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', arguments: '{"city":"example"}', status: 'completed' });
    const second = await client().responses.create({
      model: 'gpt-sim',
      tools,
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        ...first.output.filter((item) => item.type === 'function_call'),
        { type: 'function_call_output', call_id: call!.type === 'function_call' ? call!.call_id : '', output: '{"temp": 21}' },
      ],
    });
    expect(second.output_text).toContain('{"temp": 21}');
  });

  it('reports a length cut as incomplete with max_output_tokens', async () => {
    sim.enqueue('gpt-sim', { text: 'word '.repeat(200) });
    const response = await client().responses.create({ model: 'gpt-sim', input: 'Talk', max_output_tokens: 5 });
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(response.usage?.output_tokens).toBe(5);
  });

  it('leaves a call item for each hosted tool before the message, and a citation for web search', async () => {
    const response = await client().responses.create({
      model: 'gpt-sim',
      input: 'News?',
      tools: [{ type: 'web_search' }, { type: 'code_interpreter', container: { type: 'auto' } }],
    });
    expect(response.output.map((item) => item.type)).toEqual(['web_search_call', 'code_interpreter_call', 'message']);
    const message = response.output[2]!;
    expect(message.type === 'message' && message.content[0]!.type === 'output_text' && message.content[0]!.annotations[0]!.type).toBe(
      'url_citation',
    );
  });

  it('keeps responses for previous_response_id, retrieve and delete; an unknown id is a 404 naming the param', async () => {
    sim.enqueue('gpt-sim', { text: 'Noted: 7.' });
    const first = await client().responses.create({ model: 'gpt-sim', input: 'Remember 7.' });
    const seen: SimRequestSummary[] = [];
    sim.enqueue('gpt-sim', (summary) => {
      seen.push(summary);
      return { text: 'It was 7.' };
    });
    const second = await client().responses.create({ model: 'gpt-sim', input: 'What number?', previous_response_id: first.id });
    expect(second.previous_response_id).toBe(first.id);
    expect(seen[0]!.inputTokens).toBeGreaterThan(
      Math.ceil(JSON.stringify(['', [{ role: 'user', content: 'What number?' }], []]).length / 4),
    );
    expect((await client().responses.retrieve(first.id)).output_text).toBe('Noted: 7.');
    await client().responses.delete(first.id);
    const error = await client()
      .responses.create({ model: 'gpt-sim', input: 'x', previous_response_id: first.id })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).param).toBe('previous_response_id');
    const unstored = await client().responses.create({ model: 'gpt-sim', input: 'x', store: false });
    await expect(client().responses.retrieve(unstored.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe('responses SSE', () => {
  it('sends the typed events in order with sequence numbers, and the SDK accumulator rebuilds the response', async () => {
    sim.enqueue('gpt-sim', {
      text: 'One two three.',
      toolCalls: [{ name: 'f', arguments: { a: 1 }, id: 'call_1' }],
      usage: { input: 5, output: 7 },
    });
    const stream = client().responses.stream({
      model: 'gpt-sim',
      input: 'Count',
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' }, strict: false }],
    });
    const seen: ResponseStreamEvent[] = [];
    stream.on('event', (event) => seen.push(event));
    const final = await stream.finalResponse();
    expect(seen.map((event) => event.sequence_number)).toEqual(seen.map((_, index) => index));
    const types = [...new Set(seen.map((event) => event.type))];
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.completed',
    ]);
    expect(final.output_text).toBe('One two three.');
    expect(final.output[1]).toMatchObject({ type: 'function_call', call_id: 'call_1', arguments: '{"a":1}' });
    expect(final.usage).toMatchObject({ input_tokens: 5, output_tokens: 7, total_tokens: 12 });
  });

  it('ends a length cut with response.incomplete', async () => {
    sim.enqueue('gpt-sim', { text: 'word '.repeat(50) });
    const seen = await events(await client().responses.create({ model: 'gpt-sim', input: 'Talk', max_output_tokens: 3, stream: true }));
    expect(seen.at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } },
    });
  });

  it('fails like the API: an HTTP error before the stream, an error event inside it, a cut without the terminal event', async () => {
    sim.enqueue('gpt-sim', { fault: { type: 'http', status: 429, retryAfter: 2 } });
    await expect(client().responses.create({ model: 'gpt-sim', input: 'x', stream: true })).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    sim.enqueue('gpt-sim', {
      text: 'a b c d',
      fault: { type: 'error-frame', afterChunks: 4, message: 'Overloaded', code: 'server_error' },
    });
    const withError = await events(await client().responses.create({ model: 'gpt-sim', input: 'x', stream: true }));
    expect(withError.at(-1)).toMatchObject({ type: 'error', code: 'server_error', message: 'Overloaded' });
    sim.enqueue('gpt-sim', { text: 'a b c d', fault: { type: 'cut', afterChunks: 5 } });
    const cut = await events(await client().responses.create({ model: 'gpt-sim', input: 'x', stream: true }));
    expect(cut.map((event) => event.type)).not.toContain('response.completed');
    expect(cut).toHaveLength(5);
  });
});
