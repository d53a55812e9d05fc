import { escapeHtml, figure, PAGE_STYLE } from '../report/page-parts.js';

/**
 * The dashboard's page: a shell whose numbers, tables and charts the page script fills from
 * `/api/snapshot` and refreshes. Scripts and styles are served by the dashboard itself
 * (`/assets/…`), so the page loads nothing from anywhere else.
 */
export function renderDashboardPage(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/uplot.css">
<link rel="stylesheet" href="/assets/dashboard.css">
</head>
<body>
<header><h1 id="title">${escapeHtml(title)}</h1><p class="meta"><span id="source"></span> · <span id="status">connecting…</span></p></header>
<main>
<p id="banner" class="banner" hidden></p>
<section id="totals" class="cards">
${card('total-requests', 'calls')}${card('total-errors', 'failed calls')}${card('total-cost', 'cost')}${card('total-credits', 'credits')}${card('total-claims', 'claims')}${card('total-degradations', 'degradations')}
</section>
<section id="budgets" hidden><h2>Budgets</h2>
<table id="budget-table"><thead><tr><th>key</th><th>window</th><th>unit</th><th>spent</th><th>limit</th><th>used</th><th>as of</th></tr></thead><tbody></tbody></table>
<h3>Limit events</h3><ul id="budget-events" class="events"></ul>
</section>
<section id="models"><h2>Per model per day</h2>
<div class="grid three">
${figure('chart-requests', 'Calls per model per day', 'Calls each model answered (or failed) per UTC day.')}
${figure('chart-ledger-cost', 'Cost per model per day', 'What each model\u2019s calls cost per UTC day.')}
${figure('chart-credits', 'Credits per model per day', 'Credits granted for quality problems, by the model that caused them.')}
</div>
<h3>The last 7 days</h3>
<table id="model-days"><thead><tr><th>day (UTC)</th><th>model</th><th>calls</th><th>cost</th><th>credits</th></tr></thead><tbody></tbody></table>
</section>
<section id="latency"><h2>Latency per channel</h2>
<table id="channels"><thead><tr><th>channel</th><th>successful attempts</th><th>p50</th><th>p95</th></tr></thead><tbody></tbody></table>
<div class="grid">
${figure('chart-ledger-latency', 'Latency per channel', 'p50 and p95 of successful attempts.')}
${figure('chart-ledger-timeline', 'The latest calls\u2019 latency', 'One point per successful attempt (the latest ones).')}
</div>
</section>
<section id="claims"><h2>Claims and credits</h2>
<p id="claims-status"></p>
<div class="grid">
${figure('chart-ledger-claims', 'Claims and credits', 'Claims filed per quality event kind, and the credit they granted.')}
<figure><figcaption><h3>Latest claims</h3><p>Newest first.</p></figcaption>
<table id="recent-claims"><thead><tr><th>time (UTC)</th><th>channel</th><th>event</th><th>credit</th><th>status</th></tr></thead><tbody></tbody></table></figure>
</div>
</section>
<section id="degradation"><h2>Degradation</h2>
<ul id="degradation-list" class="events"></ul>
<div class="grid" id="watch-charts" hidden>
${figure('chart-watch', 'Canary accuracy per run', 'Each canary run\u2019s accuracy per channel; red lines mark degradation events.')}
${figure('chart-cusum', 'CUSUM statistic', 'The accuracy CUSUM per channel against its threshold.')}
</div>
</section>
</main>
<script src="/assets/uplot.js"></script>
<script src="/assets/charts.js"></script>
<script src="/assets/dashboard.js"></script>
</body>
</html>
`;
}

function card(id: string, label: string): string {
  return `<div class="card"><div class="value" id="${id}">–</div><div class="label">${escapeHtml(label)}</div></div>`;
}

/** The report's style sheet and what the dashboard adds. */
export const DASHBOARD_STYLE = `${PAGE_STYLE}
.grid.three { grid-template-columns: repeat(auto-fit, minmax(400px, 1fr)); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; }
.card { background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 12px 16px; }
.card .value { font-size: 24px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .label { color: #64748b; font-size: 12px; }
.banner { background: #fef2f2; border: 1px solid #fecaca; color: #991b1b; padding: 8px 12px; border-radius: 6px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.bar { display: inline-block; width: 120px; height: 10px; background: #e2e8f0; border-radius: 5px; vertical-align: middle; margin-right: 6px; overflow: hidden; }
.bar > span { display: block; height: 100%; background: #16a34a; }
.bar.warn > span { background: #ca8a04; }
.bar.over > span { background: #dc2626; }
[hidden] { display: none !important; }
`;
