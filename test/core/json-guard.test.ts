import { describe, expect, it } from 'vitest';
import { findJsonProblem, MAX_JSON_DEPTH } from '../../src/core/validate/json-guard.js';

function nestedArrays(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let level = 1; level < depth; level++) value = [value];
  return [value];
}

describe('the bounded JSON pre-pass', () => {
  it('accepts plain JSON data, null-prototype objects, undefined members and a schema shared by two places', () => {
    const shared = { type: 'string', enum: ['a', 'b'] };
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { type: 'object' });
    expect(
      findJsonProblem({
        type: 'object',
        properties: { a: shared, b: shared, c: bare, d: undefined },
        list: [1, 'x', null, true, [shared]],
      }),
    ).toBeUndefined();
    expect(findJsonProblem('text')).toBeUndefined();
    expect(findJsonProblem(null)).toBeUndefined();
  });

  it.each([
    ['a BigInt', { a: { b: 1n } }, '.a.b'],
    ['a Symbol', { a: [0, Symbol('s')] }, '.a[1]'],
    ['a function', { 'odd key': () => 1 }, '["odd key"]'],
    ['NaN', { a: Number.NaN }, '.a'],
    ['Infinity', [Number.POSITIVE_INFINITY], '[0]'],
  ])('refuses %s and says where', (found, value, at) => {
    expect(findJsonProblem(value)).toEqual({ found, at });
  });

  it('refuses a cycle, but not the same object met twice without one', () => {
    const node: Record<string, unknown> = { type: 'object' };
    node.properties = { next: { items: node } };
    expect(findJsonProblem(node)).toEqual({ found: 'a circular reference', at: '.properties.next.items' });
    const leaf = { type: 'string' };
    expect(findJsonProblem([leaf, { x: leaf }, [[leaf]]])).toBeUndefined();
  });

  it(`accepts ${MAX_JSON_DEPTH} levels and refuses one more, without recursion (100,000 levels)`, () => {
    expect(findJsonProblem(nestedArrays(MAX_JSON_DEPTH))).toBeUndefined();
    expect(findJsonProblem(nestedArrays(MAX_JSON_DEPTH + 1))?.found).toBe(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
    expect(findJsonProblem(nestedArrays(100_000))?.found).toBe(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
  });

  it('counts the depth of a shared object from every place it is met', () => {
    const deep = nestedArrays(MAX_JSON_DEPTH - 1);
    // Met first at depth 2 (fits), then at depth 3 (one level too deep).
    expect(findJsonProblem([deep, [deep]])?.found).toBe(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
    expect(findJsonProblem([deep, deep])).toBeUndefined();
  });

  it('refuses a small graph that would be written out as 2^50 values, after visiting each object once', () => {
    let node: Record<string, unknown> = { leaf: true };
    for (let level = 0; level < 50; level++) node = { left: node, right: node };
    expect(findJsonProblem(node)?.found).toMatch(/^more than [\d,]+ values$/);
  });

  it('reports a getter that throws as unreadable, with where it was', () => {
    const value = {
      a: {
        get b(): unknown {
          throw new Error('boom');
        },
      },
    };
    expect(findJsonProblem(value)).toEqual({ found: 'a value that cannot be read (boom)', at: '.a' });
  });
});
