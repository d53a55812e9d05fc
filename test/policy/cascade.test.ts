import { describe, expect, it } from 'vitest';
import { toNanos } from '../../src/core/money.js';
import type { ModelDefinition } from '../../src/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { FLASH, HAIKU, NANO, UP, zenClient } from './execution-helpers.js';

/**
 * `auto` with `cascade`: the pick (gpt-5-nano) answers first, a self-consistency sample from a
 * second model (gemini-2.5-flash) checks it, and when they disagree the call escalates to the pick
 * at `quality` (claude-haiku-4-5). Real SDKs against the simulator; every cost counted.
 */

const sim = useSimulator();

const MODELS: Record<string, ModelDefinition> = {
  [NANO]: { price: { inputPerMTok: 0.05, outputPerMTok: 0.4 }, quality: 0.8 },
  [HAIKU]: { price: { inputPerMTok: 0.5, outputPerMTok: 4 }, quality: 0.97 },
  [FLASH]: { price: { inputPerMTok: 0.01, outputPerMTok: 0.08 }, quality: 0.6, auto: false },
};
const POOL = [NANO, HAIKU];
const PROMPT =
  'Which city hosted the 1992 Summer Olympics? Name the city and the country, and say in one sentence why it was chosen over the other candidates.';
/** A good check: it catches most wrong answers and costs little (the sample's model is cheap). */
const CASCADE = { recall: 0.9, falseAlarms: 0.05, checkCost: 0.2 };

function client() {
  return zenClient(sim, {
    models: MODELS,
    // The pool is per call: a client-wide allow list would also bind the check's sample.
    routing: { preference: 'balanced', exploration: false, retry: { retries: 0 } },
    insurance: { consistency: { model: FLASH } },
  });
}

describe('cascade', () => {
  it('escalates when the check fails, and counts the first answer, the check and the escalation', async () => {
    const zen = client();
    sim.enqueue(UP[NANO], { text: 'Madrid, Spain.', usage: { input: 40, output: 10 } });
    // The check's samples: one disagrees with the first answer; the escalation's answer is checked too, and passes.
    sim.enqueue(
      UP[FLASH],
      { text: 'Barcelona, Spain: the city had bid for decades.', usage: { input: 40, output: 12 } },
      { text: 'Barcelona, Spain: its bid promised a rebuilt waterfront.', usage: { input: 40, output: 12 } },
    );
    sim.enqueue(UP[HAIKU], { text: 'Barcelona, Spain: its bid promised a rebuilt waterfront.', usage: { input: 40, output: 12 } });
    const completion = await zen.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: PROMPT }],
      zen: { models: POOL, cascade: CASCADE },
    });
    const meta = completion.zen;
    expect(completion.choices[0]!.message.content).toContain('Barcelona');
    expect(meta.explanation).toContain(`cascade: ${NANO}:openai first`);
    expect(meta.explanation).toContain(`escalating to ${HAIKU}:anthropic`);
    expect(meta.plan.slice(0, 2)).toEqual([`${NANO}:openai`, `${HAIKU}:anthropic`]);
    expect(meta.repaired).toBe(true);
    expect(meta.events.map((event) => [event.kind, event.channel])).toEqual([['inconsistent_answers', `${NANO}:openai`]]);
    expect(meta.attempts.map((attempt) => [attempt.channel, attempt.outcome, attempt.purpose])).toEqual([
      [`${NANO}:openai`, 'success', undefined],
      [`${HAIKU}:anthropic`, 'success', undefined],
      [`${FLASH}:google`, 'success', 'consistency'],
      [`${FLASH}:google`, 'success', 'consistency'],
    ]);
    // The whole cost: the first answer, the check's sample and the escalation.
    const parts = meta.attempts.map((attempt) => toNanos(attempt.cost!.total));
    expect(parts.every((part) => part > 0)).toBe(true);
    expect(toNanos(meta.cost.total)).toBe(parts.reduce((sum, part) => sum + part, 0));
    expect(sim.calls.map((call) => call.model).sort()).toEqual([UP[FLASH], UP[FLASH], UP[HAIKU], UP[NANO]].sort());
  });

  it('keeps the first answer when the check passes: no escalation, the sample still counted', async () => {
    const zen = client();
    sim.enqueue(UP[NANO], { text: 'Barcelona, Spain.', usage: { input: 40, output: 10 } });
    sim.enqueue(UP[FLASH], { text: 'Barcelona, Spain.', usage: { input: 40, output: 10 } });
    const completion = await zen.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: PROMPT }],
      zen: { models: POOL, cascade: CASCADE },
    });
    const meta = completion.zen;
    expect(meta.channel).toBe(`${NANO}:openai`);
    expect(meta.repaired).toBe(false);
    expect(meta.attempts.map((attempt) => [attempt.channel, attempt.purpose])).toEqual([
      [`${NANO}:openai`, undefined],
      [`${FLASH}:google`, 'consistency'],
    ]);
    expect(sim.callsFor(UP[HAIKU])).toHaveLength(0);
    expect(toNanos(meta.cost.total)).toBe(meta.attempts.reduce((sum, attempt) => sum + toNanos(attempt.cost!.total), 0));
  });

  it('a bad cascade option is refused before any call, with a typed error', async () => {
    const zen = client();
    const error = await zen.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: PROMPT }], zen: { models: POOL, cascade: { falseAlarms: -0.1 } } })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'invalid_request', message: 'zen.cascade.falseAlarms must be a number from 0 to 1, got -0.1.' });
    expect(sim.calls).toHaveLength(0);
  });

  it('without cascade, the same call takes one attempt and no check', async () => {
    const zen = client();
    sim.enqueue(UP[NANO], { text: 'Madrid, Spain.' });
    const completion = await zen.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: PROMPT }],
      zen: { models: POOL },
    });
    expect(completion.zen.attempts).toHaveLength(1);
    expect(completion.zen.explanation).not.toContain('cascade');
  });
});
