import { request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger, MemoryLedgerStore, ZenError } from '../../src/index.js';
import {
  SqliteLedgerStore,
  startDashboard,
  type Dashboard,
  type DashboardData,
  type LedgerTail,
  type TailBatch,
} from '../../src/node/index.js';
import { attempt, claimRecord, creditRecord, requestRecord } from '../insurance/fixtures/records.js';
import { zenClient } from '../policy/execution-helpers.js';
import { useSimulator } from '../helpers/simulator.js';

const at = (day: number, second = 0) => new Date(Date.UTC(2025, 5, day, 12, 0, second)).toISOString();
const opened: Dashboard[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((dashboard) => dashboard.close()));
});

async function start(options: Parameters<typeof startDashboard>[0]): Promise<Dashboard> {
  const dashboard = await startDashboard({ port: 0, ...options });
  opened.push(dashboard);
  return dashboard;
}

async function snapshot(dashboard: Dashboard, etag?: string): Promise<{ status: number; etag: string | null; data?: DashboardData }> {
  const response = await fetch(`${dashboard.url}api/snapshot`, etag ? { headers: { 'If-None-Match': etag } } : {});
  return {
    status: response.status,
    etag: response.headers.get('etag'),
    ...(response.status === 200 ? { data: (await response.json()) as DashboardData } : {}),
  };
}

/** Polls as the page does until the first read is done. */
async function loaded(dashboard: Dashboard): Promise<DashboardData> {
  for (;;) {
    const { data } = await snapshot(dashboard);
    if (data && !data.loading) return data;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function raw(
  dashboard: Dashboard,
  init: { method?: string; path?: string; host?: string },
): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const call = request(
      {
        host: '127.0.0.1',
        port: dashboard.port,
        method: init.method ?? 'GET',
        path: init.path ?? '/',
        headers: { host: init.host ?? `127.0.0.1:${dashboard.port}` },
      },
      (response) => {
        response.resume();
        resolve({ status: response.statusCode!, headers: response.headers });
      },
    );
    call.on('error', reject);
    call.end();
  });
}

const calls = (day: number, count: number, model: string, costUsd: number, durationMs: number) =>
  Array.from({ length: count }, (_, index) =>
    requestRecord({
      requestId: `${model}-${day}-${index}`,
      at: at(day, index),
      model,
      costUsd,
      attempts: [attempt(`${model}:openai`, durationMs + index)],
    }),
  );

describe('startDashboard over a SQLite ledger', () => {
  it('serves the figures the Ledger computes, and what is appended on the next poll', async () => {
    const store = await SqliteLedgerStore.open({ path: join(mkdtempSync(join(tmpdir(), 'zen-dash-')), 'ledger.db') });
    await store.append([
      ...calls(1, 3, 'openai/gpt-5-mini', 0.001, 100),
      ...calls(2, 2, 'openai/gpt-5-mini', 0.002, 200),
      ...calls(2, 4, 'anthropic/claude-haiku-4-5', 0.004, 300),
      claimRecord({
        requestId: 'anthropic/claude-haiku-4-5-2-0',
        at: at(2),
        kind: 'slow_first_token',
        amountUsd: 0.0005,
        channel: 'anthropic/claude-haiku-4-5:openai',
        id: 'claim-1',
      }),
      creditRecord({ requestId: 'anthropic/claude-haiku-4-5-2-0', at: at(2), amountUsd: 0.0005, claimId: 'claim-1' }),
    ]);
    const dashboard = await start({ store, title: 'ops' });
    const first = await loaded(dashboard);
    const ledger = new Ledger(store);
    const totals = await ledger.totals();
    expect(first.title).toBe('ops');
    expect(first.source).toContain('zen_ledger');
    expect(first.totals).toEqual({
      requests: totals.requests,
      errors: 0,
      costUsd: totals.costUsd,
      creditsUsd: totals.creditsUsd,
      claims: 1,
      degradations: 0,
    });
    expect(first.perDay.days.map((day) => new Date(day * 1000).toISOString().slice(0, 10))).toEqual(['2025-06-01', '2025-06-02']);
    expect(first.perDay.models).toEqual(['anthropic/claude-haiku-4-5', 'openai/gpt-5-mini']);
    expect(first.perDay.requests).toEqual([
      [0, 4],
      [3, 2],
    ]);
    const byDay = await ledger.costByModelByDay();
    expect(first.perDay.costUsd[1]).toEqual(byDay.filter((row) => row.model === 'openai/gpt-5-mini').map((row) => row.costUsd));
    expect(first.perDay.creditsUsd).toEqual([
      [0, 0.0005],
      [0, 0],
    ]);
    const latency = await ledger.latencyByChannel();
    expect(first.latency.channels).toEqual(latency.map((row) => row.channel));
    expect(first.latency.p50Ms).toEqual(latency.map((row) => row.p50Ms));
    expect(first.latency.p95Ms).toEqual(latency.map((row) => row.p95Ms));
    expect(first.claims.byStatus).toEqual({ credited: 1, capped: 0, excluded: 0 });
    expect(first.budgets).toBeUndefined();

    // Unchanged: 304 against the ETag.
    const again = await snapshot(dashboard);
    expect((await snapshot(dashboard, again.etag!)).status).toBe(304);

    await store.append(calls(3, 1, 'google/gemini-2.5-flash', 0.01, 50));
    const next = await snapshot(dashboard, again.etag!);
    expect(next.status).toBe(200);
    expect(next.data!.version).toBeGreaterThan(first.version);
    expect(next.data!.totals.requests).toBe(10);
    expect(next.data!.perDay.models).toContain('google/gemini-2.5-flash');
    expect(next.data!.records).toBe(first.records + 1);

    // Closing the dashboard leaves the store open: it is the caller's.
    await dashboard.close();
    await store.append(calls(4, 1, 'openai/gpt-5-mini', 0.001, 10));
    await store.close();
  });
});

describe('startDashboard over any store', () => {
  it('follows a MemoryLedgerStore through query()', async () => {
    const store = new MemoryLedgerStore();
    await store.append(calls(1, 2, 'openai/gpt-5-mini', 0.001, 100));
    const dashboard = await start({ store });
    expect((await loaded(dashboard)).totals.requests).toBe(2);
    await store.append(calls(1, 1, 'openai/gpt-5-mini', 0.001, 100).map((record) => ({ ...record, requestId: 'late' })));
    expect((await dashboard.refresh()).totals.requests).toBe(3);
  });

  it('answers while the first read is running, with loading set and the records so far', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const tail: LedgerTail & { reads: number } = {
      source: 'slow ledger',
      // The first read yields two records, then waits for the gate before three more; later reads find nothing new.
      reads: 0,
      async *read(this: { reads: number }): AsyncIterable<TailBatch> {
        this.reads += 1;
        if (this.reads > 1) return;
        yield { records: calls(1, 2, 'openai/gpt-5-mini', 0.001, 100) };
        await gate;
        yield { records: calls(2, 3, 'openai/gpt-5-mini', 0.001, 100) };
      },
      async close() {},
    };
    const dashboard = await start({ tail });
    let partial: DashboardData | undefined;
    while (!partial || partial.records < 2) partial = (await snapshot(dashboard)).data;
    expect(partial.loading).toBe(true);
    expect(partial.source).toBe('slow ledger');
    expect(partial.totals.requests).toBe(2);
    release();
    const done = await loaded(dashboard);
    expect(done.totals.requests).toBe(5);
  });

  it('shows why a read failed, keeps the figures, and clears the error when reads work again', async () => {
    let fail = false;
    // What was appended since the last read, as a tail passes it on.
    const appended = calls(1, 1, 'openai/gpt-5-mini', 0.001, 100);
    const tail: LedgerTail = {
      source: 'flaky',
      async *read(): AsyncIterable<TailBatch> {
        if (fail) throw new Error('disk on fire');
        yield { records: appended.splice(0) };
      },
      async close() {},
    };
    const dashboard = await start({ tail });
    expect((await loaded(dashboard)).totals.requests).toBe(1);
    fail = true;
    const failed = await dashboard.refresh();
    expect(failed.error).toBe('disk on fire');
    expect(failed.totals.requests).toBe(1);
    fail = false;
    appended.push(...calls(2, 1, 'openai/gpt-5-mini', 0.001, 100));
    const recovered = await dashboard.refresh();
    expect(recovered.error).toBeUndefined();
    expect(recovered.totals.requests).toBe(2);
  });

  it('shows budgets when budget records come: the latest state of each, and the limit events', async () => {
    const budget = (second: number, spent: number, event?: string) => ({
      type: 'budget',
      requestId: `b${second}`,
      at: at(1, second),
      key: 'team:search',
      window: 'day',
      unit: 'usd',
      spent,
      limit: 5,
      ...(event ? { event } : {}),
    });
    const records = [
      budget(1, 1),
      budget(3, 4.5, 'soft_limit'),
      budget(2, 3),
      budget(4, 5, 'hard_limit'),
      { type: 'budget', requestId: 'bad', at: at(1), key: 'broken' },
    ];
    const tail: LedgerTail = {
      source: 'budgets',
      async *read(): AsyncIterable<TailBatch> {
        yield { records: records.splice(0) };
      },
      async close() {},
    };
    const dashboard = await start({ tail });
    const data = await loaded(dashboard);
    expect(data.budgets?.budgets).toEqual([{ key: 'team:search', window: 'day', unit: 'usd', spent: 5, limit: 5, at: at(1, 4) }]);
    expect(data.budgets?.events.map((event) => event.event)).toEqual(['hard_limit', 'soft_limit']);
  });
});

describe('the dashboard server', () => {
  it('answers only for its own host name, GET and HEAD only, with a strict content policy', async () => {
    const dashboard = await start({ store: new MemoryLedgerStore() });
    const page = await raw(dashboard, {});
    expect(page.status).toBe(200);
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    expect((await raw(dashboard, { host: `localhost:${dashboard.port}` })).status).toBe(200);
    expect((await raw(dashboard, { host: 'attacker.example' })).status).toBe(403);
    expect((await raw(dashboard, { host: `127.0.0.1:${dashboard.port + 1}` })).status).toBe(403);
    expect((await raw(dashboard, { method: 'POST' })).status).toBe(405);
    expect((await raw(dashboard, { method: 'HEAD', path: '/assets/dashboard.js' })).status).toBe(200);
    expect((await raw(dashboard, { path: '/../../etc/passwd' })).status).toBe(404);
    expect(dashboard.url).toBe(`http://127.0.0.1:${dashboard.port}/`);
  });

  it('refuses bad options and a port in use with a ZenError that names the problem', async () => {
    const store = new MemoryLedgerStore();
    const refused = async (options: Parameters<typeof startDashboard>[0], text: string) => {
      const error = await startDashboard(options).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(ZenError.isInstance(error)).toBe(true);
      expect((error as ZenError).kind).toBe('configuration');
      expect((error as ZenError).message).toContain(text);
    };
    await refused({}, 'give a store');
    await refused({ store, port: 70_000 }, 'port must be a whole number from 0 to 65535');
    await refused({ store, refreshSeconds: 0 }, 'refreshSeconds must be from 0.2 to 3600');
    await refused({ store, days: 0 }, 'days must be a whole number >= 1');
    const first = await start({ store });
    await refused({ store, port: first.port }, `port ${first.port} is in use on 127.0.0.1`);
  });
});

describe('budget records a ZenClient writes', () => {
  const sim = useSimulator();

  it('the dashboard shows the budget state and the limit events of real calls', async () => {
    const store = await SqliteLedgerStore.open({ path: join(mkdtempSync(join(tmpdir(), 'zen-dash-budget-')), 'ledger.db') });
    sim.setDefault('gpt-5-mini', { text: 'ok', usage: { input: 100, output: 50 } });
    const zen = zenClient(sim, {
      ledger: store,
      budgets: {
        limits: [
          { tokens: 400, per: 'day' },
          { tokens: 250, per: 'day', soft: true },
        ],
      },
    });
    const messages = [{ role: 'user' as const, content: 'Say ok.' }];
    await zen.chat.completions.create({ model: 'openai/gpt-5-mini', messages, zen: { budgetKey: 'user:42' } });
    await zen.chat.completions.create({ model: 'openai/gpt-5-mini', messages, zen: { budgetKey: 'user:42' } });
    // 300 tokens spent: the hard limit of 400 cannot hold a third call's estimate.
    await expect(
      zen.chat.completions.create({ model: 'openai/gpt-5-mini', messages, max_tokens: 200, zen: { budgetKey: 'user:42' } }),
    ).rejects.toMatchObject({ kind: 'budget_exceeded' });
    await zen.flush();
    const dashboard = await start({ store });
    const data = await loaded(dashboard);
    const rows = data.budgets?.budgets.map(({ key, window, unit, spent, limit }) => ({ key, window, unit, spent, limit }));
    // One row per key, window and unit: the hard limit and the soft one watch the same spend.
    expect(rows).toEqual([{ key: 'user:42', window: 'day', unit: 'tokens', spent: 300, limit: 400 }]);
    expect(data.budgets?.events.map((event) => [event.event, event.spent, event.limit])).toEqual(
      expect.arrayContaining([
        ['hard_limit', 300, 400],
        ['soft_limit', 300, 250],
      ]),
    );
    expect(data.budgets?.budgets[0]?.windowStart).toMatch(/T00:00:00\.000Z$/);
  });
});
