import { ZenError } from '../core/errors.js';

/** A bad command line: printed as `zenrouter: <message>`, exit code 2. */
export function usageError(message: string): ZenError {
  return new ZenError({ kind: 'invalid_request', retryable: false, message });
}

/** `a,b , c` (or repeated flags) → ['a', 'b', 'c']. */
export function list(value: unknown): string[] | undefined {
  if (value === undefined || value === null || value === true || value === false) return undefined;
  const parts = (Array.isArray(value) ? value : [value]).flatMap((entry) => String(entry).split(','));
  const cleaned = parts.map((part) => part.trim()).filter((part) => part !== '');
  return cleaned.length > 0 ? cleaned : undefined;
}

/** A flag given twice keeps its last value, as most commands do. */
function last(value: unknown): unknown {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

export function number(input: unknown, flag: string, { min = 0, integer = false } = {}): number | undefined {
  const value = last(input);
  if (value === undefined) return undefined;
  const parsed = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(parsed) || parsed < min || (integer && !Number.isInteger(parsed))) {
    throw usageError(`--${flag} must be ${integer ? 'a whole number' : 'a number'} >= ${min}, got '${String(value)}'`);
  }
  return parsed;
}

export function text(input: unknown): string | undefined {
  const value = last(input);
  return value === undefined || value === true || value === false ? undefined : String(value);
}
