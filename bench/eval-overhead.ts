/**
 * The evaluation harness's own overhead: the same N streamed calls, pinned to one channel, at
 * `concurrency` in flight against the simulator (its own process) answering after 100 ms, made
 * (a) by a bare loop of `zen.chat.completions.create` and (b) by `zen.evaluate()` (grading,
 * tallies, ledger records, quality feedback, the budget). Overhead = (b − a) / b of wall time.
 * Rounds alternate a and b. On a shared machine wall times swing by tens of per cent between
 * identical runs, so the figure that counts is CPU-based: the harness's extra CPU time over the
 * bare loop (process.cpuUsage, this process only; the simulator runs in its own) as a share of
 * the harness run's wall time. The wall-time comparison and an A/A pair (bare against bare, the
 * bench's resolution) are printed beside it.
 */
import { evaluate } from '../src/eval/evaluate.js';
import { HLE_SYSTEM_PROMPT } from '../src/eval/prompts.js';
import type { EvalItem } from '../src/eval/types.js';
import { ZenClient } from '../src/index.js';
import { benchSdk } from './clients.js';
import { forkSimulator } from './simulator.js';

const CHANNEL = 'openai/gpt-5-mini:openai';

export interface EvalOverheadResult {
  calls: number;
  concurrency: number;
  bareMs: number;
  harnessMs: number;
  /** Wall-time difference as a share of the harness run (noisy on a loaded machine). */
  wallOverheadPercent: number;
  /** Bare against bare, the same way: the wall-time comparison's resolution. */
  aaPercent: number;
  /** CPU per call of the bare loop and of the harness, µs. */
  bareCpuUs: number;
  harnessCpuUs: number;
  /** The harness's extra CPU as a share of its run's wall time: its own overhead. */
  overheadPercent: number;
}

export async function benchEvalOverhead({
  calls = 1_000,
  concurrency = 32,
  rounds = 5,
  latencyMs = 100,
} = {}): Promise<EvalOverheadResult> {
  const { baseURL, stop } = await forkSimulator(latencyMs);
  try {
    const zen = new ZenClient({ providers: { openai: benchSdk(baseURL) } });
    const items: EvalItem[] = Array.from({ length: calls }, (_, k) => ({
      id: `b${k}`,
      question: `Question ${k}: what is ${k} + ${k}?`,
      answer: String(2 * k),
      answerType: 'exactMatch',
      category: k % 2 ? 'Math' : 'Physics',
    }));
    const measure = async (run: () => Promise<void>): Promise<{ wallMs: number; cpuUs: number }> => {
      const cpu = process.cpuUsage();
      const started = performance.now();
      await run();
      const used = process.cpuUsage(cpu);
      return { wallMs: performance.now() - started, cpuUs: used.user + used.system };
    };
    const bare = (): Promise<{ wallMs: number; cpuUs: number }> =>
      measure(async () => {
        let next = 0;
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (next < items.length) {
              const item = items[next++]!;
              const stream = await zen.chat.completions.create({
                model: CHANNEL,
                stream: true,
                stream_options: { include_usage: true },
                max_completion_tokens: 4_096,
                messages: [
                  { role: 'system', content: HLE_SYSTEM_PROMPT },
                  { role: 'user', content: item.question },
                ],
                zen: { hedge: false, maxChannels: 1, retry: { retries: 0 }, tags: { bench: 'bare' } },
              });
              for await (const _chunk of stream) {
                // read it
              }
              await stream.metadata();
            }
          }),
        );
      });
    const harness = (): Promise<{ wallMs: number; cpuUs: number }> =>
      measure(async () => {
        await evaluate(zen, { dataset: items, channels: [CHANNEL], concurrency, budgetUsd: 100 });
      });
    await bare();
    await harness(); // warm-up of both paths
    const bareRuns: Array<{ wallMs: number; cpuUs: number }> = [];
    const againRuns: Array<{ wallMs: number; cpuUs: number }> = [];
    const harnessRuns: Array<{ wallMs: number; cpuUs: number }> = [];
    for (let round = 0; round < rounds; round += 1) {
      bareRuns.push(await bare());
      harnessRuns.push(await harness());
      againRuns.push(await bare());
    }
    await zen.close();
    const bareMs = median(bareRuns.map((run) => run.wallMs));
    const againMs = median(againRuns.map((run) => run.wallMs));
    const harnessMs = median(harnessRuns.map((run) => run.wallMs));
    const bareCpu = median([...bareRuns, ...againRuns].map((run) => run.cpuUs));
    const harnessCpu = median(harnessRuns.map((run) => run.cpuUs));
    return {
      calls,
      concurrency,
      bareMs,
      harnessMs,
      wallOverheadPercent: (100 * (harnessMs - bareMs)) / harnessMs,
      aaPercent: (100 * (againMs - bareMs)) / againMs,
      bareCpuUs: bareCpu / calls,
      harnessCpuUs: harnessCpu / calls,
      overheadPercent: (100 * (harnessCpu - bareCpu)) / 1_000 / harnessMs,
    };
  } finally {
    stop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
