/**
 * The dashboard page's script (plain browser JavaScript, served after uPlot and the report's chart
 * helpers). It polls `/api/snapshot` every `refreshSeconds` with the last ETag (an unchanged
 * ledger answers 304 and nothing is redrawn), fills the numbers and tables with textContent (no
 * ledger text is ever parsed as HTML) and redraws the charts. `window.__zenDashboard` records what
 * each chart drew and which version is shown, for the Chromium test and for debugging.
 */
export const DASHBOARD_SCRIPT = String.raw`
(function () {
  'use strict';
  var Z = window.ZenCharts;
  var state = { charts: {}, errors: [], version: -1, renders: 0, polls: 0, emptyText: 'No data yet.' };
  window.__zenDashboard = state;
  var charts = Z.create(state);
  var etag = null;
  var refreshMs = 2000;
  var last = null;

  function $(id) { return document.getElementById(id); }
  function text(id, value) { var el = $(id); if (el.textContent !== value) el.textContent = value; }
  function usd(v) { return '$' + v.toFixed(v < 0.01 ? 6 : 4); }
  function int(v) { return Math.round(v).toLocaleString('en'); }
  function ms(v) { return Math.round(v) + ' ms'; }
  function day(seconds) { return new Date(seconds * 1000).toISOString().slice(0, 10); }
  function when(iso) { var t = Date.parse(iso); return isNaN(t) ? String(iso) : new Date(t).toISOString().slice(0, 19).replace('T', ' '); }
  function intLabel(u, v) { return v.map(function (x) { return Number.isInteger(x) ? int(x) : ''; }); }
  function amount(value, unit) { return unit === 'usd' ? usd(value) : int(value); }

  function cell(value, className) { var td = document.createElement('td'); td.textContent = value; if (className) td.className = className; return td; }
  function row(cells, attrs) {
    var tr = document.createElement('tr');
    cells.forEach(function (c) { tr.appendChild(typeof c === 'string' ? cell(c) : c); });
    if (attrs) Object.keys(attrs).forEach(function (k) { tr.setAttribute(k, attrs[k]); });
    return tr;
  }
  function fill(id, rows, empty, columns) {
    var body = $(id).tBodies[0];
    if (rows.length === 0) { var td = cell(empty); td.colSpan = columns; rows = [row([td])]; }
    body.replaceChildren.apply(body, rows);
  }
  function list(id, items, empty) {
    var el = $(id);
    var nodes = items.map(function (line) { var li = document.createElement('li'); li.textContent = line; return li; });
    if (nodes.length === 0) { var li = document.createElement('li'); li.textContent = empty; nodes = [li]; }
    el.replaceChildren.apply(el, nodes);
  }

  function renderTotals(data) {
    document.title = data.title;
    text('title', data.title);
    text('source', data.source);
    text('total-requests', int(data.totals.requests));
    text('total-errors', int(data.totals.errors));
    text('total-cost', usd(data.totals.costUsd));
    text('total-credits', usd(data.totals.creditsUsd));
    text('total-claims', int(data.totals.claims));
    text('total-degradations', int(data.totals.degradations));
  }

  function renderModels(perDay) {
    charts.perModelPerDay('chart-requests', perDay.days, perDay.models, perDay.requests, intLabel);
    charts.perModelPerDay('chart-ledger-cost', perDay.days, perDay.models, perDay.costUsd, Z.usdLabel);
    charts.perModelPerDay('chart-credits', perDay.days, perDay.models, perDay.creditsUsd, Z.usdLabel);
    var rows = [];
    for (var d = perDay.days.length - 1; d >= 0 && d >= perDay.days.length - 7; d--) {
      perDay.models.forEach(function (model, m) {
        if (perDay.requests[m][d] === 0 && perDay.creditsUsd[m][d] === 0) return;
        rows.push(row([day(perDay.days[d]), model, cell(int(perDay.requests[m][d]), 'num'), cell(usd(perDay.costUsd[m][d]), 'num'), cell(usd(perDay.creditsUsd[m][d]), 'num')], { 'data-day': day(perDay.days[d]), 'data-model': model }));
      });
    }
    fill('model-days', rows, 'No calls yet.', 5);
  }

  function renderLatency(latency) {
    fill('channels', latency.channels.map(function (channel, i) {
      return row([channel, cell(int(latency.counts[i]), 'num'), cell(ms(latency.p50Ms[i]), 'num'), cell(ms(latency.p95Ms[i]), 'num')], { 'data-channel': channel });
    }), 'No successful attempt yet.', 4);
    charts.channelLatency('chart-ledger-latency', latency.channels, latency.p50Ms, latency.p95Ms);
    charts.timeline('chart-ledger-timeline', latency.channels, latency.timeline);
  }

  function renderClaims(claims) {
    text('claims-status', 'credited ' + int(claims.byStatus.credited) + ' · capped ' + int(claims.byStatus.capped) + ' · excluded ' + int(claims.byStatus.excluded));
    charts.claims('chart-ledger-claims', claims.kinds, claims.counts, claims.creditedUsd);
    fill('recent-claims', claims.recent.map(function (claim) {
      return row([when(claim.at), claim.channel, claim.kind, cell(usd(claim.amountUsd), 'num'), claim.status]);
    }), 'No claims yet.', 5);
  }

  function renderWatch(watch) {
    var events = watch ? watch.degradations.slice().reverse() : [];
    var rate = function (metric, v) { return metric === 'accuracy' || metric === 'defects' ? (100 * v).toFixed(1) + '%' : String(Math.round(v)); };
    list('degradation-list', events.map(function (event) {
      return when(new Date(event.at * 1000).toISOString()) + ' · ' + event.channel + ': ' + event.metric + ' from ' + rate(event.metric, event.baseline) + ' to ' + rate(event.metric, event.observed);
    }), 'No degradation.');
    var runs = watch && watch.at.length > 0;
    $('watch-charts').hidden = !runs;
    if (!runs) return;
    charts.watch(watch);
    var statistics = watch.statistic.some(function (values) { return Z.count(values) > 0; });
    $('chart-cusum').parentElement.hidden = !statistics;
  }

  function renderBudgets(budgets) {
    $('budgets').hidden = !budgets;
    if (!budgets) return;
    fill('budget-table', budgets.budgets.map(function (budget) {
      var share = budget.limit > 0 ? budget.spent / budget.limit : 0;
      var bar = document.createElement('span');
      bar.className = 'bar' + (share >= 1 ? ' over' : share >= 0.8 ? ' warn' : '');
      var inner = document.createElement('span');
      inner.style.width = Math.min(100, 100 * share).toFixed(1) + '%';
      bar.appendChild(inner);
      var used = cell('', 'num');
      used.appendChild(bar);
      used.appendChild(document.createTextNode((100 * share).toFixed(1) + '%'));
      return row([budget.key, budget.window, budget.unit, cell(amount(budget.spent, budget.unit), 'num'), cell(amount(budget.limit, budget.unit), 'num'), used, when(budget.at)], { 'data-key': budget.key });
    }), 'No budget.', 7);
    list('budget-events', budgets.events.map(function (event) {
      return when(event.at) + ' · ' + event.key + ' (' + event.window + ', ' + event.unit + '): ' + event.event.replace('_', ' ') + ' at ' + amount(event.spent, event.unit) + ' of ' + amount(event.limit, event.unit);
    }), 'No limit reached.');
  }

  function render(data) {
    renderTotals(data);
    renderBudgets(data.budgets);
    renderModels(data.perDay);
    renderLatency(data.latency);
    renderClaims(data.claims);
    renderWatch(data.watch);
    text('status', (data.loading ? 'reading the ledger\u2026 ' : '') + int(data.records) + ' records' + (data.skipped ? ' (' + int(data.skipped) + ' unreadable lines skipped)' : '') + ' · changed ' + when(data.updatedAt) + ' UTC · every ' + data.refreshSeconds + ' s');
    state.version = data.version;
    state.renders += 1;
    document.body.setAttribute('data-version', String(data.version));
    document.body.setAttribute('data-ready', '1');
  }

  function banner(message) {
    var el = $('banner');
    el.hidden = !message;
    el.textContent = message || '';
  }

  function poll() {
    var headers = etag ? { 'If-None-Match': etag } : {};
    fetch('/api/snapshot', { headers: headers, cache: 'no-store' }).then(function (response) {
      state.polls += 1;
      if (response.status === 304) return null;
      if (!response.ok) throw new Error('HTTP ' + response.status);
      etag = response.headers.get('ETag');
      return response.json();
    }).then(function (data) {
      if (data) {
        last = data;
        refreshMs = 1000 * data.refreshSeconds;
        try { render(data); } catch (error) { state.errors.push(String(error && error.stack || error)); throw error; }
      }
      banner(last && last.error ? 'Reading the ledger failed: ' + last.error : null);
    }, function (error) {
      banner('The dashboard server does not answer (' + error.message + '); retrying.');
    }).finally(function () { setTimeout(poll, refreshMs); });
  }

  var resizing = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () { if (last) render(last); }, 200);
  });
  poll();
})();
`;
