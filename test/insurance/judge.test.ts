import { describe, expect, it } from 'vitest';
import { toNanos } from '../../src/core/money.js';
import { JUDGE_SCHEMA, ZenError, type RequestRecord } from '../../src/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { chat, insuredClient, NANO, records, user } from './helpers.js';

const sim = useSimulator();

const documents = ['Paris is the capital of France. It has about 2.1 million inhabitants.'];
const verdict = (unsupported: Array<{ claim: string; reason: string }>, checked = 2) => ({
  claims_checked: checked,
  unsupported_claims: unsupported,
});

describe.each([false, true])('groundedness judge (stream: %s)', (stream) => {
  it('the judge, called through the router, lists unsupported claims; its cost is the call’s', async () => {
    const zen = insuredClient(sim, { insurance: { judge: { model: NANO } } });
    sim.enqueue('gpt-5-mini', { text: 'Paris is the capital of France and has 9 million inhabitants.', usage: { input: 50, output: 15 } });
    sim.enqueue('gpt-5-nano', {
      json: verdict([{ claim: 'Paris has 9 million inhabitants', reason: 'The document says 2.1 million.' }]),
      usage: { input: 120, output: 30 },
    });
    const { zen: meta } = await chat(
      zen,
      { messages: user('Tell me about Paris.'), zen: { insurance: { groundingDocuments: documents } } },
      stream,
    );

    expect(meta.events.map((event) => [event.kind, event.detector])).toEqual([['ungrounded_claim', 'groundedness']]);
    expect(meta.events[0]!.detail).toMatchObject({ unsupportedClaims: 1, claimsChecked: 2 });
    expect(meta.events[0]!.severity).toBe(0.5);
    expect(meta.claims.map((claim) => [claim.eventKind, claim.status])).toEqual([['ungrounded_claim', 'credited']]);

    // The judge got the documents, the answer, and the verdict schema.
    const judgeCall = sim.callsFor('gpt-5-nano')[0]!.body as {
      messages: Array<{ content: string }>;
      response_format: { type: string; json_schema: { schema: unknown } };
    };
    expect(judgeCall.response_format.type).toBe('json_schema');
    expect(judgeCall.response_format.json_schema.schema).toEqual(JUDGE_SCHEMA);
    expect(JSON.stringify(judgeCall.messages)).toContain('2.1 million inhabitants');
    expect(JSON.stringify(judgeCall.messages)).toContain('9 million inhabitants');

    const answer = meta.attempts.filter((attempt) => attempt.purpose === undefined);
    const judge = meta.attempts.filter((attempt) => attempt.purpose === 'judge');
    expect(judge).toEqual([expect.objectContaining({ channel: `${NANO}:openai`, outcome: 'success' })]);
    expect(toNanos(meta.cost.total)).toBe(toNanos(answer[0]!.cost!.total) + toNanos(judge[0]!.cost!.total));
    expect(meta.claims[0]!.amountUsd).toBe(meta.cost.total);

    // One request record: the judge's call is part of this call, not a call of its own.
    const ledger = await records(zen);
    const requests = ledger.filter((record): record is RequestRecord => record.type === 'request');
    expect(requests).toHaveLength(1);
    expect(requests[0]!.cost.total).toBe(meta.cost.total);
    expect(requests[0]!.attempts.map((attempt) => attempt.purpose ?? 'answer')).toEqual(['answer', 'judge']);
  });

  it('a grounded answer files nothing', async () => {
    const zen = insuredClient(sim, { insurance: { judge: { model: NANO } } });
    sim.enqueue('gpt-5-mini', { text: 'Paris is the capital of France.' });
    sim.enqueue('gpt-5-nano', { json: verdict([], 1) });
    const { zen: meta } = await chat(zen, { messages: user('Capital?'), zen: { insurance: { groundingDocuments: documents } } }, stream);
    expect(meta.events).toEqual([]);
    expect(meta.attempts.some((attempt) => attempt.purpose === 'judge')).toBe(true);
  });

  it('a judge that breaks its schema is an `error` event, not a quality event; its cost still counts', async () => {
    const zen = insuredClient(sim, { insurance: { judge: { model: NANO } } });
    const errors: unknown[] = [];
    zen.on('error', (event) => errors.push(event));
    sim.enqueue('gpt-5-mini', { text: 'Paris is the capital of France.' });
    sim.enqueue('gpt-5-nano', { text: 'Looks fine to me!' });
    const { zen: meta } = await chat(zen, { messages: user('Capital?'), zen: { insurance: { groundingDocuments: documents } } }, stream);
    expect(meta.events).toEqual([]);
    expect(errors).toEqual([expect.objectContaining({ source: 'detector', detector: 'groundedness' })]);
    const judge = meta.attempts.find((attempt) => attempt.purpose === 'judge')!;
    expect(toNanos(meta.cost.total)).toBe(toNanos(meta.attempts[0]!.cost!.total) + toNanos(judge.cost!.total));
  });
});

describe('groundedness configuration', () => {
  it('grounding documents without a judge is a configuration error naming insurance.judge, and recorded', async () => {
    const zen = insuredClient(sim);
    const error = await chat(zen, { messages: user('hi'), zen: { insurance: { groundingDocuments: documents } } }, false).catch(
      (caught: unknown) => caught,
    );
    expect(ZenError.isInstance(error) && error.kind).toBe('configuration');
    expect((error as ZenError).message).toMatch(/insurance: \{ judge: \{ model/);
    expect(sim.calls).toHaveLength(0);
    const ledger = await records(zen);
    expect(ledger).toEqual([expect.objectContaining({ type: 'request', outcome: 'error', errorKind: 'configuration' })]);
  });
});

describe.each([false, true])('self-consistency (stream: %s)', (stream) => {
  it('samples that disagree flag the answer; their cost is the call’s', async () => {
    const zen = insuredClient(sim, { insurance: { consistency: { threshold: 0.5 } } });
    sim.enqueue(
      'gpt-5-mini',
      { text: 'The meeting is on Tuesday at noon.' },
      { text: 'It was cancelled, sorry.' },
      { text: 'Friday morning, in room four.' },
    );
    const { zen: meta } = await chat(
      zen,
      { messages: user('When is the meeting?'), zen: { insurance: { consistencySamples: 2 } } },
      stream,
    );
    expect(sim.callsFor('gpt-5-mini')).toHaveLength(3);
    expect(meta.events.map((event) => event.kind)).toEqual(['inconsistent_answers']);
    expect(meta.events[0]!.detail).toMatchObject({ samples: 2, threshold: 0.5 });
    const samples = meta.attempts.filter((attempt) => attempt.purpose === 'consistency');
    expect(samples).toHaveLength(2);
    const sum = meta.attempts.reduce((total, attempt) => total + toNanos(attempt.cost?.total ?? 0), 0);
    expect(toNanos(meta.cost.total)).toBe(sum);
    expect(meta.claims[0]).toMatchObject({ eventKind: 'inconsistent_answers', status: 'credited' });
  });

  it('samples that agree file nothing; off by default', async () => {
    const zen = insuredClient(sim);
    sim.enqueue(
      'gpt-5-mini',
      { text: 'The meeting is on Tuesday at noon.' },
      { text: 'The meeting is on Tuesday, at noon.' },
      { text: 'Tuesday at noon is the meeting.' },
    );
    const { zen: meta } = await chat(
      zen,
      { messages: user('When is the meeting?'), zen: { insurance: { consistencySamples: 2 } } },
      stream,
    );
    expect(meta.events).toEqual([]);
    sim.enqueue('gpt-5-mini', { text: 'Tuesday.' });
    const { zen: plain } = await chat(zen, { messages: user('When?') }, stream);
    expect(plain.attempts.filter((attempt) => attempt.purpose)).toEqual([]);
  });
});
