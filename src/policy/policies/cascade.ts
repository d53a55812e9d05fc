import type { PolicyDecision } from '../types.js';

/**
 * The insurance switches a cascade plan needs on its call: repair (a checked answer that fails
 * moves the call on to the escalation) and the check's self-consistency samples. The caller's own
 * settings win. Typed by shape, so that the policy layer does not import the insurance's types.
 */
export function cascadeInsurance<T extends { repair?: boolean; consistencySamples?: number }>(options: T | undefined, cascade: PolicyDecision['cascade']): T | undefined {
  if (!cascade) return options;
  return { ...options, repair: options?.repair ?? true, consistencySamples: options?.consistencySamples ?? cascade.samples } as T;
}
