import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { collectReport } from '../../src/report/collect.js';
import { renderReport } from '../../src/report/render.js';
import type { ReportData } from '../../src/report/report-data.js';
import { reportInputs } from './fixtures.js';
import { launchChromium, noteChromiumSkip, runChromiumTests } from '../helpers/chromium.js';

/**
 * The HTML report in real headless Chromium: it loads with no console error, and every chart drew
 * its data (the number of points each chart was given, and pixels of its series colour on its
 * canvas). Chromium is /usr/bin/chromium (Debian's package); without it the test is skipped with
 * a note, unless ZEN_REQUIRE_CHROMIUM=1 (CI), where a missing browser fails it.
 */
const artifacts = fileURLToPath(new URL('../../artifacts/', import.meta.url));
noteChromiumSkip('report');

const countNonNull = (values: ReadonlyArray<number | null>): number => values.filter((value) => value !== null).length;

/** What each chart is given, worked out from the report data on the Node side. */
function expectedPoints(data: ReportData): Record<string, number> {
  const evaluation = data.evaluation!;
  const watch = data.watch!;
  const ledger = data.ledger!;
  return {
    'chart-accuracy': evaluation.channels.length,
    'chart-cost': evaluation.channels.length,
    'chart-calibration': evaluation.calibration.reduce((sum, bins) => sum + countNonNull(bins), 0),
    'chart-latency': evaluation.latency.centres.length * evaluation.channels.length,
    'chart-watch': watch.accuracy.reduce((sum, values) => sum + countNonNull(values), 0),
    'chart-cusum': watch.statistic.reduce((sum, values) => sum + countNonNull(values), 0),
    'chart-ledger-cost': ledger.models.length * ledger.days.length,
    'chart-ledger-claims': ledger.claimKinds.length,
    'chart-ledger-latency': ledger.channels.length,
    'chart-ledger-timeline': ledger.timeline.ms.reduce((sum, values) => sum + countNonNull(values), 0),
  };
}

describe.skipIf(!runChromiumTests)('the HTML report in headless Chromium', () => {
  let browser: Browser;
  let data: ReportData;
  let page: string;

  beforeAll(async () => {
    const inputs = await reportInputs();
    data = await collectReport([inputs.results, inputs.watch, inputs.ledger, inputs.watchLedger]);
    mkdirSync(artifacts, { recursive: true });
    page = join(artifacts, 'report.html');
    writeFileSync(page, renderReport(data));
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('loads offline with no console error, and every chart drew its data', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, offline: true });
    const tab = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    tab.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    tab.on('pageerror', (error) => problems.push(String(error)));
    tab.on('request', (request) => {
      if (!request.url().startsWith('file:') && !request.url().startsWith('data:')) requests.push(request.url());
    });
    await tab.goto(pathToFileURL(page).href);
    await tab.waitForSelector('body[data-ready="1"]', { timeout: 15_000 });
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);

    const drawn = await tab.evaluate(
      () =>
        (
          window as unknown as {
            __zenReport: { charts: Record<string, { points: number; colors: Array<string | null> }>; errors: string[] };
          }
        ).__zenReport,
    );
    expect(drawn.errors).toEqual([]);
    const expected = expectedPoints(data);
    for (const [id, points] of Object.entries(expected)) {
      expect(points, `${id} has data to draw`).toBeGreaterThan(0);
      expect(drawn.charts[id]?.points, id).toBe(points);
    }
    // The canvas of each chart holds pixels of its first series' colour: it really drew.
    const pixels = await tab.evaluate((ids: string[]) => {
      const state = (window as unknown as { __zenReport: { charts: Record<string, { colors: Array<string | null> }> } }).__zenReport;
      const result: Record<string, number> = {};
      for (const id of ids) {
        const canvas = document.querySelector<HTMLCanvasElement>(`#${id} canvas`);
        const hex =
          state.charts[id]!.colors.find((colour) => colour?.startsWith('#') && colour.length === 7 && colour !== '#9ca3af') ?? '#000000';
        const [r, g, b] = [1, 3, 5].map((offset) => parseInt(hex.slice(offset, offset + 2), 16));
        if (!canvas) {
          result[id] = -1;
          continue;
        }
        const image = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let matching = 0;
        for (let k = 0; k < image.length; k += 4) {
          if (
            Math.abs(image[k]! - r!) < 40 &&
            Math.abs(image[k + 1]! - g!) < 40 &&
            Math.abs(image[k + 2]! - b!) < 40 &&
            image[k + 3]! > 200
          )
            matching += 1;
        }
        result[id] = matching;
      }
      return result;
    }, Object.keys(expected));
    for (const [id, count] of Object.entries(pixels)) expect(count, `${id} drew pixels of its series colour`).toBeGreaterThan(30);

    // What the report shows: the worse host flagged, and the watch's degradation listed.
    const text = (await tab.textContent('body')) ?? '';
    expect(text.includes('openai/gpt-5-mini:budget-host is worse'), 'the comparison flags budget-host').toBe(true);
    expect(text.includes('openai/gpt-5-mini:budget-host: accuracy from'), 'the watch lists the degradation').toBe(true);
    await tab.screenshot({ path: join(artifacts, 'report.png'), fullPage: true });
    expect(existsSync(join(artifacts, 'report.png'))).toBe(true);
    await context.close();
  }, 60_000);
});
