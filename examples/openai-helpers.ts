/**
 * openai-SDK code beyond chat.completions.create, unchanged but for the client line, served by
 * every family: embeddings, parse() with zod, the stream() helper, runTools(), withResponse(),
 * models.list() / retrieve() and withOptions().
 *
 *   - const client = new OpenAI();
 *   + const client = new ZenClient();
 *
 * Run offline: npx tsx examples/run.ts examples/openai-helpers.ts
 */
import { zodFunction, zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { ZenClient, ZenError } from 'zenrouter';

const client = new ZenClient();

const Lighthouse = z.object({ name: z.string(), heightMeters: z.number() });

function lightStatus({ lighthouse }: { lighthouse: string }): { lighthouse: string; on: boolean } {
  return { lighthouse, on: true };
}

export async function main(): Promise<void> {
  // Embeddings: one model per call, its channels fail over; shortened and base64 where asked.
  for (const model of ['text-embedding-3-small', 'google/gemini-embedding-001']) {
    const response = await client.embeddings.create({ model, input: ['Lindesnes', 'Hook Head', 'Eddystone'], dimensions: 256 });
    console.log(
      `embeddings on ${response.zen.model}: ${response.data.length} vectors of ${response.data[0]?.embedding.length}, ${response.usage.total_tokens} tokens, $${response.zen.cost.total.toPrecision(2)}`,
    );
  }
  const base64 = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'Lindesnes', encoding_format: 'base64' });
  console.log(`base64: ${typeof base64.data[0]?.embedding} of ${String(base64.data[0]?.embedding).length} characters`);
  try {
    await client.embeddings.create({ model: ['text-embedding-3-small', 'google/gemini-embedding-001'], input: 'mixed?' });
  } catch (error) {
    if (!ZenError.isInstance(error)) throw error;
    console.log(`two embedding models in one call: ${error.kind} (${error.message.split('.')[0]})`);
  }

  for (const model of ['gpt-5-mini', 'claude-haiku-4-5', 'gemini-2.5-flash']) {
    // parse(): message.parsed has the schema's type.
    const completion = await client.chat.completions.parse({
      model,
      messages: [{ role: 'user', content: 'Name a lighthouse and its height.' }],
      response_format: zodResponseFormat(Lighthouse, 'lighthouse'),
    });
    const parsed = completion.choices[0]?.message.parsed;
    console.log(`${model} parse: ${parsed ? `${typeof parsed.name} name, ${typeof parsed.heightMeters} height` : 'nothing'}`);

    // stream(): the SDK's ChatCompletionStream and its events.
    let deltas = 0;
    const stream = client.chat.completions
      .stream({ model, messages: [{ role: 'user', content: 'Say hello to the keeper.' }] })
      .on('content.delta', () => {
        deltas += 1;
      });
    const final = await stream.finalChatCompletion();
    console.log(`${model} stream: ${deltas} deltas, finish_reason ${final.choices[0]?.finish_reason}`);

    // runTools(): the SDK's runner calls the function and the model again.
    const runner = client.chat.completions.runTools({
      model,
      messages: [{ role: 'user', content: 'Is the light at Lindesnes on?' }],
      tools: [zodFunction({ name: 'light_status', parameters: z.object({ lighthouse: z.string() }), function: lightStatus })],
    });
    const calls: string[] = [];
    runner.on('functionToolCall', (call) => calls.push(call.name));
    const answer = await runner.finalContent();
    console.log(
      `${model} runTools: called ${calls.join(', ')}; ${runner.messages.length} messages; answer ${answer ? 'given' : 'missing'}`,
    );
  }

  // .withResponse(): the answer, a Response and the request id.
  const { data, response, request_id } = await client.chat.completions
    .create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Hi' }] })
    .withResponse();
  console.log(
    `withResponse: ${response.status}, x-zen-channel ${response.headers.get('x-zen-channel')}, request_id matches: ${request_id === data.zen.requestId}`,
  );

  // models.list() / retrieve(): what the configured providers serve.
  let listed = 0;
  let embedding = 0;
  for await (const model of client.models.list()) {
    listed += 1;
    if (model.zen.embedding) embedding += 1;
  }
  const mini = await client.models.retrieve('gpt-5-mini');
  console.log(
    `models: ${listed} listed, ${embedding} embedding models; retrieve gpt-5-mini → ${mini.id} owned by ${mini.owned_by}, $${mini.zen.price?.inputPerMTok}/M input`,
  );

  // withOptions(): defaults for every call of the client it returns.
  const pinned = client.withOptions({ timeout: 60_000, zen: { models: ['anthropic/claude-haiku-4-5'] } });
  const routed = await pinned.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }] });
  console.log(`withOptions: auto → ${routed.zen.model}`);
}
