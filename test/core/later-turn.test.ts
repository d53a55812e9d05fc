import { afterEach, describe, expect, it, vi } from 'vitest';
import { laterTurn } from '../../src/core/later-turn.js';

describe('laterTurn', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('hands the value on from a later turn, after the callbacks this turn already queued', async () => {
    expect(laterTurn).toBeTypeOf('function');
    const order: string[] = [];
    setImmediate(() => order.push('queued before'));
    queueMicrotask(() => order.push('microtask'));
    order.push(await laterTurn!('answer'));
    expect(order).toEqual(['microtask', 'queued before', 'answer']);
  });

  it('is not held by fake timers installed after import', async () => {
    vi.useFakeTimers();
    await expect(laterTurn!({ ok: true })).resolves.toEqual({ ok: true });
  });
});
