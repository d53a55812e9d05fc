/**
 * Resident memory, in fresh Node processes on the tsup build, the simulator answering at once in
 * its own process: the heap after GC after 5,000 calls at concurrency 64 with the defaults (the
 * default MemoryLedgerStore included), and the process's RSS after 50,000 calls, for the raw
 * openai SDK and for ZenClient (`auto` over three models, insurance on).
 *
 * Targets (issue 15): heap at most 10 MB above the raw SDK's; RSS at most 1.3× the raw SDK's.
 */
import { builtPackage, median, range, runChild } from './built-package.js';
import { forkSimulator } from './simulator.js';

interface Resident {
  calls: number;
  heapMB: number;
  rssMB: number;
  ledgerRecords?: number;
  ledgerBytes?: number;
  claims?: number;
}

export interface MemoryResult {
  heap: { raw: Resident[]; zen: Resident[] };
  rss: { raw: Resident[]; zen: Resident[] };
}

export async function benchMemory(
  options: { heapRuns?: number; rssRuns?: number; heapCalls?: number; rssCalls?: number } = {},
): Promise<MemoryResult> {
  const entry = await builtPackage();
  const { baseURL, stop } = await forkSimulator(0);
  const measure = async (calls: number, runs: number) => {
    const raw: Resident[] = [];
    const zen: Resident[] = [];
    for (let run = 0; run < runs; run += 1) {
      for (const mode of run % 2 === 0 ? ['raw', 'zen'] : ['zen', 'raw']) {
        (mode === 'raw' ? raw : zen).push(await runChild<Resident>('./memory-child.mjs', [mode, entry, baseURL, String(calls)]));
      }
    }
    return { raw, zen };
  };
  try {
    return {
      heap: await measure(options.heapCalls ?? 5_000, options.heapRuns ?? 3),
      rss: await measure(options.rssCalls ?? 50_000, options.rssRuns ?? 1),
    };
  } finally {
    stop();
  }
}

export function printMemory(result: MemoryResult): void {
  const heapRaw = median(result.heap.raw.map((run) => run.heapMB));
  const heapZen = median(result.heap.zen.map((run) => run.heapMB));
  const first = result.heap.zen[0]!;
  console.log(
    `Heap after GC after ${first.calls} calls at concurrency 64, defaults, fresh process per run (${result.heap.raw.length} runs each, medians, ranges): ` +
      `raw ${heapRaw.toFixed(1)} MB (${range(result.heap.raw.map((run) => run.heapMB))}), zen ${heapZen.toFixed(1)} MB (${range(result.heap.zen.map((run) => run.heapMB))})`,
  );
  console.log(
    `  the default memory ledger at the end: ${first.ledgerRecords} records, ${((first.ledgerBytes ?? 0) / 1_048_576).toFixed(2)} MiB of its 2 MiB bound; ` +
      `claims in the runs: ${result.heap.zen.map((run) => run.claims).join(', ')} (a claim's case loads the redaction code and phone metadata, ~3 MB)`,
  );
  const added = heapZen - heapRaw;
  console.log(`  target ≤ raw + 10 MB: +${added.toFixed(1)} MB, ${added <= 10 ? 'met' : `NOT met (${(added - 10).toFixed(1)} MB over)`}`);
  const rssRaw = median(result.rss.raw.map((run) => run.rssMB));
  const rssZen = median(result.rss.zen.map((run) => run.rssMB));
  const ratio = rssZen / rssRaw;
  console.log(
    `RSS after ${result.rss.raw[0]!.calls} calls at concurrency 64, fresh process per run (${result.rss.raw.length} each): raw ${rssRaw.toFixed(0)} MB, zen ${rssZen.toFixed(0)} MB (${ratio.toFixed(2)}×; heap after GC raw ${median(result.rss.raw.map((run) => run.heapMB)).toFixed(1)} MB, zen ${median(result.rss.zen.map((run) => run.heapMB)).toFixed(1)} MB)`,
  );
  console.log(`  target ≤ 1.3× raw: ${ratio <= 1.3 ? 'met' : `NOT met (${((ratio - 1.3) * rssRaw).toFixed(0)} MB over)`}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printMemory(await benchMemory({ heapRuns: Number(process.env.BENCH_HEAP_RUNS ?? 3), rssRuns: Number(process.env.BENCH_RSS_RUNS ?? 1) }));
}
