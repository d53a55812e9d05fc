import type { InternalStep } from '../call.js';
import type { ZenCall } from '../types.js';

/** Checks a call before anything is spent on it; throws a typed ZenError (`invalid_request`, `configuration`) that names the problem. */
export type CallValidator = (call: ZenCall) => void;

/**
 * Runs the validators in order. The insurance's own calls (the judge, samples) were built by
 * zenrouter and are not checked again.
 */
export function validateStep(validators: readonly CallValidator[]): InternalStep {
  return (call, next) => {
    if (!call.internal) for (const validate of validators) validate(call);
    return next();
  };
}
