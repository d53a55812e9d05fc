// Bytes of V8 heap allocated per call, raw openai SDK against ZenClient, in one fresh process.
// Arguments: the built package's entry, the simulator's OpenAI base URL, calls per window, windows.
//
// Counted with v8.GCProfiler: what a window allocated is the growth of the used heap across it
// plus what every garbage collection inside it freed (used heap before minus after). That counts
// short-lived garbage too, whether or not a collection ran, exactly rather than by sampling, and
// costs nothing per allocation. ZenClient's window ends after `zen.flush()`, so that the ledger
// records it builds and appends on a timer after each call are counted with the call.
import v8 from 'node:v8';

const [entry, baseURL, callsArg, windowsArg, modelArg] = process.argv.slice(2);
const calls = Number(callsArg);
const windows = Number(windowsArg);
const messages = [{ role: 'user', content: 'Summarise the plot of Hamlet in one sentence.' }];
const { default: OpenAI } = await import('openai');
const { ZenClient } = await import(entry);
const sdk = () => new OpenAI({ apiKey: 'sk-bench-000000000000000000', baseURL, maxRetries: 0 });
const raw = sdk();
const zen = new ZenClient({
  providers: { openai: sdk() },
  routing: { models: ['openai/gpt-5-mini', 'openai/gpt-5-nano', 'openai/gpt-4.1-mini'] },
});
const zenModel = modelArg ?? 'auto';
const EXPECTED = 'The quick brown fox jumps over the lazy dog.';

const check = (completion) => {
  if (completion.choices[0]?.message.content !== EXPECTED)
    throw new Error(`unexpected answer: ${JSON.stringify(completion).slice(0, 200)}`);
};
const clients = {
  raw: async () => {
    for (let index = 0; index < calls; index += 1) check(await raw.chat.completions.create({ model: 'gpt-5-mini', messages }));
  },
  zen: async () => {
    for (let index = 0; index < calls; index += 1) check(await zen.chat.completions.create({ model: zenModel, messages }));
    await zen.flush();
  },
};

async function allocated(run) {
  const profiler = new v8.GCProfiler();
  profiler.start();
  const before = process.memoryUsage().heapUsed;
  await run();
  const after = process.memoryUsage().heapUsed;
  let freed = 0;
  for (const gc of profiler.stop().statistics) freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
  return (after - before + freed) / calls;
}

// Warm up both paths (JIT, the model data ZenClient loads on its first call, keep-alive sockets).
for (let round = 0; round < 3; round += 1) {
  await clients.raw();
  await clients.zen();
}
const result = { raw: [], zen: [] };
for (let window = 0; window < windows; window += 1) {
  // Alternating which goes first, so that neither always follows the other's garbage.
  for (const name of window % 2 === 0 ? ['raw', 'zen'] : ['zen', 'raw']) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
    result[name].push(await allocated(clients[name]));
  }
}
await zen.close();
console.log(JSON.stringify(result));
process.exit(0);
