import { describe, expect, it } from 'vitest';
import type { ZenError, Claim, QualityEvent, QualityOutcome } from '../../src/index.js';
import { BetaQualityModel } from '../../src/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { chat, insuredClient, MINI, records, user } from './helpers.js';

const sim = useSimulator();

const covered = { insurance: { policy: { cover: { user_feedback: { percent: 100 }, ungrounded_claim: { percent: 50 } } } } } as const;

describe('feedback', () => {
  it('bad feedback files an event after the fact and claims it when covered', async () => {
    const zen = insuredClient(sim, covered);
    const events: QualityEvent[] = [];
    const claims: Claim[] = [];
    zen.on('quality', (event) => events.push(event));
    zen.on('claim', (claim) => claims.push(claim));
    sim.enqueue('gpt-5-mini', { text: 'The Eiffel Tower is in Rome.', usage: { input: 20, output: 10 } });
    const { zen: meta } = await chat(zen, { messages: user('Where is the Eiffel Tower?') }, false);
    expect(meta.events).toEqual([]);

    const result = await zen.feedback(meta.requestId, { rating: 'bad', comment: 'Wrong city! Write me at jane.doe@example.com' });
    expect(result.event).toMatchObject({
      kind: 'user_feedback',
      detector: 'feedback',
      channel: `${MINI}:openai`,
      requestId: meta.requestId,
      severity: 1,
    });
    // With captureContent 'none' the comment is not kept.
    expect(result.event!.detail).toEqual({ rating: 'bad' });
    expect(result.claims).toEqual([
      expect.objectContaining({ eventKind: 'user_feedback', status: 'credited', amountUsd: meta.cost.total }),
    ]);
    expect(events).toEqual([result.event]);
    expect(claims).toEqual(result.claims);
    expect(await zen.balance()).toBe(meta.cost.total);

    const ledger = await records(zen);
    expect(ledger.map((record) => record.type)).toEqual(['request', 'event', 'claim', 'credit', 'case']);
    const caseRecord = ledger.find((record) => record.type === 'case');
    expect(caseRecord).toMatchObject({
      eventKinds: ['user_feedback'],
      badAnswer: { role: 'assistant', content: 'The Eiffel Tower is in Rome.' },
    });
  });

  it('feedback may name the kind of problem; the comment is kept redacted when content is captured', async () => {
    const zen = insuredClient(sim, { insurance: { ...covered.insurance, captureContent: 'redacted' } });
    sim.enqueue('gpt-5-mini', { text: 'The Eiffel Tower is in Rome.' });
    const { zen: meta } = await chat(zen, { messages: user('Where?') }, true);
    const result = await zen.feedback(meta.requestId, {
      rating: 'bad',
      kind: 'ungrounded_claim',
      comment: 'Wrong. Mail jane.doe@example.com',
    });
    expect(result.event).toMatchObject({ kind: 'ungrounded_claim', detector: 'feedback' });
    expect(result.event!.detail).toEqual({ rating: 'bad', comment: 'Wrong. Mail [EMAIL]' });
    expect(result.claims[0]).toMatchObject({ eventKind: 'ungrounded_claim', rule: expect.stringMatching(/^50% of call cost/) });
  });

  it('feedback is not claimed when user_feedback is not covered (the default)', async () => {
    const zen = insuredClient(sim);
    sim.enqueue('gpt-5-mini', { text: 'meh' });
    const { zen: meta } = await chat(zen, { messages: user('hi') }, false);
    const result = await zen.feedback(meta.requestId, { rating: 'bad' });
    expect(result.event?.kind).toBe('user_feedback');
    expect(result.claims).toEqual([]);
  });

  it('good feedback files no event and raises the channel in the quality model', async () => {
    const observed: QualityOutcome[] = [];
    const model = new BetaQualityModel();
    const zen = insuredClient(sim, {
      qualityModel: {
        estimate: model.estimate.bind(model),
        observe: (outcome) => {
          observed.push(outcome);
          return model.observe(outcome);
        },
      },
    });
    sim.enqueue('gpt-5-mini', { text: 'Great answer.' });
    const { zen: meta } = await chat(zen, { messages: user('hi') }, false);
    observed.length = 0;
    expect(await zen.feedback(meta.requestId, { rating: 'good' })).toEqual({ claims: [] });
    expect(observed).toEqual([expect.objectContaining({ score: 1, success: true })]);
    expect(observed[0]!.channel.id).toBe(`${MINI}:openai`);
    await zen.feedback(meta.requestId, { rating: 'bad' });
    expect(observed[1]).toMatchObject({ score: 0 });
  });

  it('feedback on a call that failed as an invalid request is excluded', async () => {
    const zen = insuredClient(sim, covered);
    sim.enqueue('gpt-5-mini', { fault: { type: 'http', status: 400, message: 'bad parameter' } });
    const error = (await chat(zen, { messages: user('hi') }, false).catch((caught: unknown) => caught)) as ZenError;
    expect(error.kind).toBe('invalid_request');
    const result = await zen.feedback(error.zen!.requestId, { rating: 'bad' });
    expect(result.claims).toEqual([expect.objectContaining({ status: 'excluded', note: 'the request was invalid', amountUsd: 0 })]);
  });

  it('bad input gets clear errors', async () => {
    const zen = insuredClient(sim);
    await expect(zen.feedback('zen_nope', { rating: 'bad' })).rejects.toMatchObject({
      kind: 'invalid_request',
      code: 'requestId',
      message: expect.stringContaining('"zen_nope" is not in the ledger'),
    });
    await expect(zen.feedback('zen_nope', { rating: 'meh' as 'bad' })).rejects.toMatchObject({
      kind: 'invalid_request',
      code: 'feedback.rating',
    });
    await expect(zen.feedback('zen_nope', { rating: 'bad', severity: 3 })).rejects.toMatchObject({
      kind: 'invalid_request',
      code: 'feedback.severity',
    });
  });
});
