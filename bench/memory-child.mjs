// Resident memory after many calls, in a fresh process: heap after GC and RSS.
// Arguments: raw | zen, the built package's entry, the simulator's OpenAI base URL, calls.
const [mode, entry, baseURL, callsArg] = process.argv.slice(2);
const calls = Number(callsArg);
const messages = [{ role: 'user', content: 'Summarise the plot of Hamlet in one sentence.' }];
const { default: OpenAI } = await import('openai');
const sdk = new OpenAI({ apiKey: 'sk-bench-000000000000000000', baseURL, maxRetries: 0 });
let client = sdk;
let claims = 0;
if (mode === 'zen') {
  const { ZenClient } = await import(entry);
  client = new ZenClient({
    providers: { openai: sdk },
    routing: { models: ['openai/gpt-5-mini', 'openai/gpt-5-nano', 'openai/gpt-4.1-mini'] },
  });
  // Claims make cases, and cases load the redaction code and its phone metadata (~3 MB).
  client.on('claim', () => (claims += 1));
}
const model = mode === 'zen' ? 'auto' : 'gpt-5-mini';
let next = 0;
await Promise.all(
  Array.from({ length: 64 }, async () => {
    while (next < calls) {
      next += 1;
      await client.chat.completions.create({ model, messages });
    }
  }),
);
if (mode === 'zen') await client.flush();
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));
for (let round = 0; round < 3; round += 1) {
  globalThis.gc();
  await settle();
}
const { heapUsed, rss } = process.memoryUsage();
const result = { calls, heapMB: heapUsed / 1e6, rssMB: rss / 1e6 };
if (mode === 'zen') {
  const store = client.ledger.store;
  Object.assign(result, { ledgerRecords: store.size, ledgerBytes: store.bytes, claims });
  await client.close();
}
console.log(JSON.stringify(result));
process.exit(0);
