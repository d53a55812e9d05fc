/**
 * The bounded pre-pass for free-form JSON fields (tool schemas, tool arguments, response schemas):
 * the schema library checks the shape of a request, but inside a JSON field any value may hide a
 * cycle, a BigInt or 10,000 levels of nesting that make `JSON.stringify` or a recursive reader
 * (prompt analysis, schema conversion, the SDKs) throw or blow the stack. This walk is iterative,
 * visits each distinct object once, and stops at the first problem.
 */

/**
 * Deepest nesting accepted in a free-form JSON field, counting every object and array. Real tool
 * and response schemas stay far below it (OpenAI's strict mode allows 10 levels of nested
 * objects, 20 or so levels here); recursive readers stay far from their stack limit.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Most values a free-form JSON field may hold once shared references are written out, as
 * `JSON.stringify` would: a small object graph whose objects refer to each other twice per level
 * serialises to 2^depth values.
 */
export const MAX_JSON_VALUES = 1_000_000;

export interface JsonProblem {
  /** Where inside the field, as a path suffix (`.properties.self`, `[3]`); empty for the field itself. */
  at: string;
  /** What was found, in words: `a circular reference`, `a BigInt`, `nesting deeper than 64 levels`. */
  found: string;
}

interface Frame {
  node: object;
  keys: string[] | undefined;
  length: number;
  index: number;
  depth: number;
  /** Levels of objects and arrays at and below this node. */
  height: number;
  /** Values at and below this node, with shared references counted each time. */
  size: number;
  key: string | number | undefined;
}

interface Finished {
  height: number;
  size: number;
}

function primitiveProblem(value: unknown): string | undefined {
  switch (typeof value) {
    case 'bigint':
      return 'a BigInt';
    case 'symbol':
      return 'a Symbol';
    case 'function':
      return 'a function';
    case 'number':
      return Number.isFinite(value) ? undefined : String(value);
    default:
      return undefined;
  }
}

function pathOf(frames: readonly Frame[], last: string | number | undefined): string {
  let path = '';
  const segment = (key: string | number | undefined): void => {
    if (key === undefined) return;
    path += typeof key === 'number' ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  };
  for (const frame of frames) segment(frame.key);
  segment(last);
  // A path 64 levels deep is unreadable: keep its start and its end.
  return path.length > 160 ? `${path.slice(0, 80)}…${path.slice(-60)}` : path;
}

function frameOf(node: object, depth: number, key: string | number | undefined): Frame {
  const keys = Array.isArray(node) ? undefined : Object.keys(node);
  return { node, keys, length: keys ? keys.length : (node as unknown[]).length, index: 0, depth, height: 1, size: 1, key };
}

/**
 * The first reason `value` is not plain, bounded JSON data, or undefined when it is. Functions,
 * Symbols, BigInts, NaN and ±Infinity are refused (JSON.stringify throws on some and silently
 * rewrites the others); `undefined` is accepted where JSON.stringify drops it. A getter or proxy
 * that throws is reported as unreadable.
 */
export function findJsonProblem(
  value: unknown,
  maxDepth: number = MAX_JSON_DEPTH,
  maxValues: number = MAX_JSON_VALUES,
): JsonProblem | undefined {
  const found = primitiveProblem(value);
  if (found) return { at: '', found };
  if (typeof value !== 'object' || value === null) return undefined;
  const frames: Frame[] = [];
  try {
    return walk(value, frames, maxDepth, maxValues);
  } catch (error) {
    return {
      at: pathOf(frames, undefined),
      found: `a value that cannot be read (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}

function walk(root: object, frames: Frame[], maxDepth: number, maxValues: number): JsonProblem | undefined {
  const onPath = new Set<object>([root]);
  // Objects seen in full already (a schema shared by two tools): checked once, their height and size kept.
  const finished = new Map<object, Finished>();
  frames.push(frameOf(root, 1, undefined));
  while (frames.length > 0) {
    const top = frames[frames.length - 1]!;
    if (top.index < top.length) {
      const key = top.keys ? top.keys[top.index]! : top.index;
      top.index++;
      const child: unknown = (top.node as Record<string | number, unknown>)[key];
      if (typeof child !== 'object' || child === null) {
        const problem = primitiveProblem(child);
        if (problem) return { at: pathOf(frames, key), found: problem };
        top.size++;
        continue;
      }
      if (onPath.has(child)) return { at: pathOf(frames, key), found: 'a circular reference' };
      const seen = finished.get(child);
      if (seen) {
        if (top.depth + seen.height > maxDepth) return { at: pathOf(frames, key), found: `nesting deeper than ${maxDepth} levels` };
        top.height = Math.max(top.height, seen.height + 1);
        top.size += seen.size;
        if (top.size > maxValues) return { at: pathOf(frames, undefined), found: `more than ${maxValues} values` };
        continue;
      }
      if (top.depth + 1 > maxDepth) return { at: pathOf(frames, key), found: `nesting deeper than ${maxDepth} levels` };
      onPath.add(child);
      frames.push(frameOf(child, top.depth + 1, key));
      continue;
    }
    frames.pop();
    onPath.delete(top.node);
    finished.set(top.node, { height: top.height, size: top.size });
    const parent = frames[frames.length - 1];
    if (parent) {
      parent.height = Math.max(parent.height, top.height + 1);
      parent.size += top.size;
      if (parent.size > maxValues) return { at: pathOf(frames, undefined), found: `more than ${maxValues} values` };
    } else if (top.size > maxValues) {
      return { at: '', found: `more than ${maxValues} values` };
    }
  }
  return undefined;
}
