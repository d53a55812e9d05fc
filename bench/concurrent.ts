/**
 * Runs `calls` calls of `run`, 64 at a time, and measures them: wall time, and this process's CPU
 * time (user + system) per call.
 */
export async function runAtConcurrency(
  run: () => Promise<unknown>,
  calls: number,
  concurrency = 64,
): Promise<{ wallMs: number; cpuUs: number }> {
  let next = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) {
        next += 1;
        await run();
      }
    }),
  );
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpuStart);
  return { wallMs, cpuUs: (used.user + used.system) / calls };
}
