/**
 * The report from a 100,000-call ledger: the time to read the JSONL ledger and aggregate it
 * (Node), the size of the page, and the time headless Chromium takes from navigation to every
 * chart drawn (the page sets data-ready when its last chart is drawn). Needs /usr/bin/chromium.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { collectReport } from '../src/report/collect.js';
import { renderReport } from '../src/report/render.js';

const CHANNELS = [
  'openai/gpt-5-mini:openai',
  'openai/gpt-5-mini:azure',
  'anthropic/claude-haiku-4-5:anthropic',
  'google/gemini-2.5-flash:google',
];

export interface ReportRenderResult {
  calls: number;
  collectMs: number;
  pageBytes: number;
  chromiumMs: number | undefined;
}

/** Writes a ledger of `calls` request records (with claims and credits) over 30 days, as a JSONL store would. */
export async function writeLedger(path: string, calls: number): Promise<void> {
  const out = createWriteStream(path);
  const start = Date.parse('2025-01-01T00:00:00Z');
  let seed = 42;
  const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  for (let k = 0; k < calls; k += 1) {
    const channel = CHANNELS[k % CHANNELS.length]!;
    const at = new Date(start + Math.floor((k / calls) * 30 * 86_400_000)).toISOString();
    const durationMs = Math.round(200 + random() * 800 + (k % CHANNELS.length) * 150);
    const requestId = `req_${k}`;
    const cost = {
      input: 0.00001,
      cacheRead: 0,
      cacheWrite: 0,
      output: 0.00004,
      reasoning: 0,
      other: 0,
      total: 0.00005,
      currency: 'USD',
      estimated: false,
    };
    const usage = { input: { total: 40, noCache: 40, cacheRead: 0, cacheWrite: 0 }, output: { total: 20, text: 20, reasoning: 0 } };
    const record = {
      type: 'request',
      requestId,
      at,
      face: 'openai-chat',
      requested: channel,
      model: channel.split(':')[0],
      channel,
      provider: channel.split(':')[1],
      stream: true,
      outcome: 'success',
      usage,
      cost,
      ttftMs: Math.round(durationMs / 3),
      durationMs,
      attempts: [
        {
          channel,
          provider: channel.split(':')[1],
          model: channel.split(':')[0],
          outcome: 'success',
          durationMs,
          ttftMs: Math.round(durationMs / 3),
          retry: 0,
        },
      ],
    };
    if (!out.write(`${JSON.stringify(record)}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    if (k % 50 === 0) {
      const claim = {
        id: `claim_${k}`,
        requestId,
        eventId: `ev_${k}`,
        eventKind: k % 100 === 0 ? 'slow_first_token' : 'invalid_json',
        channel,
        at,
        amountUsd: 0.000025,
        rule: '50% of call cost',
        status: 'credited',
      };
      out.write(`${JSON.stringify({ type: 'claim', requestId, at, claim })}\n`);
      out.write(`${JSON.stringify({ type: 'credit', requestId, at, claimId: claim.id, amountUsd: 0.000025 })}\n`);
    }
  }
  await new Promise<void>((resolve) => out.end(resolve));
}

export async function benchReportRender({ calls = 100_000 } = {}): Promise<ReportRenderResult> {
  const dir = mkdtempSync(join(tmpdir(), 'zen-bench-report-'));
  const ledger = join(dir, 'ledger.jsonl');
  await writeLedger(ledger, calls);
  const started = performance.now();
  const data = await collectReport([ledger]);
  const html = renderReport(data);
  const collectMs = performance.now() - started;
  const page = join(dir, 'report.html');
  writeFileSync(page, html);
  let chromiumMs: number | undefined;
  if (existsSync('/usr/bin/chromium')) {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const tab = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const times: number[] = [];
      for (let round = 0; round < 3; round += 1) {
        const begin = performance.now();
        await tab.goto(pathToFileURL(page).href);
        await tab.waitForSelector('body[data-ready="1"]', { timeout: 60_000 });
        times.push(performance.now() - begin);
        const drawn = await tab.evaluate(
          () =>
            (window as unknown as { __zenReport: { charts: Record<string, { points: number }> } }).__zenReport.charts[
              'chart-ledger-timeline'
            ]?.points ?? 0,
        );
        if (drawn !== calls) throw new Error(`the timeline drew ${drawn} points, not ${calls}`);
      }
      chromiumMs = times.sort((a, b) => a - b)[1];
      mkdirSync('artifacts', { recursive: true });
      await tab.screenshot({ path: join('artifacts', 'report-100k.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }
  return { calls, collectMs, pageBytes: Buffer.byteLength(html), chromiumMs };
}
