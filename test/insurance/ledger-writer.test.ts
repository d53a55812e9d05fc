import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/insurance/ledger.js';
import type { LedgerRecord, LedgerStore } from '../../src/insurance/types.js';
import { Insurance, type InsuranceErrorEvent } from '../../src/insurance/insurance.js';
import { LedgerWriter } from '../../src/insurance/ledger-writer.js';
import { MemoryLedgerStore } from '../../src/insurance/stores/memory.js';
import { requestRecord } from './fixtures/records.js';

const at = '2025-03-01T10:00:00.000Z';

describe('LedgerWriter', () => {
  it('waits for a timer while the event loop turns: the caller gets its answer first', async () => {
    const store = new MemoryLedgerStore();
    const writer = new LedgerWriter(new Ledger(store), () => {});
    for (let index = 0; index < 10; index += 1) {
      writer.write(() => [requestRecord({ requestId: `r${index}`, at })]);
      await Promise.resolve();
    }
    expect(store.size).toBe(0);
    expect(writer.pending).toBe(10);
    await new Promise((resolve) => setTimeout(resolve, 0));
    await writer.flush();
    expect(store.size).toBe(10);
  });

  it('drains without its timer when calls never give the event loop a turn, so records do not pile up', async () => {
    const store = new MemoryLedgerStore({ maxRecords: 100_000, maxBytes: Number.POSITIVE_INFINITY });
    const writer = new LedgerWriter(new Ledger(store), () => {});
    let timerRan = false;
    const timer = setTimeout(() => (timerRan = true), 0);
    let mostPending = 0;
    // A loop of "calls" that only ever await microtasks, like a provider answering from memory.
    for (let index = 0; index < 5_000; index += 1) {
      writer.write(() => [requestRecord({ requestId: `r${index}`, at })]);
      mostPending = Math.max(mostPending, writer.pending);
      for (let turn = 0; turn < 5; turn += 1) await Promise.resolve();
    }
    expect(timerRan).toBe(false);
    expect(store.size).toBeGreaterThan(4_000);
    expect(mostPending).toBeLessThan(1_000);
    clearTimeout(timer);
    await writer.flush();
    expect(store.size).toBe(5_000);
    const ids: string[] = [];
    for await (const record of store.query()) ids.push(record.requestId);
    expect(ids).toEqual(Array.from({ length: 5_000 }, (_, index) => `r${index}`));
  });

  it('tells when a stuck store lets records pile up, again at each doubling, and again after it catches up; nothing is dropped', async () => {
    const inner = new MemoryLedgerStore({ maxRecords: 100_000, maxBytes: Number.POSITIVE_INFINITY });
    let open!: () => void;
    let gate: Promise<void> | undefined = new Promise((resolve) => (open = resolve));
    const stuck: LedgerStore = {
      append: async (records: LedgerRecord[]) => {
        await gate;
        await inner.append(records);
      },
      query: (query) => inner.query(query),
      close: () => inner.close(),
    };
    const warnings: number[] = [];
    const writer = new LedgerWriter(
      new Ledger(stuck),
      () => {},
      (pending) => warnings.push(pending),
      100,
    );
    let written = 0;
    const write = async (count: number) => {
      for (let index = 0; index < count; index += 1) writer.write(() => [requestRecord({ requestId: `r${written++}`, at })]);
      await new Promise((resolve) => setTimeout(resolve, 0));
    };
    await write(1); // the first batch goes to the store, which does not answer
    await write(450);
    expect(warnings).toEqual([100, 200, 400]);
    expect(writer.pending).toBe(450);

    open();
    gate = undefined;
    await writer.flush();
    expect(inner.size).toBe(451);
    await write(150);
    await writer.flush();
    expect(warnings).toEqual([100, 200, 400, 100]);
    expect(inner.size).toBe(601);
  });

  it("the client's insurance reports a store that falls behind as an overloaded ledger error at 10,000 waiting calls", async () => {
    const inner = new MemoryLedgerStore({ maxRecords: 20_000, maxBytes: Number.POSITIVE_INFINITY });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const stuck: LedgerStore = {
      append: async (records) => {
        await gate;
        return inner.append(records);
      },
      query: (query) => inner.query(query),
      close: () => inner.close(),
    };
    const errors: InsuranceErrorEvent[] = [];
    const insurance = new Insurance({}, stuck, {
      emit: ((event: string, payload: InsuranceErrorEvent) => void (event === 'error' && errors.push(payload))) as never,
      subcall: () => Promise.reject(new Error('no subcalls here')),
      observeFeedback: () => {},
    });
    // The first 256 go to the store at once (which does not answer); the rest wait.
    for (let index = 0; index < 256 + 10_000; index += 1) insurance.write(() => [requestRecord({ requestId: `r${index}`, at })]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ source: 'ledger', records: [] });
    expect(errors[0]!.error.kind).toBe('overloaded');
    expect(errors[0]!.error.message).toMatch(/falling behind: 10000 calls' records are waiting.*Nothing is dropped/);
    open();
    await insurance.flush();
    expect(inner.size).toBe(10_256);
  });
});
