/**
 * The report page's own script (plain browser JavaScript, inlined after uPlot and the shared
 * chart helpers of chart-script.ts). It reads the data block, draws one uPlot chart per figure,
 * and records in `window.__zenReport` what each chart drew, for the Chromium test and for anyone
 * debugging a report.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('zen-data').textContent);
  var state = { charts: {}, errors: [], ready: false };
  window.__zenReport = state;
  var Z = window.ZenCharts;
  var charts = Z.create(state);
  var chart = charts.chart, categoryAxis = charts.categoryAxis, drawLabels = charts.drawLabels;
  var color = Z.color, pct = Z.pct, short = Z.short, count = Z.count;

  var evaluation = data.evaluation;
  if (evaluation) {
    var names = evaluation.channels.map(function (c) { return c.channel; });
    var xs = names.map(function (_, i) { return i; });
    var acc = evaluation.channels.map(function (c) { return c.accuracy; });
    var lo = evaluation.channels.map(function (c) { return c.ci95[0]; });
    var hi = evaluation.channels.map(function (c) { return c.ci95[1]; });
    chart('chart-accuracy', {
      scales: { x: { time: false, range: [-0.5, names.length - 0.5] }, y: { range: [0, 1] } },
      axes: [categoryAxis(names.map(short)), { values: function (u, v) { return v.map(pct); } }],
      series: [{}, { label: 'accuracy', stroke: color(0), width: 0, points: { size: 12, fill: color(0), stroke: color(0) } }],
      legend: { show: false },
      hooks: { draw: [function (u) {
        var ctx = u.ctx; ctx.save(); ctx.strokeStyle = color(0); ctx.lineWidth = 2 * devicePixelRatio;
        for (var i = 0; i < xs.length; i++) {
          var x = u.valToPos(xs[i], 'x', true), y0 = u.valToPos(lo[i], 'y', true), y1 = u.valToPos(hi[i], 'y', true), cap = 8 * devicePixelRatio;
          ctx.beginPath(); ctx.moveTo(x, y0); ctx.lineTo(x, y1); ctx.moveTo(x - cap, y0); ctx.lineTo(x + cap, y0); ctx.moveTo(x - cap, y1); ctx.lineTo(x + cap, y1); ctx.stroke();
        }
        ctx.restore();
        drawLabels(u, xs, acc, acc.map(pct));
      }] },
    }, [xs, acc], count(acc));

    // Accuracy against cost per answer, with the frontier (no cheaper channel is as accurate).
    var order = names.map(function (_, i) { return i; }).sort(function (a, b) { return evaluation.costPerAnswer[a] - evaluation.costPerAnswer[b]; });
    var costs = order.map(function (i) { return evaluation.costPerAnswer[i]; });
    var accs = order.map(function (i) { return acc[i]; });
    var front = order.map(function (i) { return evaluation.frontier.indexOf(names[i]) >= 0 ? acc[i] : null; });
    chart('chart-cost', {
      scales: { x: { time: false, range: function (u, min, max) { var pad = (max - min) * 0.15 || max * 0.5 || 1e-6; return [Math.max(0, min - pad), max + pad * 2]; } }, y: { range: [0, 1] } },
      axes: [{ values: function (u, v) { return v.map(function (x) { return '$' + (x * 1000).toPrecision(2) + '/1k'; }); } }, { values: function (u, v) { return v.map(pct); } }],
      series: [{}, { label: 'channels', stroke: color(1), width: 0, points: { size: 12, fill: color(1), stroke: color(1) } }, { label: 'frontier', stroke: color(2), width: 2, spanGaps: true, points: { show: true, size: 20, width: 2, stroke: color(2), fill: 'rgba(0,0,0,0)' } }],
      hooks: { draw: [function (u) { drawLabels(u, costs, accs, order.map(function (i) { return short(names[i]); })); }] },
    }, [costs, accs, front], count(accs));

    var centres = [0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95];
    var calibrationSeries = [{}, { label: 'perfect calibration', stroke: '#9ca3af', width: 1, dash: [4, 4], points: { show: false } }];
    var calibrationData = [centres, centres.slice()];
    var calibrationPoints = 0;
    evaluation.calibration.forEach(function (bins, i) {
      calibrationSeries.push({ label: short(names[i]), stroke: color(i), width: 2, spanGaps: true, points: { size: 8, fill: color(i) } });
      calibrationData.push(bins);
      calibrationPoints += count(bins);
    });
    chart('chart-calibration', {
      scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] } },
      axes: [{ label: 'stated confidence', values: function (u, v) { return v.map(pct); } }, { label: 'accuracy', values: function (u, v) { return v.map(pct); } }],
      series: calibrationSeries,
    }, calibrationData, calibrationPoints);

    var latency = evaluation.latency;
    var latencySeries = [{}];
    var latencyData = [latency.centres];
    latency.shares.forEach(function (shares, i) { latencySeries.push({ label: short(names[i]), stroke: color(i), width: 2, fill: color(i) + '22', points: { show: false } }); latencyData.push(shares); });
    chart('chart-latency', {
      scales: { x: { time: false }, y: { range: [0, null] } },
      axes: [{ label: 'latency (ms, log-spaced bins)', values: function (u, v) { return v.map(function (x) { return Math.round(x) + ' ms'; }); } }, { values: function (u, v) { return v.map(pct); } }],
      series: latencySeries,
    }, latencyData, latency.centres.length === 0 ? 0 : latency.centres.length * latency.shares.length);
  }

  if (data.watch) charts.watch(data.watch);
  if (data.ledger) charts.ledger(data.ledger);

  state.ready = true;
  document.body.setAttribute('data-ready', '1');
})();
`;
