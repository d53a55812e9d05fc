import { describe, expect, it } from 'vitest';
import type { Channel } from '../../src/policy/catalog.js';
import { LiveState } from '../../src/policy/live-state.js';

const channel = { index: 0, id: 'openai/gpt-5-mini:openai' } as Channel;

/** Nearest-rank quantile of the last 128 values, by sorting them: what the window must answer. */
function expected(values: number[], q: number): number | undefined {
  const window = values.slice(-128);
  if (window.length < 5) return undefined;
  const sorted = [...window].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

describe('LiveState latency quantiles', () => {
  it('are exact over the last 128 samples at every read, through ties and the window sliding', () => {
    const state = new LiveState();
    const values: number[] = [];
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let index = 0; index < 1_000; index += 1) {
      // Whole milliseconds make ties common; a slow phase in the middle moves every quantile.
      const value = Math.round(random() * 50) + (index > 400 && index < 600 ? 500 : 0);
      values.push(value);
      state.recordLatency(channel, { totalMs: value, ttftMs: value / 2 });
      for (const q of [0, 0.5, 0.95, 1]) {
        expect(state.latencyQuantile(channel, 'total', q)).toBe(expected(values, q));
        expect(state.latencyQuantile(channel, 'ttft', q)).toBe(
          expected(
            values.map((v) => v / 2),
            q,
          ),
        );
      }
    }
  });

  it('skips a latency that is not a finite number', () => {
    const state = new LiveState();
    for (const value of [10, 20, Number.NaN, 30, Number.POSITIVE_INFINITY, 40, 50]) state.recordLatency(channel, { totalMs: value });
    expect(state.latencyQuantile(channel, 'total', 1)).toBe(50);
    expect(state.latencyQuantile(channel, 'total', 0.5)).toBe(30);
  });
});
