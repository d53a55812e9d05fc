/**
 * `npm run bench:peers`: ZenClient side by side with the raw openai SDK, the Vercel AI SDK (alone
 * and with ai-fallback) and LangChain (alone and with withFallbacks), in one run.
 *
 * The simulator runs in its own processes (one answering at once, one streaming 300 words) and
 * every client is measured in fresh processes of plain node, importing the built package (dist/,
 * rebuilt when older than src/) and the peers the way a user would. Each round measures every client once, in an
 * order that rotates from round to round; two raw SDK columns (an A/A pair) show the resolution.
 * Cells are medians over the rounds with the range in brackets; "added" figures are taken against
 * the raw SDK of the same round.
 *
 * Counts (env; the defaults keep a run near 5 minutes on a quiet 2-core machine): PEERS_ROUNDS (3),
 * PEERS_WARMUP_CALLS (5000: the heap row is measured after them), PEERS_THROUGHPUT_CALLS (8000:
 * the window follows the heap row's forced full GC, and a 1,000-call window, about 0.6 s, mostly
 * measured the heap regrowing after it: every client read 0.65x there),
 * PEERS_LATENCY_CALLS (200), PEERS_STREAMS (30), PEERS_ALLOC_CALLS (100), PEERS_IMPORT_RUNS (5). The table is printed and written to
 * .tmp/bench-peers.md.
 */
import { fork, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { PEER_IMPORTS, PEER_TITLES, PEERS, type PeerName } from './peer-clients.js';
import type { CallsResult, WorkerJob } from './peers-worker.js';
import { forkSimulator } from './simulator.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUT = `${ROOT}.tmp/peers`;
const count = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ROUNDS = count('PEERS_ROUNDS', 3);
const JOB = {
  warmupCalls: count('PEERS_WARMUP_CALLS', 5_000),
  throughputCalls: count('PEERS_THROUGHPUT_CALLS', 8_000),
  latencyCalls: count('PEERS_LATENCY_CALLS', 200),
  streams: count('PEERS_STREAMS', 30),
  allocCalls: count('PEERS_ALLOC_CALLS', 100),
};
const IMPORT_RUNS = count('PEERS_IMPORT_RUNS', 5);

interface ImportSample {
  ms: number;
  heap: number;
  rss: number;
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  if (distIsStale()) {
    console.error('dist/ is older than src/: npm run build');
    const built = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (built.status !== 0) throw new Error('npm run build failed');
  }
  // The workers run as plain JavaScript: no TypeScript loader in the processes measured.
  await build({
    entryPoints: [`${ROOT}bench/peers-worker.ts`, `${ROOT}bench/peer-clients.ts`],
    outdir: OUT,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });

  const imports = new Map<PeerName, ImportSample[]>(PEERS.map((peer) => [peer, []]));
  for (let run = 0; run < IMPORT_RUNS; run++) {
    for (const peer of rotate(PEERS, run)) imports.get(peer)!.push(measureImport(PEER_IMPORTS[peer]));
  }

  const sim = await forkSimulator(0);
  const streamSim = await forkSimulator(0, 300);
  const calls = new Map<PeerName, CallsResult[]>(PEERS.map((peer) => [peer, []]));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const peer of rotate(PEERS, round)) {
        const job: WorkerJob = { peer, baseURL: sim.baseURL, streamBaseURL: streamSim.baseURL, ...JOB };
        calls.get(peer)!.push(await runWorker(job));
      }
      console.error(`round ${round + 1}/${ROUNDS} done (${((performance.now() - startedAt) / 1000).toFixed(0)} s)`);
    }
  } finally {
    sim.stop();
    streamSim.stop();
  }

  const table = render(calls, imports);
  const header =
    `Measured on ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores, shared), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; ` +
    `command \`npm run bench:peers\`; ${ROUNDS} rounds, each client in fresh processes, order rotating; ` +
    `${JOB.warmupCalls} warm-up calls, ${JOB.throughputCalls} calls at concurrency 64, ${JOB.latencyCalls} at concurrency 1, ${JOB.streams} streams, ` +
    `${JOB.allocCalls} calls for allocation, ${IMPORT_RUNS} import runs; median (range); ${((performance.now() - startedAt) / 1000).toFixed(0)} s.`;
  const retries = PEERS.map((peer) => [peer, calls.get(peer)!.reduce((sum, result) => sum + result.connectionRetries, 0)] as const).filter(
    ([, n]) => n > 0,
  );
  const footnote = retries.length
    ? `\nCalls retried once after the simulator closed a reused keep-alive connection: ${retries.map(([peer, n]) => `${PEER_TITLES[peer]} ${n}`).join(', ')}.\n`
    : '';
  const markdown = `${header}\n\n${table}\n${footnote}`;
  mkdirSync(`${ROOT}.tmp`, { recursive: true });
  writeFileSync(`${ROOT}.tmp/bench-peers.md`, markdown);
  console.log(markdown);
  console.log('written to .tmp/bench-peers.md');
}

/** Whether any file under src/ is newer than dist/index.js (or there is no build). */
function distIsStale(): boolean {
  const built = statSync(`${ROOT}dist/index.js`, { throwIfNoEntry: false })?.mtimeMs;
  if (built === undefined) return true;
  return readdirSync(`${ROOT}src`, { recursive: true, encoding: 'utf8' }).some((file) => statSync(`${ROOT}src/${file}`).mtimeMs > built);
}

/** The peers in the order of this round: shifted by one each round. */
function rotate<T>(list: readonly T[], round: number): T[] {
  return list.map((_, index) => list[(index + round) % list.length]!);
}

/** A fresh `node --expose-gc` importing the modules: the time the imports take, then heap (after GC) and RSS. */
function measureImport(modules: string[]): ImportSample {
  const code = `const t = performance.now(); for (const m of ${JSON.stringify(modules)}) await import(m); const ms = performance.now() - t; gc(); gc(); const u = process.memoryUsage(); console.log(JSON.stringify({ ms, heap: u.heapUsed, rss: u.rss }));`;
  const child = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`importing ${modules.join(', ')} failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as ImportSample;
}

async function runWorker(job: WorkerJob): Promise<CallsResult> {
  const child = fork(`${OUT}/peers-worker.js`, [], {
    execArgv: ['--expose-gc'],
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const result = new Promise<CallsResult>((resolve) => child.once('message', (message) => resolve(message as CallsResult)));
  child.send(job);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the ${job.peer} worker exited with ${code}`);
  return result;
}

function render(calls: Map<PeerName, CallsResult[]>, imports: Map<PeerName, ImportSample[]>): string {
  const raw = calls.get('raw')!;
  const cells = (format: (peer: PeerName) => string) => PEERS.map(format);
  const againstRaw = (peer: PeerName, value: (result: CallsResult, round: number) => number) => calls.get(peer)!.map(value);
  const percentile = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.max(1, Math.ceil((p * sorted.length) / 100)) - 1]!;
  };
  const rows: Array<[string, string[]]> = [
    [
      'throughput at concurrency 64 (× raw)',
      cells((peer) =>
        spread(
          againstRaw(peer, (result, round) => raw[round]!.throughputWallMs / result.throughputWallMs),
          (x) => `${x.toFixed(2)}×`,
        ),
      ),
    ],
    [
      'added p50 / p99 latency at concurrency 1',
      cells((peer) =>
        peer === 'raw'
          ? `${percentile(
              raw.flatMap((r) => r.latenciesMs),
              50,
            ).toFixed(2)} / ${percentile(
              raw.flatMap((r) => r.latenciesMs),
              99,
            ).toFixed(2)} ms`
          : `${spread(
              againstRaw(peer, (result, round) => percentile(result.latenciesMs, 50) - percentile(raw[round]!.latenciesMs, 50)),
              signedMs,
            )} / ` +
            `${spread(
              againstRaw(peer, (result, round) => percentile(result.latenciesMs, 99) - percentile(raw[round]!.latenciesMs, 99)),
              signedMs,
            )}`,
      ),
    ],
    [
      'added CPU per 300-chunk stream',
      cells((peer) =>
        peer === 'raw'
          ? `${(median(raw.map((r) => r.cpuPerStreamUs)) / 1000).toFixed(2)} ms`
          : spread(
              againstRaw(peer, (result, round) => (result.cpuPerStreamUs - raw[round]!.cpuPerStreamUs) / 1000),
              signedMs,
            ),
      ),
    ],
    [
      'V8 heap allocated per call (calls without a GC)',
      cells((peer) => {
        const valid = calls.get(peer)!.flatMap((result) => (result.bytesPerCall === null ? [] : [result.bytesPerCall]));
        return valid.length === 0 ? 'n/a (a GC ran)' : spread(valid, (bytes) => `${(bytes / 1024).toFixed(0)} KB`);
      }),
    ],
    [
      'heap after GC, after 5,000 calls',
      cells((peer) =>
        spread(
          calls.get(peer)!.map((r) => r.heapAfterCallsBytes),
          mb,
        ),
      ),
    ],
    [
      'import time',
      cells((peer) =>
        spread(
          imports.get(peer)!.map((s) => s.ms),
          (ms) => `${ms.toFixed(0)} ms`,
        ),
      ),
    ],
    [
      'heap (after GC) / RSS right after import',
      cells((peer) => `${mb(median(imports.get(peer)!.map((s) => s.heap)))} / ${mb(median(imports.get(peer)!.map((s) => s.rss)))}`),
    ],
  ];
  const head = `| | ${PEERS.map((peer) => PEER_TITLES[peer]).join(' | ')} |`;
  const rule = `|---|${PEERS.map(() => '---').join('|')}|`;
  return [head, rule, ...rows.map(([name, values]) => `| ${name} | ${values.join(' | ')} |`)].join('\n');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** `median (min–max)`, or just the value for one round. */
function spread(values: number[], format: (value: number) => string): string {
  if (values.length === 1) return format(values[0]!);
  return `${format(median(values))} (${format(Math.min(...values))}…${format(Math.max(...values))})`;
}

function signedMs(value: number): string {
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)} ms`;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

await main();
