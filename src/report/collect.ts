import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { ZenError } from '../core/errors.js';
import { PairTally } from '../eval/compare.js';
import type { IdentityProbeResult } from '../eval/identity.js';
import { percentile } from '../eval/stats.js';
import { ChannelTally } from '../eval/summary.js';
import type { ItemResult } from '../eval/types.js';
import { SqliteLedgerStore } from '../insurance/stores/sqlite.js';
import type { Histogram, LedgerSection, ReportData, WatchSection } from './report-data.js';

type Line = Record<string, unknown> & { type?: unknown };

/** A `watch-run` line of a results file, as far as the report reads it. */
interface WatchRunLine {
  at: number;
  channels: Array<{ channel: string; accuracy: number; latencyMs?: number; statistics?: { accuracy?: number } }>;
}

/**
 * Reads results files (`zenrouter eval` / `watch`) and ledgers (JSONL or SQLite) in one pass
 * each, and aggregates what the report draws. Every record type is told apart by its `type`, so
 * the inputs may be given in any order and mixed.
 */
export async function collectReport(paths: string[], options: { title?: string } = {}): Promise<ReportData> {
  if (paths.length === 0) throw new ZenError({ kind: 'invalid_request', retryable: false, message: 'report needs at least one results file or ledger' });
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
        if (bad > 1 || number === 1) throw new ZenError({ kind: 'invalid_request', retryable: false, message: `report: ${basename(path)} line ${number} is not JSON; give a results file or a ledger` });
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
  private readonly watchRuns: WatchRunLine[] = [];
  private readonly degradations = new Map<string, { at: number; channel: string; metric: string; baseline: number; observed: number; threshold?: number }>();
  private requests = 0;
  private costNanos = 0;
  private creditNanos = 0;
  private readonly costByDayModel = new Map<string, number>();
  private readonly claims = new Map<string, { count: number; nanos: number }>();
  private readonly durations = new Map<string, number[]>();
  private readonly timeline: Array<{ t: number; channel: string; ms: number }> = [];
  private sawLedger = false;

  add(line: Line): void {
    switch (line.type) {
      case 'result':
      case 'evaluation': {
        const result = line as unknown as ItemResult;
        if (typeof result.channel !== 'string' || typeof result.item !== 'string') return;
        this.results.set(`${result.run}\u0000${result.channel}\u0000${result.item}\u0000${result.sample}`, { ...result, judgeCostUsd: result.judgeCostUsd ?? 0, costUsd: result.costUsd ?? 0 });
        return;
      }
      case 'summary':
        if (Array.isArray(line.identity)) this.identity = line.identity as IdentityProbeResult[];
        return;
      case 'watch-run':
        if (Array.isArray(line.channels)) this.watchRuns.push({ at: Date.parse(String(line.at)), channels: line.channels as WatchRunLine['channels'] });
        return;
      case 'degradation': {
        const at = Date.parse(String(line.at));
        const key = `${String(line.channel)}\u0000${String(line.metric)}\u0000${at}`;
        this.degradations.set(key, { at, channel: String(line.channel), metric: String(line.metric), baseline: Number(line.baseline), observed: Number(line.observed), ...(typeof line.threshold === 'number' ? { threshold: line.threshold } : {}) });
        return;
      }
      case 'request':
        this.addRequest(line);
        return;
      case 'claim': {
        this.sawLedger = true;
        const claim = line.claim as { eventKind?: string; amountUsd?: number; status?: string } | undefined;
        const kind = claim?.eventKind ?? 'unknown';
        const entry = this.claims.get(kind) ?? { count: 0, nanos: 0 };
        entry.count += 1;
        if (claim?.status !== 'excluded') entry.nanos += Math.round((claim?.amountUsd ?? 0) * 1e9);
        this.claims.set(kind, entry);
        return;
      }
      case 'credit':
        this.sawLedger = true;
        this.creditNanos += Math.round(Number(line.amountUsd ?? 0) * 1e9);
        return;
      default:
    }
  }

  private addRequest(line: Line): void {
    this.sawLedger = true;
    this.requests += 1;
    const at = Date.parse(String(line.at));
    const cost = Math.round(Number((line.cost as { total?: number } | undefined)?.total ?? 0) * 1e9);
    this.costNanos += cost;
    const day = new Date(at).toISOString().slice(0, 10);
    const key = `${day}\u0000${typeof line.model === 'string' ? line.model : 'unknown'}`;
    this.costByDayModel.set(key, (this.costByDayModel.get(key) ?? 0) + cost);
    const attempts = Array.isArray(line.attempts) ? (line.attempts as Array<{ channel?: string; outcome?: string; durationMs?: number }>) : [];
    for (const attempt of attempts) {
      if (attempt.outcome !== 'success' || typeof attempt.channel !== 'string' || typeof attempt.durationMs !== 'number') continue;
      let list = this.durations.get(attempt.channel);
      if (!list) this.durations.set(attempt.channel, (list = []));
      list.push(attempt.durationMs);
      this.timeline.push({ t: at / 1000, channel: attempt.channel, ms: attempt.durationMs });
    }
  }

  finish(sources: string[], title: string | undefined): ReportData {
    const data: ReportData = { title: title ?? 'zenrouter report', generatedAt: new Date().toISOString(), sources: sources.map((source) => basename(source)) };
    const evaluation = this.evaluationSection();
    if (evaluation) data.evaluation = evaluation;
    const watch = this.watchSection();
    if (watch) data.watch = watch;
    if (this.sawLedger) data.ledger = this.ledgerSection();
    return data;
  }

  private evaluationSection(): ReportData['evaluation'] {
    // Watch runs have their own section; an evaluation is everything else.
    const results = [...this.results.values()].filter((result) => !String(result.run).startsWith('watch_'));
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
    const costPerAnswer = summaries.map((summary) => (summary.attempted === 0 ? 0 : (summary.costUsd + summary.judgeCostUsd) / summary.attempted));
    const section: NonNullable<ReportData['evaluation']> = {
      channels: summaries,
      comparisons: pairs.results(),
      costPerAnswer,
      frontier: frontier(channels, costPerAnswer, summaries.map((summary) => summary.accuracy)),
      calibration: calibration.map((bins) => bins.map((bin) => (bin.count === 0 ? null : bin.right / bin.count))),
      latency: histogram(durations),
    };
    if (this.identity) section.identity = this.identity;
    return section;
  }

  private watchSection(): WatchSection | undefined {
    let runs = this.watchRuns.map((run) => ({ at: run.at, channels: run.channels }));
    if (runs.length === 0) {
      // From a ledger: the evaluation records of watch runs, grouped by run.
      const byRun = new Map<string, { at: number; channels: Map<string, { right: number; graded: number; durations: number[] }> }>();
      for (const result of this.results.values()) {
        if (!String(result.run).startsWith('watch_') || result.outcome === 'error') continue;
        let run = byRun.get(result.run);
        if (!run) byRun.set(result.run, (run = { at: 0, channels: new Map() }));
        run.at = Math.max(run.at, Date.parse(result.at));
        let channel = run.channels.get(result.channel);
        if (!channel) run.channels.set(result.channel, (channel = { right: 0, graded: 0, durations: [] }));
        channel.graded += 1;
        if (result.outcome === 'correct') channel.right += 1;
        channel.durations.push(result.durationMs);
      }
      runs = [...byRun.values()].map((run) => ({
        at: run.at,
        channels: [...run.channels].map(([channel, counts]) => ({ channel, accuracy: counts.right / counts.graded, latencyMs: percentile(counts.durations.sort((a, b) => a - b), 50) })),
      }));
    }
    if (runs.length === 0 && this.degradations.size === 0) return undefined;
    runs.sort((a, b) => a.at - b.at);
    const channels = [...new Set([...runs.flatMap((run) => run.channels.map((entry) => entry.channel)), ...[...this.degradations.values()].map((event) => event.channel)])].sort();
    const pick = <T>(read: (entry: (typeof runs)[number]['channels'][number]) => T | undefined) =>
      channels.map((channel) => runs.map((run) => {
        const entry = run.channels.find((candidate) => candidate.channel === channel);
        const value = entry ? read(entry) : undefined;
        return value === undefined ? null : (value as T);
      }));
    const degradations = [...this.degradations.values()].sort((a, b) => a.at - b.at);
    return {
      channels,
      at: runs.map((run) => run.at / 1000),
      accuracy: pick((entry) => entry.accuracy),
      latencyMs: pick((entry) => entry.latencyMs),
      statistic: pick((entry) => entry.statistics?.accuracy),
      threshold: degradations.find((event) => event.threshold !== undefined)?.threshold,
      degradations: degradations.map(({ at, channel, metric, baseline, observed }) => ({ at: at / 1000, channel, metric, baseline, observed })),
    };
  }

  private ledgerSection(): LedgerSection {
    const days = [...new Set([...this.costByDayModel.keys()].map((key) => key.split('\u0000')[0]!))].sort();
    const models = [...new Set([...this.costByDayModel.keys()].map((key) => key.split('\u0000')[1]!))].sort();
    const channels = [...this.durations.keys()].sort();
    const kinds = [...this.claims.keys()].sort();
    this.timeline.sort((a, b) => a.t - b.t);
    const timeline = { t: this.timeline.map((point) => point.t), ms: channels.map((channel) => this.timeline.map((point) => (point.channel === channel ? point.ms : null))) };
    return {
      requests: this.requests,
      costUsd: this.costNanos / 1e9,
      creditsUsd: this.creditNanos / 1e9,
      days: days.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000),
      models,
      costByModel: models.map((model) => days.map((day) => (this.costByDayModel.get(`${day}\u0000${model}`) ?? 0) / 1e9)),
      claimKinds: kinds,
      claimCounts: kinds.map((kind) => this.claims.get(kind)!.count),
      claimCreditedUsd: kinds.map((kind) => this.claims.get(kind)!.nanos / 1e9),
      channels,
      p50Ms: channels.map((channel) => percentile(sorted(this.durations.get(channel)!), 50) ?? 0),
      p95Ms: channels.map((channel) => percentile(sorted(this.durations.get(channel)!), 95) ?? 0),
      latency: histogram(channels.map((channel) => this.durations.get(channel)!)),
      timeline,
    };
  }
}

function sorted(values: number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** Shares per channel over 24 log-spaced bins spanning every channel's latencies. */
function histogram(series: number[][]): Histogram {
  const all = series.flat().filter((value) => value > 0);
  if (all.length === 0) return { centres: [], shares: series.map(() => []) };
  let low = Infinity;
  let high = -Infinity;
  for (const value of all) {
    if (value < low) low = value;
    if (value > high) high = value;
  }
  const bins = 24;
  const logLow = Math.log(low);
  const width = Math.max(1e-9, (Math.log(high) - logLow) / bins);
  const centres = Array.from({ length: bins }, (_, bin) => Math.exp(logLow + (bin + 0.5) * width));
  const shares = series.map((values) => {
    const counts = new Array<number>(bins).fill(0);
    for (const value of values) if (value > 0) counts[Math.min(bins - 1, Math.floor((Math.log(value) - logLow) / width))]! += 1;
    return counts.map((count) => (values.length === 0 ? 0 : count / values.length));
  });
  return { centres, shares };
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
