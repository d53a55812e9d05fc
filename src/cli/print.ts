import type { ChannelComparison } from '../eval/compare.js';
import type { EvaluationResult } from '../eval/evaluate.js';
import type { IdentityProbeResult } from '../eval/identity.js';

const percent = (value: number): string => `${(100 * value).toFixed(1)}%`;
const ms = (value: number | undefined): string => (value === undefined ? '–' : `${Math.round(value)} ms`);

/** The per-channel table printed at the end of `zenrouter eval`. */
export function printSummary(report: EvaluationResult): void {
  const rows = report.channels.map((channel) => [
    channel.channel,
    `${percent(channel.accuracy)} [${percent(channel.ci95[0])}, ${percent(channel.ci95[1])}]`,
    `${channel.correct}/${channel.graded}`,
    channel.calibrationErrorRms === undefined ? '–' : percent(channel.calibrationErrorRms),
    `$${(channel.costUsd + channel.judgeCostUsd).toFixed(4)}`,
    `${ms(channel.latency.p50Ms)} / ${ms(channel.latency.p95Ms)}`,
    ms(channel.latency.ttftP50Ms),
    String(channel.refusals),
    String(channel.errors),
  ]);
  table(['channel', 'accuracy [95% CI]', 'right', 'calib. err', 'cost', 'p50 / p95', 'ttft p50', 'refusals', 'errors'], rows);
  console.log(
    `\n${report.channels.reduce((sum, channel) => sum + channel.attempted, 0)} answers · $${report.spentUsd.toFixed(4)} spent${report.resumed ? ` · ${report.resumed} resumed` : ''}${report.stopped ? ` · stopped: ${report.stopped}` : ''}`,
  );
}

export function printComparisons(comparisons: ChannelComparison[]): void {
  if (comparisons.length === 0) return;
  console.log('\nchannel comparison (same items, Holm-adjusted):');
  for (const comparison of comparisons) {
    const verdict = comparison.worse ? `${comparison.worse} is WORSE` : 'no significant difference';
    console.log(
      `  ${comparison.a} vs ${comparison.b}: ${percent(comparison.accuracyA)} vs ${percent(comparison.accuracyB)} on ${comparison.paired} items, ` +
        `${comparison.disagreementCount} disagree (${comparison.onlyA}/${comparison.onlyB}), ${comparison.test} p=${comparison.adjustedP.toPrecision(3)} → ${verdict}`,
    );
    if (comparison.worse && comparison.disagreements.length > 0) {
      console.log(
        `    disagreeing items: ${comparison.disagreements
          .slice(0, 12)
          .map((entry) => entry.item)
          .join(', ')}${comparison.disagreements.length > 12 ? ', …' : ''}`,
      );
    }
  }
}

export function printIdentity(results: IdentityProbeResult[]): void {
  console.log('\nidentity probe:');
  for (const result of results) {
    console.log(`  ${result.channel}: ${result.flagged ? `FLAGGED (${result.reasons.join('; ')})` : 'ok'}`);
  }
}

function table(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]): string => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}
