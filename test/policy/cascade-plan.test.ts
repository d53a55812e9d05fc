import { describe, expect, it } from 'vitest';
import { ZenError } from '../../src/core/errors.js';
import { analyzePrompt } from '../../src/policy/analyze-prompt.js';
import { Catalog, type ModelDefinition, type ProviderInfo } from '../../src/policy/catalog.js';
import { LiveState } from '../../src/policy/live-state.js';
import { builtInPolicies } from '../../src/policy/policies/index.js';
import { ItemResponseQualityModel } from '../../src/policy/quality-models/item-response.js';
import { route, type RouterDeps } from '../../src/policy/router.js';
import type { CascadeOptions, RoutingOptions } from '../../src/policy/types.js';

/**
 * Which cascade `auto` plans: never one that starts with or escalates to the check's own model
 * (the likeliest other candidate takes the flagged answers when the pick is the checker), with
 * the check's rates for the first answer's model when the host measured them (byFirstModel), and
 * with the escalation's lower chance on the prompts the check flags (escalationOnFlagged).
 */

const capabilities = { tools: true, vision: false, structuredOutput: true, reasoning: false, imageOutput: false, temperature: true };
const provider: ProviderInfo = { name: 'p', family: 'openai', vendors: ['acme'], models: [] };
/** A cheap, a mid-priced and a strong model. */
const MODELS: Record<string, ModelDefinition> = {
  'acme/small': { price: { inputPerMTok: 0.1, outputPerMTok: 0.4 }, capabilities, quality: 0.3 },
  'acme/medium': { price: { inputPerMTok: 1, outputPerMTok: 4 }, capabilities, quality: 0.6 },
  'acme/large': { price: { inputPerMTok: 5, outputPerMTok: 20 }, capabilities, quality: 0.95 },
  // The checker: cheap, and no candidate of `auto`.
  'acme/judge': { price: { inputPerMTok: 0.02, outputPerMTok: 0.08 }, capabilities, quality: 0.6, auto: false },
};
const TEXT = 'Write a function that parses an ISO date and returns the weekday, with tests for leap years and time zones.';

function setup(): RouterDeps {
  return {
    catalog: new Catalog({ models: MODELS }),
    providers: () => [provider],
    quality: new ItemResponseQualityModel(),
    state: new LiveState(),
    policies: builtInPolicies(),
    autoPool: ['acme/small', 'acme/medium', 'acme/large'],
  };
}

function plan(deps: RouterDeps, routing: RoutingOptions) {
  const request = { messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: TEXT }] }] };
  return route({ request, model: 'auto', routing: { exploration: false, ...routing }, analysis: analyzePrompt(request) }, deps);
}

/** A sharp check from the cheap judge model. */
const SHARP: CascadeOptions = { recall: 0.95, falseAlarms: 0.03, checkModel: 'acme/judge' };

describe('cascade plans', () => {
  it("never escalates to the check's model, whose answer it would then keep whatever the check says", () => {
    const deps = setup();
    // An answer value at which the mid-priced model is the pick without a cascade.
    const value = { answerValue: 0.04 };
    expect(plan(deps, value).order[0]!.channel.model.id).toBe('acme/medium');
    // With the cheap judge as the checker, the cascade goes through the pick.
    expect(plan(deps, { ...value, cascade: SHARP }).decision.cascade).toEqual({
      first: 'acme/small:p',
      escalation: 'acme/medium:p',
      samples: 1,
      checkModel: 'acme/judge',
    });
    // With the pick itself as the checker, small → medium would be the checker's answer at a
    // higher price: the strong model takes the flagged answers instead.
    const decision = plan(deps, { ...value, cascade: { ...SHARP, checkModel: 'acme/medium' } }).decision;
    expect(decision.cascade).toEqual({ first: 'acme/small:p', escalation: 'acme/large:p', samples: 1, checkModel: 'acme/medium' });
    expect(decision.explanation).toContain('cascade: acme/small:p first');
    expect(decision.explanation).toContain('escalating to acme/large:p');
    // When every cascade would need the checker at one end, there is none.
    const pair = plan(deps, { ...value, models: ['acme/small', 'acme/medium'], cascade: { ...SHARP, checkModel: 'acme/medium' } });
    expect(pair.decision.cascade).toBeUndefined();
    expect(pair.order[0]!.channel.model.id).toBe('acme/medium');
  });

  it("plans with the check's rates for the first answer's model when they are given", () => {
    const deps = setup();
    const value = { answerValue: 0.04 };
    expect(plan(deps, { ...value, cascade: SHARP }).decision.cascade?.first).toBe('acme/small:p');
    // The check is sharp in general but blind to the small model's mistakes (they make the same ones).
    const blind = { ...SHARP, byFirstModel: { 'acme/small': { recall: 0.05, falseAlarms: 0.03 } } };
    const decision = plan(deps, { ...value, cascade: blind }).decision;
    expect(decision.cascade?.first).not.toBe('acme/small:p');
    // And the other way round: a weak check in general that is sharp on the small model's answers.
    const sharpOnSmall = {
      recall: 0.05,
      falseAlarms: 0.5,
      checkModel: 'acme/judge',
      byFirstModel: { 'acme/small': { recall: 0.95, falseAlarms: 0.03 } },
    };
    expect(
      plan(deps, { ...value, cascade: { recall: 0.05, falseAlarms: 0.5, checkModel: 'acme/judge' } }).decision.cascade,
    ).toBeUndefined();
    expect(plan(deps, { ...value, cascade: sharpOnSmall }).decision.cascade?.first).toBe('acme/small:p');
  });

  it("counts the escalation's lower chance on the prompts the check flags (escalationOnFlagged)", () => {
    const deps = setup();
    const value = { answerValue: 0.04 };
    expect(plan(deps, { ...value, cascade: { ...SHARP, escalationOnFlagged: 1 } }).decision.cascade?.first).toBe('acme/small:p');
    // If the pick fails as often as not on what the check flags, cheap-first no longer pays.
    expect(plan(deps, { ...value, cascade: { ...SHARP, escalationOnFlagged: 0.5 } }).decision.cascade).toBeUndefined();
    // Per first model, it overrides the option's: cascades from the small model no longer pay.
    const perModel = { ...SHARP, byFirstModel: { 'acme/small': { recall: 0.95, falseAlarms: 0.03, escalationOnFlagged: 0.5 } } };
    expect(plan(deps, { ...value, cascade: perModel }).decision.cascade?.first).not.toBe('acme/small:p');
  });

  it.each([
    [{ escalationOnFlagged: 1.5 }, 'zen.cascade.escalationOnFlagged must be a number from 0 to 1, got 1.5.'],
    [
      { byFirstModel: { 'acme/small': { recall: 0.9, falseAlarms: 0.1, escalationOnFlagged: -1 } } },
      'zen.cascade.byFirstModel.acme/small.escalationOnFlagged must be a number from 0 to 1, got -1.',
    ],
    [{ byFirstModel: [] }, 'zen.cascade.byFirstModel must be { [model]: { recall, falseAlarms } }, got [].'],
    [
      { byFirstModel: { 'acme/small': 0.5 } },
      'zen.cascade.byFirstModel.acme/small must be { recall, falseAlarms }, numbers from 0 to 1, got 0.5.',
    ],
    [
      { byFirstModel: { 'acme/small': { recall: 0.9 } } },
      'zen.cascade.byFirstModel.acme/small.falseAlarms must be a number from 0 to 1, got undefined.',
    ],
    [
      { byFirstModel: { 'acme/small': { recall: 1.2, falseAlarms: 0.1 } } },
      'zen.cascade.byFirstModel.acme/small.recall must be a number from 0 to 1, got 1.2.',
    ],
  ])('cascade %j is refused with a clear invalid_request error', (cascade, message) => {
    const deps = setup();
    let error: unknown;
    try {
      plan(deps, { cascade: cascade as unknown as CascadeOptions });
    } catch (caught) {
      error = caught;
    }
    expect(ZenError.isInstance(error)).toBe(true);
    expect((error as ZenError).kind).toBe('invalid_request');
    expect((error as ZenError).message).toBe(message);
  });
});
