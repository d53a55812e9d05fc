/**
 * Streaming as with the openai SDK: `for await` over chunks, `controller.abort()` to stop early,
 * `toReadableStream()` to hand the stream to a web Response, and the final usage chunk.
 * Run offline: npx tsx examples/run.ts examples/streaming.ts
 */
import { ZenClient } from 'zenrouter';

const zen = new ZenClient();

export async function main(): Promise<void> {
  const stream = await zen.chat.completions.create({
    model: 'anthropic/claude-haiku-4-5',
    messages: [{ role: 'user', content: 'Write a haiku about failover.' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  for await (const chunk of stream) {
    process.stdout.write(chunk.choices[0]?.delta.content ?? '');
    if (chunk.usage) console.log(`\n[usage] ${chunk.usage.prompt_tokens} in, ${chunk.usage.completion_tokens} out`);
  }
  const metadata = await stream.metadata();
  console.log(`[zen] ${metadata.channel}, first token after ${Math.round(metadata.ttftMs ?? 0)} ms`);

  // Stop early: the upstream request is cancelled, and iteration ends quietly.
  const long = await zen.chat.completions.create({
    model: 'gemini-2.5-flash',
    messages: [{ role: 'user', content: 'Tell a very long story.' }],
    stream: true,
  });
  let chunks = 0;
  for await (const _chunk of long) {
    if (++chunks === 3) long.controller.abort();
  }
  console.log(`[abort] stopped after ${chunks} chunks`);

  // Hand a stream to a web Response (Next.js route handlers, Hono, Bun): newline-delimited JSON,
  // readable on the client with the openai SDK's `Stream.fromReadableStream`.
  const forResponse = await zen.chat.completions.create({
    model: 'gpt-5-mini',
    messages: [{ role: 'user', content: 'Hi!' }],
    stream: true,
  });
  const response = new Response(forResponse.toReadableStream());
  const lines = (await response.text()).trim().split('\n');
  console.log(`[response] ${lines.length} JSON lines, first: ${lines[0]?.slice(0, 60)}…`);
}
