/**
 * One client measured in a fresh process (plain node with --expose-gc, started by bench/peers.ts):
 * 5,000 calls at concurrency 64 (the warm-up), then the heap after a full GC; the wall time of
 * `throughputCalls` calls at concurrency 64; `latencyCalls` calls one at a time (each call's
 * latency); `streams` streams of 300 chunks one at a time (CPU per stream); and `allocCalls` calls
 * one at a time for the V8 heap each allocates: the growth of the used heap across the call,
 * from the calls during which no GC ran (the median of those).
 *
 * Every answer is checked, so that a client failing fast cannot pass for a fast one.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { makePeer, type PeerClient, type PeerName } from './peer-clients.js';

export interface WorkerJob {
  peer: PeerName;
  baseURL: string;
  streamBaseURL: string;
  warmupCalls: number;
  throughputCalls: number;
  latencyCalls: number;
  streams: number;
  allocCalls: number;
}

export interface CallsResult {
  heapAfterCallsBytes: number;
  throughputWallMs: number;
  latenciesMs: number[];
  cpuPerStreamUs: number;
  /** Null when a GC ran during every one of the calls (no figure). */
  bytesPerCall: number | null;
  /** How many calls the figure is the median of. */
  allocSamples: number;
  connectionRetries: number;
}

const EXPECTED_TEXT = 'The quick brown fox jumps over the lazy dog.';
const STREAM_CHUNKS = 300;
const gc = (globalThis as { gc?: () => void }).gc;

/** Calls retried after the simulator closed an idle keep-alive connection as it was reused (a race a heavily loaded machine makes likely). */
let connectionRetries = 0;
const CONNECTION_CLOSED = /other side closed|ECONNRESET|socket hang up|Connection error|Cannot connect/i;

async function checkedCall(peer: PeerClient): Promise<void> {
  const text = await peer.call().catch((error: unknown) => {
    if (!CONNECTION_CLOSED.test(String(error instanceof Error ? `${error.message} ${String(error.cause)}` : error))) throw error;
    connectionRetries++;
    return peer.call();
  });
  if (text !== EXPECTED_TEXT) throw new Error(`unexpected answer: ${JSON.stringify(text).slice(0, 200)}`);
}

async function atConcurrency(peer: PeerClient, calls: number, concurrency = 64): Promise<number> {
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < calls) {
      next++;
      await checkedCall(peer);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, calls) }, lane));
  return performance.now() - started;
}

function fullGc(): void {
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
}

async function runCalls(peer: PeerClient, job: WorkerJob): Promise<CallsResult> {
  await atConcurrency(peer, job.warmupCalls);
  fullGc();
  const heapAfterCallsBytes = process.memoryUsage().heapUsed;
  const throughputWallMs = await atConcurrency(peer, job.throughputCalls);
  const latenciesMs: number[] = [];
  for (let index = 0; index < job.latencyCalls; index++) {
    const started = performance.now();
    await checkedCall(peer);
    latenciesMs.push(performance.now() - started);
  }
  for (let index = 0; index < 5; index++) await checkedStream(peer); // warm the stream path
  const cpu = process.cpuUsage();
  for (let index = 0; index < job.streams; index++) await checkedStream(peer);
  const used = process.cpuUsage(cpu);
  const allocation = await allocationPerCall(peer, job.allocCalls);
  return {
    heapAfterCallsBytes,
    throughputWallMs,
    latenciesMs,
    cpuPerStreamUs: (used.user + used.system) / job.streams,
    ...allocation,
    connectionRetries,
  };
}

async function checkedStream(peer: PeerClient): Promise<void> {
  const chunks = await peer.stream();
  // A client may merge or split chunks a little (a role chunk, a final empty one), never by much.
  if (Math.abs(chunks - STREAM_CHUNKS) > 2) throw new Error(`a stream of ${STREAM_CHUNKS} words read as ${chunks} chunks`);
}

async function allocationPerCall(peer: PeerClient, calls: number): Promise<{ bytesPerCall: number | null; allocSamples: number }> {
  const collections: Array<{ start: number; end: number }> = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) collections.push({ start: entry.startTime, end: entry.startTime + entry.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  const samples: Array<{ start: number; end: number; bytes: number }> = [];
  for (let index = 0; index < calls; index++) {
    const start = performance.now();
    const before = process.memoryUsage().heapUsed;
    await checkedCall(peer);
    const bytes = process.memoryUsage().heapUsed - before;
    samples.push({ start, end: performance.now(), bytes });
  }
  await new Promise((resolve) => setTimeout(resolve, 100)); // GC entries are delivered asynchronously
  observer.disconnect();
  const clean = samples
    .filter((sample) => !collections.some((gc) => gc.start <= sample.end && gc.end >= sample.start))
    .map((sample) => sample.bytes);
  if (clean.length === 0) return { bytesPerCall: null, allocSamples: 0 };
  clean.sort((a, b) => a - b);
  return { bytesPerCall: clean[Math.floor(clean.length / 2)]!, allocSamples: clean.length };
}

process.once('message', (job: WorkerJob) => {
  void (async () => {
    const peer = await makePeer(job.peer, job.baseURL, job.streamBaseURL);
    const result = await runCalls(peer, job);
    process.send!(result, () => process.exit(0));
  })().catch((error: unknown) => {
    process.stderr.write(`${job.peer}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
});
