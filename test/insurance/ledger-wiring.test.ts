import { describe, expect, it } from 'vitest';
import {
  Ledger,
  MemoryLedgerStore,
  ZenError,
  type ZenErrorEvent,
  type LedgerQuery,
  type LedgerRecord,
  type LedgerStore,
} from '../../src/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { chat, insuredClient, records, user } from './helpers.js';

const sim = useSimulator();

/** A store whose appends wait for the test, or fail while `failing` is set. */
class ControlledStore implements LedgerStore {
  readonly inner = new MemoryLedgerStore();
  failing = false;
  appends = 0;
  gate: Promise<void> | undefined;

  async append(records: LedgerRecord[]): Promise<void> {
    this.appends++;
    await this.gate;
    if (this.failing) throw new Error('disk full');
    await this.inner.append(records);
  }

  query(query?: LedgerQuery): AsyncIterable<LedgerRecord> {
    return this.inner.query(query);
  }

  async close(): Promise<void> {
    await this.inner.close();
  }
}

describe('ledger wiring', () => {
  it('every call is recorded, the ledger defaults to a bounded memory store, exposed as zen.ledger', async () => {
    const zen = insuredClient(sim);
    expect(zen.ledger).toBeInstanceOf(Ledger);
    expect(zen.ledger.store).toBeInstanceOf(MemoryLedgerStore);
    sim.enqueue('gpt-5-mini', { text: 'hello there', usage: { input: 12, output: 3 } });
    const { zen: meta } = await chat(zen, { messages: user('hi'), zen: { tags: { tenant: 'acme' } } }, false);
    const [request] = await records(zen);
    expect(request).toEqual({
      type: 'request',
      requestId: meta.requestId,
      at: expect.any(String),
      face: 'openai-chat',
      requested: 'openai/gpt-5-mini',
      model: 'openai/gpt-5-mini',
      channel: 'openai/gpt-5-mini:openai',
      provider: 'openai',
      stream: false,
      outcome: 'success',
      usage: meta.usage,
      cost: meta.cost,
      durationMs: meta.durationMs,
      tokensPerSecond: meta.tokensPerSecond,
      finishReason: 'stop',
      attempts: meta.attempts,
      content: expect.objectContaining({ mode: 'none' }),
      tags: { tenant: 'acme' },
    });
  });

  it('a host LedgerStore or a Ledger is accepted', async () => {
    const store = new MemoryLedgerStore({ maxRecords: 50 });
    const viaStore = insuredClient(sim, { ledger: store });
    expect(viaStore.ledger.store).toBe(store);
    const ledger = new Ledger(new MemoryLedgerStore());
    expect(insuredClient(sim, { ledger }).ledger).toBe(ledger);
  });

  it('records are appended after the call returns: a slow store does not hold the answer', async () => {
    const store = new ControlledStore();
    let open!: () => void;
    store.gate = new Promise((resolve) => (open = resolve));
    const zen = insuredClient(sim, { ledger: store });
    sim.enqueue('gpt-5-mini', { text: 'quick' });
    const { text } = await chat(zen, { messages: user('hi') }, false);
    expect(text).toBe('quick');
    let flushed = false;
    const flushing = zen.flush().then(() => (flushed = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(flushed).toBe(false);
    open();
    await flushing;
    expect((await records(zen)).map((record) => record.type)).toEqual(['request']);
  });

  it('a failing store: an `error` event with the records, flush throws, nothing is lost, order is kept', async () => {
    const store = new ControlledStore();
    store.failing = true;
    const zen = insuredClient(sim, { ledger: store });
    const errors: ZenErrorEvent[] = [];
    zen.on('error', (event) => errors.push(event));
    sim.enqueue('gpt-5-mini', { text: 'first' }, { text: '' });
    const first = await chat(zen, { messages: user('one') }, false);
    const error = await zen.flush().catch((caught: unknown) => caught);
    expect(ZenError.isInstance(error) && error.message).toMatch(
      /ledger records could not be written \(the ledger store failed: disk full\); they are kept/,
    );
    expect(errors[0]).toMatchObject({
      source: 'ledger',
      records: [expect.objectContaining({ type: 'request', requestId: first.zen.requestId })],
    });
    expect(errors[0]!.error.message).toContain('disk full');

    const second = await chat(zen, { messages: user('two') }, true);
    store.failing = false;
    await zen.flush();
    const ledger = await records(zen);
    expect(ledger.filter((record) => record.type === 'request').map((record) => record.requestId)).toEqual([
      first.zen.requestId,
      second.zen.requestId,
    ]);
    expect(ledger.map((record) => record.type)).toEqual(['request', 'request', 'event', 'claim', 'credit', 'case']);
  });

  it('close flushes and closes the store', async () => {
    const store = new MemoryLedgerStore();
    const zen = insuredClient(sim, { ledger: store });
    sim.enqueue('gpt-5-mini', { text: 'bye' });
    await chat(zen, { messages: user('hi') }, false);
    await zen.close();
    expect(store.size).toBe(1);
    await expect(store.append([])).rejects.toThrow(/closed/);
  });
});

describe('configuration errors name the option', () => {
  const cases: Array<[string, Parameters<typeof insuredClient>[1], string]> = [
    ['captureContent', { insurance: { captureContent: 'all' as 'none' } }, 'insurance.captureContent'],
    ['unknown detector', { insurance: { detectors: ['psychic'] } }, 'insurance.detectors'],
    ['detector without scope', { insurance: { detectors: [{ name: 'x', inspectResult: () => [] } as never] } }, 'insurance.detectors'],
    [
      'negative percent',
      { insurance: { policy: { cover: { invalid_json: { percent: -5 } } } } },
      'insurance.policy.cover.invalid_json.percent',
    ],
    ['bad rule', { insurance: { policy: { cover: { invalid_json: { amount: 1 } as never } } } }, 'insurance.policy.cover.invalid_json'],
    ['daily cap', { insurance: { policy: { dailyCapUsd: -1 } } }, 'insurance.policy.dailyCapUsd'],
    ['limit', { insurance: { limits: { maxFirstTokenMs: -3 } } }, 'insurance.limits.maxFirstTokenMs'],
    ['judge model', { insurance: { judge: { model: '' } } }, 'insurance.judge.model'],
    ['samples', { insurance: { consistency: { samples: 2.5 } } }, 'insurance.consistency.samples'],
    ['ledger', { ledger: {} as never }, 'ledger'],
  ];
  it.each(cases)('%s', (_name, options, option) => {
    let caught: unknown;
    try {
      insuredClient(sim, options);
    } catch (error) {
      caught = error;
    }
    expect(ZenError.isInstance(caught)).toBe(true);
    expect(caught).toMatchObject({ kind: 'configuration', code: option });
    expect((caught as ZenError).message.startsWith(option)).toBe(true);
  });

  it('bad per-request options are invalid requests naming zen.insurance.*, recorded, nothing sent', async () => {
    const zen = insuredClient(sim);
    await expect(chat(zen, { messages: user('hi'), zen: { insurance: { detectors: ['psychic'] } } }, false)).rejects.toMatchObject({
      kind: 'invalid_request',
      code: 'zen.insurance.detectors',
    });
    await expect(chat(zen, { messages: user('hi'), zen: { insurance: { detectors: ['psychic'] } } }, true)).rejects.toMatchObject({
      kind: 'invalid_request',
      code: 'zen.insurance.detectors',
    });
    // A value of the wrong type or range is refused by the face's schema, like any malformed field, before a call exists to record.
    await expect(chat(zen, { messages: user('hi'), zen: { insurance: { maxTotalMs: -1 } } }, true)).rejects.toMatchObject({
      kind: 'invalid_request',
      code: 'zen.insurance.maxTotalMs',
    });
    expect(sim.calls).toHaveLength(0);
    const ledger = await records(zen);
    expect(ledger.map((record) => record.type === 'request' && [record.outcome, record.errorKind, record.stream])).toEqual([
      ['error', 'invalid_request', false],
      ['error', 'invalid_request', true],
    ]);
  });

  it('insurance off: no detectors, no claims, calls still recorded', async () => {
    const zen = insuredClient(sim, { insurance: { enabled: false } });
    sim.enqueue('gpt-5-mini', { text: '' });
    const { zen: meta } = await chat(zen, { messages: user('hi') }, false);
    expect(meta.events).toEqual([]);
    expect((await records(zen)).map((record) => record.type)).toEqual(['request']);
  });
});
