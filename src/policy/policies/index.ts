import type { Policy } from '../types.js';
import { cheapestPolicy } from './cheapest.js';
import { fastestPolicy } from './fastest.js';
import { loadBalancePolicy } from './load-balance.js';
import { orderedPolicy } from './ordered.js';
import { paretoPolicy, type ParetoPolicyOptions } from './pareto.js';

export { cheapestPolicy, fastestPolicy, loadBalancePolicy, orderedPolicy, paretoPolicy, type ParetoPolicyOptions };

/** The built-in policies by name. */
export function builtInPolicies(): Record<string, Policy> {
  return {
    ordered: orderedPolicy(),
    pareto: paretoPolicy(),
    cheapest: cheapestPolicy(),
    fastest: fastestPolicy(),
    'load-balance': loadBalancePolicy(),
  };
}
