import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ZenError } from '../../src/core/errors.js';
import { MemoryLedgerStore, RECORD_OVERHEAD_BYTES } from '../../src/insurance/stores/memory.js';
import { collect, creditRecord, eventRecord, requestRecord } from './fixtures/records.js';

const at = (second: number) => new Date(Date.UTC(2025, 2, 1, 0, 0, second)).toISOString();
const ids = async (store: MemoryLedgerStore) => (await collect(store.query())).map((record) => `${record.requestId}:${record.type}`);

describe('MemoryLedgerStore', () => {
  it('keeps at most maxRecords, dropping the oldest first', async () => {
    const store = new MemoryLedgerStore({ maxRecords: 5 });
    for (let index = 0; index < 10; index++) await store.append([requestRecord({ requestId: `r${index}`, at: at(index) })]);
    expect(store.size).toBe(5);
    expect(store.evictedRecords).toBe(5);
    expect(await ids(store)).toEqual(['r5:request', 'r6:request', 'r7:request', 'r8:request', 'r9:request']);
  });

  it('defaults to 10 000 records and 2 MiB', async () => {
    expect(new MemoryLedgerStore().maxBytes).toBe(2 * 1024 * 1024);
    const store = new MemoryLedgerStore({ maxBytes: Number.POSITIVE_INFINITY });
    expect(store.maxRecords).toBe(10_000);
    await store.append(Array.from({ length: 10_050 }, (_, index) => requestRecord({ requestId: `r${index}`, at: at(0) })));
    expect(store.size).toBe(10_000);
    expect((await collect(store.query({ limit: 1 })))[0]!.requestId).toBe('r50');
  });

  it('drops a request whole rather than leaving part of it', async () => {
    const store = new MemoryLedgerStore({ maxRecords: 6 });
    await store.append([
      requestRecord({ requestId: 'a', at: at(0) }),
      eventRecord({ requestId: 'a', at: at(0), kind: 'slow_total' }),
      creditRecord({ requestId: 'a', at: at(0), amountUsd: 0.001 }),
    ]);
    await store.append([requestRecord({ requestId: 'b', at: at(1) }), eventRecord({ requestId: 'b', at: at(1), kind: 'refusal' })]);
    // Seven records: all three of a go, not just the oldest one.
    await store.append([requestRecord({ requestId: 'c', at: at(2) }), eventRecord({ requestId: 'c', at: at(2), kind: 'refusal' })]);
    expect(await ids(store)).toEqual(['b:request', 'b:event', 'c:request', 'c:event']);
    expect(store.evictedRecords).toBe(3);
  });

  it('evicts the least recently appended-to request: a late credit keeps an old request', async () => {
    const store = new MemoryLedgerStore({ maxRecords: 5 });
    await store.append([requestRecord({ requestId: 'a', at: at(0) }), eventRecord({ requestId: 'a', at: at(0), kind: 'slow_total' })]);
    await store.append([requestRecord({ requestId: 'b', at: at(1) }), eventRecord({ requestId: 'b', at: at(1), kind: 'refusal' })]);
    await store.append([creditRecord({ requestId: 'a', at: at(2), amountUsd: 0.001 })]);
    await store.append([requestRecord({ requestId: 'c', at: at(3) })]);
    expect(await ids(store)).toEqual(['a:request', 'a:event', 'a:credit', 'c:request']);
  });

  it('falls back to ring semantics when one request alone exceeds the bound', async () => {
    const store = new MemoryLedgerStore({ maxRecords: 3 });
    await store.append([requestRecord({ requestId: 'old', at: at(0) })]);
    await store.append(
      (['slow_first_token', 'slow_total', 'slow_stream', 'refusal'] as const).map((kind) =>
        eventRecord({ requestId: 'big', at: at(1), kind }),
      ),
    );
    expect((await collect(store.query())).map((record) => (record.type === 'event' ? record.event.kind : record.type))).toEqual([
      'slow_total',
      'slow_stream',
      'refusal',
    ]);
  });

  it('stays correct through many evictions and compactions', async () => {
    const store = new MemoryLedgerStore({ maxRecords: 100 });
    for (let index = 0; index < 5000; index++) {
      await store.append([
        requestRecord({ requestId: `r${index}`, at: at(index % 60) }),
        eventRecord({ requestId: `r${index}`, at: at(index % 60), kind: 'slow_total' }),
      ]);
      // Every tenth request gets a late credit, moving it to the back of the queue.
      if (index % 10 === 0 && index > 0) await store.append([creditRecord({ requestId: `r${index - 5}`, at: at(0), amountUsd: 0.001 })]);
    }
    const kept = await collect(store.query());
    expect(kept.length).toBe(store.size);
    expect(store.size).toBeLessThanOrEqual(100);
    expect(store.size + store.evictedRecords).toBe(5000 * 2 + 499);
    // Every request kept is whole: its request record and its event.
    const byRequest = new Map<string, string[]>();
    for (const record of kept) byRequest.set(record.requestId, [...(byRequest.get(record.requestId) ?? []), record.type]);
    for (const types of byRequest.values()) expect(types.slice(0, 2)).toEqual(['request', 'event']);
    expect(kept.at(-1)!.requestId).toBe('r4999');
  });

  it('keeps records as they were appended: copied in, frozen out', async () => {
    const store = new MemoryLedgerStore();
    const record = requestRecord({ requestId: 'r1', at: at(0), tags: { team: 'a' } });
    await store.append([record]);
    record.tags!.team = 'changed';
    const [stored] = await collect(store.query());
    expect(stored!.type === 'request' && stored!.tags).toEqual({ team: 'a' });
    expect(() => {
      (stored as { requestId: string }).requestId = 'other';
    }).toThrow(TypeError);
    expect(() => {
      if (stored!.type === 'request') stored!.tags!.team = 'other';
    }).toThrow(TypeError);
  });

  it('queries a snapshot: records appended during iteration are not seen', async () => {
    const store = new MemoryLedgerStore({ maxRecords: 3 });
    await store.append([requestRecord({ requestId: 'a', at: at(0) }), requestRecord({ requestId: 'b', at: at(1) })]);
    const seen: string[] = [];
    for await (const record of store.query()) {
      seen.push(record.requestId);
      await store.append([requestRecord({ requestId: `late-${record.requestId}`, at: at(2) })]);
    }
    // `a` was evicted by the second late append, after it had been read.
    expect(seen).toEqual(['a', 'b']);
    expect(await ids(store)).toEqual(['b:request', 'late-a:request', 'late-b:request']);
  });

  it('refuses a bad bound', () => {
    for (const maxRecords of [0, -1, 1.5, Number.NaN]) {
      expect(() => new MemoryLedgerStore({ maxRecords })).toThrow(ZenError);
    }
    for (const maxBytes of [0, -1, Number.NaN, '1' as unknown as number]) {
      expect(() => new MemoryLedgerStore({ maxBytes })).toThrow(/maxBytes/);
    }
  });

  it('keeps at most maxBytes: strings at a byte a character (two beyond Latin-1), objects by their slots, plus a fixed cost a record', async () => {
    const bound = 20 * (RECORD_OVERHEAD_BYTES + 400);
    const store = new MemoryLedgerStore({ maxBytes: bound });
    for (let index = 0; index < 200; index++)
      await store.append([requestRecord({ requestId: `r${index}`, at: at(index % 60), tags: { note: 'x'.repeat(200) } })]);
    expect(store.bytes).toBeLessThanOrEqual(bound);
    expect(store.size).toBeGreaterThan(10);
    expect(store.size + store.evictedRecords).toBe(200);
    const kept = await ids(store);
    expect(kept.at(-1)).toBe('r199:request');
    expect(kept[0]).toBe(`r${200 - store.size}:request`);
    // The same records with Chinese text take twice the bytes of their characters.
    const wide = new MemoryLedgerStore({ maxBytes: bound });
    for (let index = 0; index < 200; index++)
      await wide.append([requestRecord({ requestId: `r${index}`, at: at(index % 60), tags: { note: '字'.repeat(200) } })]);
    expect(wide.size).toBeLessThan(store.size);
    expect(wide.bytes).toBeLessThanOrEqual(bound);
  });

  it('holds its bound: an evicted record keeps nothing, and reading hands out the kept objects', async () => {
    const store = new MemoryLedgerStore({ maxRecords: 1_000 });
    for (let index = 0; index < 5_000; index++)
      await store.append([requestRecord({ requestId: `r${index}`, at: at(index % 60), tags: { note: `${index}`.repeat(50) } })]);
    const first = await collect(store.query());
    const second = await collect(store.query());
    expect(second).toHaveLength(1_000);
    // The same frozen objects each time: a read makes no copy for the store to hold or the GC to find.
    for (let index = 0; index < second.length; index++) expect(second[index]).toBe(first[index]);
    const entries = (store as unknown as { entries: Array<{ alive: boolean; record: unknown; bytes: number }> }).entries;
    let living = 0;
    let bytes = 0;
    for (const entry of entries) {
      if (!entry.alive) {
        expect(entry.record).toBeUndefined();
        continue;
      }
      living += 1;
      bytes += entry.bytes;
    }
    expect(living).toBe(1_000);
    expect(bytes).toBe(store.bytes);
    // The array of entries is compacted long before the dead outnumber the living.
    expect(entries.length).toBeLessThanOrEqual(1_000 + 1_000 / 8 + 256);
  });

  it('imports nothing from Node, so it runs on any runtime', async () => {
    for (const file of ['memory.ts', 'match-query.ts', 'validate-record.ts', 'keep-record.ts', '../ledger.ts', '../records.ts']) {
      const source = await readFile(new URL(`../../src/insurance/stores/${file}`, import.meta.url), 'utf8');
      expect(source).not.toMatch(/from ['"]node:|require\(|from ['"](fs|path|os|crypto|stream)['"]/);
      expect(source).not.toMatch(/\bBuffer\b|\bprocess\./);
    }
  });
});
