/**
 * The report page's own script (plain browser JavaScript, inlined after uPlot). It reads the data
 * block, draws one uPlot chart per figure, and records in `window.__zenReport` what each chart
 * drew, for the Chromium test and for anyone debugging a report.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('zen-data').textContent);
  var state = { charts: {}, errors: [], ready: false };
  window.__zenReport = state;
  var palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];
  var color = function (i) { return palette[i % palette.length]; };
  var pct = function (v) { return v == null ? '' : (100 * v).toFixed(0) + '%'; };
  var short = function (id) { var at = id.indexOf('/'); return at >= 0 ? id.slice(at + 1) : id; };
  var width = function (el) { return Math.max(320, Math.min(1100, el.clientWidth || 900)); };

  function count(values) { var n = 0; for (var i = 0; i < values.length; i++) if (values[i] != null) n++; return n; }

  function chart(id, opts, series, points) {
    var el = document.getElementById(id);
    if (!el) return;
    if (points === 0) { el.className += ' empty'; el.textContent = 'No data for this chart in the given inputs.'; state.charts[id] = { points: 0, series: 0 }; return; }
    try {
      opts.width = width(el);
      opts.height = opts.height || 300;
      if (!opts.legend) opts.legend = { live: false };
      // Room for labels such as "1200 ms" or "$0.0040" on the value axes.
      if (opts.axes) opts.axes.forEach(function (axis, i) { if (i > 0 && axis.size == null) axis.size = 72; });
      else opts.axes = [{}, { size: 72 }];
      var u = new uPlot(opts, series, el);
      state.charts[id] = { points: points, series: series.length - 1, colors: opts.series.slice(1).map(function (s) { return s.stroke || (s.points && s.points.fill) || null; }) };
      return u;
    } catch (error) {
      state.errors.push(id + ': ' + error.message);
      throw error;
    }
  }

  function categoryAxis(labels) {
    return { splits: function () { return labels.map(function (_, i) { return i; }); }, values: function (u, splits) { return splits.map(function (i) { return labels[i] == null ? '' : labels[i]; }); }, size: 60, gap: 6 };
  }

  function drawLabels(u, xs, ys, labels) {
    var ctx = u.ctx; ctx.save(); ctx.font = (12 * devicePixelRatio) + 'px system-ui, sans-serif'; ctx.fillStyle = '#111827';
    for (var i = 0; i < labels.length; i++) {
      if (ys[i] == null) continue;
      ctx.fillText(labels[i], u.valToPos(xs[i], 'x', true) + 8 * devicePixelRatio, u.valToPos(ys[i], 'y', true) - 6 * devicePixelRatio);
    }
    ctx.restore();
  }

  function markers(u, times, labels) {
    var ctx = u.ctx; ctx.save(); ctx.strokeStyle = '#dc2626'; ctx.fillStyle = '#dc2626'; ctx.lineWidth = 2 * devicePixelRatio; ctx.setLineDash([6, 4]);
    ctx.font = (11 * devicePixelRatio) + 'px system-ui, sans-serif';
    for (var i = 0; i < times.length; i++) {
      var x = u.valToPos(times[i], 'x', true);
      ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
      ctx.fillText(labels[i], x + 4 * devicePixelRatio, u.bbox.top + (14 + 14 * (i % 3)) * devicePixelRatio);
    }
    ctx.restore();
  }

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

  var watch = data.watch;
  if (watch) {
    var watchSeries = [{}];
    var watchData = [watch.at];
    var watchPoints = 0;
    watch.accuracy.forEach(function (values, i) { watchSeries.push({ label: short(watch.channels[i]), stroke: color(i), width: 2, spanGaps: true, points: { size: 6, fill: color(i) } }); watchData.push(values); watchPoints += count(values); });
    var times = watch.degradations.map(function (d) { return d.at; });
    var labels = watch.degradations.map(function (d) { return d.metric + ' ↓ ' + short(d.channel); });
    chart('chart-watch', {
      scales: { y: { range: [0, 1] } },
      axes: [{}, { values: function (u, v) { return v.map(pct); } }],
      series: watchSeries,
      hooks: { draw: [function (u) { markers(u, times, labels); }] },
    }, watchData, watchPoints);
    var statSeries = [{}];
    var statData = [watch.at];
    var statPoints = 0;
    watch.statistic.forEach(function (values, i) { statSeries.push({ label: 'CUSUM ' + short(watch.channels[i]), stroke: color(i), width: 2, spanGaps: true, points: { size: 5, fill: color(i) } }); statData.push(values); statPoints += count(values); });
    if (watch.threshold != null) { statSeries.push({ label: 'threshold', stroke: '#dc2626', width: 1, dash: [6, 4], points: { show: false } }); statData.push(watch.at.map(function () { return watch.threshold; })); }
    chart('chart-cusum', { series: statSeries, scales: { y: { range: [0, null] } }, hooks: { draw: [function (u) { markers(u, times, labels); }] } }, statData, statPoints);
  }

  var ledger = data.ledger;
  if (ledger) {
    var dayLabels = ledger.days.map(function (d) { return new Date(d * 1000).toISOString().slice(0, 10); });
    var dayX = ledger.days.map(function (_, i) { return i; });
    var costSeries = [{}];
    var costData = [dayX];
    var costPoints = 0;
    ledger.costByModel.forEach(function (values, i) {
      costSeries.push({ label: ledger.models[i], stroke: color(i), width: 2, points: { show: true, size: 9, fill: color(i) } });
      costData.push(values);
      costPoints += values.length;
    });
    chart('chart-ledger-cost', {
      scales: { x: { time: false, range: [-0.5, dayLabels.length - 0.5] }, y: { range: [0, null] } },
      axes: [categoryAxis(dayLabels), { values: function (u, v) { return v.map(function (x) { return '$' + x.toPrecision(3); }); } }],
      series: costSeries,
    }, costData, costPoints);

    var kindX = ledger.claimKinds.map(function (_, i) { return i; });
    var bars = uPlot.paths.bars;
    chart('chart-ledger-claims', {
      scales: { x: { time: false, range: [-0.5, ledger.claimKinds.length - 0.5] }, n: { range: [0, null] }, usd: { range: [0, null] } },
      axes: [categoryAxis(ledger.claimKinds), { scale: 'n', label: 'claims' }, { scale: 'usd', side: 1, label: 'credited', values: function (u, v) { return v.map(function (x) { return '$' + x.toPrecision(2); }); }, grid: { show: false } }],
      series: [{}, { label: 'claims', scale: 'n', stroke: color(0), fill: color(0), paths: bars({ size: [0.35, 60], align: -1 }), points: { show: false } }, { label: 'credited USD', scale: 'usd', stroke: color(4), fill: color(4), paths: bars({ size: [0.35, 60], align: 1 }), points: { show: false } }],
    }, [kindX, ledger.claimCounts, ledger.claimCreditedUsd], ledger.claimCounts.length);

    var chX = ledger.channels.map(function (_, i) { return i; });
    chart('chart-ledger-latency', {
      scales: { x: { time: false, range: [-0.5, ledger.channels.length - 0.5] }, y: { range: [0, null] } },
      axes: [categoryAxis(ledger.channels.map(short)), { values: function (u, v) { return v.map(function (x) { return Math.round(x) + ' ms'; }); } }],
      series: [{}, { label: 'p50', stroke: color(5), fill: color(5), paths: bars({ size: [0.35, 80], align: -1 }), points: { show: false } }, { label: 'p95', stroke: color(3), fill: color(3), paths: bars({ size: [0.35, 80], align: 1 }), points: { show: false } }],
    }, [chX, ledger.p50Ms, ledger.p95Ms], ledger.channels.length);

    var tlSeries = [{}];
    var tlData = [ledger.timeline.t];
    var tlPoints = 0;
    ledger.timeline.ms.forEach(function (values, i) { tlSeries.push({ label: short(ledger.channels[i]), stroke: color(i), width: 0, paths: function () { return null; }, points: { show: true, size: 3, fill: color(i), stroke: color(i) } }); tlData.push(values); tlPoints += count(values); });
    chart('chart-ledger-timeline', { series: tlSeries, scales: { y: { range: [0, null] } }, axes: [{}, { values: function (u, v) { return v.map(function (x) { return Math.round(x) + ' ms'; }); } }] }, tlData, tlPoints);
  }

  state.ready = true;
  document.body.setAttribute('data-ready', '1');
})();
`;
