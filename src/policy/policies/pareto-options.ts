import { ZenError } from '../../core/errors.js';
import type { RoutingOptions } from '../types.js';

/**
 * Checks the routing options the pareto policy reads (answerValue, budgetPressure, exploration,
 * cascade): a clear `invalid_request` ZenError naming the first bad one. Only options that are set
 * are looked at, so a call without them pays a few `undefined` tests.
 */
export function checkParetoRouting(routing: RoutingOptions): void {
  const { answerValue, budgetPressure, exploration, cascade } = routing;
  if (answerValue !== undefined) number(answerValue, 'answerValue', 0, Number.POSITIVE_INFINITY);
  if (budgetPressure !== undefined) number(budgetPressure, 'budgetPressure', 0, 1);
  if (exploration !== undefined && exploration !== false) {
    if (typeof exploration !== 'object' || exploration === null) fail('exploration', 'must be false or { share, dailyUsd }', exploration);
    if (exploration.share !== undefined) number(exploration.share, 'exploration.share', 0, 1);
    if (exploration.dailyUsd !== undefined) number(exploration.dailyUsd, 'exploration.dailyUsd', 0, Number.POSITIVE_INFINITY);
  }
  if (cascade !== undefined && typeof cascade !== 'boolean') {
    if (typeof cascade !== 'object' || cascade === null)
      fail('cascade', 'must be true, false or { recall, falseAlarms, byFirstModel, checkCost, checkModel, samples }', cascade);
    for (const key of ['recall', 'falseAlarms'] as const) {
      const value = cascade[key];
      if (value === undefined) continue;
      if (typeof value === 'number') number(value, `cascade.${key}`, 0, 1);
      else if (typeof value === 'object' && value !== null)
        for (const [category, rate] of Object.entries(value)) number(rate, `cascade.${key}.${category}`, 0, 1);
      else fail(`cascade.${key}`, 'must be a number from 0 to 1, or one per task category', value);
    }
    if (cascade.byFirstModel !== undefined) {
      const table = cascade.byFirstModel;
      if (typeof table !== 'object' || table === null || Array.isArray(table))
        fail('cascade.byFirstModel', 'must be { [model]: { recall, falseAlarms } }', table);
      for (const [model, rates] of Object.entries(table)) {
        if (typeof rates !== 'object' || rates === null)
          fail(`cascade.byFirstModel.${model}`, 'must be { recall, falseAlarms }, numbers from 0 to 1', rates);
        number(rates.recall, `cascade.byFirstModel.${model}.recall`, 0, 1);
        number(rates.falseAlarms, `cascade.byFirstModel.${model}.falseAlarms`, 0, 1);
        if (rates.escalationOnFlagged !== undefined)
          number(rates.escalationOnFlagged, `cascade.byFirstModel.${model}.escalationOnFlagged`, 0, 1);
      }
    }
    if (cascade.escalationOnFlagged !== undefined) number(cascade.escalationOnFlagged, 'cascade.escalationOnFlagged', 0, 1);
    if (cascade.checkCost !== undefined) number(cascade.checkCost, 'cascade.checkCost', 0, Number.POSITIVE_INFINITY);
    if (cascade.samples !== undefined && !(Number.isInteger(cascade.samples) && cascade.samples >= 0 && cascade.samples <= 10))
      fail('cascade.samples', 'must be a whole number from 0 to 10', cascade.samples);
    if (cascade.checkModel !== undefined && !(typeof cascade.checkModel === 'string' && cascade.checkModel.trim() !== ''))
      fail('cascade.checkModel', 'must be a model id (e.g. "openai/gpt-5-nano")', cascade.checkModel);
  }
}

function number(value: unknown, option: string, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    fail(
      option,
      max === Number.POSITIVE_INFINITY ? `must be a finite number of at least ${min}` : `must be a number from ${min} to ${max}`,
      value,
    );
  }
}

function fail(option: string, problem: string, value: unknown): never {
  throw new ZenError({
    kind: 'invalid_request',
    retryable: false,
    code: `zen.${option}`,
    message: `zen.${option} ${problem}, got ${JSON.stringify(value)}.`,
  });
}
