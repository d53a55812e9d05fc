import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/policy/circuit-breaker.js';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('CircuitBreaker', () => {
  it('opens after more consecutive failures than allowed, then half-opens after the cooldown', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ allowedFailures: 2, cooldownMs: 1_000 }, time.now);
    expect(breaker.onFailure('server')).toBeUndefined();
    expect(breaker.onFailure('server')).toBeUndefined();
    const transition = breaker.onFailure('server');
    expect(transition).toMatchObject({ from: 'closed', to: 'open', openUntil: time.now() + 1_000 });
    expect(breaker.tryAcquire()).toBe(false);
    time.advance(1_000);
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false); // one probe at a time
    expect(breaker.onSuccess()).toMatchObject({ from: 'half-open', to: 'closed' });
    expect(breaker.state).toBe('closed');
  });

  it('honours a threshold of 0 allowed failures: the first failure opens it', () => {
    const breaker = new CircuitBreaker({ allowedFailures: 0 });
    expect(breaker.onFailure('timeout')).toMatchObject({ to: 'open' });
    expect(breaker.state).toBe('open');
  });

  it('never shortens a running cooldown', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ allowedFailures: 0, cooldownMs: 60_000 }, time.now);
    const first = breaker.onFailure('server')!;
    expect(first.openUntil).toBe(time.now() + 60_000);
    time.advance(10);
    // A 429 with a short Retry-After arrives from a request that was already in flight.
    const second = breaker.onFailure('rate_limited', 1_000)!;
    expect(second.openUntil).toBe(first.openUntil);
    expect(breaker.openUntil).toBe(first.openUntil);
  });

  it('extends a cooldown to the later deadline', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ allowedFailures: 0, cooldownMs: 1_000 }, time.now);
    breaker.onFailure('server');
    const extended = breaker.onFailure('rate_limited', 30_000)!;
    expect(extended.openUntil).toBe(time.now() + 30_000);
  });

  it("opens for a 429's Retry-After even below the failure threshold", () => {
    const time = clock();
    const breaker = new CircuitBreaker({ allowedFailures: 10 }, time.now);
    expect(breaker.onFailure('rate_limited', 5_000)).toMatchObject({ to: 'open', openUntil: time.now() + 5_000 });
    time.advance(5_000);
    expect(breaker.state).toBe('half-open');
  });

  it('opens on the failure rate over the window', () => {
    const breaker = new CircuitBreaker({ allowedFailures: 100, failureRate: 0.5, windowSize: 10, minimumCalls: 10 });
    for (let i = 0; i < 5; i += 1) breaker.onSuccess();
    for (let i = 0; i < 4; i += 1) expect(breaker.onFailure('server')).toBeUndefined();
    expect(breaker.onFailure('server')).toMatchObject({ to: 'open' });
  });

  it('ignores failures that say nothing about the channel', () => {
    const breaker = new CircuitBreaker({ allowedFailures: 0 });
    expect(breaker.onFailure('invalid_request')).toBeUndefined();
    expect(breaker.onFailure('aborted')).toBeUndefined();
    expect(breaker.onFailure('context_length')).toBeUndefined();
    expect(breaker.state).toBe('closed');
  });

  it('a failed half-open probe opens it again', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ allowedFailures: 0, cooldownMs: 100 }, time.now);
    breaker.onFailure('server');
    time.advance(100);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.onFailure('server')).toMatchObject({ from: 'half-open', to: 'open' });
  });

  it('holdOpen (a cooldown from another process) only ever extends, and ignores a deadline already past', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ allowedFailures: 0, cooldownMs: 1_000 }, time.now);
    expect(breaker.holdOpen(time.now() - 1, 'shared')).toBeUndefined();
    expect(breaker.state).toBe('closed');
    expect(breaker.holdOpen(time.now() + 500, 'shared')).toEqual({
      from: 'closed',
      to: 'open',
      openUntil: time.now() + 500,
      reason: 'shared',
    });
    expect(breaker.holdOpen(time.now() + 200, 'shared')).toBeUndefined(); // shorter: the running one stays
    breaker.onFailure('server'); // a local failure while open does not shorten it either
    expect(breaker.openUntil).toBe(time.now() + 500);
    expect(breaker.holdOpen(time.now() + 2_000, 'shared')).toMatchObject({ from: 'open', to: 'open', openUntil: time.now() + 2_000 });
    time.advance(2_000);
    expect(breaker.state).toBe('half-open');
  });
});
