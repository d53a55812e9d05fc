/**
 * The default memory ledger's cost per call: the CPU of appending a call's request record to a
 * MemoryLedgerStore as the ledger writer does (the store alone, its bounds and evictions
 * included), and what the kept records really hold in the heap against the bytes the store
 * accounts them at (its `maxBytes` bound counts the latter). Records are those of real calls
 * (`auto` over three models, the instant provider), kept without a byte bound so none is evicted.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MemoryLedgerStore, ZenClient } from '../src/index.js';
import { Ledger } from '../src/insurance/ledger.js';
import { APPEND_OWNED } from '../src/insurance/stores/keep-record.js';
import type { LedgerRecord } from '../src/insurance/types.js';
import { MESSAGES } from './clients.js';
import { runAtConcurrency } from './concurrent.js';
import { instantProvider } from './instant-provider.mjs';

/** The models of bench/clients.ts's benchZen. */
const BENCH_MODELS = ['openai/gpt-5-mini', 'openai/gpt-5-nano', 'openai/gpt-4.1-mini'];

export interface LedgerMemoryResult {
  /** CPU per append of one call's request record, in µs. */
  appendUs: number;
  /** Heap after GC per kept record (its entry and index slots included), in bytes. */
  heapBytes: number;
  /** What the store accounts the same records at, in bytes. */
  accountedBytes: number;
  records: number;
}

function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Heap used after full collections. */
function settledHeap(gc: () => void): number {
  for (let round = 0; round < 6; round += 1) gc();
  return process.memoryUsage().heapUsed;
}

export async function benchLedgerMemory(calls = 20_000): Promise<LedgerMemoryResult> {
  const gc = collectGarbage();
  // Heap: real calls into a store without a byte bound, after a warm-up that fills every other
  // bounded per-call structure (recent calls, routing state), so the growth is the ledger's.
  const store = new MemoryLedgerStore({ maxRecords: 10 * calls, maxBytes: Number.POSITIVE_INFINITY });
  const zen = new ZenClient({
    providers: { openai: instantProvider() as never },
    routing: { models: BENCH_MODELS },
    ledger: store,
  });
  const call = () => zen.chat.completions.create({ model: 'auto', messages: MESSAGES });
  await runAtConcurrency(call, calls / 2);
  await zen.flush();
  const before = settledHeap(gc);
  const bytesBefore = store.bytes;
  const sizeBefore = store.size;
  await runAtConcurrency(call, calls);
  await zen.flush();
  const after = settledHeap(gc);
  const records = store.size - sizeBefore;
  const accountedBytes = (store.bytes - bytesBefore) / records;
  const template: LedgerRecord[] = [];
  for await (const record of store.query({ limit: 1_000 })) template.push(record);
  await zen.close();

  // CPU: the same records, fresh copies handed over as the ledger writer does, into a default store.
  let serial = 0;
  const fresh = (): LedgerRecord => {
    const record = structuredClone(template[serial % template.length]!) as { requestId: string };
    record.requestId = `${record.requestId}-${serial++}`;
    return record as LedgerRecord;
  };
  const ledger = new Ledger(new MemoryLedgerStore());
  for (let index = 0; index < 5_000; index += 1) await ledger[APPEND_OWNED]([fresh()]);
  const batch = Array.from({ length: calls }, fresh);
  const cpu = process.cpuUsage();
  for (let index = 0; index < batch.length; index += 1) await ledger[APPEND_OWNED]([batch[index]!]);
  const used = process.cpuUsage(cpu);
  return { appendUs: (used.user + used.system) / calls, heapBytes: (after - before) / records, accountedBytes, records };
}

export function printLedgerMemory(result: LedgerMemoryResult): void {
  console.log(
    `Default memory ledger, ${result.records} request records of bench calls: append ${result.appendUs.toFixed(1)} µs CPU per record; ` +
      `${result.heapBytes.toFixed(0)} bytes of heap held per record (after GC), accounted at ${result.accountedBytes.toFixed(0)} ` +
      `(${signedPercent(result.accountedBytes / result.heapBytes - 1)} against the heap; maxBytes bounds the accounted bytes)`,
  );
}

function signedPercent(ratio: number): string {
  return `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(0)} %`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printLedgerMemory(await benchLedgerMemory());
}
