import { describe, expect, it } from 'vitest';
import { toNanos } from '../../src/core/money.js';
import type { CaseRecord, QualityOutcome } from '../../src/index.js';
import { BetaQualityModel } from '../../src/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { chat, insuredClient, MINI, records, SONNET, user } from './helpers.js';

const sim = useSimulator();

const personFormat = {
  type: 'json_schema' as const,
  json_schema: {
    name: 'person',
    strict: true,
    schema: {
      type: 'object',
      properties: { name: { type: 'string' }, age: { type: 'integer' } },
      required: ['name', 'age'],
      additionalProperties: false,
    },
  },
};

describe('repair', () => {
  it('a bad JSON answer from the first channel is replaced by the second; the claim for the first stays', async () => {
    const zen = insuredClient(sim, { insurance: { repair: true } });
    sim.enqueue('gpt-5-mini', { text: '{"name": "Ann", "age": ', usage: { input: 40, output: 12 } });
    sim.enqueue('claude-sonnet-4-5', { json: { name: 'Ann', age: 41 }, usage: { input: 40, output: 12 } });
    const completion = await zen.chat.completions.create({
      model: [MINI, SONNET],
      messages: user('Invent a person.'),
      response_format: personFormat,
    });
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual({ name: 'Ann', age: 41 });
    const meta = completion.zen;
    expect(meta.repaired).toBe(true);
    expect(meta.channel).toBe(`${SONNET}:anthropic`);
    expect(meta.attempts.map((attempt) => [attempt.channel, attempt.outcome])).toEqual([
      [`${MINI}:openai`, 'success'],
      [`${SONNET}:anthropic`, 'success'],
    ]);
    expect(meta.events.map((event) => [event.kind, event.channel])).toEqual([['invalid_json', `${MINI}:openai`]]);
    // The bad attempt is compensated at its own cost; the call's cost holds both attempts.
    const badCost = meta.attempts[0]!.cost!.total;
    expect(meta.claims).toEqual([
      expect.objectContaining({ eventKind: 'invalid_json', channel: `${MINI}:openai`, status: 'credited', amountUsd: badCost }),
    ]);
    expect(meta.claims[0]!.rule).toMatch(/^100% of attempt cost/);
    expect(toNanos(meta.cost.total)).toBe(toNanos(badCost) + toNanos(meta.attempts[1]!.cost!.total));

    const ledger = await records(zen);
    const caseRecord = ledger.find((record): record is CaseRecord => record.type === 'case')!;
    expect(caseRecord).toMatchObject({ eventKinds: ['invalid_json'], channel: `${MINI}:openai` });
    expect(caseRecord.badAnswer).toEqual({ role: 'assistant', content: '{"name": "Ann", "age": ' });
    expect(caseRecord.repairedAnswer).toEqual({ role: 'assistant', content: '{"name":"Ann","age":41}' });
  });

  it('per request: zen.insurance.repair', async () => {
    const zen = insuredClient(sim);
    sim.enqueue('gpt-5-mini', { text: '' });
    sim.enqueue('claude-sonnet-4-5', { text: 'A real answer.' });
    const { text, zen: meta } = await chat(
      zen,
      { model: [MINI, SONNET], messages: user('hi'), zen: { insurance: { repair: true } } },
      false,
    );
    expect(text).toBe('A real answer.');
    expect(meta.repaired).toBe(true);
  });

  it('without repair the bad answer is returned, with its claim', async () => {
    const zen = insuredClient(sim);
    sim.enqueue('gpt-5-mini', { text: '' });
    const { text, zen: meta } = await chat(zen, { model: [MINI, SONNET], messages: user('hi') }, false);
    expect(text).toBe('');
    expect(meta.repaired).toBe(false);
    expect(sim.callsFor('claude-sonnet-4-5')).toHaveLength(0);
    expect(meta.claims.map((claim) => claim.status)).toEqual(['credited']);
  });

  it('events that are not covered do not trigger a repair', async () => {
    const zen = insuredClient(sim, { insurance: { repair: true } });
    sim.enqueue('gpt-5-mini', { text: "I'm sorry, but I can't help with that." });
    const { zen: meta } = await chat(zen, { model: [MINI, SONNET], messages: user('hi') }, false);
    expect(meta.events.map((event) => event.kind)).toEqual(['refusal']);
    expect(meta.repaired).toBe(false);
    expect(sim.callsFor('claude-sonnet-4-5')).toHaveLength(0);
  });

  it('with nothing left to repair with, the caller gets the answer there is, not repaired', async () => {
    const zen = insuredClient(sim, { insurance: { repair: true } });
    sim.enqueue('gpt-5-mini', { text: '' });
    const { zen: meta } = await chat(zen, { model: MINI, messages: user('hi') }, false);
    expect(meta.repaired).toBe(false);
    expect(meta.claims).toEqual([expect.objectContaining({ eventKind: 'empty_answer', status: 'credited', amountUsd: meta.cost.total })]);
  });

  it('quality events reach the router: the rejected channel is observed with their severities', async () => {
    const observed: QualityOutcome[] = [];
    const model = new BetaQualityModel();
    const qualityModel = {
      estimate: model.estimate.bind(model),
      observe: (outcome: QualityOutcome) => {
        observed.push(outcome);
        return model.observe(outcome);
      },
    };
    const zen = insuredClient(sim, { qualityModel, insurance: { repair: true } });
    sim.enqueue('gpt-5-mini', { text: '' });
    sim.enqueue('claude-sonnet-4-5', { text: 'Fine.' });
    await chat(zen, { model: [MINI, SONNET], messages: user('hi') }, false);
    expect(observed.map((outcome) => [outcome.channel.id, outcome.success, outcome.eventSeverities])).toEqual([
      [`${MINI}:openai`, true, [1]],
      [`${SONNET}:anthropic`, true, undefined],
    ]);
  });

  it('a streamed answer is not repaired (it has reached the caller), but its events are claimed', async () => {
    const zen = insuredClient(sim, { insurance: { repair: true } });
    sim.enqueue('gpt-5-mini', { text: 'not json' });
    const { zen: meta } = await chat(
      zen,
      { model: [MINI, SONNET], messages: user('json please'), response_format: { type: 'json_object' } },
      true,
    );
    expect(meta.repaired).toBe(false);
    expect(meta.claims.map((claim) => claim.eventKind)).toEqual(['invalid_json']);
  });
});
