import { GCProfiler } from 'node:v8';

/**
 * Runs `run` and counts the V8 heap it allocated: the growth of the used heap across it plus what
 * every garbage collection inside it freed (used heap before minus after, from v8.GCProfiler).
 * Short-lived garbage counts whether or not a collection ran, exactly rather than by sampling,
 * at no cost per allocation (bench/allocation-child.mjs counts the same way).
 */
export async function heapAllocated<T>(run: () => Promise<T>): Promise<{ bytes: number; value: T }> {
  const profiler = new GCProfiler();
  profiler.start();
  const before = process.memoryUsage().heapUsed;
  const value = await run();
  const after = process.memoryUsage().heapUsed;
  let freed = 0;
  for (const gc of profiler.stop().statistics) freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
  return { bytes: after - before + freed, value };
}
