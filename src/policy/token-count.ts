/**
 * o200k token counts with gpt-tokenizer, for the rare prompt whose estimated size leaves a routing
 * decision open (./token-bounds.ts). What shapes it:
 *
 * - Loading the encoding takes ~150–300 ms and ~20 MB of heap, so it is loaded on the first count,
 *   never at import. Where the runtime has worker threads (Node, reached through
 *   `process.getBuiltinModule`, so nothing imports a Node module) the encoding is loaded and run in
 *   a worker, and the event loop never waits for it. Elsewhere it loads in this thread once (that
 *   one load does hold the loop), and counting runs in slices with a turn of the loop between them.
 * - gpt-tokenizer's byte-pair merge is quadratic in the length of a pre-tokenizer piece (a 1 MB
 *   run of one letter took minutes; 20,000 Chinese characters without punctuation, seconds). Pieces
 *   longer than LONG_PIECE characters are counted in chunks of that size: off by a token or two per
 *   chunk, on text that is no ordinary prose, in time linear in its length. Ordinary pieces (words,
 *   numbers, marks) are counted exactly: the text is cut only between pieces, and gpt-tokenizer
 *   counts each segment as it would count the whole.
 * - Counting runs at 0.2–10 µs a character depending on the script, so a text longer than
 *   EXACT_LIMIT characters is measured on SAMPLE_WINDOWS evenly spread windows, and its estimate
 *   (./token-estimate.ts) is scaled by what the sample measured: bounded work for any size.
 * - Conversations resend their history, so counts are cached by a hash of the text (never the
 *   text itself), in a cache bounded in bytes.
 */
import { nextTurn, SLICE_MS, SliceBudget } from '../core/slices.js';
import { estimateTextTokens, TokenEstimator, type TokenEstimate } from './token-estimate.js';

/** Pieces longer than this many UTF-16 units are counted in chunks of this size. */
export const LONG_PIECE = 128;
/** Texts up to this many characters are counted whole; longer ones on a sample. */
export const EXACT_LIMIT = 131_072;
/** The sample of a longer text: this many windows of SAMPLE_WINDOW_CHARS characters. */
const SAMPLE_WINDOWS = 32;
const SAMPLE_WINDOW_CHARS = 2_048;
/**
 * One call of the tokenizer gets whole pieces worth about this much work: a piece costs its UTF-8
 * bytes, the square of its bytes over 64 (the merge), and 32 more when it holds non-ASCII
 * characters (the merge's slow path). ~2 ms of work on the machines measured.
 */
const SEGMENT_COST = 8_192;
/** The pre-tokenizer regex runs over windows of this size, so that no single match runs long. */
const SCAN_WINDOW = 16_384;
/** The count cache's bound, and what one entry (key, number, map slot) costs. */
export const TOKEN_CACHE_MAX_BYTES = 256 * 1024;
const CACHE_ENTRY_OVERHEAD_BYTES = 96;
/** The worker is stopped after this long without work, giving its memory back. */
const WORKER_IDLE_MS = 30_000;

/** What counting did so far, for tests and benches: work done, not time. */
export const tokenCountWork = {
  /** Calls of the tokenizer (segments and long-piece chunks). */
  tokenizerCalls: 0,
  /** Characters handed to the tokenizer. */
  charactersCounted: 0,
  /** Long pieces cut into chunks. */
  longPieces: 0,
  /** Turns of the event loop given between slices, in this thread. */
  yields: 0,
  /** Texts answered from the cache. */
  cacheHits: 0,
  /** Texts measured on a sample. */
  sampled: 0,
  /** Where counting ran last: a worker thread, or this thread. */
  backend: undefined as 'worker' | 'this-thread' | undefined,
};

// ── the counting itself ────────────────────────────────────────────────────────────────────────

type Limits = readonly [longPiece: number, segmentCost: number, scanWindow: number, sliceMs: number];
type CountResult = [tokens: number, tokenizerCalls: number, longPieces: number];
const LIMITS: Limits = [LONG_PIECE, SEGMENT_COST, SCAN_WINDOW, SLICE_MS];

/**
 * Cuts `text` between pre-tokenizer pieces into segments of bounded work (long pieces into chunks),
 * counts each with `countSegment`, and yields whenever `limits[3]` ms of work have passed.
 *
 * The worker runs this function from its source text: it must refer to nothing outside its
 * parameters and the language's globals.
 */
function* countInSegments(
  text: string,
  split: RegExp,
  countSegment: (segment: string) => number,
  limits: Limits,
): Generator<void, CountResult, void> {
  const [longPiece, segmentCost, scanWindow, sliceMs] = limits;
  let tokens = 0;
  let calls = 0;
  let longPieces = 0;
  let started = performance.now();
  let segmentStart = 0;
  let cost = 0;
  let position = 0;
  while (position < text.length) {
    const windowEnd = Math.min(text.length, position + scanWindow);
    const window = text.slice(position, windowEnd);
    const last = windowEnd === text.length;
    let offset = 0;
    // Pieces of this window; a long one is cut into chunks right away.
    while (offset < window.length) {
      split.lastIndex = offset;
      const match = split.exec(window);
      const length = match ? match[0].length : window.length - offset; // o200k's pattern matches every character
      const end = offset + (length || 1);
      // A piece that reaches the window's last characters may go on past it (a contraction or a
      // lookahead may need what follows): it is scanned again at the start of the next window.
      if (!last && end > window.length - 4) break;
      if (end - offset > longPiece) {
        if (position + offset > segmentStart) {
          tokens += countSegment(text.slice(segmentStart, position + offset));
          calls += 1;
        }
        longPieces += 1;
        for (let from = position + offset; from < position + end; ) {
          let to = Math.min(position + end, from + longPiece);
          const code = text.charCodeAt(to);
          if (to < position + end && code >= 0xdc00 && code <= 0xdfff) to -= 1; // keep surrogate pairs whole
          tokens += countSegment(text.slice(from, to));
          calls += 1;
          from = to;
          if (performance.now() - started >= sliceMs) {
            yield;
            started = performance.now();
          }
        }
        segmentStart = position + end;
        cost = 0;
      } else {
        let bytes = 0;
        let nonAscii = 0;
        for (let index = position + offset; index < position + end; index += 1) {
          const code = text.charCodeAt(index);
          if (code < 0x80) bytes += 1;
          else {
            nonAscii = 32;
            bytes += code < 0x800 || (code >= 0xd800 && code <= 0xdfff) ? 2 : 3;
          }
        }
        cost += bytes + (bytes * bytes) / 64 + nonAscii;
        if (cost >= segmentCost) {
          tokens += countSegment(text.slice(segmentStart, position + end));
          calls += 1;
          segmentStart = position + end;
          cost = 0;
          if (performance.now() - started >= sliceMs) {
            yield;
            started = performance.now();
          }
        }
      }
      offset = end;
    }
    if (offset === 0) {
      // One piece fills the whole window: a long piece, counted in chunks up to near the window's end.
      const stop = windowEnd - 4;
      if (position > segmentStart) {
        tokens += countSegment(text.slice(segmentStart, position));
        calls += 1;
      }
      longPieces += 1;
      for (let from = position; from < stop; ) {
        let to = Math.min(stop, from + longPiece);
        const code = text.charCodeAt(to);
        if (code >= 0xdc00 && code <= 0xdfff) to -= 1;
        tokens += countSegment(text.slice(from, to));
        calls += 1;
        from = to;
        if (performance.now() - started >= sliceMs) {
          yield;
          started = performance.now();
        }
      }
      segmentStart = stop;
      cost = 0;
      offset = stop - position;
    }
    position += offset;
    if (performance.now() - started >= sliceMs) {
      yield;
      started = performance.now();
    }
  }
  if (text.length > segmentStart) {
    tokens += countSegment(text.slice(segmentStart));
    calls += 1;
  }
  return [tokens, calls, longPieces];
}

// ── where it runs ──────────────────────────────────────────────────────────────────────────────

interface Backend {
  kind: 'worker' | 'this-thread';
  /** The counts of `texts`, each counted by countInSegments. */
  count(texts: string[], signal: AbortSignal | undefined): Promise<CountResult[]>;
}

type Encoding = { countTokens(text: string, options: { disallowedSpecial: Set<string> }): number; setMergeCacheSize(size: number): void };

/** Special tokens (`<|endoftext|>`) in a prompt are text like any other, not an error. */
const AS_TEXT = { disallowedSpecial: new Set<string>() };
/** gpt-tokenizer's merge cache (100,000 pieces by default) would grow with traffic; a small one is enough. */
const MERGE_CACHE_SIZE = 1_024;

let split: Promise<RegExp> | undefined;

/** o200k's pre-tokenizer regex, sticky: pieces are contiguous. */
function loadSplit(): Promise<RegExp> {
  split ??= import('gpt-tokenizer/encodingParams/constants').then(
    ({ O200K_TOKEN_SPLIT_REGEX }) => new RegExp(O200K_TOKEN_SPLIT_REGEX.source, 'guy'),
  );
  return split;
}

let localEncoding: Promise<Encoding> | undefined;

function loadLocalEncoding(): Promise<Encoding> {
  localEncoding ??= Promise.all([import('gpt-tokenizer/GptEncoding'), import('gpt-tokenizer/bpeRanks/o200k_base')]).then(
    ([{ GptEncoding }, ranks]) => {
      // A private instance: the host's own use of gpt-tokenizer keeps its settings.
      const encoding = GptEncoding.getEncodingApi('o200k_base', () => ranks.default);
      encoding.setMergeCacheSize(MERGE_CACHE_SIZE);
      return encoding as unknown as Encoding;
    },
  );
  return localEncoding;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

const thisThread: Backend = {
  kind: 'this-thread',
  async count(texts, signal) {
    const [encoding, pattern] = await Promise.all([loadLocalEncoding(), loadSplit()]);
    const countSegment = (segment: string): number => encoding.countTokens(segment, AS_TEXT);
    const results: CountResult[] = [];
    for (const text of texts) {
      const work = countInSegments(text, pattern, countSegment, LIMITS);
      for (;;) {
        const step = work.next();
        if (step.done) {
          results.push(step.value);
          break;
        }
        tokenCountWork.yields += 1;
        await nextTurn();
        throwIfAborted(signal);
      }
    }
    return results;
  },
};

/** The worker's whole program: load the encoding once, count what it is sent with countInSegments. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const countInSegments = ${countInSegments.toString()};
const ready = Promise.all([import(workerData.encodingUrl), import(workerData.ranksUrl), import(workerData.constantsUrl)]).then(([{ GptEncoding }, ranks, { O200K_TOKEN_SPLIT_REGEX }]) => {
  const encoding = GptEncoding.getEncodingApi('o200k_base', () => ranks.default);
  encoding.setMergeCacheSize(${MERGE_CACHE_SIZE});
  const asText = { disallowedSpecial: new Set() };
  return { count: (segment) => encoding.countTokens(segment, asText), split: new RegExp(O200K_TOKEN_SPLIT_REGEX.source, 'guy') };
});
const limits = ${JSON.stringify([LONG_PIECE, SEGMENT_COST, SCAN_WINDOW, Number.POSITIVE_INFINITY])};
parentPort.on('message', ({ id, texts }) => {
  ready.then(({ count, split }) => {
    const results = texts.map((text) => {
      const work = countInSegments(text, split, count, limits);
      for (;;) { const step = work.next(); if (step.done) return step.value; }
    });
    parentPort.postMessage({ id, results });
  }).catch((error) => parentPort.postMessage({ id, error: String((error && error.message) || error) }));
});
`;

interface WorkerLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: { id: number; results?: CountResult[]; error?: string }) => void): unknown;
  on(event: 'error' | 'exit', listener: (value: unknown) => void): unknown;
  unref(): void;
  terminate(): Promise<number>;
}
type WorkerConstructor = new (source: string, options: { eval: true; workerData: unknown }) => WorkerLike;
interface WorkerThreads {
  Worker: WorkerConstructor;
  urls: { encodingUrl: string; ranksUrl: string; constantsUrl: string };
}

/** Node's worker threads, if this runtime has them and can name gpt-tokenizer's files for a worker. */
function workerThreads(): WorkerThreads | undefined {
  try {
    const getBuiltinModule = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
    const threads = getBuiltinModule?.('node:worker_threads') as { Worker?: WorkerConstructor } | undefined;
    // `import.meta.resolve` names the files this package would load; bundles without it count here.
    const resolve = (import.meta as { resolve?: (specifier: string) => string }).resolve;
    if (typeof threads?.Worker !== 'function' || typeof resolve !== 'function') return undefined;
    return {
      Worker: threads.Worker,
      urls: {
        encodingUrl: resolve('gpt-tokenizer/GptEncoding'),
        ranksUrl: resolve('gpt-tokenizer/bpeRanks/o200k_base'),
        constantsUrl: resolve('gpt-tokenizer/encodingParams/constants'),
      },
    };
  } catch {
    return undefined;
  }
}

class WorkerBackend implements Backend {
  readonly kind = 'worker';
  private worker: WorkerLike | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (results: CountResult[]) => void; reject: (error: Error) => void }>();
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly threads: WorkerThreads) {}

  count(texts: string[], signal: AbortSignal | undefined): Promise<CountResult[]> {
    const worker = this.start();
    const id = this.nextId++;
    if (this.idle) clearTimeout(this.idle);
    this.idle = undefined;
    return new Promise<CountResult[]>((resolve, reject) => {
      const onAbort = (): void => {
        this.pending.delete(id);
        reject(signal!.reason ?? new DOMException('The operation was aborted.', 'AbortError'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (results) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(results);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      });
      worker.postMessage({ id, texts });
    });
  }

  private start(): WorkerLike {
    if (this.worker) return this.worker;
    const worker = new this.threads.Worker(WORKER_SOURCE, { eval: true, workerData: this.threads.urls });
    worker.unref();
    worker.on('message', ({ id, results, error }) => {
      const waiter = this.pending.get(id);
      this.pending.delete(id);
      if (results) waiter?.resolve(results);
      else waiter?.reject(new Error(`token counting failed: ${error ?? 'no result'}`));
      if (this.pending.size === 0) this.scheduleStop();
    });
    const fail = (reason: unknown): void => {
      if (this.worker === worker) this.worker = undefined;
      const error = reason instanceof Error ? reason : new Error(`the token counting worker stopped (${String(reason)})`);
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    this.worker = worker;
    return worker;
  }

  private scheduleStop(): void {
    this.idle = setTimeout(() => {
      const worker = this.worker;
      this.worker = undefined;
      this.idle = undefined;
      void worker?.terminate();
    }, WORKER_IDLE_MS);
    (this.idle as { unref?: () => void }).unref?.();
  }
}

let workerBackend: WorkerBackend | null | undefined;

function backendFor(inThisThread: boolean): Backend {
  if (inThisThread) return thisThread;
  if (workerBackend === undefined) {
    const threads = workerThreads();
    workerBackend = threads ? new WorkerBackend(threads) : null;
  }
  return workerBackend ?? thisThread;
}

// ── cache ──────────────────────────────────────────────────────────────────────────────────────

const cache = new Map<string, number>();
let cacheBytes = 0;

function cacheGet(key: string): number | undefined {
  const count = cache.get(key);
  if (count !== undefined) {
    // Most recently used last: the bound drops the least recently used first.
    cache.delete(key);
    cache.set(key, count);
  }
  return count;
}

function cacheSet(key: string, count: number): void {
  if (cache.has(key)) return;
  cache.set(key, count);
  cacheBytes += key.length * 2 + CACHE_ENTRY_OVERHEAD_BYTES;
  while (cacheBytes > TOKEN_CACHE_MAX_BYTES) {
    const oldest = cache.keys().next().value!;
    cache.delete(oldest);
    cacheBytes -= oldest.length * 2 + CACHE_ENTRY_OVERHEAD_BYTES;
  }
}

/** What the count cache holds: entries and their accounted bytes. */
export function tokenCacheSize(): { entries: number; bytes: number } {
  return { entries: cache.size, bytes: cacheBytes };
}

/** Empties the count cache (tests). */
export function clearTokenCache(): void {
  cache.clear();
  cacheBytes = 0;
}

/**
 * A 53-bit hash of the text (cyrb53) with its length: the cache key. Computed in slices; a
 * collision would only reuse another text's count.
 */
async function hashKey(text: string, budget: SliceBudget): Promise<string> {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const step = 16_384;
  for (let start = 0; start < text.length; start += step) {
    const end = Math.min(text.length, start + step);
    for (let index = start; index < end; index += 1) {
      const code = text.charCodeAt(index);
      h1 = Math.imul(h1 ^ code, 2654435761);
      h2 = Math.imul(h2 ^ code, 1597334677);
    }
    if (budget.spent()) {
      tokenCountWork.yields += 1;
      await nextTurn();
      budget.restart();
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `${text.length}:${(4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)}`;
}

/** The estimate of a long text, a turn of the event loop between slices. */
async function estimateInSlices(text: string, budget: SliceBudget): Promise<TokenEstimate> {
  const estimator = new TokenEstimator();
  for (let start = 0; start < text.length; start += 16_384) {
    estimator.feed(text, start, Math.min(text.length, start + 16_384));
    if (budget.spent()) {
      tokenCountWork.yields += 1;
      await nextTurn();
      budget.restart();
    }
  }
  return estimator.finish();
}

// ── the entry point ────────────────────────────────────────────────────────────────────────────

export interface CountOptions {
  signal?: AbortSignal;
  /** Count in this thread even where a worker could (tests of the in-thread path). */
  inThisThread?: boolean;
}

export interface TextCount {
  tokens: number;
  /** Measured on a sample of the text (longer than EXACT_LIMIT), not counted whole. */
  sampled: boolean;
}

/** The windows a long text is measured on: evenly spread, cut where a window happens to fall. */
function sampleOf(text: string): string[] {
  const windows: string[] = [];
  const stride = Math.floor((text.length - SAMPLE_WINDOW_CHARS) / (SAMPLE_WINDOWS - 1));
  for (let index = 0; index < SAMPLE_WINDOWS; index += 1) {
    let start = index * stride;
    const code = text.charCodeAt(start);
    if (code >= 0xdc00 && code <= 0xdfff) start += 1;
    let end = Math.min(text.length, start + SAMPLE_WINDOW_CHARS);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    windows.push(text.slice(start, end));
  }
  return windows;
}

/**
 * The o200k token count of each text, without holding the event loop: cached counts first, then
 * the rest counted whole (up to EXACT_LIMIT characters) or on a sample, in a worker or in slices.
 */
export async function countTextsTokens(texts: readonly string[], options: CountOptions = {}): Promise<TextCount[]> {
  const budget = new SliceBudget();
  const counts: TextCount[] = texts.map(() => ({ tokens: 0, sampled: false }));
  const missing: Array<{ index: number; key: string }> = [];
  for (let index = 0; index < texts.length; index += 1) {
    const text = texts[index]!;
    if (text.length === 0) continue;
    const key = await hashKey(text, budget);
    const cached = cacheGet(key);
    if (cached === undefined) missing.push({ index, key });
    else {
      tokenCountWork.cacheHits += 1;
      counts[index] = { tokens: cached, sampled: text.length > EXACT_LIMIT };
    }
  }
  if (missing.length === 0) return counts;
  const backend = backendFor(options.inThisThread === true);
  tokenCountWork.backend = backend.kind;
  for (const { index, key } of missing) {
    throwIfAborted(options.signal);
    const text = texts[index]!;
    const sampled = text.length > EXACT_LIMIT;
    const pieces = sampled ? sampleOf(text) : [text];
    const results = await backend.count(pieces, options.signal);
    let measured = 0;
    for (const [tokens, calls] of results) {
      measured += tokens;
      tokenCountWork.tokenizerCalls += calls;
    }
    for (const result of results) tokenCountWork.longPieces += result[2];
    for (const piece of pieces) tokenCountWork.charactersCounted += piece.length;
    let tokens = measured;
    if (sampled) {
      tokenCountWork.sampled += 1;
      // The estimate's error on this text, measured on the sample, applied to the whole.
      let estimatedSample = 0;
      for (const piece of pieces) estimatedSample += estimateTextTokens(piece).estimate;
      const whole = await estimateInSlices(text, budget);
      tokens = Math.min(whole.high, Math.max(whole.low, Math.round((whole.estimate * measured) / Math.max(1, estimatedSample))));
    }
    counts[index] = { tokens, sampled };
    cacheSet(key, tokens);
  }
  return counts;
}
