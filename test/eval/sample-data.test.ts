import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readDataset } from '../../src/eval/read-dataset.js';
import type { EvalItem } from '../../src/eval/types.js';

const SAMPLE = fileURLToPath(new URL('../../data/hle-sample.jsonl', import.meta.url));

/** The shipped sample's answers, recomputed where they are arithmetic. */
describe('data/hle-sample.jsonl', () => {
  it('is well-formed HLE and its computable answers are right', async () => {
    const items: EvalItem[] = [];
    for await (const item of readDataset(SAMPLE)) items.push(item);
    expect(items).toHaveLength(30);
    expect(new Set(items.map((item) => item.id)).size).toBe(30);
    expect(new Set(items.map((item) => item.category)).size).toBe(8);
    const answer = (id: string) => items.find((item) => item.id === id)!.answer;
    const primes = Array.from({ length: 100 }, (_, n) => n).filter(
      (n) => n > 1 && Array.from({ length: n - 2 }, (_, k) => k + 2).every((d) => n % d !== 0),
    );
    const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
    expect(Number(answer('math-001'))).toBe(Array.from({ length: 100 }, (_, k) => k + 1).reduce((a, b) => a + b));
    expect(Number(answer('math-002'))).toBe(primes.length);
    expect(Number(answer('math-003'))).toBe(3 * 6 - 8 * 4);
    expect(Number(answer('math-005'))).toBe(2 ** 20);
    expect(Number(answer('math-006'))).toBe((7 * 6) / 2);
    expect(Number(answer('math-007'))).toBe(gcd(84, 126));
    expect(Number(answer('phys-003'))).toBe(0.5 * 2 * 5 ** 2);
    expect(Number(answer('cs-003'))).toBe(0xff);
    expect(Number(answer('eng-001'))).toBe(10 / 2);
    expect(Number(answer('other-001'))).toBe(8 * 8);
    expect(Number(answer('other-002'))).toBe(24 * 60);
    for (const item of items.filter((entry) => entry.answerType === 'multipleChoice')) {
      expect(item.question).toMatch(new RegExp(`\\n${item.answer}\\. `));
    }
    const image = items.find((item) => item.image)!;
    expect(image.image).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
  });
});
