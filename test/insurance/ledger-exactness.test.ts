import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromNanos, toNanos } from '../../src/core/money.js';
import { Ledger } from '../../src/insurance/ledger.js';
import { JsonlLedgerStore } from '../../src/insurance/stores/jsonl.js';
import { MemoryLedgerStore } from '../../src/insurance/stores/memory.js';
import { SqliteLedgerStore } from '../../src/insurance/stores/sqlite.js';
import type { LedgerRecord, LedgerStore } from '../../src/insurance/types.js';
import { claimRecord, creditRecord, requestRecord, seededRandom } from './fixtures/records.js';

/**
 * Money reconciles exactly: the ledger's totals equal the integer-nanodollar sum of the per-call
 * figures, to the last nanodollar, through every store. The expected sums are computed from the
 * decimal strings with BigInt, independently of the code under test.
 */

const COUNT = 10_000;
const MODELS = ['openai/gpt-5-mini', 'anthropic/claude-sonnet-4-5', 'google/gemini-2.5-flash'];

interface Amount {
  /** e.g. `0.004217385` */
  text: string;
  usd: number;
  nanos: bigint;
}

/** A random amount below $1 with 9 decimals, as a call cost or a credit would be. */
function amount(random: () => number, scale: number): Amount {
  const nanos = BigInt(Math.floor(random() * scale));
  const text = `${nanos / 1_000_000_000n}.${String(nanos % 1_000_000_000n).padStart(9, '0')}`;
  return { text, usd: Number(text), nanos };
}

function data() {
  const random = seededRandom(20250301);
  const records: LedgerRecord[] = [];
  const costs: Amount[] = [];
  const credits: Amount[] = [];
  const costByKey = new Map<string, bigint>();
  for (let index = 0; index < COUNT; index++) {
    const requestId = `r${index}`;
    const at = new Date(Date.UTC(2025, 2, 1) + Math.floor(random() * 3 * 86_400_000)).toISOString();
    const model = MODELS[index % MODELS.length]!;
    const cost = amount(random, 1e9);
    costs.push(cost);
    const key = `${at.slice(0, 10)} ${model}`;
    costByKey.set(key, (costByKey.get(key) ?? 0n) + cost.nanos);
    records.push(requestRecord({ requestId, at, model, costUsd: cost.usd }));
    if (index % 3 === 0) {
      const credit = amount(random, 1e8);
      credits.push(credit);
      records.push(claimRecord({ requestId, at, kind: 'slow_total', amountUsd: credit.usd }));
      records.push(creditRecord({ requestId, at, amountUsd: credit.usd }));
    }
  }
  const sum = (amounts: Amount[]) => amounts.reduce((total, item) => total + item.nanos, 0n);
  return { records, costs, credits, costNanos: sum(costs), creditNanos: sum(credits), costByKey };
}

const fixture = data();

/** The exact USD figure for a whole number of nanodollars, as money.ts represents it. */
const usd = (nanos: bigint) => Number(nanos) / 1e9;

it('is a test that can fail: naive float sums of the same amounts are off', () => {
  const naiveCost = fixture.costs.reduce((total, item) => total + item.usd, 0);
  const naiveCredits = fixture.credits.reduce((total, item) => total + item.usd, 0);
  expect(naiveCost).not.toBe(usd(fixture.costNanos));
  expect(naiveCredits).not.toBe(usd(fixture.creditNanos));
  // (Rounding a float sum back to nanodollars would hide the error at this size; summing in
  // integers makes the result exact by construction rather than by luck of magnitude.)
});

it('every amount is an exact nanodollar figure to begin with', () => {
  for (const item of [...fixture.costs, ...fixture.credits]) expect(BigInt(toNanos(item.usd))).toBe(item.nanos);
  expect(fixture.costNanos).toBeLessThan(BigInt(Number.MAX_SAFE_INTEGER));
});

const stores: Array<[string, (dir: string) => Promise<LedgerStore>]> = [
  ['memory', async () => new MemoryLedgerStore({ maxRecords: 100_000, maxBytes: Number.POSITIVE_INFINITY })],
  ['jsonl', (dir) => JsonlLedgerStore.open({ path: join(dir, 'ledger.jsonl') })],
  ['sqlite', (dir) => SqliteLedgerStore.open({ path: join(dir, 'ledger.db') })],
];

describe.each(stores)('%s store: the ledger sums exactly', (_name, open) => {
  let dir: string;
  let ledger: Ledger;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zen-exact-'));
    ledger = new Ledger(await open(dir));
    for (let start = 0; start < fixture.records.length; start += 1000) await ledger.append(fixture.records.slice(start, start + 1000));
  });

  afterEach(async () => {
    await ledger.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('totals, credit balance and claims equal the integer-nanodollar sums', async () => {
    const totals = await ledger.totals();
    expect(totals.requests).toBe(COUNT);
    expect(totals.costUsd).toBe(usd(fixture.costNanos));
    expect(BigInt(toNanos(totals.costUsd))).toBe(fixture.costNanos);
    expect(totals.creditsUsd).toBe(usd(fixture.creditNanos));
    expect(await ledger.creditBalance()).toBe(usd(fixture.creditNanos));
    const claims = await ledger.claimsSummary();
    expect(claims.creditedUsd).toBe(usd(fixture.creditNanos));
    expect(claims.byKind.slow_total?.creditedUsd).toBe(usd(fixture.creditNanos));
  });

  it('per-day, per-model rows are exact, and add up to the total exactly', async () => {
    const rows = await ledger.costByModelByDay();
    expect(rows.length).toBe(fixture.costByKey.size);
    for (const row of rows) expect(row.costUsd).toBe(usd(fixture.costByKey.get(`${row.day} ${row.model}`)!));
    expect(fromNanos(rows.reduce((total, row) => total + toNanos(row.costUsd), 0))).toBe(usd(fixture.costNanos));
    expect(rows.reduce((total, row) => total + row.requests, 0)).toBe(COUNT);
  });
});
