import { benchSdk, benchZen, MESSAGES as messages } from './clients.js';
import { forkSimulator } from './simulator.js';

export interface TtftResult {
  latencyMs: number;
  staggerMs: number;
  calls: number;
  /** Time from the call to the first content chunk the caller reads, in ms. */
  raw: { medianMs: number; p95Ms: number };
  zen: { medianMs: number; p95Ms: number };
}

/**
 * Streamed calls at concurrency 64, the simulator sending its first token after `latencyMs`: the
 * time to the first content chunk through the raw openai SDK and through ZenClient (`auto`
 * routing over three models; the stream is committed to its channel at its first content, with
 * the detectors watching it). Rounds alternate raw and zen; percentiles are over all calls.
 *
 * Without `staggerMs` the 64 workers start in waves: their first tokens arrive together, and the
 * last of a wave waits for the client's CPU work on all the others, which sets the p95. With it,
 * each call first waits a random 0..staggerMs, as calls arriving spread over time would.
 */
export async function benchTtft(
  options: { latencyMs?: number; calls?: number; rounds?: number; staggerMs?: number } = {},
): Promise<TtftResult> {
  const latencyMs = options.latencyMs ?? 100;
  const staggerMs = options.staggerMs ?? 0;
  const calls = options.calls ?? 1_000;
  const rounds = options.rounds ?? 3;
  const { baseURL, stop } = await forkSimulator(latencyMs);
  try {
    const raw = benchSdk(baseURL);
    const zen = benchZen(benchSdk(baseURL));
    type Chunks = AsyncIterable<{ choices: Array<{ delta?: { content?: string | null } }> }>;
    const open = {
      raw: () => raw.chat.completions.create({ model: 'gpt-5-mini', messages, stream: true }) as Promise<Chunks>,
      zen: () => zen.chat.completions.create({ model: 'auto', messages, stream: true }) as Promise<Chunks>,
    };
    const measure = async (side: keyof typeof open, count: number, into?: number[]): Promise<void> => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 64 }, async () => {
          while (next < count) {
            next += 1;
            if (staggerMs > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * staggerMs));
            const start = performance.now();
            let first: number | undefined;
            for await (const chunk of await open[side]()) {
              if (first === undefined && chunk.choices[0]?.delta?.content) first = performance.now() - start;
            }
            if (first === undefined) throw new Error(`bench: a ${side} stream had no content`);
            into?.push(first);
          }
        }),
      );
    };
    await measure('raw', calls);
    await measure('zen', calls); // warm up both paths
    const times = { raw: [] as number[], zen: [] as number[] };
    for (let round = 0; round < rounds; round += 1) {
      for (const side of round % 2 === 0 ? (['raw', 'zen'] as const) : (['zen', 'raw'] as const)) await measure(side, calls, times[side]);
    }
    const stats = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return { medianMs: sorted[Math.floor(sorted.length / 2)]!, p95Ms: sorted[Math.ceil(0.95 * sorted.length) - 1]! };
    };
    return { latencyMs, staggerMs, calls, raw: stats(times.raw), zen: stats(times.zen) };
  } finally {
    stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchTtft({ latencyMs: Number(process.argv[2] ?? 100), staggerMs: Number(process.argv[3] ?? 0) }));
}
