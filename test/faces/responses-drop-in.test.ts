import OpenAI from 'openai';
import { ResponseStream } from 'openai/lib/responses/ResponseStream';
import type {
  Response,
  ResponseCreateParamsNonStreaming,
  ResponseCreateParamsStreaming,
  ResponseFunctionToolCall,
  ResponseInputItem,
  ResponseStreamEvent,
  Tool,
} from 'openai/resources/responses/responses';
import { describe, expect, it } from 'vitest';
import type { RequestRecord, ZenClient } from '../../src/index.js';
import type { SimRecordedCall } from '../../src/testing/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { FAMILIES, upstream, zenOver } from './helpers.js';

/**
 * Scripts written for the openai SDK's Responses API, run unchanged but for the client line: on
 * the real `OpenAI` client against the simulator's `/v1/responses` (which shows they are plain
 * openai code), and on a ZenClient serving an OpenAI, an Anthropic and a Gemini model through the
 * official SDKs. The answers, the stream's events, the usage and the ledger records are checked.
 */

const sim = useSimulator();

/** What the scripts use of a client: `responses.create`, typed by the openai SDK's own params and results. */
interface ResponsesClient {
  responses: {
    create(body: ResponseCreateParamsNonStreaming & { model: string }): PromiseLike<Response>;
    create(
      body: ResponseCreateParamsStreaming & { model: string },
    ): PromiseLike<AsyncIterable<ResponseStreamEvent> & { toReadableStream(): ReadableStream }>;
  };
}

// ---------------------------------------------------------------- the scripts (openai SDK code)

async function textCall(client: ResponsesClient, model: string): Promise<Response> {
  return client.responses.create({ model, instructions: 'Answer in one sentence.', input: 'What is the capital of France?' });
}

const tools: Tool[] = [
  {
    type: 'function',
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
    strict: true,
  },
];

function getWeather(args: { city: string }): { city: string; celsius: number } {
  return { city: args.city, celsius: 21 };
}

/** The function-calling loop of the openai docs: call, run the tools, send their output back, until an answer. */
async function functionLoop(
  client: ResponsesClient,
  model: string,
): Promise<{ answer: Response; turns: number; input: ResponseInputItem[] }> {
  const input: ResponseInputItem[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
  for (let turn = 1; turn <= 4; turn++) {
    const response = await client.responses.create({ model, input, tools, tool_choice: 'auto' });
    const calls = response.output.filter((item): item is ResponseFunctionToolCall => item.type === 'function_call');
    if (calls.length === 0) return { answer: response, turns: turn, input };
    for (const call of calls) {
      input.push(call);
      input.push({
        type: 'function_call_output',
        call_id: call.call_id,
        output: JSON.stringify(getWeather(JSON.parse(call.arguments) as { city: string })),
      });
    }
  }
  throw new Error('no answer after 4 turns');
}

async function jsonSchemaCall(client: ResponsesClient, model: string): Promise<{ name: string; age: number }> {
  const response = await client.responses.create({
    model,
    input: 'Invent a person.',
    text: {
      format: {
        type: 'json_schema',
        name: 'person',
        strict: true,
        schema: {
          type: 'object',
          properties: { name: { type: 'string' }, age: { type: 'integer' } },
          required: ['name', 'age'],
          additionalProperties: false,
        },
      },
    },
  });
  return JSON.parse(response.output_text) as { name: string; age: number };
}

/** A stream read by the SDK's own accumulator (what `openai.responses.stream()` uses). */
async function streamed(client: ResponsesClient, model: string): Promise<{ events: ResponseStreamEvent[]; text: string; final: Response }> {
  const stream = await client.responses.create({ model, input: 'Count to four.', stream: true });
  const runner = ResponseStream.fromReadableStream(stream.toReadableStream());
  const events: ResponseStreamEvent[] = [];
  let text = '';
  runner.on('event', (event) => events.push(event));
  runner.on('response.output_text.delta', (event) => (text += event.delta));
  const final = await runner.finalResponse();
  return { events, text, final };
}

async function continued(client: ResponsesClient, model: string): Promise<[Response, Response]> {
  const first = await client.responses.create({ model, input: 'My name is Ada.' });
  const second = await client.responses.create({ model, input: 'What is my name?', previous_response_id: first.id });
  return [first, second];
}

// ---------------------------------------------------------------- the runs

interface Run {
  name: string;
  /** The model the script asks for, and the simulator's name for it. */
  model: string;
  upstream: string;
  client: () => Promise<ResponsesClient>;
  zen?: ZenClient;
}

const openaiDirect: Run = {
  name: 'the openai SDK itself (simulator /v1/responses)',
  model: 'gpt-5-mini',
  upstream: 'gpt-5-mini',
  // The client line of the original script.
  client: async () => new OpenAI({ apiKey: 'sk-test-drop-in-000000000000', baseURL: sim.openaiBaseURL, maxRetries: 0, logLevel: 'off' }),
};

const zenRuns: Run[] = FAMILIES.map((model) => {
  const run: Run = {
    name: `a ZenClient serving ${model}`,
    model,
    upstream: upstream(model),
    // The only change: the client line.
    client: async () => (run.zen = await zenOver(sim)),
  };
  return run;
});

async function requestRecords(run: Run): Promise<RequestRecord[]> {
  if (!run.zen) return [];
  await run.zen.flush();
  const records: RequestRecord[] = [];
  for await (const record of run.zen.ledger.query({ types: ['request'] })) records.push(record as RequestRecord);
  return records;
}

/** Event types with repeated deltas folded, to compare orders. */
function shape(events: readonly ResponseStreamEvent[]): string[] {
  return events.map((event) => event.type).filter((type, index, all) => !(type.endsWith('.delta') && all[index - 1] === type));
}

/** A response with its ids and times replaced, to compare two calls that made the same answer. */
function normalized(response: Response): unknown {
  const ids = new Map<string, string>();
  return JSON.parse(JSON.stringify(response), (key, value: unknown) => {
    if (key === 'created_at' || key === 'completed_at') return typeof value === 'number' ? 0 : value;
    if ((key === 'id' || key === 'call_id') && typeof value === 'string') {
      if (!ids.has(value)) ids.set(value, `${key}-${ids.size}`);
      return ids.get(value);
    }
    return value;
  });
}

function lastUpstreamBody(name: string): string {
  const calls: SimRecordedCall[] = sim.callsFor(name);
  return JSON.stringify(calls.at(-1)?.body);
}

describe.each([openaiDirect, ...zenRuns])('Responses scripts on $name', (run) => {
  it('a text call: output_text, status, usage with cached and reasoning tokens', async () => {
    sim.enqueue(run.upstream, { text: 'Paris is the capital of France.', usage: { input: 30, cachedInput: 12, output: 9, reasoning: 2 } });
    const response = await textCall(await run.client(), run.model);
    expect(response.object).toBe('response');
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('Paris is the capital of France.');
    expect(response.output.map((item) => item.type)).toEqual(['message']);
    expect(response.instructions).toBe('Answer in one sentence.');
    expect(response.usage).toMatchObject({
      input_tokens: 30,
      input_tokens_details: { cached_tokens: 12 },
      output_tokens: 9,
      output_tokens_details: { reasoning_tokens: 2 },
      total_tokens: 39,
    });
    const records = await requestRecords(run);
    if (run.zen) {
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({
        face: 'openai-responses',
        stream: false,
        outcome: 'success',
        channel: `${run.model}:${run.model.split('/')[0]}`,
      });
      expect(records[0]!.usage).toMatchObject({ input: { total: 30, cacheRead: 12 }, output: { total: 9, reasoning: 2 } });
      expect((response as Response & { zen?: unknown }).zen).toMatchObject({ face: 'openai-responses', requestId: records[0]!.requestId });
      expect(JSON.parse(JSON.stringify(response))).not.toHaveProperty('zen');
    }
  });

  it('a multi-turn function-calling loop with function_call_output', async () => {
    const { answer, turns, input } = await functionLoop(await run.client(), run.model);
    expect(turns).toBe(2);
    expect(input.map((item) => ('type' in item && item.type) || 'message')).toEqual(['message', 'function_call', 'function_call_output']);
    expect(input[1]).toMatchObject({ type: 'function_call', name: 'get_weather', arguments: JSON.stringify({ city: 'example' }) });
    // The simulated model answers from the tool's output it received.
    expect(answer.output_text).toContain('"celsius":21');
    expect(answer.status).toBe('completed');
    const records = await requestRecords(run);
    if (run.zen)
      expect(records.map((record) => [record.face, record.outcome])).toEqual([
        ['openai-responses', 'success'],
        ['openai-responses', 'success'],
      ]);
  });

  it('a json_schema call', async () => {
    const person = await jsonSchemaCall(await run.client(), run.model);
    expect(person).toEqual({ name: 'example', age: 1 });
  });

  it('a stream consumed by the SDK accumulator: events in order, and the final response a plain call returns', async () => {
    sim.enqueue(
      run.upstream,
      { text: 'One, two, three, four.', usage: { input: 10, output: 6 } },
      { text: 'One, two, three, four.', usage: { input: 10, output: 6 } },
    );
    const client = await run.client();
    const { events, text, final } = await streamed(client, run.model);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    expect(shape(events)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(text).toBe('One, two, three, four.');
    expect(final.output_text).toBe(text);
    expect(final.usage).toMatchObject({ input_tokens: 10, output_tokens: 6, total_tokens: 16 });
    const completed = events.at(-1)!;
    // The accumulator's result is the completed response, with the SDK's parse fields added.
    expect(completed.type === 'response.completed' && final).toMatchObject(
      completed.type === 'response.completed' ? completed.response : {},
    );
    const plain = await client.responses.create({ model: run.model, input: 'Count to four.' });
    const { output_parsed: _parsed, ...finalResponse } = final as Response & { output_parsed: unknown };
    const unparsed = {
      ...finalResponse,
      output: finalResponse.output.map((item) =>
        item.type === 'message'
          ? { ...item, content: item.content.map(({ parsed: _p, ...part }: (typeof item.content)[number] & { parsed?: unknown }) => part) }
          : item,
      ),
    };
    expect(normalized(unparsed as Response)).toEqual(normalized(plain));
    const records = await requestRecords(run);
    if (run.zen) {
      expect(records.map((record) => record.stream)).toEqual([true, false]);
      expect(records[0]).toMatchObject({
        face: 'openai-responses',
        outcome: 'success',
        usage: { input: { total: 10 }, output: { total: 6 } },
      });
      expect(records[0]!.ttftMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('previous_response_id continues the stored conversation', async () => {
    sim.enqueue(run.upstream, { text: 'Nice to meet you, Ada.' }, { text: 'Your name is Ada.' });
    const [first, second] = await continued(await run.client(), run.model);
    expect(second.previous_response_id).toBe(first.id);
    expect(second.output_text).toBe('Your name is Ada.');
    const sent = lastUpstreamBody(run.upstream);
    if (run.zen) {
      // zenrouter sends the whole conversation to the answering model: the first turn and its answer.
      expect(sent).toContain('My name is Ada.');
      expect(sent).toContain('Nice to meet you, Ada.');
      expect(sent).toContain('What is my name?');
    } else {
      expect(sent).toContain(first.id);
    }
  });
});
