import { ResponseStream } from 'openai/lib/responses/ResponseStream';
import type { Tool } from 'openai/resources/responses/responses';
import { describe, expect, it } from 'vitest';
import { ZenError, type RequestRecord, type ZenClient } from '../../src/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { collect, zenOver } from './helpers.js';

/**
 * Tools only OpenAI runs (web search, file search, code interpreter, ...) through `zen.responses`:
 * the call is planned among OpenAI models on openai-family providers, which the adapter calls
 * through the real openai SDK's `responses.create` against the simulator's `/v1/responses`; the
 * API's own output items (the hosted calls, the citations) come back as they are. With no OpenAI
 * model in reach the call is refused with an `invalid_request` naming the tool, before anything is sent.
 */

const sim = useSimulator();
const MINI = 'openai/gpt-5-mini';
const NANO = 'openai/gpt-5-nano';
const HAIKU = 'anthropic/claude-haiku-4-5';
const FLASH = 'google/gemini-2.5-flash';

async function rejection(promise: Promise<unknown>): Promise<ZenError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!ZenError.isInstance(error)) throw new Error(`expected a ZenError, got ${String(error)}`);
  return error;
}

async function records(zen: ZenClient): Promise<RequestRecord[]> {
  await zen.flush();
  const out: RequestRecord[] = [];
  for await (const record of zen.ledger.query({ types: ['request'] })) out.push(record as RequestRecord);
  return out;
}

describe('hosted tools run on OpenAI only', () => {
  it('a model list skips the non-OpenAI models; the Responses API gets the tool; its items and citation come back', async () => {
    const zen = await zenOver(sim);
    sim.enqueue('gpt-5-mini', { text: 'It rained in Paris today.' });
    const response = await zen.responses.create({
      model: [HAIKU, FLASH, MINI],
      input: 'Weather news for Paris?',
      tools: [{ type: 'web_search' }],
    });
    expect(sim.calls.map((call) => [call.model, call.path])).toEqual([['gpt-5-mini', '/v1/responses']]);
    expect(sim.calls[0]!.body).toMatchObject({ model: 'gpt-5-mini', tools: [{ type: 'web_search' }], store: false });
    expect(response.output.map((item) => item.type)).toEqual(['web_search_call', 'message']);
    expect(response.output[0]).toMatchObject({
      type: 'web_search_call',
      status: 'completed',
      action: { type: 'search', query: 'Weather news for Paris?' },
    });
    const message = response.output[1]!;
    if (message.type !== 'message' || message.content[0]?.type !== 'output_text') throw new Error('expected a message with text');
    expect(message.content[0].annotations).toMatchObject([{ type: 'url_citation', url: 'https://example.com/simulated' }]);
    expect(response.output_text).toBe('It rained in Paris today.');
    const [record] = await records(zen);
    expect(record).toMatchObject({ face: 'openai-responses', outcome: 'success', channel: `${MINI}:openai` });
  });

  it('auto picks an OpenAI model for a hosted tool', async () => {
    const zen = await zenOver(sim);
    const response = await zen.responses.create({
      model: 'auto',
      input: 'Search the docs for limits.',
      tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }],
    });
    expect(sim.calls).toHaveLength(1);
    expect(sim.calls[0]!.path).toBe('/v1/responses');
    expect(response.zen.model).toMatch(/^openai\//);
    expect(response.output[0]).toMatchObject({ type: 'file_search_call', queries: ['Search the docs for limits.'] });
  });

  it('with function tools too: the function call comes back as an item the next turn answers', async () => {
    const zen = await zenOver(sim);
    sim.enqueue('gpt-5-mini', { toolCalls: [{ name: 'save', arguments: { note: 'rain' }, id: 'call_9' }] }, { text: 'Saved.' });
    const tools = [
      { type: 'web_search' as const },
      { type: 'function' as const, name: 'save', parameters: { type: 'object', properties: { note: { type: 'string' } } }, strict: false },
    ];
    const first = await zen.responses.create({ model: MINI, input: 'Find and save the weather.', tools });
    const call = first.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', call_id: 'call_9', name: 'save', arguments: '{"note":"rain"}' });
    const second = await zen.responses.create({
      model: MINI,
      previous_response_id: first.id,
      tools,
      input: [{ type: 'function_call_output', call_id: 'call_9', output: 'ok' }],
    });
    expect(second.output_text).toBe('Saved.');
    // The stored web_search_call item goes back to the Responses API in its place, before the call.
    const input = (sim.calls.at(-1)!.body as { input: Array<{ type?: string }> }).input;
    expect(input.map((item) => item.type ?? 'message')).toEqual(['message', 'web_search_call', 'function_call', 'function_call_output']);
  });

  it('streamed: the SDK accumulator takes the events, with the hosted item after the streamed message', async () => {
    const zen = await zenOver(sim);
    sim.enqueue('gpt-5-mini', { text: 'The answer is 42.' });
    const stream = await zen.responses.create({
      model: [HAIKU, MINI],
      input: 'Compute 6 * 7.',
      tools: [{ type: 'code_interpreter', container: { type: 'auto' } }],
      stream: true,
    });
    const events = await collect(stream);
    expect(sim.calls.map((call) => [call.model, call.path, call.stream])).toEqual([['gpt-5-mini', '/v1/responses', true]]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const replay = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const event of events) controller.enqueue(new TextEncoder().encode(`${JSON.stringify(event)}\n`));
        controller.close();
      },
    });
    const final = await ResponseStream.fromReadableStream(replay).finalResponse();
    expect(final.output.map((item) => item.type)).toEqual(['message', 'code_interpreter_call']);
    expect(final.output[1]).toMatchObject({
      type: 'code_interpreter_call',
      code: 'print(6 * 7)',
      outputs: [{ type: 'logs', logs: '42\n' }],
    });
    expect(final.output_text).toBe('The answer is 42.');
    expect((await stream.metadata()).face).toBe('openai-responses');
  });

  it('fails over between OpenAI channels before the first content', async () => {
    const zen = await zenOver(sim);
    sim.enqueue('gpt-5-mini', { fault: { type: 'http', status: 503 } });
    const response = await zen.responses.create({
      model: [MINI, HAIKU, NANO],
      input: 'News?',
      tools: [{ type: 'web_search' }],
      zen: { retry: { retries: 0 } },
    });
    expect(response.zen.attempts.map((attempt) => [attempt.channel, attempt.outcome])).toEqual([
      [`${MINI}:openai`, 'error'],
      [`${NANO}:openai`, 'success'],
    ]);
    expect(sim.callsFor('claude-haiku-4-5')).toHaveLength(0);
  });
});

describe('refused when no OpenAI model can take the call', () => {
  const cases: Array<[string, string | string[], Tool, string]> = [
    ['an Anthropic model', HAIKU, { type: 'web_search' }, '"web_search"'],
    ['a Gemini model list', [FLASH, HAIKU], { type: 'code_interpreter', container: { type: 'auto' } }, '"code_interpreter"'],
    ['a non-OpenAI provider allow list', 'auto', { type: 'file_search', vector_store_ids: ['vs_1'] }, '"file_search"'],
  ];
  it.each(cases)('%s: invalid_request naming the tool, nothing sent', async (_, model, tool, named) => {
    const zen = await zenOver(sim);
    const zenOptions = model === 'auto' ? { providers: ['anthropic', 'google'] } : {};
    const error = await rejection(zen.responses.create({ model, input: 'Go', tools: [tool], zen: zenOptions }));
    expect(error).toMatchObject({ kind: 'invalid_request', code: 'tools', retryable: false });
    expect(error.message).toContain(named);
    expect(error.message).toContain('run only on OpenAI models');
    expect(sim.calls).toHaveLength(0);
  });
});
