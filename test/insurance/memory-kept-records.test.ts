import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZenError } from '../../src/core/errors.js';
import { Ledger } from '../../src/insurance/ledger.js';
import { LedgerWriter } from '../../src/insurance/ledger-writer.js';
import { JsonlLedgerStore } from '../../src/insurance/stores/jsonl.js';
import { APPEND_OWNED } from '../../src/insurance/stores/keep-record.js';
import { MemoryLedgerStore, RECORD_OVERHEAD_BYTES } from '../../src/insurance/stores/memory.js';
import { InvalidLedgerRecordError } from '../../src/insurance/stores/validate-record.js';
import type { AttemptRecord, LedgerRecord } from '../../src/insurance/types.js';
import { useSimulator } from '../helpers/simulator.js';
import { collect, eventRecord, requestRecord } from './fixtures/records.js';
import { chat, insuredClient, records, user } from './helpers.js';

const sim = useSimulator();
const AT = '2025-03-01T00:00:00.000Z';
const attempt = (): AttemptRecord => ({
  channel: 'openai/gpt-5-mini:openai',
  provider: 'openai',
  model: 'openai/gpt-5-mini',
  outcome: 'success',
  durationMs: 12.5,
  retry: 0,
  usage: { input: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 }, output: { total: 2, text: 2, reasoning: 0 } },
});

/** The two ways in: a host's `append` (copied) and the ledger writer's own records (adopted). */
const modes = [
  { name: 'append (a host record)', append: (store: MemoryLedgerStore, batch: LedgerRecord[]) => store.append(batch) },
  {
    name: 'APPEND_OWNED (the writer’s record)',
    // Kept at once (a bad record throws at once): awaited as the writer does when it is a promise.
    append: async (store: MemoryLedgerStore, batch: LedgerRecord[]) => {
      await store[APPEND_OWNED](batch);
    },
  },
];

function isDeepFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeepFrozen);
}

/** A record with everything JSON changes on the way: what the file store reads back is the reference. */
function awkwardRecord(requestId: string): LedgerRecord {
  class Box {
    kind = 'box';
    missing = undefined;
  }
  const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1, gone: undefined });
  const sparse: unknown[] = [1];
  sparse[2] = 3;
  return {
    ...requestRecord({ requestId, at: AT }),
    ttftMs: undefined,
    finishReason: undefined,
    durationMs: -0,
    tags: {
      when: new Date(Date.UTC(2025, 0, 2)),
      box: new Box(),
      nullProto,
      list: [1, undefined, 'x'],
      sparse,
      url: new URL('https://example.com/a?b=1'),
      own: JSON.parse('{"__proto__": {"polluted": true}}'),
      deep: { a: { b: { c: [{ d: undefined, e: 2.5 }] } } },
    },
  } as unknown as LedgerRecord;
}

describe('MemoryLedgerStore keeps records as frozen objects', () => {
  let dir: string;
  let jsonl: JsonlLedgerStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zen-kept-'));
    jsonl = await JsonlLedgerStore.open({ path: join(dir, 'ledger.jsonl') });
  });
  afterAll(async () => {
    await jsonl.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe.each(modes)('$name', ({ append }) => {
    it('reads back exactly what the file store reads back, deep-frozen', async () => {
      const store = new MemoryLedgerStore();
      const requestId = `awkward-${Math.random()}`;
      await append(store, [awkwardRecord(requestId)]);
      await jsonl.append([awkwardRecord(requestId)]);
      const [kept] = await collect(store.query());
      const [fromFile] = await collect(jsonl.query({ requestId }));
      expect(kept).toStrictEqual(fromFile);
      expect(kept).toStrictEqual(JSON.parse(JSON.stringify(awkwardRecord(requestId))));
      // Keys JSON drops are absent, not undefined; -0 is 0; the Date is its ISO text.
      expect(Object.keys(kept!)).toEqual(Object.keys(fromFile!));
      expect('ttftMs' in kept!).toBe(false);
      expect(Object.is((kept as { durationMs: number }).durationMs, 0)).toBe(true);
      const tags = (kept as unknown as { tags: Record<string, unknown> }).tags;
      expect(tags.when).toBe('2025-01-02T00:00:00.000Z');
      expect(Object.getPrototypeOf(tags.box)).toBe(Object.prototype);
      expect(Object.getPrototypeOf(tags.nullProto)).toBe(Object.prototype);
      expect(tags.list).toEqual([1, null, 'x']);
      expect(tags.sparse).toEqual([1, null, 3]);
      expect(Object.hasOwn(tags.own as object, '__proto__')).toBe(true);
      expect(isDeepFrozen(kept)).toBe(true);
    });

    it('keeps own keys alone even when something made a key of Object.prototype enumerable', async () => {
      const store = new MemoryLedgerStore();
      const record = JSON.parse(JSON.stringify(requestRecord({ requestId: 'r1', at: AT, tags: { team: 'a' } }))) as LedgerRecord;
      Object.defineProperty(Object.prototype, 'polluted', { value: 'x', enumerable: true, configurable: true, writable: true });
      try {
        await append(store, [record]);
      } finally {
        delete (Object.prototype as Record<string, unknown>).polluted;
      }
      const [kept] = await collect(store.query());
      expect(Object.keys(kept!)).toEqual(Object.keys(record));
      expect(Object.hasOwn(kept!, 'polluted')).toBe(false);
      expect(kept!.type === 'request' && Object.keys(kept!.tags!)).toEqual(['team']);
    });

    it('reads back as JSON would when an object carries its own toJSON', async () => {
      const store = new MemoryLedgerStore();
      const own = { ...requestRecord({ requestId: 'own', at: AT }), tags: { box: { toJSON: () => 'boxed' } } } as unknown as LedgerRecord;
      await append(store, [own]);
      const [kept] = await collect(store.query());
      expect((kept as unknown as { tags: unknown }).tags).toEqual({ box: 'boxed' });
      expect(isDeepFrozen(kept)).toBe(true);
    });

    it('keeps a plain record as it is, frozen all the way down; nothing can change it', async () => {
      const store = new MemoryLedgerStore();
      await append(store, [requestRecord({ requestId: 'r1', at: AT, tags: { team: 'a' }, attempts: [attempt()] })]);
      const [kept] = await collect(store.query());
      expect(isDeepFrozen(kept)).toBe(true);
      expect(() => {
        (kept as { requestId: string }).requestId = 'other';
      }).toThrow(TypeError);
      expect(() => {
        if (kept!.type === 'request') (kept!.usage.input as { total: number }).total = 1;
      }).toThrow(TypeError);
      expect(() => {
        if (kept!.type === 'request') kept!.attempts!.push(attempt());
      }).toThrow(TypeError);
    });

    it('refuses a value JSON cannot keep with the typed error, and appends nothing of the batch', async () => {
      const circular: Record<string, unknown> = { a: 1 };
      circular.self = circular;
      const cases: Array<[unknown, RegExp]> = [
        [Number.NaN, /at 'tags.bad': NaN is not serialisable/],
        [Number.POSITIVE_INFINITY, /at 'tags.bad': Infinity is not serialisable/],
        [10n, /at 'tags.bad': a BigInt is not serialisable/],
        [() => 1, /at 'tags.bad': a function is not serialisable/],
        [Symbol('s'), /at 'tags.bad': a symbol is not serialisable/],
        [new Map([['a', 1]]), /at 'tags.bad': a Map or Set is not serialisable/],
        [[new Set([1])], /at 'tags.bad.0': a Map or Set is not serialisable/],
        [circular, /not serialisable as JSON/],
      ];
      for (const [bad, message] of cases) {
        const store = new MemoryLedgerStore();
        const good = requestRecord({ requestId: 'good', at: AT });
        const record = { ...requestRecord({ requestId: 'bad', at: AT }), tags: { bad } } as unknown as LedgerRecord;
        const error = await append(store, [good, record]).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(InvalidLedgerRecordError.isInstance(error)).toBe(true);
        expect(ZenError.isInstance(error) && error.kind).toBe('invalid_request');
        expect((error as InvalidLedgerRecordError).index).toBe(1);
        expect((error as Error).message).toMatch(message);
        expect(store.size).toBe(0);
        expect(store.bytes).toBe(0);
        expect(await collect(store.query())).toEqual([]);
      }
    });

    it('accounts a string at a byte a character (two beyond Latin-1), a property at a slot', async () => {
      const bytesOf = async (record: LedgerRecord) => {
        const store = new MemoryLedgerStore();
        await append(store, [record]);
        return store.bytes;
      };
      const base = await bytesOf(requestRecord({ requestId: 'r', at: AT, tags: { note: '' } }));
      expect(base).toBeGreaterThan(RECORD_OVERHEAD_BYTES);
      expect(await bytesOf(requestRecord({ requestId: 'r', at: AT, tags: { note: 'x'.repeat(1000) } }))).toBe(base + 1000);
      expect(await bytesOf(requestRecord({ requestId: 'r', at: AT, tags: { note: '字'.repeat(1000) } }))).toBe(base + 2000);
      // One more property: its slot and its value's string.
      const more = await bytesOf(requestRecord({ requestId: 'r', at: AT, tags: { note: '', team: 'abcdefgh' } }));
      expect(more).toBe(base + 8 + 16 + 8);
      // A name every record shares (model, channel, type…) costs a record its slot, not its text.
      const named = await bytesOf(requestRecord({ requestId: 'r', at: AT, model: 'm'.repeat(300), tags: { note: '' } }));
      expect(named).toBe(base);
      // Keys with undefined values are not kept, so not counted.
      const withUndefined = { ...requestRecord({ requestId: 'r', at: AT, tags: { note: '' } }), ttftMs: undefined } as LedgerRecord;
      expect(await bytesOf(withUndefined)).toBe(base);
    });

    it('evicts whole requests to stay under maxBytes, at the accounted bytes', async () => {
      const one = new MemoryLedgerStore();
      await append(one, [requestRecord({ requestId: 'x', at: AT }), eventRecord({ requestId: 'x', at: AT, kind: 'refusal' })]);
      const perRequest = one.bytes;
      const store = new MemoryLedgerStore({ maxBytes: Math.floor(perRequest * 3.5) });
      for (let index = 0; index < 10; index++) {
        await append(store, [
          requestRecord({ requestId: `r${index}`, at: AT }),
          eventRecord({ requestId: `r${index}`, at: AT, kind: 'refusal' }),
        ]);
        expect(store.bytes).toBeLessThanOrEqual(store.maxBytes);
      }
      expect(store.size).toBe(6);
      expect(store.bytes).toBe(3 * perRequest);
      expect((await collect(store.query())).map((record) => `${record.requestId}:${record.type}`)).toEqual([
        'r7:request',
        'r7:event',
        'r8:request',
        'r8:event',
        'r9:request',
        'r9:event',
      ]);
    });
  });

  it('copies a host record: the caller’s objects stay theirs, unfrozen, and later changes do not reach the store', async () => {
    const store = new MemoryLedgerStore();
    const record = requestRecord({ requestId: 'r1', at: AT, tags: { team: 'a' }, attempts: [attempt()] });
    await store.append([record]);
    expect(Object.isFrozen(record)).toBe(false);
    expect(record.type === 'request' && Object.isFrozen(record.usage)).toBe(false);
    if (record.type === 'request') {
      record.tags!.team = 'changed';
      record.usage.input.total = 999;
      record.attempts!.length = 0;
    }
    const [kept] = await collect(store.query());
    expect(kept).not.toBe(record);
    expect(kept!.type === 'request' && kept!.tags).toEqual({ team: 'a' });
    expect(kept!.type === 'request' && kept!.usage.input.total).not.toBe(999);
    expect(kept!.type === 'request' && kept!.attempts!.length).toBe(1);
  });

  it('keeps the ledger writer’s records themselves, frozen in place (no copy)', async () => {
    const store = new MemoryLedgerStore();
    const writer = new LedgerWriter(new Ledger(store), () => {});
    // In its kept form already: no key with an undefined value.
    const record = JSON.parse(
      JSON.stringify(requestRecord({ requestId: 'r1', at: AT, tags: { team: 'a' }, attempts: [attempt()] })),
    ) as LedgerRecord;
    writer.write(() => [record]);
    await writer.flush();
    const [kept] = await collect(store.query());
    expect(kept).toBe(record);
    expect(isDeepFrozen(record)).toBe(true);
  });

  it.each([
    ['the memory store, which appends at once', (store: MemoryLedgerStore) => store],
    [
      'a host store, which answers with promises',
      (store: MemoryLedgerStore) => ({
        append: (batch: LedgerRecord[]) => store.append(batch),
        query: () => store.query(),
        close: () => store.close(),
      }),
    ],
  ])('the writer hands over a record the ledger can never accept and writes the rest: %s', async (_name, wrap) => {
    const store = new MemoryLedgerStore();
    const failures: Array<[ZenError, LedgerRecord[]]> = [];
    const writer = new LedgerWriter(new Ledger(wrap(store)), (error, failed) => failures.push([error, failed]));
    const bad = { ...requestRecord({ requestId: 'bad', at: AT }), durationMs: Number.NaN } as LedgerRecord;
    writer.write(() => [requestRecord({ requestId: 'a', at: AT }), bad, requestRecord({ requestId: 'b', at: AT })]);
    writer.write(() => [requestRecord({ requestId: 'c', at: AT })]);
    await writer.flush();
    expect((await collect(store.query())).map((record) => record.requestId)).toEqual(['a', 'b', 'c']);
    expect(failures).toHaveLength(1);
    expect(InvalidLedgerRecordError.isInstance(failures[0]![0])).toBe(true);
    expect(failures[0]![1]).toEqual([bad]);
    expect(writer.pending).toBe(0);
  });

  it('copies a writer record that is not in its kept form (an undefined key) rather than keep the key', async () => {
    const store = new MemoryLedgerStore();
    const record = { ...requestRecord({ requestId: 'r1', at: AT }), ttftMs: undefined } as LedgerRecord;
    await store[APPEND_OWNED]([record]);
    const [kept] = await collect(store.query());
    expect(kept).not.toBe(record);
    expect('ttftMs' in kept!).toBe(false);
    expect(isDeepFrozen(kept)).toBe(true);
  });

  it('a Ledger over a store without APPEND_OWNED hands the writer’s records to its append', async () => {
    const appended: LedgerRecord[][] = [];
    const ledger = new Ledger({
      append: async (batch) => void appended.push(batch),
      query: async function* () {},
      close: async () => {},
    });
    const record = requestRecord({ requestId: 'r1', at: AT });
    await ledger[APPEND_OWNED]([record]);
    expect(appended).toEqual([[record]]);
    await expect(ledger[APPEND_OWNED]([{ ...record, at: 'tuesday' }])).rejects.toThrow(/'at' must be an ISO date-time/);
  });
});

describe('a call’s request record', () => {
  it('holds the call’s usage, cost and attempts as the caller sees them: frozen when the call ends', async () => {
    const zen = insuredClient(sim);
    sim.enqueue('gpt-5-mini', { text: 'hello there', usage: { input: 12, output: 3 } });
    const { zen: meta } = await chat(zen, { messages: user('hi') }, false);
    const [request] = await records(zen);
    if (request?.type !== 'request') throw new Error('expected a request record');
    expect(request.usage).toBe(meta.usage);
    expect(request.cost).toBe(meta.cost);
    expect(request.attempts![0]).toBe(meta.attempts[0]);
    expect(request.usage).toEqual({
      input: { total: 12, noCache: 12, cacheRead: 0, cacheWrite: 0 },
      output: { total: 3, text: 3, reasoning: 0 },
    });
    expect(isDeepFrozen(request)).toBe(true);
    // The metadata's own fields stay the caller's: only what the ledger shares is frozen.
    expect(Object.isFrozen(meta)).toBe(false);
    expect(Object.isFrozen(meta.attempts)).toBe(false);
    expect(() => {
      (meta.usage.output as { total: number }).total = 0;
    }).toThrow(TypeError);
    await zen.close();
  });
});
