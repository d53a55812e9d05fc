/**
 * Removes credentials from an error kept as a ZenError's `cause`, in place, wherever a logger can
 * show them: `console.error(zenError)` prints the cause through util.inspect with its `stack`
 * (which holds the message as it was when the error was made), its own properties (an SDK's
 * `error` body, `.error.error.message`, `headers`, gaxios' request `config` with the OAuth client
 * secret and refresh token), and its own causes. Every string reachable through own properties is
 * redacted; a Headers object that holds a credential is replaced by a redacted copy.
 *
 * Bounded (depth and node count) and cycle-safe. What cannot be cleaned in place (a frozen object,
 * a read-only property, a graph larger than the bound) makes the function answer false, and the
 * caller then keeps a redacted copy of the message instead of the original error.
 */

const MAX_DEPTH = 8;
const MAX_NODES = 2_000;

interface HeadersLike {
  forEach(callback: (value: string, name: string) => void): void;
  get(name: string): string | null;
}

function isHeaders(value: object): value is HeadersLike {
  return (
    typeof (value as HeadersLike).forEach === 'function' &&
    typeof (value as HeadersLike).get === 'function' &&
    typeof (value as { append?: unknown }).append === 'function'
  );
}

/** A redacted copy of a Headers object, or undefined when nothing in it needed redacting. */
function cleanHeaders(headers: HeadersLike, redact: (text: string) => string): Headers | undefined {
  const entries: Array<[string, string]> = [];
  let dirty = false;
  headers.forEach((value, name) => {
    const clean = redact(value);
    if (clean !== value) dirty = true;
    entries.push([name, clean]);
  });
  return dirty ? new Headers(entries) : undefined;
}

/** Writes `value` to `target[key]`, even over a non-writable but configurable property. */
function assign(target: object, key: string | symbol, value: unknown): boolean {
  try {
    (target as Record<string | symbol, unknown>)[key] = value;
    if ((target as Record<string | symbol, unknown>)[key] === value) return true;
  } catch {
    // fall through to defineProperty
  }
  try {
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: descriptor?.enumerable ?? false });
    return (target as Record<string | symbol, unknown>)[key] === value;
  } catch {
    return false;
  }
}

/** Redacts every credential reachable from `root`; true when everything could be cleaned. */
export function scrubError(root: unknown, redact: (text: string) => string): boolean {
  const seen = new WeakSet<object>();
  let nodes = 0;
  let clean = true;

  const visit = (value: object, depth: number): void => {
    if (seen.has(value)) return;
    seen.add(value);
    if ((nodes += 1) > MAX_NODES || depth > MAX_DEPTH) {
      clean = false;
      return;
    }
    // Own keys of any kind: an Error's message and stack are own but not enumerable.
    const keys: Array<string | symbol> =
      value instanceof Error
        ? [...new Set<string | symbol>(['message', 'stack', 'cause', ...Reflect.ownKeys(value)])]
        : Reflect.ownKeys(value);
    for (const key of keys) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (!descriptor || !('value' in descriptor)) continue; // accessors are not read: they may run code
      const item: unknown = descriptor.value;
      if (typeof item === 'string') {
        const redacted = redact(item);
        if (redacted !== item && !assign(value, key, redacted)) clean = false;
      } else if (item !== null && typeof item === 'object') {
        if (isHeaders(item)) {
          const copy = cleanHeaders(item, redact);
          if (copy && !assign(value, key, copy)) clean = false;
        } else if (!ArrayBuffer.isView(item) && !(item instanceof ArrayBuffer)) {
          visit(item, depth + 1);
        }
      }
    }
  };

  if (root !== null && typeof root === 'object') visit(root, 0);
  return clean;
}
