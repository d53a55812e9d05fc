/**
 * A fresh process (run by test/pipeline/telemetry-peer.test.ts): one call through the simulator with
 * `telemetry` off or on, then a JSON line with the answer, whether `@opentelemetry/api` was resolved,
 * and the error events heard.
 */
import OpenAI from 'openai';

const [baseURL, mode] = process.argv.slice(2) as [string, 'off' | 'on'];
const modules = (globalThis as { __resolvedModules?: string[] }).__resolvedModules ?? [];

const { ZenClient } = await import('../../../src/index.js');
const zen = new ZenClient({
  providers: { openai: new OpenAI({ apiKey: 'sk-test-00000000000000000000', baseURL, maxRetries: 0 }) },
  ...(mode === 'on' ? { telemetry: true } : {}),
});
const errors: Array<{ source: string; kind: string; message: string }> = [];
zen.on('error', (event) => errors.push({ source: event.source, kind: event.error.kind, message: event.error.message }));
const answers: string[] = [];
for (let i = 0; i < 2; i++) {
  const completion = await zen.chat.completions.create({ model: 'openai/gpt-5-mini', messages: [{ role: 'user', content: 'Say hi.' }] });
  answers.push(completion.choices[0]!.message.content ?? '');
}
// Resolution messages come from the loader thread: give them a turn to arrive.
await new Promise((resolve) => setTimeout(resolve, 50));
console.log(JSON.stringify({ answers, otelLoaded: modules.some((url) => url.includes('/node_modules/@opentelemetry/api/')), errors }));
await zen.close();
