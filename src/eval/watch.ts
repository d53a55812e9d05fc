import { EventEmitter } from 'eventemitter3';
import { configurationError, ZenError } from '../core/errors.js';
import { newRequestId } from '../core/ids.js';
import type { Channel } from '../policy/catalog.js';
import type { DegradationRecord, QualityEvent } from '../insurance/types.js';
import type { AttemptEvent } from '../policy/events.js';
import type { EvalClient } from './client.js';
import { bernoulliLlr, Cusum, normalLlr, thresholdFor } from './cusum.js';
import { defaultQualityCategory, evaluate, type EvaluateOptions } from './evaluate.js';
import type { EvalItem, ItemResult } from './types.js';
import type { DegradationEvent, WatchEvents, WatchMetric, WatchRun, WatchRunChannel } from './watch-types.js';

/** Runs a function after a delay; the default uses setTimeout. Tests inject their own. */
export interface WatchScheduler {
  schedule(run: () => void, delayMs: number): { cancel(): void };
}

export interface WatchOptions {
  /** The canary set, asked in full at every run (keep it small: 10 to 50 items). */
  dataset: readonly EvalItem[];
  /** Channels to watch (`vendor/model:provider`), and/or models (each of their channels). */
  channels?: string[];
  models?: string[];
  /** Time between runs: milliseconds, or `30s`, `15m`, `1h`, `1d`. */
  every: number | string;
  /** Never spend more than this per UTC day on canary runs (USD). Needs a price for every channel. */
  budgetUsdPerDay: number;
  judge?: string;
  concurrency?: number;
  maxOutputTokens?: number;
  /** Runs that learn each channel's baseline before it is watched (default 3). */
  baselineRuns?: number;
  /**
   * Observations between false alarms, at the least, per channel and metric (default 10,000):
   * the CUSUM threshold is ln of it. Accuracy counts answers; latency and throughput count runs;
   * defects count production calls.
   */
  falseAlarmEvery?: number;
  /** The accuracy drop to detect, in absolute terms (default 0.15: 90 % → 75 %). */
  accuracyDrop?: number;
  /** The latency rise and throughput fall to detect, as a factor (default 1.5). */
  slowdownFactor?: number;
  /** Latencies under this count as this (default 100 ms): below it, differences say nothing about a model. */
  latencyFloorMs?: number;
  /** Production calls' detector events as evidence (default true): the defect rate's rise to detect (default 0.1). */
  production?: boolean | { defectIncrease?: number; baselineCalls?: number; minSeverity?: number };
  /** Hold the channel's breaker open on a degradation (default false). */
  openBreaker?: boolean | { cooldownMs: number };
  /** Graded observations fed to the quality model on an accuracy alarm, at the level seen since the change (default 10). */
  evidenceWeight?: number;
  /** Start the first run at once (default true). */
  immediate?: boolean;
  scheduler?: WatchScheduler;
  /** Clock for budget days and event times (default Date.now). */
  now?: () => number;
  /** Told every run (write it to a results file). */
  onRun?: (run: WatchRun, results: ItemResult[]) => void | Promise<void>;
}

const DEFAULTS = {
  baselineRuns: 3,
  falseAlarmEvery: 10_000,
  accuracyDrop: 0.15,
  slowdownFactor: 1.5,
  latencyFloorMs: 100,
  evidenceWeight: 10,
  throughputCeiling: 1_000,
};
// A run's mean log latency is noisier than its items' spread says (a whole run shares the host's load).
const MIN_RUN_SIGMA = 0.25;

interface Baseline {
  errors: number;
  graded: number;
  logLatency: number[];
  logThroughput: number[];
}

class ChannelWatch {
  runs = 0;
  readonly learned: Baseline = { errors: 0, graded: 0, logLatency: [], logThroughput: [] };
  p0 = 0;
  latency: { mean: number; sigma: number } | undefined;
  throughput: { mean: number; sigma: number } | undefined;
  readonly accuracy: Cusum;
  readonly slower: Cusum;
  readonly lessThroughput: Cusum;
  readonly defects: Cusum;
  readonly degraded = new Set<WatchMetric>();
  // The level since the accuracy CUSUM last left 0.
  sinceErrors = 0;
  sinceGraded = 0;
  production = { calls: 0, defects: 0, p0: 0, sinceCalls: 0, sinceDefects: 0 };

  constructor(
    readonly channel: Channel,
    threshold: number,
  ) {
    this.accuracy = new Cusum(threshold);
    this.slower = new Cusum(threshold);
    this.lessThroughput = new Cusum(threshold);
    this.defects = new Cusum(threshold);
  }
}

/**
 * Canary runs on a schedule, within a daily budget, with a per-channel baseline and one CUSUM per
 * metric: accuracy (per answer, Bernoulli), latency and throughput (per run, normal on logs), and
 * the production defect rate (per call, from the detectors' events). A crossing raises a
 * `degradation` event (on the watch and the client), writes a `degradation` ledger record, feeds
 * the quality model, and optionally holds the channel's breaker open.
 */
export class Watch extends EventEmitter<WatchEvents> {
  private readonly channels = new Map<string, ChannelWatch>();
  private resolved: Promise<void> | undefined;
  private timer: { cancel(): void } | undefined;
  private current: Promise<WatchRun | undefined> | undefined;
  private stopped = false;
  private index = 0;
  private readonly spentByDay = new Map<string, number>();
  private readonly everyMs: number;
  private readonly threshold: number;
  private readonly now: () => number;
  private readonly scheduler: WatchScheduler;
  private readonly detachProduction: (() => void) | undefined;

  constructor(
    private readonly zen: EvalClient,
    private readonly options: WatchOptions,
  ) {
    super();
    this.everyMs = parseEvery(options.every);
    if (!Array.isArray(options.dataset) || options.dataset.length === 0)
      throw configurationError('watch: `dataset` must be a non-empty array of canary items');
    if (!Number.isFinite(options.budgetUsdPerDay) || options.budgetUsdPerDay <= 0)
      throw configurationError(`watch: \`budgetUsdPerDay\` must be a number > 0, got ${String(options.budgetUsdPerDay)}`);
    const arl = options.falseAlarmEvery ?? DEFAULTS.falseAlarmEvery;
    if (!(arl > 1)) throw configurationError('watch: `falseAlarmEvery` must be > 1');
    this.threshold = thresholdFor(arl);
    this.now = options.now ?? Date.now;
    this.scheduler = options.scheduler ?? timeoutScheduler;
    this.detachProduction = options.production === false ? undefined : this.listenToProduction();
    // Resolved now, so that production evidence counts from the first call; a bad channel also fails each run.
    this.resolve().catch((error: unknown) => this.emit('error', error instanceof Error ? error : new Error(String(error))));
    if (options.immediate ?? true) this.schedule(0);
    else this.schedule(this.everyMs);
  }

  /** Runs the canary set now (between scheduled runs, or instead of a scheduler). */
  runOnce(): Promise<WatchRun | undefined> {
    this.current ??= this.run().finally(() => {
      this.current = undefined;
    });
    return this.current;
  }

  /** Stops scheduling, waits for a run in progress, and stops listening to production calls. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.detachProduction?.();
    await this.current;
  }

  /** Where each channel stands: baseline learned or not, CUSUM statistics, metrics in alarm. */
  status(): Array<{
    channel: string;
    runs: number;
    phase: 'baseline' | 'watching';
    baselineAccuracy: number | undefined;
    statistics: Record<WatchMetric, number>;
    degraded: WatchMetric[];
  }> {
    return [...this.channels.values()].map((state) => ({
      channel: state.channel.id,
      runs: state.runs,
      phase: this.phase(state),
      baselineAccuracy: this.phase(state) === 'watching' ? 1 - state.p0 : undefined,
      statistics: {
        accuracy: state.accuracy.statistic,
        latency: state.slower.statistic,
        throughput: state.lessThroughput.statistic,
        defects: state.defects.statistic,
      },
      degraded: [...state.degraded],
    }));
  }

  /** Forgets a channel's baseline and alarms (after it was fixed, or to accept a new level). */
  rebaseline(channel?: string): void {
    for (const [id, state] of this.channels) {
      if (channel === undefined || id === channel) this.channels.set(id, new ChannelWatch(state.channel, this.threshold));
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = this.scheduler.schedule(() => {
      void this.runOnce()
        .catch((error: unknown) => this.emit('error', error instanceof Error ? error : new Error(String(error))))
        .finally(() => this.schedule(this.everyMs));
    }, delayMs);
  }

  private phase(state: ChannelWatch): 'baseline' | 'watching' {
    return state.runs > (this.options.baselineRuns ?? DEFAULTS.baselineRuns) ? 'watching' : 'baseline';
  }

  private async resolve(): Promise<void> {
    this.resolved ??= (async () => {
      const probe = { messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'probe' }] }] };
      for (const id of this.options.channels ?? []) {
        const channel = (await this.zen.plan({ model: id, request: probe, options: { maxChannels: 1 } })).order[0]?.channel;
        if (!channel) throw configurationError(`watch: no channel ${id}`);
        this.channels.set(channel.id, new ChannelWatch(channel, this.threshold));
      }
      for (const model of this.options.models ?? []) {
        for (const candidate of (await this.zen.plan({ model, request: probe, options: { maxChannels: 64 } })).order) {
          if (!this.channels.has(candidate.channel.id))
            this.channels.set(candidate.channel.id, new ChannelWatch(candidate.channel, this.threshold));
        }
      }
      if (this.channels.size === 0) throw configurationError('watch needs `channels` or `models`');
    })();
    return this.resolved;
  }

  private async run(): Promise<WatchRun | undefined> {
    await this.resolve();
    const day = new Date(this.now()).toISOString().slice(0, 10);
    const spentToday = this.spentByDay.get(day) ?? 0;
    const remaining = this.options.budgetUsdPerDay - spentToday;
    if (remaining <= 0) {
      this.emit('skipped', { at: new Date(this.now()).toISOString(), reason: 'budget', spentTodayUsd: spentToday });
      return undefined;
    }
    this.index += 1;
    const run = `watch_${newRequestId()}`;
    const results: ItemResult[] = [];
    const evaluation: EvaluateOptions = {
      dataset: this.options.dataset,
      channels: [...this.channels.keys()],
      budgetUsd: remaining,
      run,
      tags: { zen_watch: run },
      onResult: (result) => void results.push(result),
      compare: { pairs: 'all', maxDisagreements: 0 },
    };
    if (this.options.judge) evaluation.judge = this.options.judge;
    if (this.options.concurrency !== undefined) evaluation.concurrency = this.options.concurrency;
    if (this.options.maxOutputTokens !== undefined) evaluation.maxOutputTokens = this.options.maxOutputTokens;
    const report = await evaluate(this.zen, evaluation);
    this.spentByDay.set(day, spentToday + report.spentUsd);
    if (results.length === 0 && report.stopped === 'budget') {
      // Not even one call fits what is left of the day's budget: no run.
      this.index -= 1;
      this.emit('skipped', { at: new Date(this.now()).toISOString(), reason: 'budget', spentTodayUsd: spentToday });
      return undefined;
    }
    const at = new Date(this.now()).toISOString();
    const rows: WatchRunChannel[] = [];
    for (const state of this.channels.values()) {
      const own = results.filter((result) => result.channel === state.channel.id);
      rows.push(await this.observeRun(state, own, run, at));
    }
    const summary: WatchRun = { run, index: this.index, at, channels: rows, spentUsd: report.spentUsd };
    if (report.stopped) summary.stopped = report.stopped;
    await this.options.onRun?.(summary, results);
    this.emit('run', summary);
    return summary;
  }

  private async observeRun(state: ChannelWatch, results: ItemResult[], run: string, at: string): Promise<WatchRunChannel> {
    const graded = results.filter((result) => result.outcome !== 'error');
    const correct = graded.filter((result) => result.outcome === 'correct').length;
    const floor = this.options.latencyFloorMs ?? DEFAULTS.latencyFloorMs;
    const logLatencies = graded.map((result) => Math.log(Math.max(floor, result.durationMs)));
    const logThroughputs = graded.flatMap((result) =>
      result.tokensPerSecond !== undefined && result.tokensPerSecond > 0
        ? [Math.log(Math.min(DEFAULTS.throughputCeiling, Math.max(1, result.tokensPerSecond)))]
        : [],
    );
    state.runs += 1;
    if (this.phase(state) === 'baseline') {
      state.learned.graded += graded.length;
      state.learned.errors += graded.length - correct;
      state.learned.logLatency.push(...logLatencies);
      state.learned.logThroughput.push(...logThroughputs);
    } else {
      if (state.latency === undefined) this.fixBaseline(state);
      await this.observeAccuracy(
        state,
        graded.map((result) => result.outcome !== 'correct'),
        run,
        at,
      );
      const shift = Math.log(this.options.slowdownFactor ?? DEFAULTS.slowdownFactor);
      if (logLatencies.length > 0 && state.latency) {
        const sigma = Math.max(MIN_RUN_SIGMA, state.latency.sigma / Math.sqrt(logLatencies.length));
        if (state.slower.add(normalLlr(mean(logLatencies), state.latency.mean, sigma, shift))) {
          await this.alarm(state, 'latency', Math.exp(state.latency.mean), Math.exp(mean(logLatencies)), state.slower, run, at);
        }
      }
      if (logThroughputs.length > 0 && state.throughput) {
        const sigma = Math.max(MIN_RUN_SIGMA, state.throughput.sigma / Math.sqrt(logThroughputs.length));
        // A fall in throughput is a rise in -log(throughput).
        if (state.lessThroughput.add(normalLlr(-mean(logThroughputs), -state.throughput.mean, sigma, shift))) {
          await this.alarm(
            state,
            'throughput',
            Math.exp(state.throughput.mean),
            Math.exp(mean(logThroughputs)),
            state.lessThroughput,
            run,
            at,
          );
        }
      }
    }
    const sortedLatency = graded.map((result) => result.durationMs).sort((a, b) => a - b);
    const sortedThroughput = graded
      .flatMap((result) => (result.tokensPerSecond !== undefined ? [result.tokensPerSecond] : []))
      .sort((a, b) => a - b);
    return {
      channel: state.channel.id,
      graded: graded.length,
      correct,
      errors: results.length - graded.length,
      accuracy: graded.length === 0 ? 0 : correct / graded.length,
      latencyMs: median(sortedLatency),
      tokensPerSecond: median(sortedThroughput),
      phase: this.phase(state),
      statistics: { accuracy: state.accuracy.statistic, latency: state.slower.statistic, throughput: state.lessThroughput.statistic },
      degraded: [...state.degraded],
    };
  }

  private fixBaseline(state: ChannelWatch): void {
    const { errors, graded, logLatency, logThroughput } = state.learned;
    // Smoothed (one pseudo-success, one pseudo-failure): a flawless baseline still has a rate > 0.
    state.p0 = (errors + 1) / (graded + 2);
    state.latency = logLatency.length > 1 ? { mean: mean(logLatency), sigma: sd(logLatency) } : undefined;
    state.throughput = logThroughput.length > 1 ? { mean: mean(logThroughput), sigma: sd(logThroughput) } : undefined;
  }

  private async observeAccuracy(state: ChannelWatch, failures: boolean[], run: string, at: string): Promise<void> {
    const p1 = Math.min(0.999, state.p0 + (this.options.accuracyDrop ?? DEFAULTS.accuracyDrop));
    for (const failed of failures) {
      const wasZero = state.accuracy.statistic === 0;
      const crossed = state.accuracy.add(bernoulliLlr(failed, state.p0, p1));
      if (wasZero) {
        state.sinceErrors = 0;
        state.sinceGraded = 0;
      }
      if (state.accuracy.statistic > 0 || crossed) {
        state.sinceGraded += 1;
        if (failed) state.sinceErrors += 1;
      }
      if (crossed) {
        const observed = state.sinceGraded === 0 ? 0 : 1 - state.sinceErrors / state.sinceGraded;
        await this.alarm(state, 'accuracy', 1 - state.p0, observed, state.accuracy, run, at);
      }
    }
  }

  private async alarm(
    state: ChannelWatch,
    metric: WatchMetric,
    baseline: number,
    observed: number,
    cusum: Cusum,
    run: string | undefined,
    at: string,
  ): Promise<void> {
    const statistic = cusum.statistic;
    cusum.reset();
    // One event per metric until the channel is re-baselined: a degraded channel stays degraded.
    if (state.degraded.has(metric)) return;
    state.degraded.add(metric);
    const breakerOpened = this.openBreaker(state, metric);
    const event: DegradationEvent = {
      channel: state.channel.id,
      metric,
      baseline,
      observed,
      statistic,
      threshold: cusum.threshold,
      at,
      breakerOpened,
    };
    if (run) event.run = run;
    const weight = this.options.evidenceWeight ?? DEFAULTS.evidenceWeight;
    if (metric === 'accuracy') {
      // The graded answers already reached the quality model one by one; the change point adds the
      // level since the change with more weight, so the estimate follows it instead of the long past.
      const category = defaultQualityCategory(this.options.dataset[0]!);
      for (let k = 0; k < weight; k += 1) this.zen.quality.observe({ channel: state.channel, category, success: true, score: observed });
    } else if (metric === 'defects') {
      for (let k = 0; k < weight; k += 1)
        this.zen.quality.observe({ channel: state.channel, category: 'chat', success: true, eventSeverities: [1] });
    }
    const record: DegradationRecord = {
      type: 'degradation',
      requestId: run ?? `degradation_${newRequestId()}`,
      at,
      channel: event.channel,
      metric,
      baseline,
      observed,
      statistic,
      threshold: cusum.threshold,
    };
    try {
      await this.zen.ledger.append(record);
    } catch (error) {
      this.emit('error', ZenError.isInstance(error) ? error : new Error(String(error)));
    }
    this.emit('degradation', event);
    this.zen.emit('degradation', event);
  }

  private openBreaker(state: ChannelWatch, metric: WatchMetric): boolean {
    const option = this.options.openBreaker;
    if (!option) return false;
    const cooldownMs = typeof option === 'object' ? option.cooldownMs : this.everyMs;
    const transition = this.zen.state.breaker(state.channel).holdOpen(this.now() + cooldownMs, `degradation: ${metric}`);
    if (transition) this.zen.emit('breaker', { channel: state.channel.id, ...transition });
    return true;
  }

  /** Production calls' detector events: each successful attempt is an observation, a quality event of enough severity a defect. */
  private listenToProduction(): () => void {
    const option = typeof this.options.production === 'object' ? this.options.production : {};
    const baselineCalls = option.baselineCalls ?? 200;
    const increase = option.defectIncrease ?? 0.1;
    const minSeverity = option.minSeverity ?? 0.5;
    const seen = new Set<string>();
    const onAttempt = ({ attempt }: AttemptEvent): void => {
      if (attempt.outcome !== 'success') return;
      const state = this.channels.get(attempt.channel);
      if (!state) return;
      this.productionObservation(state, false, baselineCalls, increase);
    };
    const onQuality = (event: QualityEvent): void => {
      const state = this.channels.get(event.channel);
      if (!state || event.severity < minSeverity) return;
      const key = `${event.requestId}\u0000${event.channel}`;
      if (seen.has(key)) return;
      seen.add(key);
      if (seen.size > 10_000) seen.clear();
      // The attempt was counted as clean; this turns it into a defect.
      this.productionObservation(state, true, baselineCalls, increase);
    };
    this.zen.on('attempt', onAttempt);
    this.zen.on('quality', onQuality);
    return () => {
      this.zen.off('attempt', onAttempt);
      this.zen.off('quality', onQuality);
    };
  }

  private productionObservation(state: ChannelWatch, defect: boolean, baselineCalls: number, increase: number): void {
    const production = state.production;
    if (production.calls < baselineCalls) {
      if (defect) production.defects += 1;
      else production.calls += 1;
      if (production.calls === baselineCalls) production.p0 = (production.defects + 1) / (production.calls + 2);
      return;
    }
    const p0 = production.p0;
    const p1 = Math.min(0.999, p0 + increase);
    // A defect replaces the clean observation its attempt already added.
    const llr = defect ? bernoulliLlr(true, p0, p1) - bernoulliLlr(false, p0, p1) : bernoulliLlr(false, p0, p1);
    if (production.sinceCalls === 0 || state.defects.statistic === 0) {
      production.sinceCalls = 0;
      production.sinceDefects = 0;
    }
    if (defect) production.sinceDefects += 1;
    else production.sinceCalls += 1;
    if (state.defects.add(llr)) {
      const observed = production.sinceCalls === 0 ? 1 : Math.min(1, production.sinceDefects / production.sinceCalls);
      void this.alarm(state, 'defects', p0, observed, state.defects, undefined, new Date(this.now()).toISOString());
    }
  }
}

export function watch(zen: EvalClient, options: WatchOptions): Watch {
  return new Watch(zen, options);
}

const timeoutScheduler: WatchScheduler = {
  schedule(run, delayMs) {
    const timer = setTimeout(run, delayMs);
    return { cancel: () => clearTimeout(timer) };
  },
};

/** `90000`, `30s`, `15m`, `1h`, `1d` → milliseconds. */
export function parseEvery(every: number | string): number {
  if (typeof every === 'number') {
    if (!Number.isFinite(every) || every <= 0) throw configurationError(`watch: \`every\` must be > 0 ms, got ${every}`);
    return every;
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/i.exec(String(every));
  if (!match) throw configurationError(`watch: \`every\` must be milliseconds or like 30s, 15m, 1h, 1d; got '${String(every)}'`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2]!.toLowerCase() as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function sd(values: readonly number[]): number {
  const average = mean(values);
  return Math.sqrt(values.reduce((sum, value) => sum + (value - average) ** 2, 0) / Math.max(1, values.length - 1));
}

function median(sorted: readonly number[]): number | undefined {
  return sorted.length === 0 ? undefined : sorted[Math.floor((sorted.length - 1) / 2)];
}
