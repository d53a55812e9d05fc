/**
 * Cold start, as every serverless invocation and Next.js cold start pays it: in a fresh Node
 * process, the time to import and the heap right after import, then import plus the first call,
 * for the raw openai SDK and for ZenClient (`auto` over three models: its model data loads on
 * that call). The simulator answers at once, in its own process. Runs alternate raw and zen;
 * medians and ranges over the runs.
 *
 * Targets (issue 15): import + first call at most 100 ms more than the raw SDK's; heap after
 * importing openai and zenrouter under 15 MB.
 */
import { builtPackage, median, range, runChild } from './built-package.js';
import { forkSimulator } from './simulator.js';

interface ColdStart {
  importMs: number;
  heapMB: number;
  rssMB: number;
  firstCallMs: number;
  totalMs: number;
  totalCpuMs: number;
  answer: string;
  cost?: number;
  contextWindow?: number;
  priced?: boolean;
}

export interface ColdStartResult {
  runs: number;
  raw: ColdStart[];
  zen: ColdStart[];
}

export async function benchColdStart(runs = 7): Promise<ColdStartResult> {
  const entry = await builtPackage();
  const { baseURL, stop } = await forkSimulator(0);
  try {
    const raw: ColdStart[] = [];
    const zen: ColdStart[] = [];
    for (let run = 0; run < runs; run += 1) {
      // Alternating which goes first: a warmer disk cache or a quieter moment favours neither.
      for (const mode of run % 2 === 0 ? ['raw', 'zen'] : ['zen', 'raw']) {
        const result = await runChild<ColdStart>('./cold-start-child.mjs', [mode, entry, baseURL]);
        (mode === 'raw' ? raw : zen).push(result);
      }
    }
    return { runs, raw, zen };
  } finally {
    stop();
  }
}

export function printColdStart(result: ColdStartResult): void {
  const of = (runs: ColdStart[], key: keyof ColdStart) => runs.map((run) => run[key] as number);
  const line = (label: string, key: keyof ColdStart, unit: string) =>
    `  ${label}: raw ${median(of(result.raw, key)).toFixed(1)} ${unit} (${range(of(result.raw, key))}), zen ${median(of(result.zen, key)).toFixed(1)} ${unit} (${range(of(result.zen, key))})`;
  console.log(`Cold start, fresh process per run, ${result.runs} runs each (medians, ranges), the package as built by tsup:`);
  console.log(line('import openai (+ zenrouter)', 'importMs', 'ms'));
  console.log(line('heap after import, after GC', 'heapMB', 'MB'));
  console.log(line('RSS after import', 'rssMB', 'MB'));
  console.log(line('first call after import', 'firstCallMs', 'ms'));
  console.log(line('import + first call', 'totalMs', 'ms'));
  console.log(line('import + first call, CPU time', 'totalCpuMs', 'ms'));
  const added = median(of(result.zen, 'totalMs')) - median(of(result.raw, 'totalMs'));
  const heap = median(of(result.zen, 'heapMB'));
  const addedCpu = median(of(result.zen, 'totalCpuMs')) - median(of(result.raw, 'totalCpuMs'));
  console.log(
    `  target import + first call ≤ raw + 100 ms: +${added.toFixed(0)} ms, ${added <= 100 ? 'met' : `NOT met (${(added - 100).toFixed(0)} ms over)`} (CPU time: +${addedCpu.toFixed(0)} ms)`,
  );
  console.log(
    `  target heap after import < 15 MB: ${heap.toFixed(1)} MB, ${heap < 15 ? 'met' : `NOT met (${(heap - 15).toFixed(1)} MB over)`}`,
  );
  const first = result.zen[0]!;
  console.log(
    `  the first routed call: answer ${JSON.stringify(first.answer)}, cost $${first.cost}, context window ${first.contextWindow}, every pool model priced: ${first.priced}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printColdStart(await benchColdStart(Number(process.argv[2] ?? 7)));
}
