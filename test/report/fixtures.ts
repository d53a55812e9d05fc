import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZenClient } from '../../src/index.js';
import { JsonlLedgerStore } from '../../src/node/index.js';
import { readDataset } from '../../src/eval/read-dataset.js';
import { ResultsFile } from '../../src/cli/results-file.js';
import { simulatedProviders, SIMULATED_CHANNELS } from '../../src/cli/simulate.js';
import type { EvalItem } from '../../src/eval/types.js';
import type { WatchScheduler } from '../../src/eval/watch.js';

const SAMPLE = new URL('../../data/hle-sample.jsonl', import.meta.url).pathname;

/**
 * Real inputs for the report, made the way users make them: an evaluation of the four simulated
 * channels (results file), ten watch runs in which budget-host degrades (results file), and the
 * JSONL ledger of all those calls, with slow-first-token claims.
 */
export async function reportInputs(): Promise<{ results: string; watch: string; ledger: string; watchLedger: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'zen-report-'));
  const items: EvalItem[] = [];
  for await (const item of readDataset(SAMPLE)) items.push(item);
  const paths = {
    results: join(dir, 'results.jsonl'),
    watch: join(dir, 'watch.jsonl'),
    ledger: join(dir, 'ledger.jsonl'),
    watchLedger: join(dir, 'watch-ledger.jsonl'),
  };
  // The evaluation: budget-host serves a worse gpt-5-mini from the start.
  const evaluation = await simulatedProviders(items, { latencyMs: 40 });
  try {
    const zen = new ZenClient({
      providers: evaluation.providers,
      ledger: await JsonlLedgerStore.open({ path: paths.ledger }),
      insurance: { limits: { maxFirstTokenMs: 45 } },
    });
    const results = new ResultsFile(paths.results);
    await zen.evaluate({
      dataset: items,
      channels: SIMULATED_CHANNELS,
      concurrency: 8,
      onResult: (result) => results.write({ type: 'result', ...result }),
    });
    await results.flush();
    await zen.close();
  } finally {
    await evaluation.close();
  }
  // The watch: budget-host's gpt-5-mini starts answering wrongly after 60 calls (6 runs of 10).
  const watched = await simulatedProviders(items, { latencyMs: 20, degradeAfter: 60 });
  try {
    const zen = new ZenClient({ providers: watched.providers, ledger: await JsonlLedgerStore.open({ path: paths.watchLedger }) });
    const watchFile = new ResultsFile(paths.watch);
    const scheduler: WatchScheduler = { schedule: () => ({ cancel() {} }) };
    const watch = zen.watch({
      dataset: items.slice(0, 10),
      channels: SIMULATED_CHANNELS.slice(0, 2),
      every: '1h',
      budgetUsdPerDay: 5,
      scheduler,
      immediate: false,
      latencyFloorMs: 1_000,
      onRun: async (run) => void (await watchFile.write({ type: 'watch-run', ...run })),
    });
    watch.on('degradation', (event) => void watchFile.write({ type: 'degradation', ...event }));
    for (let run = 0; run < 10; run += 1) await watch.runOnce();
    await watch.stop();
    await watchFile.flush();
    await zen.close();
  } finally {
    await watched.close();
  }
  return paths;
}
