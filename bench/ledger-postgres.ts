/**
 * The shared Postgres ledger at scale: 1,000,000 records appended through PostgresLedgerStore,
 * then a day's summary (Ledger's costByModelByDay, claimsSummary, creditBalance, latencyByChannel
 * and totals for one UTC day, all answered in SQL). Target: under 1 s for the day's summary.
 *
 * Runs against ZEN_POSTGRES_URL when set, else a private server started from the PostgreSQL
 * binaries (initdb into a temporary directory); without either it says why it skipped.
 * ZEN_BENCH_LEDGER_RECORDS (default 1,000,000) and ZEN_BENCH_LEDGER_DAYS (default 30) change the
 * load; the whole-ledger summary is printed too, for reference.
 *
 *   npx tsx bench/ledger-postgres.ts
 */
import pg from 'pg';
import { Ledger, type LedgerRange } from '../src/insurance/ledger.js';
import { PostgresLedgerStore } from '../src/insurance/stores/postgres.js';
import type { LedgerRecord } from '../src/insurance/types.js';
import { findPostgresBin, startPostgresServer } from '../test/helpers/postgres-process.js';
import { seededRandom } from '../test/insurance/fixtures/records.js';
import { randomLedger } from '../test/insurance/fixtures/random-ledger.js';

export interface LedgerBenchResult {
  records: number;
  days: number;
  appendSeconds: number;
  /** Median of 5 runs of the five summaries for one day, one after another, in ms. */
  dayMs: number;
  dayRangeMs: [number, number];
  /** Each summary's median for the day, in ms. */
  perSummaryMs: Record<string, number>;
  dayRecords: number;
  /** The five summaries over the whole ledger, once, in ms. */
  wholeLedgerMs: number;
}

const SUMMARIES = ['costByModelByDay', 'claimsSummary', 'creditBalance', 'latencyByChannel', 'totals'] as const;

/** Resolves with the result, or with a sentence saying why the bench could not run. */
export async function benchPostgresLedger(options: { records?: number; days?: number } = {}): Promise<LedgerBenchResult | string> {
  const records = options.records ?? Number(process.env.ZEN_BENCH_LEDGER_RECORDS ?? 1_000_000);
  const days = options.days ?? Number(process.env.ZEN_BENCH_LEDGER_DAYS ?? 30);
  let url = process.env.ZEN_POSTGRES_URL;
  let server: Awaited<ReturnType<typeof startPostgresServer>> | undefined;
  if (!url) {
    if (!findPostgresBin())
      return 'skipped: no PostgreSQL reachable (set ZEN_POSTGRES_URL, or apt-get install postgresql for a private server)';
    try {
      server = await startPostgresServer();
    } catch (error) {
      return `skipped: a private PostgreSQL server did not start: ${error instanceof Error ? error.message : String(error)}`;
    }
    url = server.url;
  }
  const table = `zen_bench_ledger_${process.pid}`;
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  admin.on('error', () => {}); // an idle connection dropped at shutdown is not the bench's failure
  const store = await PostgresLedgerStore.open({ connectionString: url, table, maxConnections: 4 });
  try {
    const start = '2025-03-01T00:00:00.000Z';
    // Requests, each with its events, claims, credits and cases: about 1.1 records per request.
    const generator = randomLedger(seededRandom(1), { requests: Math.ceil(records / 1.05), days, start });
    const appendStarted = performance.now();
    let appended = 0;
    let batch: LedgerRecord[] = [];
    // Four appends in flight, as four instances would write.
    const inFlight = new Set<Promise<void>>();
    const send = async (records: LedgerRecord[]) => {
      const append = store.append(records).then(() => void inFlight.delete(append));
      inFlight.add(append);
      appended += records.length;
      if (inFlight.size >= 4) await Promise.race(inFlight);
    };
    for (const record of generator) {
      if (appended + batch.length >= records) break;
      batch.push(record);
      if (batch.length === 5_000) {
        await send(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await send(batch);
    await Promise.all(inFlight);
    const appendSeconds = (performance.now() - appendStarted) / 1000;
    // What autovacuum does shortly after a bulk load: fresh statistics for the planner.
    await admin.query(`ANALYZE ${table}`);
    await admin.query(`ANALYZE ${table}_latency`);

    const ledger = new Ledger(store);
    const middle = Date.parse(start) + Math.floor(days / 2) * 86_400_000;
    const day: LedgerRange = { since: new Date(middle).toISOString(), until: new Date(middle + 86_400_000).toISOString() };
    const runAll = async (range: LedgerRange, perSummary?: Record<string, number[]>) => {
      const started = performance.now();
      for (const name of SUMMARIES) {
        const one = performance.now();
        await ledger[name](range);
        perSummary?.[name]?.push(performance.now() - one);
      }
      return performance.now() - started;
    };
    await runAll(day); // warm the cache and the connections
    const perSummary: Record<string, number[]> = Object.fromEntries(SUMMARIES.map((name) => [name, []]));
    const dayRuns: number[] = [];
    for (let run = 0; run < 5; run++) dayRuns.push(await runAll(day, perSummary));
    const dayRecords = (await ledger.totals(day)).requests;
    const wholeLedgerMs = await runAll({});
    return {
      records: appended,
      days,
      appendSeconds,
      dayMs: median(dayRuns),
      dayRangeMs: [Math.min(...dayRuns), Math.max(...dayRuns)],
      perSummaryMs: Object.fromEntries(Object.entries(perSummary).map(([name, values]) => [name, median(values)])),
      dayRecords,
      wholeLedgerMs,
    };
  } finally {
    await store.close();
    await admin.query(`DROP TABLE IF EXISTS ${table}, ${table}_latency, ${table}_daily_credits`).catch(() => {});
    await admin.end();
    await server?.stop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function formatLedgerBench(result: LedgerBenchResult | string): string {
  if (typeof result === 'string') return `Postgres ledger, a day's summary over 1,000,000 records: ${result}`;
  const each = Object.entries(result.perSummaryMs)
    .map(([name, ms]) => `${name} ${ms.toFixed(0)}`)
    .join(', ');
  return [
    `Postgres ledger: ${result.records.toLocaleString('en-US')} records over ${result.days} days appended in ${result.appendSeconds.toFixed(1)} s ` +
      `(${Math.round(result.records / result.appendSeconds).toLocaleString('en-US')} records/s, batches of 5,000, 4 in flight)`,
    `  a day's summary (${result.dayRecords.toLocaleString('en-US')} requests that day; all five summaries, in SQL): median ${result.dayMs.toFixed(0)} ms ` +
      `(range ${result.dayRangeMs[0].toFixed(0)}–${result.dayRangeMs[1].toFixed(0)} over 5 runs; ms each: ${each})`,
    `  target < 1 s: ${result.dayMs < 1000 ? 'met' : 'NOT met'}`,
    `  for reference, the same five summaries over the whole ledger: ${result.wholeLedgerMs.toFixed(0)} ms`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatLedgerBench(await benchPostgresLedger()));
}
