/**
 * V8 heap allocated per call, the raw openai SDK against ZenClient (`auto` over three models,
 * detectors and the default memory ledger on), non-streamed calls one at a time against the
 * simulator answering at once in its own process. Each run is a fresh process on the tsup build
 * that measures both clients in alternating windows (bench/allocation-child.mjs says how bytes
 * are counted); the figure is the median over every window of every run.
 *
 * Target (issue 15): ZenClient at most 15 KB per call above the raw SDK's.
 */
import { builtPackage, median, range, runChild } from './built-package.js';
import { forkSimulator } from './simulator.js';

export interface AllocationResult {
  calls: number;
  windows: number;
  /** Bytes per call of each window, every run's windows together. */
  raw: number[];
  zen: number[];
  /** ZenClient's window less the raw window next to it, per pair. */
  added: number[];
}

export const ALLOCATION_TARGET_KB = 15;

export async function benchAllocation(
  options: { runs?: number; calls?: number; windows?: number; model?: string } = {},
): Promise<AllocationResult> {
  const runs = options.runs ?? 3;
  const calls = options.calls ?? 500;
  const windows = options.windows ?? 4;
  const entry = await builtPackage();
  const { baseURL, stop } = await forkSimulator(0);
  try {
    const result: AllocationResult = { calls, windows: runs * windows, raw: [], zen: [], added: [] };
    for (let run = 0; run < runs; run += 1) {
      const measured = await runChild<{ raw: number[]; zen: number[] }>('./allocation-child.mjs', [
        entry,
        baseURL,
        String(calls),
        String(windows),
        ...(options.model ? [options.model] : []),
      ]);
      result.raw.push(...measured.raw);
      result.zen.push(...measured.zen);
      result.added.push(...measured.zen.map((zen, index) => zen - measured.raw[index]!));
    }
    return result;
  } finally {
    stop();
  }
}

export function printAllocation(result: AllocationResult): void {
  const kb = (values: number[]) => values.map((bytes) => bytes / 1024);
  const added = median(kb(result.added));
  console.log(
    `V8 heap allocated per call, ${result.calls} calls one at a time per window, ${result.windows} windows each in fresh processes (medians, ranges): ` +
      `raw ${median(kb(result.raw)).toFixed(1)} KB (${range(kb(result.raw))}), zen ${median(kb(result.zen)).toFixed(1)} KB (${range(kb(result.zen))}), ` +
      `+${added.toFixed(1)} KB (${range(kb(result.added))})`,
  );
  console.log(
    `  target ≤ raw + ${ALLOCATION_TARGET_KB} KB: ${added <= ALLOCATION_TARGET_KB ? 'met' : `NOT met (${(added - ALLOCATION_TARGET_KB).toFixed(1)} KB over)`}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printAllocation(await benchAllocation({ runs: Number(process.env.BENCH_ALLOC_RUNS ?? 3), model: process.env.BENCH_ALLOC_MODEL }));
}
