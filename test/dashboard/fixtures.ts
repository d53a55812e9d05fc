import { Ledger, ZenClient, type LedgerStore } from '../../src/index.js';
import type { DegradationRecord } from '../../src/insurance/types.js';
import { simulatorProviders, type Simulator } from '../../src/testing/index.js';

/**
 * Real calls through the official SDKs and the simulator into `store`: 6 to gpt-5-mini, 4 to
 * claude-haiku-4-5 of which 2 have a first token after 1,500 ms (slow_first_token claims at a
 * 1,000 ms limit, far from the other calls' 5-30 ms even on a loaded machine), and one gpt-5-mini call the provider refuses (a failed call); then a degradation record
 * as a watch writes it. `zen.close()` closes the store.
 */
export async function writeCalls(sim: Simulator, store: LedgerStore): Promise<void> {
  const zen = new ZenClient({ providers: await simulatorProviders(sim), ledger: store, insurance: { limits: { maxFirstTokenMs: 1_000 } } });
  const ask = async (model: string, stream = false) => {
    if (!stream) return zen.chat.completions.create({ model, messages: [{ role: 'user', content: `Say hello (${model}).` }] });
    const chunks = await zen.chat.completions.create({ model, messages: [{ role: 'user', content: 'Say hello slowly.' }], stream: true });
    for await (const _chunk of chunks) {
      // read the whole stream
    }
    return chunks;
  };
  for (let index = 0; index < 6; index += 1) {
    sim.enqueue('gpt-5-mini', { text: `Hello ${index}.`, ttftMs: 5 + 5 * index, usage: { input: 1_000 + 100 * index, output: 200 } });
    await ask('openai/gpt-5-mini');
  }
  for (let index = 0; index < 4; index += 1) {
    sim.enqueue('claude-haiku-4-5', { text: 'Hello.', ttftMs: index < 2 ? 1_500 : 10, usage: { input: 2_000, output: 400 } });
    await ask('anthropic/claude-haiku-4-5', true);
  }
  sim.enqueue('gpt-5-mini', { fault: { type: 'http', status: 400, message: 'bad request' } });
  await ask('openai/gpt-5-mini').catch(() => undefined);
  const degradation: DegradationRecord = {
    type: 'degradation',
    requestId: 'watch_test_run',
    at: new Date().toISOString(),
    channel: 'openai/gpt-5-mini:openai',
    metric: 'accuracy',
    baseline: 0.8,
    observed: 0.2,
    statistic: 9.4,
    threshold: 9.21,
  };
  await store.append([degradation]);
  await zen.close();
}

/** What the dashboard must show, computed by the Ledger's own summaries (not the dashboard's code). */
export async function expectedFigures(store: LedgerStore) {
  const ledger = new Ledger(store);
  return {
    totals: await ledger.totals(),
    byDay: await ledger.costByModelByDay(),
    latency: await ledger.latencyByChannel(),
    claims: await ledger.claimsSummary(),
    failed: await countFailed(store),
  };
}

async function countFailed(store: LedgerStore): Promise<number> {
  let failed = 0;
  for await (const record of store.query({ types: ['request'] }))
    if (record.type === 'request' && record.outcome !== 'success') failed += 1;
  return failed;
}

/** As the page formats money. */
export const usd = (value: number): string => `$${value.toFixed(value < 0.01 ? 6 : 4)}`;
