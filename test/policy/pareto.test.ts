import { describe, expect, it } from 'vitest';
import { paretoFrontier, pickOnFrontier, qualityWeight } from '../../src/policy/pareto.js';

describe('Pareto frontier', () => {
  const costs = [0.001, 0.002, 0.004, 0.003, 0.01, 0.0005];
  const qualities = [0.6, 0.7, 0.9, 0.65, 0.88, 0.5];

  it('keeps only undominated points, by cost', () => {
    // 3 (0.003, 0.65) is beaten by 1 (0.002, 0.7); 4 (0.01, 0.88) by 2 (0.004, 0.9).
    expect(paretoFrontier(costs, qualities)).toEqual([5, 0, 1, 2]);
  });

  it('picks by preference along the frontier', () => {
    const frontier = paretoFrontier(costs, qualities);
    expect(pickOnFrontier(frontier, costs, qualities, qualityWeight('price'))).toBe(5);
    expect(pickOnFrontier(frontier, costs, qualities, qualityWeight('quality'))).toBe(2);
  });

  it('balanced picks the knee of a frontier with diminishing returns', () => {
    const c = [0.0005, 0.001, 0.002, 0.004];
    const q = [0.5, 0.7, 0.8, 0.85];
    const frontier = paretoFrontier(c, q);
    expect(frontier).toEqual([0, 1, 2, 3]);
    expect(pickOnFrontier(frontier, c, q, qualityWeight('balanced'))).toBe(1);
    expect(pickOnFrontier(frontier, c, q, 0.9)).toBe(3);
    expect(pickOnFrontier(frontier, c, q, 0.1)).toBe(0);
  });

  it('breaks equal costs by quality', () => {
    expect(paretoFrontier([1, 1, 2], [0.5, 0.8, 0.9])).toEqual([1, 2]);
  });

  it('handles large candidate sets with the comparator path', () => {
    const n = 5000;
    const c = Array.from({ length: n }, (_, i) => (i % 97) + 1);
    const q = Array.from({ length: n }, (_, i) => ((i * 31) % 101) / 100);
    const frontier = paretoFrontier(c, q);
    for (let k = 1; k < frontier.length; k += 1) {
      expect(c[frontier[k]!]!).toBeGreaterThanOrEqual(c[frontier[k - 1]!]!);
      expect(q[frontier[k]!]!).toBeGreaterThan(q[frontier[k - 1]!]!);
    }
    // No point outside the frontier beats a frontier point on both axes.
    for (const index of frontier) {
      for (let i = 0; i < n; i += 1) expect(c[i]! < c[index]! && q[i]! > q[index]!).toBe(false);
    }
  });
});
