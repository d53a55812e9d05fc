/**
 * The chart helpers of the report page and the live dashboard (plain browser JavaScript, inlined
 * or served after uPlot). `ZenCharts.create(state)` returns drawing functions that record in
 * `state.charts[id]` what each chart drew (points, series, colours) for the Chromium tests and
 * for anyone debugging a page; drawing a chart again replaces it.
 */
export const CHART_SCRIPT = String.raw`
(function () {
  'use strict';
  var palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];
  var color = function (i) { return palette[i % palette.length]; };
  var pct = function (v) { return v == null ? '' : (100 * v).toFixed(0) + '%'; };
  var short = function (id) { var at = id.indexOf('/'); return at >= 0 ? id.slice(at + 1) : id; };
  var width = function (el) { return Math.max(320, Math.min(1100, el.clientWidth || 900)); };
  var msLabel = function (u, v) { return v.map(function (x) { return Math.round(x) + ' ms'; }); };
  var usdLabel = function (u, v) { return v.map(function (x) { return '$' + x.toPrecision(3); }); };

  function count(values) { var n = 0; for (var i = 0; i < values.length; i++) if (values[i] != null) n++; return n; }

  function create(state) {
    state.charts = state.charts || {};
    state.errors = state.errors || [];
    var plots = {};

    function chart(id, opts, series, points) {
      var el = document.getElementById(id);
      if (!el) return;
      if (plots[id]) { plots[id].destroy(); delete plots[id]; }
      el.textContent = '';
      el.classList.remove('empty');
      if (points === 0) { el.classList.add('empty'); el.textContent = state.emptyText || 'No data for this chart in the given inputs.'; state.charts[id] = { points: 0, series: 0 }; return; }
      try {
        opts.width = width(el);
        opts.height = opts.height || 300;
        if (!opts.legend) opts.legend = { live: false };
        // Room for labels such as "1200 ms" or "$0.0040" on the value axes.
        if (opts.axes) opts.axes.forEach(function (axis, i) { if (i > 0 && axis.size == null) axis.size = 72; });
        else opts.axes = [{}, { size: 72 }];
        var u = new uPlot(opts, series, el);
        plots[id] = u;
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

    /** One line per model over UTC days (epoch seconds), values formatted by valueLabel. */
    function perModelPerDay(id, days, models, grid, valueLabel) {
      var dayLabels = days.map(function (d) { return new Date(d * 1000).toISOString().slice(0, 10); });
      var series = [{}];
      var data = [days.map(function (_, i) { return i; })];
      var points = 0;
      grid.forEach(function (values, i) {
        series.push({ label: models[i], stroke: color(i), width: 2, points: { show: true, size: 9, fill: color(i) } });
        data.push(values);
        points += values.length;
      });
      return chart(id, {
        scales: { x: { time: false, range: [-0.5, dayLabels.length - 0.5] }, y: { range: [0, null] } },
        axes: [categoryAxis(dayLabels), { values: valueLabel }],
        series: series,
      }, data, points);
    }

    /** Claims per quality event kind, and the credit they granted. */
    function claims(id, kinds, counts, creditedUsd) {
      var bars = uPlot.paths.bars;
      return chart(id, {
        scales: { x: { time: false, range: [-0.5, kinds.length - 0.5] }, n: { range: [0, null] }, usd: { range: [0, null] } },
        axes: [categoryAxis(kinds), { scale: 'n', label: 'claims' }, { scale: 'usd', side: 1, label: 'credited', values: function (u, v) { return v.map(function (x) { return '$' + x.toPrecision(2); }); }, grid: { show: false } }],
        series: [{}, { label: 'claims', scale: 'n', stroke: color(0), fill: color(0), paths: bars({ size: [0.35, 60], align: -1 }), points: { show: false } }, { label: 'credited USD', scale: 'usd', stroke: color(4), fill: color(4), paths: bars({ size: [0.35, 60], align: 1 }), points: { show: false } }],
      }, [kinds.map(function (_, i) { return i; }), counts, creditedUsd], counts.length);
    }

    /** p50 and p95 bars per channel. */
    function channelLatency(id, channels, p50, p95) {
      var bars = uPlot.paths.bars;
      return chart(id, {
        scales: { x: { time: false, range: [-0.5, channels.length - 0.5] }, y: { range: [0, null] } },
        axes: [categoryAxis(channels.map(short)), { values: msLabel }],
        series: [{}, { label: 'p50', stroke: color(5), fill: color(5), paths: bars({ size: [0.35, 80], align: -1 }), points: { show: false } }, { label: 'p95', stroke: color(3), fill: color(3), paths: bars({ size: [0.35, 80], align: 1 }), points: { show: false } }],
      }, [channels.map(function (_, i) { return i; }), p50, p95], channels.length);
    }

    /** One point per successful attempt over time, a colour per channel. */
    function timeline(id, channels, line) {
      var series = [{}];
      var data = [line.t];
      var points = 0;
      line.ms.forEach(function (values, i) { series.push({ label: short(channels[i]), stroke: color(i), width: 0, paths: function () { return null; }, points: { show: true, size: 3, fill: color(i), stroke: color(i) } }); data.push(values); points += count(values); });
      return chart(id, { series: series, scales: { y: { range: [0, null] } }, axes: [{}, { values: msLabel }] }, data, points);
    }

    /** The report's ledger charts. */
    function ledger(section) {
      perModelPerDay('chart-ledger-cost', section.days, section.models, section.costByModel, usdLabel);
      claims('chart-ledger-claims', section.claimKinds, section.claimCounts, section.claimCreditedUsd);
      channelLatency('chart-ledger-latency', section.channels, section.p50Ms, section.p95Ms);
      timeline('chart-ledger-timeline', section.channels, section.timeline);
    }

    /** Canary accuracy per run and the CUSUM statistic, with degradation events marked. */
    function watch(section) {
      var watchSeries = [{}];
      var watchData = [section.at];
      var watchPoints = 0;
      section.accuracy.forEach(function (values, i) { watchSeries.push({ label: short(section.channels[i]), stroke: color(i), width: 2, spanGaps: true, points: { size: 6, fill: color(i) } }); watchData.push(values); watchPoints += count(values); });
      var times = section.degradations.map(function (d) { return d.at; });
      var labels = section.degradations.map(function (d) { return d.metric + ' \u2193 ' + short(d.channel); });
      chart('chart-watch', {
        scales: { y: { range: [0, 1] } },
        axes: [{}, { values: function (u, v) { return v.map(pct); } }],
        series: watchSeries,
        hooks: { draw: [function (u) { markers(u, times, labels); }] },
      }, watchData, watchPoints);
      var statSeries = [{}];
      var statData = [section.at];
      var statPoints = 0;
      section.statistic.forEach(function (values, i) { statSeries.push({ label: 'CUSUM ' + short(section.channels[i]), stroke: color(i), width: 2, spanGaps: true, points: { size: 5, fill: color(i) } }); statData.push(values); statPoints += count(values); });
      if (section.threshold != null) { statSeries.push({ label: 'threshold', stroke: '#dc2626', width: 1, dash: [6, 4], points: { show: false } }); statData.push(section.at.map(function () { return section.threshold; })); }
      chart('chart-cusum', { series: statSeries, scales: { y: { range: [0, null] } }, hooks: { draw: [function (u) { markers(u, times, labels); }] } }, statData, statPoints);
    }

    return { chart: chart, categoryAxis: categoryAxis, drawLabels: drawLabels, markers: markers, perModelPerDay: perModelPerDay, claims: claims, channelLatency: channelLatency, timeline: timeline, ledger: ledger, watch: watch };
  }

  window.ZenCharts = { create: create, color: color, pct: pct, short: short, count: count, usdLabel: usdLabel, msLabel: msLabel };
})();
`;
