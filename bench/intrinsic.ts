import { benchZen, MESSAGES } from './clients.js';
import { runAtConcurrency } from './concurrent.js';
import { heapAllocated } from './heap-allocated.js';
import { instantProvider } from './instant-provider.mjs';

export { instantProvider };

/**
 * ZenClient's own work per call, without an SDK or a network: the openai provider is an object
 * with the SDK's shape that answers on the next turn of the event loop, as a network answer
 * would (answering within the same turn would starve the ledger writer, which drains on a timer,
 * and measure an ever-growing queue instead). Everything else is the real path (face, prompt
 * analysis, routing with `auto` over three models, execution, detectors, the ledger record,
 * metadata). Measured as CPU time per call at concurrency 64, less the instant provider's own,
 * and as V8 heap allocated per call (see heap-allocated.ts), less the instant provider's own.
 */
export async function benchIntrinsic(
  calls = 50_000,
): Promise<{ cpuUs: number; providerCpuUs: number; bytes: number; providerBytes: number; calls: number }> {
  const instant = instantProvider();
  const zen = benchZen(instant);
  const call = () => zen.chat.completions.create({ model: 'auto', messages: MESSAGES });
  const alone = () => instant.chat.completions.create();
  await runAtConcurrency(call, 5_000); // warm up the JIT
  await runAtConcurrency(alone, 5_000);
  // The ledger's records of the last calls are built and appended in the window too.
  const total = await heapAllocated(async () => {
    const measured = await runAtConcurrency(call, calls);
    await zen.flush();
    return measured;
  });
  const provider = await heapAllocated(() => runAtConcurrency(alone, calls));
  await zen.close();
  return {
    cpuUs: total.value.cpuUs - provider.value.cpuUs,
    providerCpuUs: provider.value.cpuUs,
    bytes: (total.bytes - provider.bytes) / calls,
    providerBytes: provider.bytes / calls,
    calls,
  };
}

/**
 * The same for a streamed call of `chunks` content chunks (one word each), the way the openai SDK
 * yields them: ZenClient's own CPU per call, the instant stream's own taken out.
 */
export async function benchIntrinsicStream(
  chunks = 300,
  calls = 5_000,
): Promise<{ cpuUs: number; providerCpuUs: number; calls: number; chunks: number }> {
  const chunk = (delta: object, finish: string | null = null) => ({
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-5-mini',
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  });
  async function* stream() {
    await new Promise<void>((resolve) => setImmediate(resolve));
    yield chunk({ role: 'assistant', content: '' });
    for (let index = 0; index < chunks; index += 1) yield chunk({ content: `w${index} ` });
    yield chunk({}, 'stop');
    yield { ...chunk({}), choices: [], usage: { prompt_tokens: 20, completion_tokens: chunks, total_tokens: 20 + chunks } };
  }
  const instant = { baseURL: 'https://api.openai.com/v1', chat: { completions: { create: async () => stream() } } };
  const zen = benchZen(instant);
  const drain = async (parts: AsyncIterable<unknown>) => {
    for await (const _part of parts) {
      // read every chunk, as a caller does
    }
  };
  const call = async () => drain(await zen.chat.completions.create({ model: 'auto', messages: MESSAGES, stream: true }));
  const alone = () => drain(stream());
  await runAtConcurrency(call, 1_000); // warm up the JIT
  await runAtConcurrency(alone, 1_000);
  const total = await runAtConcurrency(call, calls);
  const provider = await runAtConcurrency(alone, calls);
  await zen.close();
  return { cpuUs: total.cpuUs - provider.cpuUs, providerCpuUs: provider.cpuUs, calls, chunks };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchIntrinsic());
  console.log(await benchIntrinsicStream());
}
