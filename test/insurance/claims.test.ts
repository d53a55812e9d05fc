import { describe, expect, it } from 'vitest';
import { toNanos } from '../../src/core/money.js';
import { DEFAULT_COVERAGE, type Claim } from '../../src/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { chat, insuredClient, records, user } from './helpers.js';

const sim = useSimulator();

const jsonRequest = { messages: user('a person as JSON'), response_format: { type: 'json_object' as const } };

describe('compensation rules', () => {
  it('percentage: a covered event is claimed at its share of the call cost, credited and in the balance', async () => {
    const zen = insuredClient(sim);
    const claims: Claim[] = [];
    zen.on('claim', (claim) => claims.push(claim));
    sim.enqueue('gpt-5-mini', { text: 'not json at all', usage: { input: 1000, output: 500 } });
    const { zen: meta } = await chat(zen, jsonRequest, false);
    expect(DEFAULT_COVERAGE.invalid_json).toEqual({ percent: 100 });
    expect(meta.cost.total).toBeGreaterThan(0);
    expect(meta.claims).toHaveLength(1);
    const [claim] = meta.claims;
    expect(claim).toMatchObject({
      eventKind: 'invalid_json',
      eventId: meta.events[0]!.id,
      status: 'credited',
      amountUsd: meta.cost.total,
      requestId: meta.requestId,
    });
    expect(claim!.rule).toMatch(/^100% of call cost \(\$0\.\d+\)$/);
    expect(claims).toEqual(meta.claims);
    expect(await zen.balance()).toBe(meta.cost.total);
    expect(await zen.ledger.creditBalance()).toBe(meta.cost.total);
    const ledger = await records(zen);
    expect(ledger.map((record) => record.type)).toEqual(['request', 'event', 'claim', 'credit', 'case']);
  });

  it('percentage: 25% of cost, rounded to whole nanodollars', async () => {
    const zen = insuredClient(sim, { insurance: { policy: { cover: { empty_answer: { percent: 25 } } } } });
    sim.enqueue('gpt-5-mini', { text: '', usage: { input: 333, output: 77 } });
    const { zen: meta } = await chat(zen, { messages: user('hi') }, true);
    const expected = Math.round(toNanos(meta.cost.total) * 0.25) / 1e9;
    expect(meta.claims[0]).toMatchObject({ eventKind: 'empty_answer', status: 'credited', amountUsd: expected });
    expect(meta.claims[0]!.rule).toMatch(/^25% of call cost/);
  });

  it('fixed credit', async () => {
    const zen = insuredClient(sim, { insurance: { policy: { cover: { empty_answer: { fixedUsd: 0.002 } } } } });
    sim.enqueue('gpt-5-mini', { text: '' });
    const { zen: meta } = await chat(zen, { messages: user('hi') }, false);
    expect(meta.claims[0]).toMatchObject({ status: 'credited', amountUsd: 0.002, rule: 'fixed $0.002' });
    expect(await zen.balance()).toBe(0.002);
  });

  it('a kind not covered files an event but no claim; `false` removes a default', async () => {
    const zen = insuredClient(sim, { insurance: { policy: { cover: { empty_answer: false } } } });
    sim.enqueue('gpt-5-mini', { text: '' });
    sim.enqueue('gpt-5-mini', { text: "I'm sorry, but I can't help with that." });
    const empty = await chat(zen, { messages: user('hi') }, false);
    const refusal = await chat(zen, { messages: user('hi') }, false);
    expect(empty.zen.events.map((event) => event.kind)).toEqual(['empty_answer']);
    expect(refusal.zen.events.map((event) => event.kind)).toEqual(['refusal']);
    expect([...empty.zen.claims, ...refusal.zen.claims]).toEqual([]);
    expect(await zen.balance()).toBe(0);
  });

  it('daily cap: a claim beyond it is recorded as capped and grants nothing', async () => {
    const zen = insuredClient(sim, { insurance: { policy: { cover: { empty_answer: { fixedUsd: 0.001 } }, dailyCapUsd: 0.0025 } } });
    const statuses: Array<Claim['status']> = [];
    for (let index = 0; index < 3; index++) {
      sim.enqueue('gpt-5-mini', { text: '' });
      const { zen: meta } = await chat(zen, { messages: user('hi') }, index === 1);
      statuses.push(meta.claims[0]!.status);
      if (index === 2) {
        expect(meta.claims[0]!.amountUsd).toBe(0);
        expect(meta.claims[0]!.note).toBe('the daily cap of $0.0025 is reached; would have granted $0.001');
      }
    }
    expect(statuses).toEqual(['credited', 'credited', 'capped']);
    expect(await zen.balance()).toBe(0.002);
    const summary = await zen.ledger.claimsSummary();
    expect(summary.byStatus).toEqual({ credited: 2, capped: 1, excluded: 0 });
    expect(summary.creditedUsd).toBe(0.002);
  });

  it('daily cap per kind', async () => {
    const zen = insuredClient(sim, {
      insurance: { policy: { cover: { empty_answer: { fixedUsd: 0.001, dailyCapUsd: 0.001 }, refusal: { fixedUsd: 0.001 } } } },
    });
    sim.enqueue('gpt-5-mini', { text: '' }, { text: '' }, { text: "I'm sorry, but I can't help with that." });
    const results = [];
    for (let index = 0; index < 3; index++) results.push((await chat(zen, { messages: user('hi') }, false)).zen.claims[0]!);
    expect(results.map((claim) => [claim.eventKind, claim.status])).toEqual([
      ['empty_answer', 'credited'],
      ['empty_answer', 'capped'],
      ['refusal', 'credited'],
    ]);
  });

  it('the daily cap counts credits already in a persistent ledger (a new client, the same store)', async () => {
    const options = { insurance: { policy: { cover: { empty_answer: { fixedUsd: 0.001 } }, dailyCapUsd: 0.001 } } };
    const first = insuredClient(sim, options);
    sim.enqueue('gpt-5-mini', { text: '' }, { text: '' });
    expect((await chat(first, { messages: user('hi') }, false)).zen.claims[0]!.status).toBe('credited');
    await first.flush();
    const second = insuredClient(sim, { ...options, ledger: first.ledger });
    expect((await chat(second, { messages: user('hi') }, false)).zen.claims[0]!.status).toBe('capped');
  });

  it('percentage credits of one call never exceed its cost', async () => {
    const zen = insuredClient(sim, {
      insurance: { policy: { cover: { empty_answer: { percent: 100 }, truncated_answer: { percent: 50 } } } },
    });
    // Empty and cut at the length limit: 150% together.
    sim.enqueue('gpt-5-mini', { text: '', finishReason: 'length', usage: { input: 100, output: 100 } });
    const { zen: meta } = await chat(zen, { messages: user('hi') }, false);
    expect(meta.claims.map((claim) => [claim.eventKind, claim.status])).toEqual([
      ['empty_answer', 'credited'],
      ['truncated_answer', 'capped'],
    ]);
    expect(meta.claims[1]!.note).toMatch(/^the call's credits reached its cost of \$0\.\d+; would have granted \$0\.\d+$/);
    expect(await zen.balance()).toBe(meta.cost.total);
  });

  it('exclusion: events on a stream the caller cancelled are claimed as excluded', async () => {
    const zen = insuredClient(sim, { insurance: { limits: { maxFirstTokenMs: 30 } } });
    sim.enqueue('gpt-5-mini', { text: 'one two three four five six seven eight', ttftMs: 120, tokensPerSecond: 20 });
    const stream = await zen.chat.completions.create({ model: 'openai/gpt-5-mini', messages: user('count'), stream: true });
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) break;
    }
    const meta = await stream.metadata();
    expect(meta.events.map((event) => event.kind)).toEqual(['slow_first_token']);
    expect(meta.claims).toEqual([
      expect.objectContaining({ eventKind: 'slow_first_token', status: 'excluded', amountUsd: 0, note: 'the caller cancelled the call' }),
    ]);
    const request = (await records(zen)).find((record) => record.type === 'request');
    expect(request).toMatchObject({ outcome: 'aborted', stream: true });
    expect(await zen.balance()).toBe(0);
  });

  it('exclusion: a call aborted through its signal', async () => {
    const zen = insuredClient(sim, { insurance: { limits: { maxFirstTokenMs: 20 } } });
    sim.enqueue('gpt-5-mini', { text: 'one two three four five six seven eight', ttftMs: 80, tokensPerSecond: 10 });
    const controller = new AbortController();
    const stream = await zen.chat.completions.create(
      { model: 'openai/gpt-5-mini', messages: user('count'), stream: true },
      { signal: controller.signal },
    );
    let chunks = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content && ++chunks === 2) controller.abort();
    }
    const meta = await stream.metadata();
    expect(meta.claims.map((claim) => claim.status)).toEqual(['excluded']);
  });

  it('exclusion: a host rule', async () => {
    const zen = insuredClient(sim, {
      insurance: {
        policy: { exclude: { custom: (event) => (event.kind === 'empty_answer' ? 'empty answers are free on the beta plan' : undefined) } },
      },
    });
    sim.enqueue('gpt-5-mini', { text: '' });
    const { zen: meta } = await chat(zen, { messages: user('hi') }, false);
    expect(meta.claims[0]).toMatchObject({ status: 'excluded', note: 'empty answers are free on the beta plan', amountUsd: 0 });
  });
});
