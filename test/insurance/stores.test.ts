import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZenError } from '../../src/core/errors.js';
import { JsonlLedgerStore } from '../../src/insurance/stores/jsonl.js';
import { MemoryLedgerStore } from '../../src/insurance/stores/memory.js';
import { SqliteLedgerStore } from '../../src/insurance/stores/sqlite.js';
import { PostgresLedgerStore } from '../../src/insurance/stores/postgres.js';
import { PGlite } from '@electric-sql/pglite';
import { postgresAvailable, uniqueTable, usePostgres } from '../helpers/postgres-server.js';
import { InvalidLedgerRecordError } from '../../src/insurance/stores/validate-record.js';
import type { LedgerRecord, LedgerStore } from '../../src/insurance/types.js';
import { caseRecord, claimRecord, collect, creditRecord, eventRecord, requestRecord } from './fixtures/records.js';

/** Every built-in store must answer the same queries the same way. */
interface StoreKind {
  name: string;
  persistent: boolean;
  open(dir: string): Promise<LedgerStore>;
}

const kinds: StoreKind[] = [
  { name: 'memory', persistent: false, open: async () => new MemoryLedgerStore() },
  { name: 'jsonl sync', persistent: true, open: (dir) => JsonlLedgerStore.open({ path: join(dir, 'ledger.jsonl') }) },
  {
    name: 'jsonl batched',
    persistent: true,
    open: (dir) =>
      JsonlLedgerStore.open({ path: join(dir, 'ledger.jsonl'), durability: 'batched', batch: { flushIntervalMs: 5, maxBatch: 4 } }),
  },
  {
    // Small files, so the sample spans the live file and several rotated ones.
    name: 'jsonl rotated',
    persistent: true,
    open: (dir) => JsonlLedgerStore.open({ path: join(dir, 'ledger.jsonl'), rotate: { maxBytes: 1200, keep: 50 } }),
  },
  { name: 'sqlite', persistent: true, open: (dir) => SqliteLedgerStore.open({ path: join(dir, 'ledger.db') }) },
  // One embedded Postgres for the file; each test's directory names its own table.
  {
    name: 'pglite',
    persistent: true,
    open: async (dir) => PostgresLedgerStore.open({ pool: (pglite ??= new PGlite()), table: tableOf(dir) }),
  },
];

// A real PostgreSQL server (skipped with a note where none is installed; required in CI).
const postgres = usePostgres();
if (postgresAvailable) {
  kinds.push({
    name: 'postgres',
    persistent: true,
    open: (dir) => PostgresLedgerStore.open({ connectionString: postgres.url, table: tableOf(dir) }),
  });
}
let pglite: PGlite | undefined;
const tables = new Map<string, string>();
const tableOf = (dir: string): string => tables.get(dir) ?? tables.set(dir, uniqueTable()).get(dir)!;

const GPT = 'openai/gpt-5-mini';
const CLAUDE = 'anthropic/claude-sonnet-4-5';

/** Three requests over two days: r1 clean, r2 slow with a claim and a credit, r3 bad JSON on Claude via Vertex. */
function sample(): LedgerRecord[] {
  return [
    requestRecord({ requestId: 'r1', at: '2025-03-01T10:00:00.000Z', model: GPT, costUsd: 0.001 }),
    requestRecord({ requestId: 'r2', at: '2025-03-01T23:59:59.999Z', model: GPT, costUsd: 0.002 }),
    eventRecord({ requestId: 'r2', at: '2025-03-01T23:59:59.999Z', kind: 'slow_first_token', channel: `${GPT}:openai` }),
    claimRecord({ requestId: 'r2', at: '2025-03-02T00:00:00.000Z', kind: 'slow_first_token', amountUsd: 0.001, channel: `${GPT}:openai` }),
    creditRecord({ requestId: 'r2', at: '2025-03-02T00:00:00.000Z', amountUsd: 0.001 }),
    requestRecord({ requestId: 'r3', at: '2025-03-02T08:00:00.000Z', model: CLAUDE, provider: 'vertex', costUsd: 0.01 }),
    eventRecord({ requestId: 'r3', at: '2025-03-02T08:00:01.000Z', kind: 'invalid_json', channel: `${CLAUDE}:vertex` }),
    caseRecord({ requestId: 'r3', at: '2025-03-02T08:00:02.000Z', kinds: ['invalid_json', 'schema_violation'] }),
  ];
}

/** What a query must return: the records as JSON keeps them, in append order. */
function expected(records: LedgerRecord[]): unknown[] {
  return records.map((record) => JSON.parse(JSON.stringify(record)));
}

describe.each(kinds)('$name store', (kind) => {
  let dir: string;
  let store: LedgerStore;
  const records = sample();
  const pick = (...indexes: number[]) => expected(indexes.map((index) => records[index]!));

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zen-ledger-'));
    store = await kind.open(dir);
    // Two appends, to check order across batches.
    await store.append(records.slice(0, 3));
    await store.append(records.slice(3));
  });

  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('returns every record in append order, as JSON keeps it', async () => {
    expect(await collect(store.query())).toEqual(expected(records));
    expect(await collect(store.query({}))).toEqual(expected(records));
  });

  it('filters by time: since inclusive, until exclusive, as strings or Dates', async () => {
    expect(await collect(store.query({ since: '2025-03-02T00:00:00.000Z' }))).toEqual(pick(3, 4, 5, 6, 7));
    expect(await collect(store.query({ until: new Date('2025-03-02T00:00:00.000Z') }))).toEqual(pick(0, 1, 2));
    expect(await collect(store.query({ since: '2025-03-01T23:59:59.999Z', until: '2025-03-02T08:00:01.000Z' }))).toEqual(
      pick(1, 2, 3, 4, 5),
    );
    // An offset time means the same instant.
    expect(await collect(store.query({ since: '2025-03-02T09:00:01+01:00' }))).toEqual(pick(6, 7));
  });

  it('filters by type', async () => {
    expect(await collect(store.query({ types: ['request'] }))).toEqual(pick(0, 1, 5));
    expect(await collect(store.query({ types: ['claim', 'credit'] }))).toEqual(pick(3, 4));
  });

  it('filters by request id', async () => {
    expect(await collect(store.query({ requestId: 'r2' }))).toEqual(pick(1, 2, 3, 4));
    expect(await collect(store.query({ requestId: 'nope' }))).toEqual([]);
  });

  it('filters by model: request records, and events and claims by their channel', async () => {
    expect(await collect(store.query({ model: GPT }))).toEqual(pick(0, 1, 2, 3));
    expect(await collect(store.query({ model: CLAUDE }))).toEqual(pick(5, 6));
  });

  it('filters by channel', async () => {
    expect(await collect(store.query({ channel: `${CLAUDE}:vertex` }))).toEqual(pick(5, 6));
    expect(await collect(store.query({ channel: `${CLAUDE}:anthropic` }))).toEqual([]);
  });

  it('filters by event kind: events, claims and cases', async () => {
    expect(await collect(store.query({ eventKinds: ['slow_first_token'] }))).toEqual(pick(2, 3));
    expect(await collect(store.query({ eventKinds: ['schema_violation'] }))).toEqual(pick(7));
    expect(await collect(store.query({ eventKinds: ['invalid_json', 'slow_first_token'] }))).toEqual(pick(2, 3, 6, 7));
  });

  it('combines filters and applies the limit last', async () => {
    expect(await collect(store.query({ requestId: 'r2', types: ['event', 'claim'], since: '2025-03-02T00:00:00Z' }))).toEqual(pick(3));
    expect(await collect(store.query({ limit: 2 }))).toEqual(pick(0, 1));
    expect(await collect(store.query({ types: ['request'], limit: 2 }))).toEqual(pick(0, 1));
    expect(await collect(store.query({ limit: 0 }))).toEqual([]);
    expect(await collect(store.query({ limit: 100 }))).toEqual(expected(records));
  });

  it('lets a caller stop early and keep appending while a query is open', async () => {
    for await (const record of store.query()) {
      expect(record.requestId).toBe('r1');
      await store.append([requestRecord({ requestId: 'r4', at: '2025-03-03T00:00:00.000Z' })]);
      break;
    }
    expect((await collect(store.query({ requestId: 'r4' }))).length).toBe(1);
  });

  it('refuses a bad query with a clear error', async () => {
    await expect(collect(store.query({ since: 'yesterday-ish' }))).rejects.toThrow(/'since' is not a valid date/);
    await expect(collect(store.query({ limit: -1 }))).rejects.toSatisfy(
      (error) => ZenError.isInstance(error) && error.kind === 'invalid_request',
    );
  });

  describe('bad records: a typed error, and nothing of the batch written', () => {
    const good = requestRecord({ requestId: 'good', at: '2025-03-04T00:00:00.000Z' });
    const circular: Record<string, unknown> = { ...requestRecord({ requestId: 'bad', at: '2025-03-04T00:00:00.000Z' }) };
    circular.self = circular;
    const cases: Array<[string, unknown, RegExp]> = [
      ['no type', { requestId: 'bad', at: '2025-03-04T00:00:00.000Z' }, /record 1 at 'type'/],
      ['an unknown type', { ...good, type: 'bogus', requestId: 'bad' }, /'type' must be one of/],
      ['no requestId', { ...good, requestId: undefined }, /'requestId' must be a non-empty string/],
      ['a bad at', { ...good, requestId: 'bad', at: 'tuesday' }, /'at' must be an ISO date-time/],
      ['a BigInt', { ...good, requestId: 'bad', tags: { n: 10n } }, /at 'tags.n': a BigInt is not serialisable/],
      ['a cycle', circular, /not serialisable as JSON/],
      ['NaN', { ...good, requestId: 'bad', cost: { ...good.cost, total: Number.NaN } }, /at 'cost.total': NaN is not serialisable/],
      ['a function', { ...good, requestId: 'bad', attempts: [{ retry: () => 1 }] }, /at 'attempts.0.retry': a function/],
      ['a Map', { ...good, requestId: 'bad', tags: new Map([['a', 'b']]) }, /at 'tags': a Map or Set is not serialisable/],
      ['a Set in an array', { ...good, requestId: 'bad', attempts: [new Set([1])] }, /at 'attempts.0': a Map or Set/],
      [
        'a Map in a class instance',
        {
          ...good,
          requestId: 'bad',
          content: new (class Box {
            inner = new Map();
          })(),
        },
        /at 'content.inner': a Map/,
      ],
      ['not an object', 'request', /a record must be an object/],
    ];

    it.each(cases)('%s', async (_name, bad, message) => {
      const before = await collect(store.query());
      const error = await store.append([good, bad as LedgerRecord]).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(InvalidLedgerRecordError.isInstance(error)).toBe(true);
      expect(ZenError.isInstance(error) && error.kind).toBe('invalid_request');
      expect((error as InvalidLedgerRecordError).index).toBe(1);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toMatch(/nothing was appended/);
      await store.flush?.();
      expect(await collect(store.query())).toEqual(before);
    });
  });

  it('appends an empty batch as a no-op', async () => {
    await store.append([]);
    expect((await collect(store.query())).length).toBe(records.length);
  });

  it('refuses appends after close', async () => {
    await store.close();
    await expect(store.append([records[0]!])).rejects.toThrow(/closed/);
    store = await kind.open(dir); // for afterEach
  });

  it.runIf(kind.persistent)('keeps every record across close and reopen', async () => {
    await store.close();
    store = await kind.open(dir);
    expect(await collect(store.query())).toEqual(expected(records));
  });
});
