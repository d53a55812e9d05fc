import type { CallOutcome } from '../core/call-outcome.js';
import { ZenError } from '../core/errors.js';

type AnyStep<C> = (call: C, next: () => Promise<CallOutcome>) => Promise<CallOutcome>;

/**
 * Composes steps into one function, in the manner of Hono's `compose`: each step runs the rest by
 * calling `next()` at most once. A step that throws, synchronously or not, rejects the whole; the
 * last step must produce an outcome without calling `next()`.
 */
export function compose<C>(steps: ReadonlyArray<AnyStep<C>>): (call: C) => Promise<CallOutcome> {
  return (call) => dispatch(steps, call, { reached: -1 }, 0);
}

function dispatch<C>(steps: ReadonlyArray<AnyStep<C>>, call: C, run: { reached: number }, index: number): Promise<CallOutcome> {
  if (index <= run.reached) return Promise.reject(stepError('A pipeline step called next() more than once.'));
  run.reached = index;
  const step = steps[index];
  if (!step)
    return Promise.reject(stepError('The last pipeline step called next(): the call reached the end of the pipeline without an outcome.'));
  try {
    // A step written without async (returning a plain outcome) works too.
    return Promise.resolve(step(call, () => dispatch(steps, call, run, index + 1)));
  } catch (error) {
    return Promise.reject(error);
  }
}

function stepError(message: string): ZenError {
  return new ZenError({ kind: 'configuration', retryable: false, code: 'pipeline', message });
}
