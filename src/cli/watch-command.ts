import { resolve } from 'node:path';
import { ZenClient } from '../client/zen-client.js';
import type { ProviderConfig } from '../client/providers.js';
import { readDataset } from '../eval/read-dataset.js';
import type { EvalItem } from '../eval/types.js';
import { list, number, text, usageError } from './args.js';
import { openLedger, type OpenedLedger } from './ledger-file.js';
import { SAMPLE_DATASET } from './paths.js';
import { ResultsFile } from './results-file.js';
import { SIMULATED_CHANNELS, simulatedProviders } from './simulate.js';
import { writeReport } from './report-command.js';

export interface WatchFlags {
  dataset?: string;
  channels?: string;
  models?: string;
  every?: string | number;
  budgetPerDay?: number;
  runs?: number;
  out?: string;
  ledger?: string;
  report?: string;
  judge?: string;
  concurrency?: number;
  openBreaker?: boolean;
  baselineRuns?: number;
  simulate?: boolean;
  simLatency?: number;
  degradeAfter?: number;
  limit?: number;
}

/** `zenrouter watch`: canary runs until Ctrl-C (or `--runs N`); each run and each degradation is a line of the results file. */
export async function watchCommand(flags: WatchFlags): Promise<number> {
  const simulate = flags.simulate === true;
  const datasetPath = text(flags.dataset) ?? (simulate ? SAMPLE_DATASET : undefined);
  if (!datasetPath) throw usageError('watch needs --dataset <canary set> (or --simulate)');
  const budgetUsdPerDay = number(flags.budgetPerDay, 'budget-per-day') ?? (simulate ? 1 : undefined);
  if (budgetUsdPerDay === undefined)
    throw usageError('watch needs --budget-per-day <usd>: canary runs never spend more than that per UTC day');
  const limit = number(flags.limit, 'limit', { min: 1, integer: true }) ?? 10;
  const runs = number(flags.runs, 'runs', { min: 1, integer: true });
  const items: EvalItem[] = [];
  for await (const item of readDataset(datasetPath)) {
    if (items.length >= limit) break;
    items.push(item);
  }
  let channels = list(flags.channels);
  const models = list(flags.models);
  if (!channels && !models) {
    if (!simulate) throw usageError('watch needs --channels or --models');
    channels = SIMULATED_CHANNELS.slice(0, 2);
  }
  const degradeAfter = number(flags.degradeAfter, 'degrade-after', { min: 0, integer: true });
  let simulation: { providers: Record<string, ProviderConfig>; close(): Promise<void> } | undefined;
  if (simulate)
    simulation = await simulatedProviders(items, {
      latencyMs: number(flags.simLatency, 'sim-latency') ?? 40,
      degradeAfter: degradeAfter ?? items.length * 6,
    });
  let ledger: OpenedLedger | undefined;
  try {
    ledger = flags.ledger ? await openLedger(resolve(flags.ledger)) : undefined;
    const zen = new ZenClient({ ...(simulation ? { providers: simulation.providers } : {}), ...(ledger ? { ledger: ledger.store } : {}) });
    const outPath = resolve(text(flags.out) ?? 'zenrouter-watch.jsonl');
    const file = new ResultsFile(outPath);
    await file.open();
    const every = flags.every ?? (simulate ? '1s' : undefined);
    if (every === undefined) throw usageError('watch needs --every (e.g. 15m, 1h)');
    const watch = zen.watch({
      dataset: items,
      ...(channels ? { channels } : {}),
      ...(models ? { models } : {}),
      every,
      budgetUsdPerDay,
      ...(flags.judge ? { judge: String(flags.judge) } : {}),
      ...(flags.concurrency !== undefined ? { concurrency: number(flags.concurrency, 'concurrency', { min: 1, integer: true })! } : {}),
      ...(flags.baselineRuns !== undefined
        ? { baselineRuns: number(flags.baselineRuns, 'baseline-runs', { min: 1, integer: true })! }
        : {}),
      ...(flags.openBreaker ? { openBreaker: true } : {}),
      onRun: async (run, results) => {
        for (const result of results) await file.write({ type: 'result', ...result });
        await file.write({ type: 'watch-run', ...run });
      },
    });
    let done = 0;
    await new Promise<void>((resolvePromise) => {
      const finish = (): void => {
        process.off('SIGINT', finish);
        resolvePromise();
      };
      process.on('SIGINT', finish);
      watch.on('run', (run) => {
        done += 1;
        console.log(
          `run ${run.index} ${run.at}: ${run.channels.map((channel) => `${channel.channel} ${(100 * channel.accuracy).toFixed(0)}% (${channel.phase}${channel.degraded.length ? `, DEGRADED ${channel.degraded.join('+')}` : ''})`).join(' · ')} · $${run.spentUsd.toFixed(4)}`,
        );
        if (runs !== undefined && done >= runs) finish();
      });
      watch.on('degradation', (event) => {
        console.log(
          `DEGRADATION ${event.channel} ${event.metric}: ${event.baseline.toFixed(3)} → ${event.observed.toFixed(3)} (CUSUM ${event.statistic.toFixed(1)} > ${event.threshold.toFixed(1)})${event.breakerOpened ? ', breaker held open' : ''}`,
        );
        void file.write({ type: 'degradation', ...event });
      });
      watch.on('skipped', (event) => console.log(`skipped at ${event.at}: the day's budget is spent ($${event.spentTodayUsd.toFixed(4)})`));
      watch.on('error', (error) => {
        console.error(`zenrouter watch: ${error.message}`);
        finish();
      });
    });
    await watch.stop();
    await file.flush();
    await zen.close();
    console.log(`results: ${outPath}`);
    const reportPath = text(flags.report);
    if (reportPath) console.log(`report: ${await writeReport([outPath], resolve(reportPath))}`);
    return 0;
  } finally {
    await simulation?.close();
  }
}
