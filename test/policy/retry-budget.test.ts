import { describe, expect, it } from 'vitest';
import { RetryBudget } from '../../src/policy/retry-budget.js';

describe('RetryBudget', () => {
  it('runs dry in an outage and refills with successes', () => {
    const budget = new RetryBudget({ capacity: 20, retryCost: 5, timeoutCost: 10, successRefill: 1 });
    expect(budget.acquire('server')).toBe(5);
    expect(budget.acquire('timeout')).toBe(10);
    expect(budget.acquire('server')).toBe(5);
    expect(budget.available).toBe(0);
    expect(budget.acquire('server')).toBe(0);
    budget.onSuccess(0);
    expect(budget.available).toBe(1);
    budget.onSuccess(5); // a success after a retry gives the retry's cost back
    expect(budget.available).toBe(6);
    for (let i = 0; i < 100; i += 1) budget.onSuccess(0);
    expect(budget.available).toBe(20);
  });
});
