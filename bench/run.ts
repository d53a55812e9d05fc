/**
 * `npm run bench`: the speed targets.
 *  1. A routing decision over a catalog of 500 channels: median under 10 µs.
 *  2. ZenClient with routing against the simulator vs the raw openai SDK at concurrency 64:
 *     under 3 % added wall time. Measured with the simulator answering at once (the harshest case:
 *     all time is client CPU) and with a modest 100 ms time to first token.
 *     At once, it also prints what the routing decision alone adds to a raw SDK call.
 *  3. For reference: ZenClient's own CPU per call with an instant provider (no SDK, no network).
 */
import { benchIntrinsic } from './intrinsic.js';
import { benchOverhead } from './overhead.js';
import { benchRouting } from './routing.js';

const routing = benchRouting();
console.log(`routing decision, ${routing.channels} channels: median ${routing.medianUs.toFixed(2)} µs, p99 ${routing.p99Us.toFixed(2)} µs (prompt analysis, once per call: ${routing.analysisUs.toFixed(0)} µs cold)`);
console.log(`  target < 10 µs median: ${routing.medianUs < 10 ? 'met' : 'NOT met'}`);

for (const latencyMs of [0, 100]) {
  const result = await benchOverhead({ latencyMs, calls: latencyMs === 0 ? 2_000 : 1_000, rounds: latencyMs === 0 ? 7 : 3, routeOnly: latencyMs === 0 });
  console.log(
    `ZenClient vs raw openai SDK, ${result.calls} calls at concurrency 64, simulator latency ${latencyMs} ms: ` +
      `raw ${result.rawMs.toFixed(0)} ms, zen ${result.zenMs.toFixed(0)} ms, overhead ${result.overheadPercent.toFixed(1)} %`,
  );
  console.log(`  client CPU per call: raw ${result.rawCpuUs.toFixed(0)} µs, zen ${result.zenCpuUs.toFixed(0)} µs (+${(result.zenCpuUs - result.rawCpuUs).toFixed(0)} µs)`);
  if (result.routeOnly) {
    console.log(`  the routing decision alone (zen.plan() before each raw SDK call, nothing else): +${result.routeOnly.overheadPercent.toFixed(1)} %, client CPU ${result.routeOnly.cpuUs.toFixed(0)} µs per call`);
  }
  console.log(`  target < 3 %: ${result.overheadPercent < 3 ? 'met' : 'NOT met'}`);
}

const intrinsic = await benchIntrinsic();
console.log(
  `ZenClient's own work per call, instant provider (no SDK, no network), ${intrinsic.calls} calls at concurrency 64: ${intrinsic.cpuUs.toFixed(1)} µs CPU ` +
    `(the provider's own ${intrinsic.providerCpuUs.toFixed(1)} µs taken out)`,
);
