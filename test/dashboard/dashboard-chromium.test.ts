import { appendFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { JsonlLedgerStore, JsonlTail, startDashboard, type Dashboard } from '../../src/node/index.js';
import { ZenClient } from '../../src/index.js';
import { simulatorProviders, startSimulator, type Simulator } from '../../src/testing/index.js';
import { expectedFigures, usd, writeCalls } from './fixtures.js';
import { launchChromium, noteChromiumSkip, runChromiumTests } from '../helpers/chromium.js';

/**
 * The live dashboard in real headless Chromium over a JSONL ledger the test wrote with real calls:
 * the page shows the ledger's figures (checked against the Ledger's own summaries) and charts that
 * drew their points; a new call made through ZenClient into the same file shows up without a
 * reload, and so does a budget record. No console error, no request off the dashboard's origin.
 * Skipped without /usr/bin/chromium unless ZEN_REQUIRE_CHROMIUM=1 (CI), as the report's test.
 */
const artifacts = fileURLToPath(new URL('../../artifacts/', import.meta.url));
noteChromiumSkip('dashboard');

interface DrawnState {
  charts: Record<string, { points: number; colors?: Array<string | null> }>;
  errors: string[];
  version: number;
}

const drawn = (tab: Page) => tab.evaluate(() => (window as unknown as { __zenDashboard: DrawnState }).__zenDashboard);
const textOf = async (tab: Page, selector: string) => ((await tab.textContent(selector)) ?? '').trim();
const cells = (tab: Page, selector: string) =>
  tab.$$eval(selector, (rows) => rows.map((row) => [...row.querySelectorAll('td')].map((cell) => (cell.textContent ?? '').trim())));

/** Pixels of the chart's first series colour on its canvas: it drew, not just accepted data. */
function colouredPixels(tab: Page, id: string): Promise<number> {
  return tab.evaluate((chartId) => {
    const state = (window as unknown as { __zenDashboard: DrawnState }).__zenDashboard;
    const hex = state.charts[chartId]!.colors!.find((colour) => colour?.startsWith('#') && colour.length === 7) ?? '#000000';
    const [r, g, b] = [1, 3, 5].map((offset) => parseInt(hex.slice(offset, offset + 2), 16));
    const canvas = document.querySelector<HTMLCanvasElement>(`#${chartId} canvas`);
    if (!canvas) return -1;
    const image = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let matching = 0;
    for (let k = 0; k < image.length; k += 4) {
      if (Math.abs(image[k]! - r!) < 40 && Math.abs(image[k + 1]! - g!) < 40 && Math.abs(image[k + 2]! - b!) < 40 && image[k + 3]! > 200)
        matching += 1;
    }
    return matching;
  }, id);
}

describe.skipIf(!runChromiumTests)('the live dashboard in headless Chromium', () => {
  let browser: Browser;
  let sim: Simulator;
  let dashboard: Dashboard;
  let path: string;

  beforeAll(async () => {
    sim = await startSimulator();
    path = join(mkdtempSync(join(tmpdir(), 'zen-dashboard-')), 'ledger.jsonl');
    await writeCalls(sim, await JsonlLedgerStore.open({ path }));
    // As `zenrouter dashboard --ledger ledger.jsonl` follows it: read-only, by byte offset.
    dashboard = await startDashboard({ tail: new JsonlTail(path), port: 0, refreshSeconds: 0.5 });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
    await sim?.close();
  });

  it('shows the ledger, then a new call and a budget as they land', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const tab = await context.newPage();
    const problems: string[] = [];
    const foreign: string[] = [];
    tab.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    tab.on('pageerror', (error) => problems.push(String(error)));
    tab.on('request', (request) => {
      if (!request.url().startsWith(dashboard.url) && !request.url().startsWith('data:')) foreign.push(request.url());
    });

    const reader = await JsonlLedgerStore.open({ path });
    const before = await expectedFigures(reader);
    await reader.close();
    expect(before.totals.requests).toBe(11);
    expect(before.failed).toBe(1);
    expect(before.claims.byKind.slow_first_token?.claims).toBeGreaterThanOrEqual(2);

    await tab.goto(dashboard.url);
    await tab.waitForFunction(
      (requests) =>
        document.getElementById('total-requests')?.textContent === String(requests) &&
        !document.getElementById('status')!.textContent!.includes('reading'),
      before.totals.requests,
      { timeout: 20_000 },
    );

    // The totals, as the Ledger's own summaries compute them.
    expect(await textOf(tab, '#total-requests')).toBe('11');
    expect(await textOf(tab, '#total-errors')).toBe('1');
    expect(await textOf(tab, '#total-cost')).toBe(usd(before.totals.costUsd));
    expect(await textOf(tab, '#total-credits')).toBe(usd(before.totals.creditsUsd));
    expect(before.totals.creditsUsd).toBeGreaterThan(0);
    expect(await textOf(tab, '#total-claims')).toBe(String(before.claims.claims));
    expect(await textOf(tab, '#total-degradations')).toBe('1');
    // Per model per day.
    const dayRows = await cells(tab, '#model-days tbody tr');
    // Newest day first, models in order within a day (the failed call has no model: `unknown`).
    const byDayDescending = before.byDay.slice().sort((a, b) => (a.day === b.day ? 0 : a.day < b.day ? 1 : -1));
    expect(before.byDay.map((row) => row.model)).toContain('unknown');
    expect(dayRows).toEqual(
      byDayDescending.map((row) => [row.day, row.model, String(row.requests), usd(row.costUsd), expect.stringMatching(/^\$/)]),
    );
    // Latency per channel: nearest-rank p50 and p95 of successful attempts.
    const channelRows = await cells(tab, '#channels tbody tr');
    expect(channelRows).toEqual(
      before.latency.map((row) => [row.channel, String(row.count), `${Math.round(row.p50Ms)} ms`, `${Math.round(row.p95Ms)} ms`]),
    );
    // Claims, and the degradation event.
    expect(await textOf(tab, '#claims-status')).toBe(
      `credited ${before.claims.byStatus.credited} · capped ${before.claims.byStatus.capped} · excluded ${before.claims.byStatus.excluded}`,
    );
    expect((await cells(tab, '#recent-claims tbody tr')).map((row) => row[2])).toEqual(
      Array.from({ length: before.claims.claims }, () => 'slow_first_token'),
    );
    expect(await textOf(tab, '#degradation-list')).toContain('openai/gpt-5-mini:openai: accuracy from 80.0% to 20.0%');
    // No budget records yet: no budget panel.
    expect(await tab.isHidden('#budgets')).toBe(true);

    // Every chart drew the points it was given, and pixels of its colour.
    let state = await drawn(tab);
    expect(state.errors).toEqual([]);
    const models = before.byDay.length;
    expect(state.charts['chart-requests']?.points).toBe(models);
    expect(state.charts['chart-ledger-cost']?.points).toBe(models);
    expect(state.charts['chart-credits']?.points).toBe(models);
    expect(state.charts['chart-ledger-latency']?.points).toBe(before.latency.length);
    expect(state.charts['chart-ledger-timeline']?.points).toBe(before.latency.reduce((sum, row) => sum + row.count, 0));
    expect(state.charts['chart-ledger-claims']?.points).toBe(1);
    for (const id of [
      'chart-requests',
      'chart-ledger-cost',
      'chart-credits',
      'chart-ledger-latency',
      'chart-ledger-timeline',
      'chart-ledger-claims',
    ]) {
      // The timeline's points are 3 px dots (4 of them in its first series); the others draw lines and bars.
      expect(await colouredPixels(tab, id), `${id} drew pixels of its series colour`).toBeGreaterThan(
        id === 'chart-ledger-timeline' ? 10 : 30,
      );
    }
    mkdirSync(artifacts, { recursive: true });
    await tab.screenshot({ path: join(artifacts, 'dashboard.png'), fullPage: true });

    // A new call lands in the same file, through ZenClient and the simulator: the page shows it.
    const version = state.version;
    const zen = new ZenClient({ providers: await simulatorProviders(sim), ledger: await JsonlLedgerStore.open({ path }) });
    sim.enqueue('gemini-2.5-flash', { text: 'Hello from Gemini.', usage: { input: 3_000, output: 500 } });
    const answer = await zen.chat.completions.create({
      model: 'google/gemini-2.5-flash',
      messages: [{ role: 'user', content: 'Say hello.' }],
    });
    await zen.close();
    await tab.waitForFunction(() => document.getElementById('total-requests')?.textContent === '12', null, { timeout: 20_000 });
    const afterStore = await JsonlLedgerStore.open({ path });
    const after = await expectedFigures(afterStore);
    await afterStore.close();
    const gemini = after.byDay.find((row) => row.model === 'google/gemini-2.5-flash')!;
    expect(gemini.costUsd).toBeCloseTo(answer.zen.cost.total, 12);
    expect(await textOf(tab, '#total-cost')).toBe(usd(after.totals.costUsd));
    expect(await cells(tab, '#model-days tbody tr[data-model="google/gemini-2.5-flash"]')).toEqual([
      [gemini.day, 'google/gemini-2.5-flash', '1', usd(gemini.costUsd), usd(0)],
    ]);
    expect((await cells(tab, '#channels tbody tr[data-channel="google/gemini-2.5-flash:google"]'))[0]?.[1]).toBe('1');
    state = await drawn(tab);
    expect(state.version).toBeGreaterThan(version);
    expect(state.charts['chart-requests']?.points).toBe(models + 1);
    expect(state.charts['chart-ledger-latency']?.points).toBe(before.latency.length + 1);

    // A budget record (the shape budgets will write): its panel appears.
    appendFileSync(
      path,
      `${JSON.stringify({ type: 'budget', requestId: 'r-budget', at: new Date().toISOString(), key: 'user:42', window: 'day', unit: 'usd', spent: 8.5, limit: 10, event: 'soft_limit' })}\n`,
    );
    await tab.waitForSelector('#budgets:not([hidden])', { timeout: 20_000 });
    expect(await cells(tab, '#budget-table tbody tr')).toEqual([
      ['user:42', 'day', 'usd', '$8.5000', '$10.0000', '85.0%', expect.stringMatching(/^\d{4}-\d\d-\d\d /)],
    ]);
    expect(await textOf(tab, '#budget-events')).toContain('user:42 (day, usd): soft limit at $8.5000 of $10.0000');

    await tab.screenshot({ path: join(artifacts, 'dashboard-live.png'), fullPage: true });
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
    expect((await drawn(tab)).errors).toEqual([]);
    await context.close();
  }, 90_000);
});
