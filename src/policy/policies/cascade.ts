import type { PolicyDecision } from '../types.js';

/**
 * The insurance switches a cascade plan needs on its call: repair (a checked answer that fails
 * moves the call on to the escalation), the check's consistency samples and their model. The
 * caller's own settings win. Typed by shape, so that the policy layer does not import the insurance's types.
 */
export function cascadeInsurance<T extends { repair?: boolean; consistencySamples?: number; consistencyModel?: string | string[] }>(
  options: T | undefined,
  cascade: PolicyDecision['cascade'],
): T | undefined {
  if (!cascade) return options;
  const model = options?.consistencyModel ?? cascade.checkModel;
  return {
    ...options,
    repair: options?.repair ?? true,
    consistencySamples: options?.consistencySamples ?? cascade.samples,
    ...(model !== undefined ? { consistencyModel: model } : {}),
  } as T;
}
