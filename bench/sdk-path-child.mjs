// One client's CPU per call at concurrency 64, in a fresh process (see bench/sdk-path.ts).
// Arguments: the built package's entry, the simulator's OpenAI base URL, the mode, the calls.
//   raw          the openai SDK alone
//   zen          ZenClient (`auto` over three models) through the same SDK
//   zen-then-raw ZenClient over an instant provider of the SDK's shape, then a raw SDK call, in
//                the same loop: the same work as `zen`, except that the SDK call is not inside the
//                ZenClient call
// With NO_SOCKET=1 the SDK's fetch answers on the next turn without a socket.
const [entry, baseURL, mode, callsArg] = process.argv.slice(2);
const calls = Number(callsArg);
const messages = [{ role: 'user', content: 'Summarise the plot of Hamlet in one sentence.' }];
const { default: OpenAI } = await import('openai');
const { ZenClient } = await import(entry);
const { INSTANT_ANSWER: EXPECTED, instantCompletion, instantProvider } = await import('./instant-provider.mjs');
const body = JSON.stringify(instantCompletion());
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const noSocket = async () => {
  await nextTurn();
  return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
};
const sdk = () =>
  new OpenAI({ apiKey: 'sk-bench-000000000000000000', baseURL, maxRetries: 0, ...(process.env.NO_SOCKET ? { fetch: noSocket } : {}) });
const instant = instantProvider();
const zenOver = (openai) =>
  new ZenClient({ providers: { openai }, routing: { models: ['openai/gpt-5-mini', 'openai/gpt-5-nano', 'openai/gpt-4.1-mini'] } });
const check = (completion) => {
  if (completion.choices[0]?.message.content !== EXPECTED)
    throw new Error(`unexpected answer: ${JSON.stringify(completion).slice(0, 200)}`);
};
const raw = sdk();
const zen = mode === 'raw' ? undefined : zenOver(mode === 'zen' ? sdk() : instant);
const runs = {
  raw: async () => check(await raw.chat.completions.create({ model: 'gpt-5-mini', messages })),
  zen: async () => check(await zen.chat.completions.create({ model: 'auto', messages })),
  'zen-then-raw': async () => {
    check(await zen.chat.completions.create({ model: 'auto', messages }));
    check(await raw.chat.completions.create({ model: 'gpt-5-mini', messages }));
  },
};
const run = runs[mode];
if (!run) throw new Error(`unknown mode ${mode}`);
async function loop(n) {
  let next = 0;
  const start = process.cpuUsage();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < n) {
        next += 1;
        await run();
      }
    }),
  );
  if (zen) await zen.flush();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}
await loop(Math.min(3_000, calls)); // warm up (JIT, model data, keep-alive sockets)
const cpuUs = await loop(calls);
await zen?.close();
console.log(JSON.stringify({ cpuUs }));
process.exit(0);
