import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/insurance/ledger.js';
import { LedgerWriter } from '../../src/insurance/ledger-writer.js';
import { JsonlLedgerStore } from '../../src/insurance/stores/jsonl.js';
import { MemoryLedgerStore } from '../../src/insurance/stores/memory.js';
import type { LedgerRecord, LedgerStore } from '../../src/insurance/types.js';
import { collect, requestRecord } from './fixtures/records.js';

/**
 * `flush()` waits for what was written when it was called, not for a quiet moment: it resolves
 * while writers keep appending, with everything written before it in the store. The writers here
 * never pause between appends; they stop only when the flush has resolved, or after a bound a
 * flush that waited for quiet would need (then the test fails: the flush came after the writers).
 */

const at = '2025-03-01T10:00:00.000Z';
const WRITERS = 4;
const MOST_APPENDS = 400;

interface Run {
  /** Appends each writer had made (called) when flush() was called. */
  calledBeforeFlush: string[];
  /** Whether every writer had already given up when flush() resolved. */
  writersDoneFirst: boolean;
  appendsAfterFlush: number;
}

/** Writers that keep appending to `append`; flush is called once they are well under way. */
async function flushUnderLoad(append: (record: LedgerRecord) => Promise<void>, flush: () => Promise<void>): Promise<Run> {
  const called: string[] = [];
  let flushed = false;
  let finished = 0;
  let appendsAfterFlush = 0;
  let started!: () => void;
  const underWay = new Promise<void>((resolve) => (started = resolve));
  const writer = async (id: number): Promise<void> => {
    for (let index = 0; index < MOST_APPENDS && !flushed; index += 1) {
      const requestId = `w${id}-${index}`;
      called.push(requestId);
      if (called.length === WRITERS * 10) started();
      await append(requestRecord({ requestId, at }));
      if (flushed) appendsAfterFlush += 1;
    }
    finished += 1;
  };
  const writers = Array.from({ length: WRITERS }, (_, id) => writer(id));
  await underWay;
  const calledBeforeFlush = [...called];
  await flush();
  const writersDoneFirst = finished === WRITERS;
  flushed = true;
  await Promise.all(writers);
  return { calledBeforeFlush, writersDoneFirst, appendsAfterFlush };
}

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zen-flush-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each(['sync', 'batched'] as const)('JsonlLedgerStore (%s): flush() under writers that keep appending', (durability) => {
  it('resolves while they write, with every record appended before it on disk', async () => {
    const store = await JsonlLedgerStore.open({ path: join(dir, 'ledger.jsonl'), durability, batch: { flushIntervalMs: 20, maxBatch: 8 } });
    try {
      const run = await flushUnderLoad(
        (record) => store.append([record]),
        () => store.flush(),
      );
      expect(run.writersDoneFirst, 'flush() resolved only once the writers had stopped').toBe(false);
      const written = new Set((await collect(store.query())).map((record) => record.requestId));
      for (const requestId of run.calledBeforeFlush) expect(written.has(requestId), requestId).toBe(true);
    } finally {
      await store.close();
    }
  });
});

describe('LedgerWriter (zen.flush): flush() under calls that keep writing', () => {
  it('resolves while they write, with every record written before it in the store', async () => {
    const inner = new MemoryLedgerStore({ maxRecords: 100_000 });
    // A store that takes a turn of the event loop per append, as a real one does.
    const store: LedgerStore = {
      append: async (records) => {
        await new Promise((resolve) => setImmediate(resolve));
        await inner.append(records);
      },
      query: (query) => inner.query(query),
      close: () => inner.close(),
    };
    const writer = new LedgerWriter(new Ledger(store), () => {});
    const run = await flushUnderLoad(
      async (record) => {
        writer.write(() => [record]);
        // A call's worth of work before the next one writes.
        await new Promise((resolve) => setImmediate(resolve));
      },
      () => writer.flush(),
    );
    expect(run.writersDoneFirst, 'flush() resolved only once the writers had stopped').toBe(false);
    const written = new Set((await collect(inner.query())).map((record) => record.requestId));
    for (const requestId of run.calledBeforeFlush) expect(written.has(requestId), requestId).toBe(true);
    await writer.close();
  });
});
