/**
 * `npm run bench:dashboard`: the live dashboard over a large JSONL ledger (default 1,000,000
 * calls, `--calls n` to change). What the first read costs, and what a poll of the page costs
 * afterwards: with nothing new (a 304), and with 100 new calls appended; beside it, what reading
 * the whole ledger again would cost (the report's collector over the same file).
 */
import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectReport } from '../src/report/collect.js';
import { JsonlTail } from '../src/dashboard/tail/jsonl-tail.js';
import { startDashboard } from '../src/dashboard/server.js';
import { writeLedger } from './report-render.js';

const median = (values: number[]): number => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function newCalls(round: number, count: number): string {
  const lines: string[] = [];
  for (let k = 0; k < count; k += 1) {
    const channel = 'openai/gpt-5-mini:openai';
    const durationMs = 300 + ((round * count + k) % 500);
    lines.push(
      JSON.stringify({
        type: 'request',
        requestId: `live_${round}_${k}`,
        at: new Date().toISOString(),
        face: 'openai-chat',
        requested: 'auto',
        model: 'openai/gpt-5-mini',
        channel,
        provider: 'openai',
        stream: false,
        outcome: 'success',
        usage: { input: { total: 40, noCache: 40, cacheRead: 0, cacheWrite: 0 }, output: { total: 20, text: 20, reasoning: 0 } },
        cost: {
          input: 0.00001,
          cacheRead: 0,
          cacheWrite: 0,
          output: 0.00004,
          reasoning: 0,
          other: 0,
          total: 0.00005,
          currency: 'USD',
          estimated: false,
        },
        durationMs,
        attempts: [{ channel, provider: 'openai', model: 'openai/gpt-5-mini', outcome: 'success', durationMs, retry: 0 }],
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

export async function benchDashboard({ calls = 1_000_000 } = {}): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'zen-bench-dashboard-'));
  const path = join(dir, 'ledger.jsonl');
  try {
    await writeLedger(path, calls);
    const bytes = statSync(path).size;
    console.log(
      `dashboard over a JSONL ledger of ${calls.toLocaleString('en')} calls (${(bytes / 1e6).toFixed(0)} MB, with claims and credits):`,
    );
    const heapBefore = process.memoryUsage().heapUsed;
    let started = performance.now();
    const dashboard = await startDashboard({ tail: new JsonlTail(path), port: 0 });
    const first = await dashboard.refresh();
    const loadMs = performance.now() - started;
    const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
    console.log(
      `  first read: ${(loadMs / 1000).toFixed(1)} s for ${first.records.toLocaleString('en')} records (${((first.records / loadMs) * 1000).toFixed(0)} records/s); heap held after it ${heapMb.toFixed(0)} MB`,
    );

    const fetchSnapshot = async (etag?: string) => {
      const t0 = performance.now();
      const response = await fetch(`${dashboard.url}api/snapshot`, etag ? { headers: { 'If-None-Match': etag } } : {});
      const body = await response.text();
      return { ms: performance.now() - t0, status: response.status, etag: response.headers.get('etag') ?? undefined, bytes: body.length };
    };
    const initial = await fetchSnapshot();
    console.log(`  snapshot: ${(initial.bytes / 1e3).toFixed(0)} kB of JSON`);

    const idle: number[] = [];
    for (let round = 0; round < 20; round += 1) {
      const poll = await fetchSnapshot(initial.etag);
      if (poll.status !== 304) throw new Error(`expected 304 on an unchanged ledger, got ${poll.status}`);
      idle.push(poll.ms);
    }
    console.log(`  a poll with nothing new (tail: 2 stats; answer 304), median of 20: ${median(idle).toFixed(2)} ms`);

    const busy: number[] = [];
    let etag = initial.etag;
    for (let round = 0; round < 10; round += 1) {
      appendFileSync(path, newCalls(round, 100));
      const poll = await fetchSnapshot(etag);
      if (poll.status !== 200) throw new Error(`expected new figures after an append, got ${poll.status}`);
      etag = poll.etag;
      busy.push(poll.ms);
    }
    const last = await dashboard.refresh();
    if (last.totals.requests !== first.totals.requests + 1_000)
      throw new Error(`expected ${first.totals.requests + 1_000} requests, the dashboard shows ${last.totals.requests}`);
    console.log(`  a poll after 100 new calls (read them, merge the percentiles, serialise), median of 10: ${median(busy).toFixed(1)} ms`);
    await dashboard.close();

    started = performance.now();
    await collectReport([path]);
    const rereadMs = performance.now() - started;
    console.log(`  for comparison, reading the whole ledger again (the report's collector): ${(rereadMs / 1000).toFixed(1)} s`);
    console.log(
      `  a poll after 100 new calls costs ${((100 * median(busy)) / rereadMs).toFixed(2)} % of a full re-read; target < 1 %: ${median(busy) < rereadMs / 100 ? 'met' : 'NOT met'}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf('--calls');
  await benchDashboard(at > 0 ? { calls: Number(process.argv[at + 1]) } : {});
}
