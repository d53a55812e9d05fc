/**
 * `npm run bench:eval` (also the last part of `npm run bench`): the evaluation harness's own
 * overhead (target < 5 % of wall time at 100 ms simulated latency), and the report of a
 * 100,000-call ledger rendered in Chromium (target < 3 s).
 */
import { benchEvalOverhead } from './eval-overhead.js';
import { benchReportRender } from './report-render.js';
import { benchWatchArl } from './watch-arl.js';

export async function runEvalBenches(): Promise<void> {
  console.log('zen.watch accuracy CUSUM at its defaults (threshold ln 10,000, a 15-point drop), known baseline, Monte Carlo:');
  for (const row of benchWatchArl()) {
    const falseAlarm = row.noneAlarmed
      ? `no false alarm in 40 × 1,000,000 answers`
      : `a false alarm every ${row.falseAlarmAfter.toFixed(0)} answers`;
    console.log(
      `  accuracy ${(100 * row.accuracy).toFixed(0)} %: ${falseAlarm}; all wrong → alarm after ${row.allWrong.toFixed(1)} answers; 15 points worse → after ${row.drop15.toFixed(0)} answers`,
    );
  }
  const overhead = await benchEvalOverhead();
  console.log(
    `zen.evaluate() vs a bare loop of the same ${overhead.calls} streamed calls, ${overhead.concurrency} in flight, simulator latency 100 ms: ` +
      `CPU per call bare ${overhead.bareCpuUs.toFixed(0)} µs, harness ${overhead.harnessCpuUs.toFixed(0)} µs; the harness's own work is ${overhead.overheadPercent.toFixed(1)} % of its run's wall time`,
  );
  console.log(
    `  wall time (median of 5): bare ${overhead.bareMs.toFixed(0)} ms, harness ${overhead.harnessMs.toFixed(0)} ms (${overhead.wallOverheadPercent.toFixed(1)} %); A/A bare vs bare ${overhead.aaPercent.toFixed(1)} % (the wall comparison's resolution on this machine now)`,
  );
  console.log(`  target < 5 %: ${overhead.overheadPercent < 5 ? 'met' : 'NOT met'}`);
  const report = await benchReportRender();
  console.log(
    `report of a ${report.calls.toLocaleString('en')}-call ledger: read and aggregated in ${report.collectMs.toFixed(0)} ms (Node), page ${(report.pageBytes / 1e6).toFixed(1)} MB`,
  );
  if (report.chromiumMs === undefined) console.log('  Chromium: /usr/bin/chromium not found, render not measured');
  else {
    console.log(`  headless Chromium, navigation to every chart drawn (median of 3): ${report.chromiumMs.toFixed(0)} ms`);
    console.log(`  target < 3 s: ${report.chromiumMs < 3_000 ? 'met' : 'NOT met'}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runEvalBenches();
