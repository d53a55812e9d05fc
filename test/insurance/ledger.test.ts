import { describe, expect, it, vi } from 'vitest';
import { ZenError } from '../../src/core/errors.js';
import { compileQuery, InvalidLedgerRecordError, Ledger, matchesQuery, nearestRank } from '../../src/insurance/ledger.js';
import { MemoryLedgerStore } from '../../src/insurance/stores/memory.js';
import type { LedgerQuery, LedgerRecord, LedgerStore } from '../../src/insurance/types.js';
import { attempt, claimRecord, collect, creditRecord, eventRecord, requestRecord } from './fixtures/records.js';

const GPT = 'openai/gpt-5-mini';
const CLAUDE = 'anthropic/claude-sonnet-4-5';

/**
 * Five requests over two UTC days:
 * - r1 day 1, GPT, $0.001234567, one attempt 1000 ms (ttft 200)
 * - r2 day 1 (last millisecond), GPT, $0.000000001, failed over from Claude (error, 5000 ms) to GPT (3000 ms, ttft 900)
 * - r3 day 2 (first millisecond), Claude on Vertex, $0.01, 2000 ms, not streamed
 * - r4 day 2, failed before a model was chosen, $0
 * - r5 day 2, GPT, $0.002, no attempts recorded: 500 ms, ttft 100
 */
function sample(): LedgerRecord[] {
  return [
    requestRecord({
      requestId: 'r1',
      at: '2025-03-01T10:00:00.000Z',
      model: GPT,
      costUsd: 0.001234567,
      durationMs: 1000,
      ttftMs: 200,
      attempts: [attempt(`${GPT}:openai`, 1000, 200)],
    }),
    requestRecord({
      requestId: 'r2',
      at: '2025-03-01T23:59:59.999Z',
      model: GPT,
      costUsd: 0.000000001,
      durationMs: 8000,
      ttftMs: 900,
      attempts: [attempt(`${CLAUDE}:anthropic`, 5000, undefined, 'error'), attempt(`${GPT}:openai`, 3000, 900)],
    }),
    eventRecord({ requestId: 'r2', at: '2025-03-01T23:59:59.999Z', kind: 'slow_first_token' }),
    claimRecord({ requestId: 'r2', at: '2025-03-01T23:59:59.999Z', kind: 'slow_first_token', amountUsd: 0.0000005 }),
    creditRecord({ requestId: 'r2', at: '2025-03-01T23:59:59.999Z', amountUsd: 0.0000005 }),
    requestRecord({
      requestId: 'r3',
      at: '2025-03-02T00:00:00.000Z',
      model: CLAUDE,
      provider: 'vertex',
      costUsd: 0.01,
      durationMs: 2000,
      attempts: [attempt(`${CLAUDE}:vertex`, 2000)],
    }),
    claimRecord({
      requestId: 'r3',
      at: '2025-03-02T00:00:01.000Z',
      kind: 'invalid_json',
      amountUsd: 0.005,
      status: 'capped',
      channel: `${CLAUDE}:vertex`,
    }),
    claimRecord({
      requestId: 'r3',
      at: '2025-03-02T00:00:01.000Z',
      kind: 'schema_violation',
      amountUsd: 0.003,
      status: 'excluded',
      channel: `${CLAUDE}:vertex`,
    }),
    creditRecord({ requestId: 'r3', at: '2025-03-02T00:00:01.000Z', amountUsd: 0.005 }),
    {
      ...requestRecord({ requestId: 'r4', at: '2025-03-02T05:00:00.000Z', costUsd: 0, outcome: 'error' }),
      model: undefined,
      channel: undefined,
    },
    requestRecord({ requestId: 'r5', at: '2025-03-02T06:00:00.000Z', model: GPT, costUsd: 0.002, durationMs: 500, ttftMs: 100 }),
    claimRecord({ requestId: 'r5', at: '2025-03-02T06:00:01.000Z', kind: 'slow_first_token', amountUsd: 0.001 }),
    creditRecord({ requestId: 'r5', at: '2025-03-02T06:00:01.000Z', amountUsd: 0.001 }),
  ];
}

async function sampleLedger(store: LedgerStore = new MemoryLedgerStore()): Promise<Ledger> {
  const ledger = new Ledger(store);
  await ledger.append(sample());
  return ledger;
}

/** A host store as small as it gets: an array, filtered with the exported query semantics. */
class ArrayStore implements LedgerStore {
  readonly records: LedgerRecord[] = [];
  append = vi.fn(async (records: LedgerRecord[]) => {
    this.records.push(...(JSON.parse(JSON.stringify(records)) as LedgerRecord[]));
  });
  async *query(query?: LedgerQuery): AsyncIterable<LedgerRecord> {
    const compiled = compileQuery(query);
    let found = 0;
    for (const record of this.records) {
      if (found >= compiled.limit) return;
      if (matchesQuery(record, compiled)) {
        found++;
        yield record;
      }
    }
  }
  async close(): Promise<void> {}
}

describe('Ledger summaries', () => {
  it('costByModelByDay: requests and exact cost per UTC day and model', async () => {
    const ledger = await sampleLedger();
    expect(await ledger.costByModelByDay()).toEqual([
      { day: '2025-03-01', model: GPT, requests: 2, costUsd: 0.001234568 },
      { day: '2025-03-02', model: CLAUDE, requests: 1, costUsd: 0.01 },
      { day: '2025-03-02', model: GPT, requests: 1, costUsd: 0.002 },
      { day: '2025-03-02', model: 'unknown', requests: 1, costUsd: 0 },
    ]);
    expect(await ledger.costByModelByDay({ since: '2025-03-02T00:00:00Z', until: new Date('2025-03-02T06:00:00Z') })).toEqual([
      { day: '2025-03-02', model: CLAUDE, requests: 1, costUsd: 0.01 },
      { day: '2025-03-02', model: 'unknown', requests: 1, costUsd: 0 },
    ]);
  });

  it('claimsSummary: claims by kind and status; excluded claims grant nothing', async () => {
    const ledger = await sampleLedger();
    expect(await ledger.claimsSummary()).toEqual({
      claims: 4,
      creditedUsd: 0.0060005,
      byKind: {
        invalid_json: { claims: 1, creditedUsd: 0.005 },
        schema_violation: { claims: 1, creditedUsd: 0 },
        slow_first_token: { claims: 2, creditedUsd: 0.0010005 },
      },
      byStatus: { credited: 2, capped: 1, excluded: 1 },
    });
    expect((await ledger.claimsSummary({ until: '2025-03-02T00:00:00Z' })).creditedUsd).toBe(0.0000005);
  });

  it('creditBalance: the sum of credit records', async () => {
    const ledger = await sampleLedger();
    expect(await ledger.creditBalance()).toBe(0.0060005);
    expect(await ledger.creditBalance({ since: '2025-03-02T06:00:00Z' })).toBe(0.001);
  });

  it('latencyByChannel: successful attempts, nearest-rank p50 and p95', async () => {
    const ledger = await sampleLedger();
    expect(await ledger.latencyByChannel()).toEqual([
      // One attempt, not streamed: no first token time.
      { channel: `${CLAUDE}:vertex`, count: 1, p50Ms: 2000, p95Ms: 2000, p50TtftMs: null, p95TtftMs: null },
      // r1 1000, r2's second attempt 3000, r5 (no attempts) 500 → sorted 500, 1000, 3000:
      // p50 at rank ceil(1.5) = 2, p95 at rank ceil(2.85) = 3. TTFT 100, 200, 900 likewise.
      { channel: `${GPT}:openai`, count: 3, p50Ms: 1000, p95Ms: 3000, p50TtftMs: 200, p95TtftMs: 900 },
    ]);
    // The failed Claude attempt on anthropic and the failed r4 count nowhere.
  });

  it('totals: requests, cost and credits', async () => {
    const ledger = await sampleLedger();
    expect(await ledger.totals()).toEqual({ requests: 5, costUsd: 0.013234568, creditsUsd: 0.0060005 });
    expect(await ledger.totals({ until: '2025-03-02T00:00:00Z' })).toEqual({ requests: 2, costUsd: 0.001234568, creditsUsd: 0.0000005 });
    expect(await new Ledger(new MemoryLedgerStore()).totals()).toEqual({ requests: 0, costUsd: 0, creditsUsd: 0 });
  });

  it('gives a host store the same summaries, through query alone', async () => {
    const built = await sampleLedger();
    const hosted = await sampleLedger(new ArrayStore());
    expect(await hosted.costByModelByDay()).toEqual(await built.costByModelByDay());
    expect(await hosted.claimsSummary()).toEqual(await built.claimsSummary());
    expect(await hosted.creditBalance()).toEqual(await built.creditBalance());
    expect(await hosted.latencyByChannel()).toEqual(await built.latencyByChannel());
    expect(await hosted.totals()).toEqual(await built.totals());
    expect(await collect(hosted.query({ model: GPT, types: ['claim'] }))).toEqual(
      await collect(built.query({ model: GPT, types: ['claim'] })),
    );
  });
});

describe('Ledger append', () => {
  it('takes one record or many', async () => {
    const ledger = new Ledger(new MemoryLedgerStore());
    await ledger.append(requestRecord({ requestId: 'r1', at: '2025-03-01T00:00:00Z' }));
    await ledger.append([requestRecord({ requestId: 'r2', at: '2025-03-01T00:00:00Z' })]);
    await ledger.append([]);
    expect((await collect(ledger.query())).map((record) => record.requestId)).toEqual(['r1', 'r2']);
  });

  it('checks records before the store sees them, so a host store gets only good ones', async () => {
    const store = new ArrayStore();
    const ledger = new Ledger(store);
    const good = requestRecord({ requestId: 'r1', at: '2025-03-01T00:00:00Z' });
    const bad = [
      { ...good, type: undefined },
      { ...good, requestId: '' },
      { ...good, tags: { big: 1n } },
    ] as unknown as LedgerRecord[];
    for (const record of bad) {
      const error = await ledger.append([good, record]).catch((caught: unknown) => caught);
      expect(InvalidLedgerRecordError.isInstance(error)).toBe(true);
      expect(ZenError.isInstance(error) && error.kind).toBe('invalid_request');
    }
    expect(store.append).not.toHaveBeenCalled();
    expect(store.records).toEqual([]);
  });

  it('flushes and closes its store', async () => {
    const store = new MemoryLedgerStore();
    const flush = vi.spyOn(store, 'flush');
    const ledger = new Ledger(store);
    await ledger.flush();
    await ledger.close();
    expect(flush).toHaveBeenCalledOnce();
    await expect(store.append([])).rejects.toThrow(/closed/);
  });
});

describe('nearestRank', () => {
  it('is the value at rank ceil(p/100 × n) of the sorted values', () => {
    // The textbook example: 15, 20, 35, 40, 50.
    const values = [50, 15, 40, 20, 35];
    expect([5, 30, 40, 50, 100].map((percentile) => nearestRank(values, percentile))).toEqual([15, 20, 20, 35, 50]);
    expect(nearestRank(values, 0)).toBe(15);
    expect(nearestRank([], 50)).toBeNull();
    // 7 / 100 × 100 is 7.000000000000001 in floating point; the rank must still be 7.
    expect(
      nearestRank(
        Array.from({ length: 100 }, (_, index) => index + 1),
        7,
      ),
    ).toBe(7);
    expect(
      nearestRank(
        Array.from({ length: 20 }, (_, index) => index + 1),
        95,
      ),
    ).toBe(19);
  });
});
