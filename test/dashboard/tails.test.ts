import { appendFileSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryLedgerStore } from '../../src/index.js';
import { JsonlLedgerStore, JsonlTail, QueryTail, SqliteLedgerStore, SqliteTail, type LedgerTail } from '../../src/node/index.js';
import { requestRecord } from '../insurance/fixtures/records.js';

const dir = () => mkdtempSync(join(tmpdir(), 'zen-tail-'));
const at = (second: number) => new Date(Date.UTC(2025, 5, 1, 12, 0, second)).toISOString();
const request = (id: string, second = 0) => requestRecord({ requestId: id, at: at(second) });
const line = (id: string, second = 0) => `${JSON.stringify(request(id, second))}\n`;

/** One read of the tail: the ids in order, whether it reset, lines skipped. */
async function read(tail: LedgerTail): Promise<{ ids: string[]; reset: boolean; skipped: number }> {
  const ids: string[] = [];
  let reset = false;
  let skipped = 0;
  for await (const batch of tail.read()) {
    if (batch.reset) {
      reset = true;
      ids.length = 0;
    }
    skipped += batch.skipped ?? 0;
    for (const record of batch.records) ids.push(String(record.requestId));
  }
  return { ids, reset, skipped };
}

describe('JsonlTail', () => {
  it('reads everything once, then only what was appended', async () => {
    const path = join(dir(), 'ledger.jsonl');
    writeFileSync(path, line('a') + line('b'));
    const tail = new JsonlTail(path);
    expect(await read(tail)).toEqual({ ids: ['a', 'b'], reset: false, skipped: 0 });
    expect(await read(tail)).toEqual({ ids: [], reset: false, skipped: 0 });
    appendFileSync(path, line('c'));
    expect((await read(tail)).ids).toEqual(['c']);
    await tail.close();
  });

  it('reads from where it stopped: bytes before that position are not read again', async () => {
    const path = join(dir(), 'ledger.jsonl');
    writeFileSync(path, line('a'));
    const tail = new JsonlTail(path);
    expect((await read(tail)).ids).toEqual(['a']);
    // Overwrite the first line in place with a record of the same length: a re-read would see 'z'.
    const fd = openSync(path, 'r+');
    writeSync(fd, line('z'), 0);
    closeSync(fd);
    appendFileSync(path, line('b'));
    expect((await read(tail)).ids).toEqual(['b']);
    await tail.close();
  });

  it('leaves a line being written for a later read', async () => {
    const path = join(dir(), 'ledger.jsonl');
    const whole = line('a');
    writeFileSync(path, whole.slice(0, 25));
    const tail = new JsonlTail(path);
    expect((await read(tail)).ids).toEqual([]);
    appendFileSync(path, whole.slice(25));
    expect((await read(tail)).ids).toEqual(['a']);
    await tail.close();
  });

  it('counts lines that are not records and goes on', async () => {
    const path = join(dir(), 'ledger.jsonl');
    writeFileSync(path, `${line('a')}not json\n[1,2]\n{"no":"type"}\n${line('b')}`);
    const tail = new JsonlTail(path);
    expect(await read(tail)).toEqual({ ids: ['a', 'b'], reset: false, skipped: 3 });
    await tail.close();
  });

  it('follows the store through rotations: every record once, in order', async () => {
    const path = join(dir(), 'ledger.jsonl');
    const store = await JsonlLedgerStore.open({ path, rotate: { maxBytes: 2_000, keep: 20 } });
    const tail = new JsonlTail(path);
    const seen: string[] = [];
    const written: string[] = [];
    for (let round = 0; round < 12; round += 1) {
      const batch = Array.from({ length: 3 }, (_, index) => request(`r${round}-${index}`, round));
      await store.append(batch);
      written.push(...batch.map((record) => record.requestId));
      // Read after some rounds only, so that several rotations can happen between two reads.
      if (round % 3 === 2) {
        const step = await read(tail);
        expect(step.reset).toBe(false);
        seen.push(...step.ids);
      }
    }
    await store.close();
    seen.push(...(await read(tail)).ids);
    expect(readFileSync(path.replace('.jsonl', '.1.jsonl'), 'utf8').length).toBeGreaterThan(0);
    expect(seen).toEqual(written);
    await tail.close();
    // A new tail over the rotated files reads them oldest first, then the live one.
    const fresh = new JsonlTail(path);
    expect((await read(fresh)).ids).toEqual(written);
    await fresh.close();
  });

  it('starts over when the file is replaced or cut shorter', async () => {
    const path = join(dir(), 'ledger.jsonl');
    writeFileSync(path, line('a') + line('b'));
    const tail = new JsonlTail(path);
    expect((await read(tail)).ids).toEqual(['a', 'b']);
    writeFileSync(path, line('c'));
    expect(await read(tail)).toEqual({ ids: ['c'], reset: true, skipped: 0 });
    await tail.close();
  });

  it('waits for a file that does not exist yet', async () => {
    const path = join(dir(), 'ledger.jsonl');
    const tail = new JsonlTail(path);
    expect((await read(tail)).ids).toEqual([]);
    writeFileSync(path, line('a'));
    expect((await read(tail)).ids).toEqual(['a']);
    await tail.close();
  });
});

describe('SqliteTail', () => {
  it('reads rows after the last sequence number seen', async () => {
    const store = await SqliteLedgerStore.open({ path: join(dir(), 'ledger.db') });
    await store.append(Array.from({ length: 4500 }, (_, index) => request(`s${index}`)));
    const tail = new SqliteTail(store);
    const first = await read(tail);
    expect(first.ids.length).toBe(4500);
    expect(first.ids[4499]).toBe('s4499');
    expect((await read(tail)).ids).toEqual([]);
    await store.append([request('t1'), request('t2')]);
    expect((await read(tail)).ids).toEqual(['t1', 't2']);
    await store.close();
  });
});

describe('QueryTail (any store)', () => {
  it('passes on each record once, late ones within the look-back window too', async () => {
    const store = new MemoryLedgerStore();
    await store.append([request('a', 0), request('b', 10)]);
    const tail = new QueryTail(store, { lookbackMs: 30_000 });
    expect((await read(tail)).ids).toEqual(['a', 'b']);
    expect((await read(tail)).ids).toEqual([]);
    // A call that started before the newest record seen, appended after it (20 s earlier: inside the window).
    await store.append([request('c', 50), request('late', 30)]);
    expect((await read(tail)).ids).toEqual(['c', 'late']);
    expect((await read(tail)).ids).toEqual([]);
  });

  it('misses a record older than the window when it is appended (the documented limit)', async () => {
    const store = new MemoryLedgerStore();
    await store.append([request('a', 59)]);
    const tail = new QueryTail(store, { lookbackMs: 10_000 });
    expect((await read(tail)).ids).toEqual(['a']);
    await store.append([request('too-late', 0), request('b', 59)]);
    expect((await read(tail)).ids).toEqual(['b']);
  });
});
