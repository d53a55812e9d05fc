import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { ZenError } from '../core/errors.js';
import { PairTally } from '../eval/compare.js';
import type { IdentityProbeResult } from '../eval/identity.js';
import { ChannelTally } from '../eval/summary.js';
import type { ItemResult } from '../eval/types.js';
import { SqliteLedgerStore } from '../insurance/stores/sqlite.js';
import { histogram } from './histogram.js';
import { LedgerTally, type RecordLine } from './ledger-tally.js';
import type { ReportData } from './report-data.js';
import { isWatchRun, WatchTally } from './watch-tally.js';

type Line = RecordLine;

/**
 * Reads results files (`zenrouter eval` / `watch`) and ledgers (JSONL or SQLite) in one pass
 * each, and aggregates what the report draws. Every record type is told apart by its `type`, so
 * the inputs may be given in any order and mixed.
 */
export async function collectReport(paths: string[], options: { title?: string } = {}): Promise<ReportData> {
  if (paths.length === 0)
    throw new ZenError({ kind: 'invalid_request', retryable: false, message: 'report needs at least one results file or ledger' });
  const state = new Collector();
  for (const path of paths) {
    try {
      if (!(await stat(path)).isFile()) throw new Error('not a file');
    } catch {
      throw new ZenError({ kind: 'invalid_request', retryable: false, message: `report: no such file ${path}` });
    }
    if (/\.(db|sqlite3?)$/i.test(path)) {
      const store = await SqliteLedgerStore.open({ path });
      try {
        for await (const record of store.query()) state.add(record as unknown as Line);
      } finally {
        await store.close();
      }
      continue;
    }
    const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
    let number = 0;
    let bad = 0;
    for await (const text of lines) {
      number += 1;
      if (text.trim() === '') continue;
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch {
        // A torn last line (a run killed mid-write) is skipped; a file of non-JSON is refused.
        bad += 1;
        if (bad > 1 || number === 1)
          throw new ZenError({
            kind: 'invalid_request',
            retryable: false,
            message: `report: ${basename(path)} line ${number} is not JSON; give a results file or a ledger`,
          });
        continue;
      }
      state.add(line);
    }
  }
  return state.finish(paths, options.title);
}

class Collector {
  private readonly results = new Map<string, ItemResult>();
  private identity: IdentityProbeResult[] | undefined;
  private readonly watch = new WatchTally();
  private readonly ledger = new LedgerTally();

  add(line: Line): void {
    this.watch.add(line);
    this.ledger.add(line);
    switch (line.type) {
      case 'result':
      case 'evaluation': {
        const result = line as unknown as ItemResult;
        if (typeof result.channel !== 'string' || typeof result.item !== 'string') return;
        this.results.set(`${result.run}\u0000${result.channel}\u0000${result.item}\u0000${result.sample}`, {
          ...result,
          judgeCostUsd: result.judgeCostUsd ?? 0,
          costUsd: result.costUsd ?? 0,
        });
        return;
      }
      case 'summary':
        if (Array.isArray(line.identity)) this.identity = line.identity as IdentityProbeResult[];
        return;
      default:
    }
  }

  finish(sources: string[], title: string | undefined): ReportData {
    const data: ReportData = {
      title: title ?? 'zenrouter report',
      generatedAt: new Date().toISOString(),
      sources: sources.map((source) => basename(source)),
    };
    const evaluation = this.evaluationSection();
    if (evaluation) data.evaluation = evaluation;
    const watch = this.watch.section();
    if (watch) data.watch = watch;
    if (this.ledger.seen) data.ledger = this.ledger.section();
    return data;
  }

  private evaluationSection(): ReportData['evaluation'] {
    // Watch runs have their own section; an evaluation is everything else.
    const results = [...this.results.values()].filter((result) => !isWatchRun(result.run));
    if (results.length === 0) return undefined;
    const channels = [...new Set(results.map((result) => result.channel))].sort();
    const tallies = new Map(channels.map((channel) => [channel, new ChannelTally(channel)]));
    const groups = new Map<string, Map<string, boolean>>();
    const calibration = channels.map(() => Array.from({ length: 10 }, () => ({ right: 0, count: 0 })));
    const durations = channels.map((): number[] => []);
    for (const result of results) {
      tallies.get(result.channel)!.add(result);
      const index = channels.indexOf(result.channel);
      if (result.outcome === 'error') continue;
      durations[index]!.push(result.durationMs);
      const key = `${result.item}\u0000${result.sample}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = new Map()));
      group.set(result.channel, result.outcome === 'correct');
      if (result.confidence !== undefined) {
        const bin = calibration[index]![Math.min(9, Math.floor(result.confidence * 10))]!;
        bin.count += 1;
        if (result.outcome === 'correct') bin.right += 1;
      }
    }
    const pairs = new PairTally(channels, { maxDisagreements: 200 });
    for (const [key, group] of groups) pairs.add(key.split('\u0000')[0]!, Number(key.split('\u0000')[1]), group);
    const summaries = channels.map((channel) => tallies.get(channel)!.summary());
    const costPerAnswer = summaries.map((summary) =>
      summary.attempted === 0 ? 0 : (summary.costUsd + summary.judgeCostUsd) / summary.attempted,
    );
    const section: NonNullable<ReportData['evaluation']> = {
      channels: summaries,
      comparisons: pairs.results(),
      costPerAnswer,
      frontier: frontier(
        channels,
        costPerAnswer,
        summaries.map((summary) => summary.accuracy),
      ),
      calibration: calibration.map((bins) => bins.map((bin) => (bin.count === 0 ? null : bin.right / bin.count))),
      latency: histogram(durations),
    };
    if (this.identity) section.identity = this.identity;
    return section;
  }
}

/** Channels no cheaper channel matches in accuracy, cheapest first. */
function frontier(channels: string[], cost: number[], accuracy: number[]): string[] {
  const order = channels.map((_, index) => index).sort((a, b) => cost[a]! - cost[b]! || accuracy[b]! - accuracy[a]!);
  const result: string[] = [];
  let best = -Infinity;
  for (const index of order) {
    if (accuracy[index]! > best) {
      result.push(channels[index]!);
      best = accuracy[index]!;
    }
  }
  return result;
}
