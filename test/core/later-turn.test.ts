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

  it('answers of the same turn share one setImmediate, handed on together in the order they came', async () => {
    const order: string[] = [];
    const a = laterTurn!('a').then((answer) => order.push(answer));
    const between = new Promise<void>((resolve) =>
      setImmediate(() => {
        order.push('queued between');
        resolve();
      }),
    );
    const b = laterTurn!('b').then((answer) => order.push(answer));
    await Promise.all([a, between, b]);
    // One Immediate per answer would interleave: a, queued between, b.
    expect(order).toEqual(['a', 'b', 'queued between']);
    // Answers of a later turn get an Immediate of their own.
    await expect(laterTurn!('next')).resolves.toBe('next');
  });

  it('is not held by fake timers installed after import', async () => {
    vi.useFakeTimers();
    await expect(laterTurn!({ ok: true })).resolves.toEqual({ ok: true });
  });

  it('an edge runtime (EdgeRuntime global) hands answers on at once', async () => {
    vi.resetModules();
    vi.stubGlobal('EdgeRuntime', 'edge-runtime');
    try {
      const { laterTurn: edge } = await import('../../src/core/later-turn.js');
      expect(edge).toBeUndefined();
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });

  it('a setImmediate that throws (as a Node API stub does) is given up: the answer still arrives', async () => {
    vi.resetModules();
    const throwing = vi.fn(() => {
      throw new Error('A Node.js API is used (setImmediate) which is not supported in the Edge Runtime.');
    });
    vi.stubGlobal('setImmediate', throwing);
    try {
      const { laterTurn: stubbed } = await import('../../src/core/later-turn.js');
      await expect(stubbed!('first')).resolves.toBe('first');
      await expect(stubbed!('second')).resolves.toBe('second');
      expect(throwing).toHaveBeenCalledTimes(1);
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });
});
