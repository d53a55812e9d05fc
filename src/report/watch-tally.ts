import { percentile } from '../eval/stats.js';
import type { RecordLine } from './ledger-tally.js';
import type { WatchSection } from './report-data.js';

/** A `watch-run` line of a results file, as far as the report reads it. */
interface WatchRunLine {
  at: number;
  channels: Array<{ channel: string; accuracy: number; latencyMs?: number; statistics?: { accuracy?: number } }>;
}

export interface DegradationEntry {
  at: number;
  channel: string;
  metric: string;
  baseline: number;
  observed: number;
  threshold?: number;
}

/** Whether an evaluation record (or results-file result) belongs to a degradation watch's canary run. */
export const isWatchRun = (run: unknown): boolean => String(run).startsWith('watch_');

/**
 * The degradation watch's figures, added one line at a time: `watch-run` lines of a results file,
 * the graded answers of canary runs (`evaluation` records or results whose run is `watch_…`), and
 * `degradation` records. Answers are kept as counts per run and channel, not one by one.
 */
export class WatchTally {
  private readonly runLines: WatchRunLine[] = [];
  private readonly answerRuns = new Map<
    string,
    { at: number; channels: Map<string, { right: number; graded: number; durations: number[] }> }
  >();
  private readonly seenAnswers = new Set<string>();
  private readonly degradationsByKey = new Map<string, DegradationEntry>();

  add(line: RecordLine): void {
    switch (line.type) {
      case 'watch-run':
        if (Array.isArray(line.channels))
          this.runLines.push({ at: Date.parse(String(line.at)), channels: line.channels as WatchRunLine['channels'] });
        return;
      case 'degradation': {
        const at = Date.parse(String(line.at));
        const key = `${String(line.channel)}\u0000${String(line.metric)}\u0000${at}`;
        this.degradationsByKey.set(key, {
          at,
          channel: String(line.channel),
          metric: String(line.metric),
          baseline: Number(line.baseline),
          observed: Number(line.observed),
          ...(typeof line.threshold === 'number' ? { threshold: line.threshold } : {}),
        });
        return;
      }
      case 'result':
      case 'evaluation':
        this.addAnswer(line);
        return;
      default:
    }
  }

  private addAnswer(line: RecordLine): void {
    if (!isWatchRun(line.run) || typeof line.channel !== 'string' || typeof line.item !== 'string' || line.outcome === 'error') return;
    // The same answer in a results file and in a ledger counts once.
    const key = `${String(line.run)}\u0000${line.channel}\u0000${line.item}\u0000${String(line.sample)}`;
    if (this.seenAnswers.has(key)) return;
    this.seenAnswers.add(key);
    const runId = String(line.run);
    let run = this.answerRuns.get(runId);
    if (!run) this.answerRuns.set(runId, (run = { at: 0, channels: new Map() }));
    run.at = Math.max(run.at, Date.parse(String(line.at)));
    let channel = run.channels.get(line.channel);
    if (!channel) run.channels.set(line.channel, (channel = { right: 0, graded: 0, durations: [] }));
    channel.graded += 1;
    if (line.outcome === 'correct') channel.right += 1;
    channel.durations.push(Number(line.durationMs));
  }

  /** Degradation events, oldest first (times in epoch ms). */
  degradations(): DegradationEntry[] {
    return [...this.degradationsByKey.values()].sort((a, b) => a.at - b.at);
  }

  section(): WatchSection | undefined {
    // A results file's run lines carry the CUSUM statistic; without them, runs come from the answers.
    let runs = this.runLines.map((run) => ({ at: run.at, channels: run.channels }));
    if (runs.length === 0) {
      runs = [...this.answerRuns.values()].map((run) => ({
        at: run.at,
        channels: [...run.channels].map(([channel, counts]) => ({
          channel,
          accuracy: counts.right / counts.graded,
          latencyMs: percentile(
            counts.durations.slice().sort((a, b) => a - b),
            50,
          ),
        })),
      }));
    }
    if (runs.length === 0 && this.degradationsByKey.size === 0) return undefined;
    runs.sort((a, b) => a.at - b.at);
    const degradations = this.degradations();
    const channels = [
      ...new Set([...runs.flatMap((run) => run.channels.map((entry) => entry.channel)), ...degradations.map((event) => event.channel)]),
    ].sort();
    const pick = <T>(read: (entry: (typeof runs)[number]['channels'][number]) => T | undefined) =>
      channels.map((channel) =>
        runs.map((run) => {
          const entry = run.channels.find((candidate) => candidate.channel === channel);
          const value = entry ? read(entry) : undefined;
          return value === undefined ? null : (value as T);
        }),
      );
    return {
      channels,
      at: runs.map((run) => run.at / 1000),
      accuracy: pick((entry) => entry.accuracy),
      latencyMs: pick((entry) => entry.latencyMs),
      statistic: pick((entry) => entry.statistics?.accuracy),
      threshold: degradations.find((event) => event.threshold !== undefined)?.threshold,
      degradations: degradations.map(({ at, channel, metric, baseline, observed }) => ({
        at: at / 1000,
        channel,
        metric,
        baseline,
        observed,
      })),
    };
  }
}
