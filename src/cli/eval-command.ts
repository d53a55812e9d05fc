import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ZenClient } from '../client/zen-client.js';
import type { ProviderConfig } from '../client/providers.js';
import { probeIdentity, type IdentityProbeResult } from '../eval/identity.js';
import { countDataset, readDataset, type DatasetFormat, type ReadDatasetOptions } from '../eval/read-dataset.js';
import type { EvaluationResult } from '../eval/evaluate.js';
import type { EvalItem } from '../eval/types.js';
import { list, number, text, usageError } from './args.js';
import { openLedger, type OpenedLedger } from './ledger-file.js';
import { EvalProgress } from './progress.js';
import { readResults, ResultsFile } from './results-file.js';
import { SIMULATED_CHANNELS, SIMULATED_JUDGE, simulatedProviders } from './simulate.js';
import { printComparisons, printIdentity, printSummary } from './print.js';
import { SAMPLE_DATASET } from './paths.js';
import { writeReport } from './report-command.js';

export interface EvalFlags {
  dataset?: string;
  models?: string;
  channels?: string;
  judge?: string;
  concurrency?: number;
  samples?: number;
  budget?: number;
  limit?: number;
  maxTokens?: number;
  out?: string;
  fresh?: boolean;
  ledger?: string;
  report?: string;
  simulate?: boolean;
  simLatency?: number;
  probeIdentity?: boolean;
  format?: string;
  idField?: string;
  questionField?: string;
  answerField?: string;
  answerTypeField?: string;
  categoryField?: string;
  imageField?: string;
  alpha?: number;
  test?: string;
  quiet?: boolean;
}

/** `zenrouter eval`: exit code 0 when it finished, 130 when Ctrl-C stopped it (answers kept), 2 on bad input. */
export async function evalCommand(flags: EvalFlags): Promise<number> {
  const simulate = flags.simulate === true;
  const datasetPath = text(flags.dataset) ?? (simulate ? SAMPLE_DATASET : undefined);
  if (!datasetPath)
    throw usageError('eval needs --dataset <file.jsonl|.json|.csv> (or --simulate, which uses the bundled HLE-format sample)');
  const datasetOptions = readOptions(flags);
  const concurrency = number(flags.concurrency, 'concurrency', { min: 1, integer: true }) ?? 4;
  const samples = number(flags.samples, 'samples', { min: 1, integer: true }) ?? 1;
  const limit = number(flags.limit, 'limit', { min: 1, integer: true });
  const budgetUsd = number(flags.budget, 'budget');
  const maxOutputTokens = number(flags.maxTokens, 'max-tokens', { min: 1, integer: true });
  const alpha = number(flags.alpha, 'alpha');
  const test = text(flags.test);
  if (test !== undefined && test !== 'mcnemar' && test !== 'fisher') throw usageError(`--test must be mcnemar or fisher, got '${test}'`);
  let channels = list(flags.channels);
  const models = list(flags.models);
  if (!channels && !models) {
    if (!simulate) throw usageError('eval needs --models or --channels (vendor/model:provider)');
    channels = SIMULATED_CHANNELS;
  }
  const judge = text(flags.judge) ?? (simulate ? SIMULATED_JUDGE : undefined);
  const outPath = resolve(text(flags.out) ?? 'zenrouter-results.jsonl');

  let total = await countDataset(datasetPath, datasetOptions);
  if (limit !== undefined) total = Math.min(total, limit);

  let simulation: { providers: Record<string, ProviderConfig>; close(): Promise<void> } | undefined;
  if (simulate) {
    const items: EvalItem[] = [];
    for await (const item of readDataset(datasetPath, datasetOptions)) items.push(item);
    simulation = await simulatedProviders(items, { latencyMs: number(flags.simLatency, 'sim-latency') ?? 40 });
  }
  let ledger: OpenedLedger | undefined;
  const controller = new AbortController();
  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) {
      process.stderr.write('\nzenrouter: stopped at once; the answers written so far are kept.\n');
      process.exit(130);
    }
    interrupted = true;
    process.stderr.write('\nzenrouter: stopping (Ctrl-C again to quit at once); keeping every graded answer...\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    if (flags.fresh && existsSync(outPath)) await rm(outPath);
    const earlier: Array<Awaited<ReturnType<typeof collect>>[number]> = await collect(outPath);
    ledger = flags.ledger ? await openLedger(resolve(flags.ledger)) : undefined;
    const zen = new ZenClient({ ...(simulation ? { providers: simulation.providers } : {}), ...(ledger ? { ledger: ledger.store } : {}) });
    const file = new ResultsFile(outPath);
    await file.open();
    let channelCount = channels?.length ?? 0;
    for (const model of models ?? []) {
      channelCount += (
        await zen.plan({
          model,
          request: { messages: [{ role: 'user', content: [{ type: 'text', text: 'probe' }] }] },
          options: { maxChannels: 64 },
        })
      ).order.length;
    }
    const progress = flags.quiet ? undefined : new EvalProgress(total * samples * Math.max(1, channelCount), earlier.length);
    if (earlier.length > 0 && !flags.quiet) process.stderr.write(`resuming: ${earlier.length} answers already in ${outPath}\n`);
    const run = `eval_${Date.now().toString(36)}`;
    await file.write({
      type: 'run',
      run,
      startedAt: new Date().toISOString(),
      dataset: datasetPath,
      channels,
      models,
      judge,
      samples,
      simulate,
      resumed: earlier.length,
    });
    let report: EvaluationResult;
    try {
      report = await zen.evaluate({
        dataset: readDataset(datasetPath, datasetOptions),
        ...(channels ? { channels } : {}),
        ...(models ? { models } : {}),
        ...(judge ? { judge } : {}),
        concurrency,
        samples,
        ...(budgetUsd !== undefined ? { budgetUsd } : {}),
        ...(limit !== undefined ? { limit } : {}),
        ...(maxOutputTokens !== undefined ? { maxOutputTokens } : {}),
        signal: controller.signal,
        run,
        resume: earlier,
        compare: { ...(alpha !== undefined ? { alpha } : {}), ...(test ? { test } : {}) },
        onResult: (result) => file.write({ type: 'result', ...result }),
        onProgress: (state) => progress?.update(state),
      });
    } finally {
      progress?.stop();
    }
    let identity: IdentityProbeResult[] | undefined;
    if (flags.probeIdentity && !controller.signal.aborted)
      identity = await probeIdentity(zen, { channels: report.channels.map((channel) => channel.channel) });
    await file.write({ type: 'summary', ...report, ...(identity ? { identity } : {}) });
    await file.flush();
    await zen.close();
    printSummary(report);
    printComparisons(report.comparisons);
    if (identity) printIdentity(identity);
    if (report.stopped === 'budget')
      console.log(
        `\nStopped by the budget ($${budgetUsd}): $${report.spentUsd.toFixed(4)} spent. Run again with a larger --budget to go on.`,
      );
    console.log(`\nresults: ${outPath}${report.stopped === 'aborted' ? ' (run the same command again to resume)' : ''}`);
    const reportPath = text(flags.report);
    if (reportPath) {
      const inputs = [outPath, ...(flags.ledger ? [resolve(flags.ledger)] : [])];
      const written = await writeReport(inputs, resolve(reportPath));
      console.log(`report: ${written}`);
    }
    return report.stopped === 'aborted' ? 130 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await simulation?.close();
  }
}

async function collect(path: string) {
  const results = [];
  for await (const result of readResults(path)) results.push(result);
  return results;
}

function readOptions(flags: EvalFlags): ReadDatasetOptions {
  const format = text(flags.format);
  if (format !== undefined && format !== 'jsonl' && format !== 'json' && format !== 'csv')
    throw usageError(`--format must be jsonl, json or csv, got '${format}'`);
  const options: ReadDatasetOptions = {};
  if (format) options.format = format as DatasetFormat;
  const fields: Array<[keyof ReadDatasetOptions, unknown]> = [
    ['id', flags.idField],
    ['question', flags.questionField],
    ['answer', flags.answerField],
    ['answerType', flags.answerTypeField],
    ['category', flags.categoryField],
    ['image', flags.imageField],
  ];
  for (const [key, value] of fields) {
    const name = text(value);
    if (name) (options as Record<string, unknown>)[key] = name;
  }
  return options;
}
