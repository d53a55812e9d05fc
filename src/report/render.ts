import { CHART_SCRIPT } from './chart-script.js';
import { escapeHtml, figure, PAGE_STYLE, uplotAssets } from './page-parts.js';
import { PAGE_SCRIPT } from './page-script.js';
import type { ReportData } from './report-data.js';

const pct = (value: number): string => `${(100 * value).toFixed(1)}%`;
const ms = (value: number | undefined): string => (value === undefined ? '–' : `${Math.round(value)} ms`);
const usd = (value: number): string => `$${value.toFixed(value < 0.01 ? 6 : 4)}`;

/** One self-contained HTML page: the data, uPlot and the page script inline; it loads nothing. */
export function renderReport(data: ReportData): string {
  const { script, style } = uplotAssets();
  // `<` escaped so that no string in the data can close the script element.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(data.title)}</title>
<style>${style}</style>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(data.title)}</h1><p class="meta">Generated ${escapeHtml(data.generatedAt)} from ${data.sources.map(escapeHtml).join(', ')}</p></header>
<main>
${evaluationHtml(data)}
${watchHtml(data)}
${ledgerHtml(data)}
</main>
<script id="zen-data" type="application/json">${json}</script>
<script>${script}</script>
<script>${CHART_SCRIPT}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

function evaluationHtml(data: ReportData): string {
  const evaluation = data.evaluation;
  if (!evaluation) return '';
  const rows = evaluation.channels
    .map(
      (channel) =>
        `<tr><td>${escapeHtml(channel.channel)}</td><td>${pct(channel.accuracy)}</td><td>${pct(channel.ci95[0])} – ${pct(channel.ci95[1])}</td><td>${channel.correct}/${channel.graded}</td>` +
        `<td>${channel.calibrationErrorRms === undefined ? '–' : pct(channel.calibrationErrorRms)}</td><td>${usd(channel.costUsd + channel.judgeCostUsd)}</td><td>${ms(channel.latency.p50Ms)} / ${ms(channel.latency.p95Ms)}</td>` +
        `<td>${ms(channel.latency.ttftP50Ms)}</td><td>${channel.refusals}</td><td>${channel.errors}</td></tr>`,
    )
    .join('');
  const categories = [...new Set(evaluation.channels.flatMap((channel) => channel.byCategory.map((category) => category.category)))].sort();
  const categoryRows = categories
    .map(
      (category) =>
        `<tr><td>${escapeHtml(category)}</td>${evaluation.channels
          .map((channel) => {
            const entry = channel.byCategory.find((candidate) => candidate.category === category);
            return `<td>${entry ? `${pct(entry.accuracy)} <span class="n">(${entry.correct}/${entry.graded})</span>` : '–'}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('');
  const comparisons = evaluation.comparisons
    .map(
      (comparison) =>
        `<tr class="${comparison.worse ? 'flag' : ''}"><td>${escapeHtml(comparison.a)}<br>${escapeHtml(comparison.b)}</td><td>${pct(comparison.accuracyA)}<br>${pct(comparison.accuracyB)}</td>` +
        `<td>${comparison.paired}</td><td>${comparison.onlyA} / ${comparison.onlyB}</td><td>${comparison.test} p=${comparison.adjustedP.toPrecision(3)}</td><td>${comparison.worse ? `<strong>${escapeHtml(comparison.worse)} is worse</strong>` : 'within chance'}</td>` +
        `<td class="items">${comparison.disagreements
          .slice(0, 30)
          .map((entry) => escapeHtml(entry.item))
          .join(', ')}${comparison.disagreementCount > 30 ? ', …' : ''}</td></tr>`,
    )
    .join('');
  const identity = evaluation.identity
    ? `<h3>Identity probe</h3><table><tr><th>channel</th><th>says it is</th><th>agreement</th><th>verdict</th></tr>${evaluation.identity.map((entry) => `<tr class="${entry.flagged ? 'flag' : ''}"><td>${escapeHtml(entry.channel)}</td><td>${escapeHtml(entry.selfReport.slice(0, 80))}</td><td>${entry.agreement === undefined ? '–' : pct(entry.agreement)}</td><td>${entry.flagged ? escapeHtml(entry.reasons.join('; ')) : 'ok'}</td></tr>`).join('')}</table>`
    : '';
  return `<section id="evaluation"><h2>Evaluation</h2>
<table><tr><th>channel</th><th>accuracy</th><th>95% CI (Wilson)</th><th>right</th><th>calibration error (RMS)</th><th>cost</th><th>latency p50 / p95</th><th>TTFT p50</th><th>refusals</th><th>errors</th></tr>${rows}</table>
<div class="grid">
${figure('chart-accuracy', 'Accuracy with 95% confidence intervals', 'Wilson score intervals per channel; refusals count as wrong, errors are left out.')}
${figure('chart-cost', 'Accuracy against cost per answer', 'Each channel; the green line joins the frontier, where no cheaper channel is as accurate.')}
${figure('chart-calibration', 'Calibration', 'Accuracy per stated-confidence bin; on the dashed diagonal a model is as sure as it is right.')}
${figure('chart-latency', 'Latency distribution', 'Share of each channel\u2019s answers per latency bin (log-spaced bins).')}
</div>
<h3>Accuracy per category</h3><table><tr><th>category</th>${evaluation.channels.map((channel) => `<th>${escapeHtml(channel.channel)}</th>`).join('')}</tr>${categoryRows}</table>
<h3>Channel comparison (same items)</h3><table><tr><th>channels</th><th>accuracy</th><th>items</th><th>only right on first / second</th><th>test (Holm-adjusted)</th><th>verdict</th><th>disagreeing items</th></tr>${comparisons || '<tr><td colspan="7">one channel only</td></tr>'}</table>
${identity}
</section>`;
}

function watchHtml(data: ReportData): string {
  const watch = data.watch;
  if (!watch) return '';
  const events = watch.degradations
    .map(
      (event) =>
        `<li><strong>${escapeHtml(event.channel)}</strong>: ${escapeHtml(event.metric)} from ${event.metric === 'accuracy' || event.metric === 'defects' ? pct(event.baseline) : Math.round(event.baseline)} to ${event.metric === 'accuracy' || event.metric === 'defects' ? pct(event.observed) : Math.round(event.observed)} at ${new Date(event.at * 1000).toISOString()}</li>`,
    )
    .join('');
  return `<section id="watch"><h2>Degradation watch</h2>
<div class="grid">
${figure('chart-watch', 'Canary accuracy per run', 'Each canary run\u2019s accuracy per channel; red lines mark degradation events.')}
${figure('chart-cusum', 'CUSUM statistic', 'The accuracy CUSUM per channel against its threshold (ln of the false-alarm run length).')}
</div>
<ul class="events">${events || '<li>No degradation.</li>'}</ul>
</section>`;
}

function ledgerHtml(data: ReportData): string {
  const ledger = data.ledger;
  if (!ledger) return '';
  return `<section id="ledger"><h2>Ledger</h2>
<p class="totals">${ledger.requests.toLocaleString('en')} calls · cost ${usd(ledger.costUsd)} · credits ${usd(ledger.creditsUsd)}</p>
<div class="grid">
${figure('chart-ledger-cost', 'Cost per model per day', 'What each model\u2019s calls cost per UTC day.')}
${figure('chart-ledger-claims', 'Claims and credits', 'Claims filed per quality event kind, and the credit they granted.')}
${figure('chart-ledger-latency', 'Latency per channel', 'p50 and p95 of successful attempts.')}
${figure('chart-ledger-timeline', 'Every call\u2019s latency over time', 'One point per successful attempt.')}
</div>
</section>`;
}
