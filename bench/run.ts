/**
 * `npm run bench`: the speed targets.
 *  1. A routing decision over a catalog of 500 channels: median under 10 µs.
 *  2. ZenClient with routing against the simulator vs the raw openai SDK at concurrency 64:
 *     under 3 % added wall time. Measured with the simulator answering at once (the harshest case:
 *     all time is client CPU) and with a modest 100 ms time to first token.
 *     At once, it also prints the routing decision alone and an A/A test (the bench's resolution).
 *  3. ZenClient's own CPU per call with an instant provider (no SDK, no network): under 40 µs
 *     (issue 15), with its own allocation per call and the same for a 300-chunk stream; V8 heap
 *     allocated per call against the raw SDK in the same processes: at most 15 KB more
 *     (bench/allocation.ts); throughput at concurrency 64 with the simulator answering at once: at
 *     least 0.9× the raw SDK's (from 2.); and what ZenClient adds to a stream's time to first token.
 *  4. Cold start (import, heap after import, import + first call vs the raw SDK), resident memory
 *     (heap after 5,000 calls, RSS after 50,000) and event-loop blocks for 2 MB prompts, each in
 *     fresh processes on the tsup build (bench/cold-start.ts, bench/memory.ts, bench/event-loop.ts).
 *  5. The evaluation harness's own overhead (< 5 % at 100 ms) and the report of a 100,000-call
 *     ledger in Chromium (< 3 s): bench/eval.ts, also `npm run bench:eval`.
 *  6. The shared Postgres ledger: a day's summary over 1,000,000 records under 1 s (when a
 *     PostgreSQL is reachable; otherwise it says why it skipped).
 */
import { benchAllocation, printAllocation } from './allocation.js';
import { benchColdStart, printColdStart } from './cold-start.js';
import { benchEventLoop, printEventLoop } from './event-loop.js';
import { benchIntrinsic, benchIntrinsicStream } from './intrinsic.js';
import { benchMemory, printMemory } from './memory.js';
import { benchPostgresLedger, formatLedgerBench } from './ledger-postgres.js';
import { benchLedgerMemory, printLedgerMemory } from './ledger-memory.js';
import { benchOverhead } from './overhead.js';
import { benchRouting } from './routing.js';
import { benchTtft } from './ttft.js';
import { runEvalBenches } from './eval.js';

/** Issue 15's per-call targets: own CPU per call (intrinsic bench), throughput against the raw SDK. */
const INTRINSIC_TARGET_US = 40;
const THROUGHPUT_TARGET = 0.9;

const routing = benchRouting();
console.log(
  `routing decision, ${routing.channels} channels: median ${routing.medianUs.toFixed(2)} µs, p99 ${routing.p99Us.toFixed(2)} µs (prompt analysis, once per call: ${routing.analysisUs.toFixed(0)} µs cold)`,
);
console.log(`  target < 10 µs median: ${routing.medianUs < 10 ? 'met' : 'NOT met'}`);
console.log(
  `prompt difficulty features, once per call: ${routing.featuresUs.toFixed(1)} µs median for the bench's prompt, ${routing.longFeaturesUs.toFixed(1)} µs for a ${routing.longTokens}-token prompt (target < 50 µs: ${routing.longFeaturesUs < 50 ? 'met' : 'NOT met'})`,
);

// Before the SDK benches: their simulator process may still be winding down after them.
const intrinsic = await benchIntrinsic();
console.log(
  `ZenClient's own work per call, instant provider (no SDK, no network), ${intrinsic.calls} calls at concurrency 64: ${intrinsic.cpuUs.toFixed(1)} µs CPU ` +
    `(the provider's own ${intrinsic.providerCpuUs.toFixed(1)} µs taken out), ${(intrinsic.bytes / 1024).toFixed(1)} KB of V8 heap allocated ` +
    `(the provider's own ${(intrinsic.providerBytes / 1024).toFixed(1)} KB taken out)`,
);
console.log(
  `  target own CPU per call < ${INTRINSIC_TARGET_US} µs: ${intrinsic.cpuUs < INTRINSIC_TARGET_US ? 'met' : `NOT met (${(intrinsic.cpuUs - INTRINSIC_TARGET_US).toFixed(1)} µs over)`}`,
);
const intrinsicStream = await benchIntrinsicStream();
console.log(
  `  the same for a streamed call of ${intrinsicStream.chunks} chunks, ${intrinsicStream.calls} calls: ${intrinsicStream.cpuUs.toFixed(0)} µs CPU ` +
    `(${(intrinsicStream.cpuUs / intrinsicStream.chunks).toFixed(1)} µs per chunk at most; the stream's own ${intrinsicStream.providerCpuUs.toFixed(0)} µs taken out)`,
);

for (const latencyMs of [0, 100]) {
  const result = await benchOverhead({
    latencyMs,
    calls: latencyMs === 0 ? 2_000 : 1_000,
    rounds: latencyMs === 0 ? 9 : 3,
    detail: latencyMs === 0,
  });
  console.log(
    `ZenClient vs raw openai SDK, ${result.calls} calls at concurrency 64, simulator latency ${latencyMs} ms: ` +
      `raw ${result.raw.wallMs.toFixed(0)} ms, zen ${result.zen.wallMs.toFixed(0)} ms, overhead ${result.zen.overheadPercent.toFixed(1)} %`,
  );
  console.log(
    `  client CPU per call: raw ${result.raw.cpuUs.toFixed(0)} µs, zen ${result.zen.cpuUs.toFixed(0)} µs (+${(result.zen.cpuUs - result.raw.cpuUs).toFixed(0)} µs)`,
  );
  if (result.routeOnly && result.rawAgain) {
    console.log(
      `  the routing decision alone (zen.plan() before each raw SDK call, nothing else): ${signed(result.routeOnly.overheadPercent)} %, client CPU ${result.routeOnly.cpuUs.toFixed(0)} µs per call`,
    );
    console.log(`  the bench's resolution (a second raw SDK client against the first, A/A): ${signed(result.rawAgain.overheadPercent)} %`);
  }
  console.log(`  target < 3 %: ${result.zen.overheadPercent < 3 ? 'met' : 'NOT met'}`);
  if (latencyMs === 0) {
    // Throughput is calls per wall time: the ratio of the wall times, the median over the rounds.
    const throughput = 1 / (1 + result.zen.overheadPercent / 100);
    const aa = result.rawAgain ? 1 / (1 + result.rawAgain.overheadPercent / 100) : undefined;
    console.log(
      `  throughput at concurrency 64, simulator answering at once: ${throughput.toFixed(2)}× the raw SDK's${aa === undefined ? '' : ` (A/A: ${aa.toFixed(2)}×)`}; ` +
        `target ≥ ${THROUGHPUT_TARGET}×: ${throughput >= THROUGHPUT_TARGET ? 'met' : `NOT met (${(THROUGHPUT_TARGET - throughput).toFixed(2)}× short)`}`,
    );
  }
}

printAllocation(await benchAllocation());

for (const staggerMs of [0, 100]) {
  const ttft = await benchTtft({ latencyMs: 100, staggerMs });
  console.log(
    `Streams, time to first content chunk, ${ttft.calls} calls at concurrency 64, simulator latency ${ttft.latencyMs} ms, ` +
      `${staggerMs ? `calls spread by a random 0-${staggerMs} ms wait` : 'calls in waves'}: ` +
      `raw median ${ttft.raw.medianMs.toFixed(1)} ms (p95 ${ttft.raw.p95Ms.toFixed(1)}), zen median ${ttft.zen.medianMs.toFixed(1)} ms (p95 ${ttft.zen.p95Ms.toFixed(1)}): ` +
      `${signed(ttft.zen.medianMs - ttft.raw.medianMs)} ms at the median, ${signed(ttft.zen.p95Ms - ttft.raw.p95Ms)} ms at the p95`,
  );
}

printColdStart(await benchColdStart());
printMemory(await benchMemory());
printLedgerMemory(await benchLedgerMemory());
printEventLoop(await benchEventLoop());
await runEvalBenches();
console.log(formatLedgerBench(await benchPostgresLedger()));

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;
}
