/**
 * Code written for @anthropic-ai/sdk, on ZenClient: `messages.create` (plain and streamed) and the
 * `messages.stream()` helper, served by any family.
 *
 *   - const client = new Anthropic();
 *   + const client = new ZenClient();
 *
 * Run offline: npx tsx examples/run.ts examples/anthropic-face.ts
 */
import { ZenClient } from 'zenrouter';

const client = new ZenClient();

export async function main(): Promise<void> {
  for (const model of ['claude-haiku-4-5', 'gpt-5-mini', 'gemini-2.5-flash']) {
    const message = await client.messages.create({
      model,
      max_tokens: 256,
      system: 'Answer in one sentence.',
      messages: [{ role: 'user', content: 'What is a circuit breaker in software?' }],
    });
    const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    console.log(`${model}: ${text} [${message.stop_reason}, ${message.usage.input_tokens}→${message.usage.output_tokens} tokens]`);
  }

  // Tool use, Anthropic style.
  const withTool = await client.messages.create({
    model: 'gemini-2.5-flash',
    max_tokens: 256,
    tools: [
      {
        name: 'get_stock',
        description: 'Stock price',
        input_schema: { type: 'object', properties: { ticker: { type: 'string' } }, required: ['ticker'] },
      },
    ],
    messages: [{ role: 'user', content: 'How is ACME trading?' }],
  });
  const toolUse = withTool.content.find((block) => block.type === 'tool_use');
  console.log(
    `tool_use: ${toolUse?.type === 'tool_use' ? `${toolUse.name}(${JSON.stringify(toolUse.input)})` : 'none'} [${withTool.stop_reason}]`,
  );

  // The raw event stream, as the SDK returns it with `stream: true`.
  const events = await client.messages.create({
    model: 'gpt-5-mini',
    max_tokens: 128,
    stream: true,
    messages: [{ role: 'user', content: 'Say hi.' }],
  });
  const types: string[] = [];
  for await (const event of events) types.push(event.type);
  console.log(`events: ${[...new Set(types)].join(' → ')}`);

  // The stream helper.
  const stream = client.messages.stream({
    model: 'claude-haiku-4-5',
    max_tokens: 128,
    messages: [{ role: 'user', content: 'Count to three.' }],
  });
  stream.on('text', (delta) => process.stdout.write(delta));
  const final = await stream.finalMessage();
  console.log(`\nfinal stop_reason: ${final.stop_reason}`);
}
