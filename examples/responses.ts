/**
 * A script written for the openai SDK's Responses API. The only change for zenrouter is the
 * client line:
 *
 *   - const client = new OpenAI();
 *   + const client = new ZenClient();
 *
 * The same calls run on OpenAI, Anthropic or Gemini models: a function-calling loop, a stream
 * read with the SDK's own accumulator, and a conversation continued with previous_response_id
 * (zenrouter keeps it in its conversation store). Tools only OpenAI runs (web search) keep a call
 * on OpenAI models, and a call that names no OpenAI model is refused with the tool named.
 * Run offline: npx tsx examples/run.ts examples/responses.ts
 */
import { ResponseStream } from 'openai/lib/responses/ResponseStream';
import type { ResponseFunctionToolCall, ResponseInputItem, Tool } from 'openai/resources/responses/responses';
import { ZenClient, ZenError } from 'zenrouter';

const client = new ZenClient();

const tools: Tool[] = [
  {
    type: 'function',
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
    strict: true,
  },
];

async function weatherLoop(model: string): Promise<void> {
  const input: ResponseInputItem[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
  for (let turn = 1; turn <= 4; turn++) {
    const response = await client.responses.create({ model, input, tools });
    const calls = response.output.filter((item): item is ResponseFunctionToolCall => item.type === 'function_call');
    if (calls.length === 0) {
      console.log(`${model}: ${response.output_text} (turns: ${turn}, tokens: ${response.usage?.total_tokens})`);
      return;
    }
    input.push(...calls);
    for (const call of calls) {
      console.log(`${model}: calls ${call.name}(${call.arguments})`);
      input.push({ type: 'function_call_output', call_id: call.call_id, output: JSON.stringify({ celsius: 21 }) });
    }
  }
}

export async function main(): Promise<void> {
  for (const model of ['gpt-5-mini', 'claude-haiku-4-5', 'gemini-2.5-flash']) await weatherLoop(model);

  // Streaming: the typed events in order; the openai SDK's ResponseStream rebuilds the response.
  const stream = await client.responses.create({ model: 'claude-haiku-4-5', input: 'Count to four.', stream: true });
  const final = await ResponseStream.fromReadableStream(stream.toReadableStream()).finalResponse();
  console.log(`[stream] ${final.status}: ${final.output_text}`);
  console.log(`[stream] served by ${(await stream.metadata()).channel}`);

  // A conversation: the second call sends only the new turn.
  const first = await client.responses.create({ model: 'gemini-2.5-flash', input: 'My name is Ada.' });
  const second = await client.responses.create({ model: 'gemini-2.5-flash', input: 'What is my name?', previous_response_id: first.id });
  console.log(`[conversation] ${second.previous_response_id === first.id ? 'continued' : 'new'}: ${second.output_text}`);
  console.log(`[retrieve] ${(await client.responses.retrieve(first.id)).output_text}`);

  // A tool only OpenAI runs: the list's OpenAI model answers, with OpenAI's own items.
  const searched = await client.responses.create({
    model: ['claude-haiku-4-5', 'gpt-5-mini'],
    input: 'Weather news for Paris?',
    tools: [{ type: 'web_search' }],
  });
  console.log(`[web_search] ${searched.zen.model}: ${searched.output.map((item) => item.type).join(', ')}`);
  try {
    await client.responses.create({ model: 'claude-haiku-4-5', input: 'News?', tools: [{ type: 'web_search' }] });
  } catch (error) {
    if (!ZenError.isInstance(error)) throw error;
    console.log(`[refused] ${error.kind} (${error.code}): ${error.message.split(' (param')[0]}`);
  }
  await client.flush();
}
