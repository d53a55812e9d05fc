/**
 * A live dashboard beside a running app: the app's ZenClient writes its ledger (JSONL here), and
 * startDashboard serves a page over the same store that updates as calls land. The app makes 20
 * calls on the simulator (two with a first token after 1.5 s, so two claims), then the example reads the
 * page's own JSON, as the browser does, and stops.
 *
 *   npx tsx examples/dashboard.ts           # 20 calls, print the figures, stop
 *   npx tsx examples/dashboard.ts --keep    # then a call a second until Ctrl-C: open the URL and watch
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZenClient } from 'zenrouter';
import { JsonlLedgerStore, startDashboard, type DashboardData } from 'zenrouter/node';
import { simulatorProviders, startSimulator } from 'zenrouter/testing';

const MODELS = ['openai/gpt-5-mini', 'anthropic/claude-haiku-4-5', 'google/gemini-2.5-flash'];

async function main(): Promise<void> {
  const sim = await startSimulator();
  const ledger = await JsonlLedgerStore.open({ path: join(mkdtempSync(join(tmpdir(), 'zen-dashboard-example-')), 'ledger.jsonl') });
  const zen = new ZenClient({ providers: await simulatorProviders(sim), ledger, insurance: { limits: { maxFirstTokenMs: 1_000 } } });
  // The dashboard follows the store the app writes to (port 0: any free port; the CLI defaults to 7411).
  const dashboard = await startDashboard({ store: ledger, port: 0, refreshSeconds: 1, title: 'example app' });
  console.log(`dashboard: ${dashboard.url}`);

  const call = async (index: number) => {
    const model = MODELS[index % MODELS.length]!;
    const name = model.split('/')[1]!;
    sim.enqueue(name, {
      text: `Answer ${index}.`,
      ttftMs: index === 4 || index === 7 ? 1_500 : 20,
      usage: { input: 800 + 50 * index, output: 150 },
    });
    // Streamed, so that the time to the first token is measured (and a slow one claimed).
    const stream = await zen.chat.completions.create({ model, messages: [{ role: 'user', content: `Question ${index}` }], stream: true });
    for await (const _chunk of stream) {
      // read the answer
    }
  };
  for (let index = 0; index < 20; index += 1) await call(index);
  await zen.flush();

  // What the page gets from GET /api/snapshot.
  const data = (await (await fetch(`${dashboard.url}api/snapshot`)).json()) as DashboardData;
  const settled = data.loading ? await dashboard.refresh() : data;
  console.log(
    `the page shows ${settled.totals.requests} calls, cost $${settled.totals.costUsd.toFixed(6)}, ${settled.totals.claims} claims, credits $${settled.totals.creditsUsd.toFixed(6)}`,
  );
  settled.latency.channels.forEach((channel, index) =>
    console.log(
      `  ${channel.padEnd(40)} p50 ${Math.round(settled.latency.p50Ms[index]!)} ms · p95 ${Math.round(settled.latency.p95Ms[index]!)} ms`,
    ),
  );

  if (process.argv.includes('--keep')) {
    console.log('a call a second; open the URL above and watch it update. Ctrl-C stops.');
    let index = 20;
    const timer = setInterval(() => void call(index++).catch((error: unknown) => console.error(error)), 1000);
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    clearInterval(timer);
  }
  await dashboard.close();
  await zen.close();
  await sim.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
