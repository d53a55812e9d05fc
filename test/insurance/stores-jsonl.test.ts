import { appendFile, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ZenError } from '../../src/core/errors.js';
import { JsonlLedgerStore, rotatedPath, type JsonlRepair } from '../../src/insurance/stores/jsonl.js';
import type { LedgerRecord } from '../../src/insurance/types.js';
import { collect, eventRecord, requestRecord } from './fixtures/records.js';
import { inVirtualTime } from '../helpers/virtual-time.js';

let dir: string;
let path: string;
const stores: JsonlLedgerStore[] = [];

async function openStore(options: Partial<Parameters<typeof JsonlLedgerStore.open>[0]> = {}): Promise<JsonlLedgerStore> {
  const store = await JsonlLedgerStore.open({ path, ...options });
  stores.push(store);
  return store;
}

const record = (id: string, padding = 0): LedgerRecord =>
  requestRecord({ requestId: id, at: '2025-03-01T10:00:00.000Z', tags: padding > 0 ? { padding: 'x'.repeat(padding) } : undefined });

async function fileLines(file = path): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  expect(text === '' || text.endsWith('\n')).toBe(true);
  return text === '' ? [] : text.slice(0, -1).split('\n');
}

/** The prototype of node's FileHandle, to watch the store's writes and syncs. */
type HandleMethod = (this: unknown, ...args: unknown[]) => Promise<unknown>;
const handlePrototype = await (async () => {
  const probePath = join(tmpdir(), `zen-jsonl-probe-${process.pid}`);
  const probe = await open(probePath, 'w');
  await probe.close();
  await rm(probePath, { force: true });
  return Object.getPrototypeOf(probe) as { appendFile: HandleMethod; datasync: HandleMethod };
})();
const realAppendFile = handlePrototype.appendFile;
const realDatasync = handlePrototype.datasync;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zen-jsonl-'));
  path = join(dir, 'ledger', 'ledger.jsonl');
});

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.allSettled(stores.splice(0).map((store) => store.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('JsonlLedgerStore format', () => {
  it('writes one JSON record per line and creates its folder', async () => {
    const store = await openStore();
    await store.append([record('r1'), record('r2')]);
    await store.append([record('r3')]);
    const lines = await fileLines();
    expect(lines.map((line) => (JSON.parse(line) as LedgerRecord).requestId)).toEqual(['r1', 'r2', 'r3']);
    expect(store.durability).toBe('sync');
  });

  it('refuses bad options with a configuration error', async () => {
    const bad = [
      { path: '' },
      { path, durability: 'eventually' as 'sync' },
      { path, batch: { maxBatch: 0 } },
      { path, batch: { flushIntervalMs: -1 } },
      { path, rotate: { maxBytes: 0, keep: 1 } },
      { path, rotate: { maxBytes: 100, keep: -1 } },
    ];
    for (const options of bad) {
      await expect(JsonlLedgerStore.open(options)).rejects.toSatisfy(
        (error) => ZenError.isInstance(error) && error.kind === 'configuration',
      );
    }
  });

  it('names the file and line of a corrupt record instead of skipping it', async () => {
    const store = await openStore();
    await store.append([record('r1')]);
    await store.close();
    await appendFile(path, 'not json\n');
    const reopened = await openStore();
    await reopened.append([record('r2')]);
    await expect(collect(reopened.query())).rejects.toThrow(/ledger\.jsonl line 2 is not valid JSON/);
  });
});

describe('JsonlLedgerStore durability', () => {
  it("sync: each append resolves only after its bytes are written and fsync'ed", async () => {
    const store = await openStore({ durability: 'sync' });
    const log: string[] = [];
    vi.spyOn(handlePrototype, 'appendFile').mockImplementation(async function (this: unknown, ...args: unknown[]) {
      log.push('write');
      return realAppendFile.apply(this, args);
    });
    vi.spyOn(handlePrototype, 'datasync').mockImplementation(async function (this: unknown) {
      // Slow, so a store that resolved before the sync finished would be caught.
      await new Promise((resolve) => setTimeout(resolve, 20));
      log.push('sync');
      return realDatasync.apply(this, []);
    });
    await store.append([record('r1')]);
    log.push('resolved r1');
    await store.append([record('r2')]);
    log.push('resolved r2');
    expect(log).toEqual(['write', 'sync', 'resolved r1', 'write', 'sync', 'resolved r2']);
  });

  it('sync: appends that arrive during a sync share the next one, each resolved after it', async () => {
    const store = await openStore({ durability: 'sync' });
    const syncSpy = vi.spyOn(handlePrototype, 'datasync');
    await Promise.all(Array.from({ length: 20 }, (_, index) => store.append([record(`r${index}`)])));
    // The first append starts a write at once; the other 19 queue behind it and share one.
    expect(syncSpy).toHaveBeenCalledTimes(2);
    expect((await fileLines()).length).toBe(20);
  });

  it('batched: appends wait for the interval, then share one write and one fsync', async () => {
    const store = await openStore({ durability: 'batched', batch: { flushIntervalMs: 150, maxBatch: 1000 } });
    const syncSpy = vi.spyOn(handlePrototype, 'datasync');
    let resolved = 0;
    // In virtual time: the interval ends exactly when the test moves the clock past it.
    await inVirtualTime(async (time) => {
      const appends = Array.from({ length: 10 }, (_, index) => store.append([record(`r${index}`)]).then(() => resolved++));
      await time.advance(149);
      // Not acknowledged, because not yet durable: nothing is in the file.
      expect(resolved).toBe(0);
      expect(await fileLines()).toEqual([]);
      await time.advance(1);
      await Promise.all(appends);
    });
    expect(syncSpy).toHaveBeenCalledTimes(1);
    expect((await fileLines()).length).toBe(10);
  });

  it('batched: reaching maxBatch writes at once, without waiting for the interval', async () => {
    const store = await openStore({ durability: 'batched', batch: { flushIntervalMs: 60_000, maxBatch: 3 } });
    // The clock stands still: the appends can only be acknowledged without the interval.
    await inVirtualTime(() => Promise.all([store.append([record('r1'), record('r2')]), store.append([record('r3')])]));
    expect((await fileLines()).length).toBe(3);
  });

  it('batched: flush() and close() write what is waiting', async () => {
    const store = await openStore({ durability: 'batched', batch: { flushIntervalMs: 60_000 } });
    const first = store.append([record('r1')]);
    await store.flush();
    await first;
    expect((await fileLines()).length).toBe(1);
    const second = store.append([record('r2')]);
    await store.close();
    await second;
    expect((await fileLines()).length).toBe(2);
  });

  it('takes a failed write back out of the file and keeps going', async () => {
    const store = await openStore();
    await store.append([record('r1')]);
    const appendSpy = vi.spyOn(handlePrototype, 'appendFile').mockImplementationOnce(async function (this: unknown, data: unknown) {
      // Half the bytes reach the file, then the disk is full.
      await realAppendFile.apply(this, [(data as Buffer).subarray(0, (data as Buffer).length >> 1)]);
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    });
    await expect(store.append([record('r2', 5000)])).rejects.toThrow(/writing the ledger file .* failed: ENOSPC/);
    expect(await fileLines()).toHaveLength(1);
    appendSpy.mockRestore();
    await store.append([record('r3')]);
    expect((await collect(store.query())).map((item) => item.requestId)).toEqual(['r1', 'r3']);
  });

  it('stops accepting appends after a failed fsync', async () => {
    const store = await openStore();
    vi.spyOn(handlePrototype, 'datasync').mockRejectedValueOnce(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
    await expect(store.append([record('r1')])).rejects.toThrow(/EIO/);
    await expect(store.append([record('r2')])).rejects.toThrow(/EIO/);
    await expect(store.flush()).rejects.toThrow(/EIO/);
  });
});

describe('JsonlLedgerStore torn-line repair', () => {
  it('cuts a partial last line away on open and reports it', async () => {
    const store = await openStore();
    await store.append([record('r1'), record('r2')]);
    await store.close();
    const good = (await stat(path)).size;
    const torn = JSON.stringify(record('r3')).slice(0, 40);
    await appendFile(path, torn);

    const repairs: JsonlRepair[] = [];
    const reopened = await openStore({ onRepair: (repair) => repairs.push(repair) });
    expect(repairs).toEqual([{ path, droppedBytes: torn.length, keptBytes: good }]);
    expect(reopened.repair).toEqual(repairs[0]);
    expect((await stat(path)).size).toBe(good);
    await reopened.append([record('r4')]);
    expect((await collect(reopened.query())).map((item) => item.requestId)).toEqual(['r1', 'r2', 'r4']);
    expect((await fileLines()).length).toBe(3);
  });

  it('handles a torn line longer than one read chunk, and a file that is all torn', async () => {
    const store = await openStore();
    await store.append([record('r1')]);
    await store.close();
    const torn = JSON.stringify(record('r2', 300_000)).slice(0, 200_000);
    await appendFile(path, torn);
    expect((await openStore()).repair?.droppedBytes).toBe(200_000);

    await writeFile(path, '{"type":"request","requ');
    const repaired = await openStore();
    expect(repaired.repair).toEqual({ path, droppedBytes: 23, keptBytes: 0 });
    expect(await collect(repaired.query())).toEqual([]);
  });

  it('reports nothing for a clean file', async () => {
    const store = await openStore();
    await store.append([record('r1')]);
    await store.close();
    const onRepair = vi.fn();
    const reopened = await openStore({ onRepair });
    expect(onRepair).not.toHaveBeenCalled();
    expect(reopened.repair).toBeUndefined();
  });
});

describe('JsonlLedgerStore rotation', () => {
  it('rotates ledger.jsonl to ledger.1.jsonl …, keeps `keep` files, and queries across them in order', async () => {
    const size = Buffer.byteLength(`${JSON.stringify(record('r00'))}\n`);
    // Two records per file.
    const store = await openStore({ rotate: { maxBytes: 2 * size + 10, keep: 2 } });
    for (let index = 0; index < 9; index++) await store.append([record(`r${String(index).padStart(2, '0')}`)]);
    expect((await readdir(join(dir, 'ledger'))).sort()).toEqual(['ledger.1.jsonl', 'ledger.2.jsonl', 'ledger.jsonl']);
    const idsIn = async (file: string) => (await fileLines(file)).map((line) => (JSON.parse(line) as LedgerRecord).requestId);
    expect(await idsIn(rotatedPath(path, 2))).toEqual(['r04', 'r05']);
    expect(await idsIn(rotatedPath(path, 1))).toEqual(['r06', 'r07']);
    expect(await idsIn(path)).toEqual(['r08']);
    expect((await collect(store.query())).map((item) => item.requestId)).toEqual(['r04', 'r05', 'r06', 'r07', 'r08']);
    expect((await collect(store.query({ requestId: 'r05' }))).length).toBe(1);
    expect((await collect(store.query({ limit: 3 }))).map((item) => item.requestId)).toEqual(['r04', 'r05', 'r06']);
  });

  it('never splits a batch across files, and carries on after a reopen', async () => {
    const size = Buffer.byteLength(`${JSON.stringify(record('a1'))}\n`);
    const rotate = { maxBytes: 2 * size + 10, keep: 10 };
    const store = await openStore({ rotate });
    // Bigger than maxBytes: it still goes into one file, whole.
    await store.append([record('a1'), record('a2'), record('a3'), record('a4')]);
    await store.append([record('b1')]);
    await store.close();
    const reopened = await openStore({ rotate });
    await reopened.append([record('b2')]);
    await reopened.append([record('c1')]);
    expect(await fileLines(rotatedPath(path, 2))).toHaveLength(4);
    expect(await fileLines(rotatedPath(path, 1))).toHaveLength(2);
    expect(await fileLines(path)).toHaveLength(1);
    expect((await collect(reopened.query())).map((item) => item.requestId)).toEqual(['a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'c1']);
  });

  it('keeps a query consistent while appends rotate files under it', async () => {
    const store = await openStore({ rotate: { maxBytes: 3000, keep: 100 } });
    for (let index = 0; index < 20; index++) await store.append([record(`r${index}`)]);
    const seen: string[] = [];
    let extra = 0;
    for await (const item of store.query()) {
      seen.push(item.requestId);
      await store.append([record(`late${extra++}`)]);
    }
    expect(seen).toEqual(Array.from({ length: 20 }, (_, index) => `r${index}`));
    expect((await collect(store.query())).length).toBe(40);
  });
});

describe('JsonlLedgerStore concurrency', () => {
  it.each(['sync', 'batched'] as const)('%s: appends from many promises never interleave within a line', async (durability) => {
    const store = await openStore({ durability, batch: { flushIntervalMs: 2, maxBatch: 16 }, rotate: { maxBytes: 400_000, keep: 100 } });
    const appends = Array.from({ length: 300 }, (_, index) => {
      // Sizes from tiny to well past a pipe buffer, so a torn write would show.
      const padding = [0, 10, 70_000, 300][index % 4]!;
      const batch = Array.from({ length: 1 + (index % 3) }, (_, part) => record(`p${index}-${part}`, padding));
      return store.append(batch);
    });
    await Promise.all(appends);
    const files = (await readdir(join(dir, 'ledger'))).map((name) => join(dir, 'ledger', name));
    expect(files.length).toBeGreaterThan(1);
    let lines = 0;
    for (const file of files) {
      for (const line of await fileLines(file)) {
        expect(() => JSON.parse(line)).not.toThrow();
        lines++;
      }
    }
    const expectedCount = Array.from({ length: 300 }, (_, index) => 1 + (index % 3)).reduce((a, b) => a + b, 0);
    expect(lines).toBe(expectedCount);
    // Each batch's records are together and in order.
    const read = (await collect(store.query())).map((item) => item.requestId);
    expect(read.length).toBe(expectedCount);
    for (let index = 0; index < 300; index++) {
      const first = read.indexOf(`p${index}-0`);
      for (let part = 1; part < 1 + (index % 3); part++) expect(read[first + part]).toBe(`p${index}-${part}`);
    }
  });

  it('keeps the order of a query the order of appends', async () => {
    const store = await openStore();
    await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        store.append([eventRecord({ requestId: `r${index}`, at: '2025-03-01T00:00:00Z', kind: 'refusal' })]),
      ),
    );
    expect((await collect(store.query())).map((item) => item.requestId)).toEqual(Array.from({ length: 50 }, (_, index) => `r${index}`));
  });
});
