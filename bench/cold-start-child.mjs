// One cold start, in a fresh process: import, heap after import, then the first call.
// Arguments: raw | zen, the built package's entry, the simulator's OpenAI base URL.
const [mode, entry, baseURL] = process.argv.slice(2);
const messages = [{ role: 'user', content: 'Summarise the plot of Hamlet in one sentence.' }];
const models = ['openai/gpt-5-mini', 'openai/gpt-5-nano', 'openai/gpt-4.1-mini'];

const cpu = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
const start = performance.now();
const cpuStart = cpu();
const { default: OpenAI } = await import('openai');
const zenrouter = mode === 'zen' ? await import(entry) : undefined;
const importMs = performance.now() - start;
const importCpuMs = cpu() - cpuStart;
globalThis.gc();
const { heapUsed, rss } = process.memoryUsage();

const callStart = performance.now();
const callCpuStart = cpu();
const sdk = new OpenAI({ apiKey: 'sk-bench-000000000000000000', baseURL, maxRetries: 0 });
const client = zenrouter ? new zenrouter.ZenClient({ providers: { openai: sdk }, routing: { models } }) : sdk;
const answer = await client.chat.completions.create({ model: zenrouter ? 'auto' : 'gpt-5-mini', messages });
const firstCallMs = performance.now() - callStart;
const firstCallCpuMs = cpu() - callCpuStart;

const result = {
  importMs,
  heapMB: heapUsed / 1e6,
  rssMB: rss / 1e6,
  firstCallMs,
  totalMs: importMs + firstCallMs,
  // CPU time (this process, all threads): what the wall times are made of, less the waiting a loaded machine adds.
  totalCpuMs: importCpuMs + firstCallCpuMs,
  answer: answer.choices[0].message.content,
};
if (zenrouter) {
  const chosen = client.catalog.model(answer.zen.model);
  result.cost = answer.zen.cost.total;
  result.contextWindow = chosen.contextWindow;
  result.priced = models.every((id) => client.catalog.model(id).price !== undefined);
  await client.close();
}
console.log(JSON.stringify(result));
process.exit(0);
