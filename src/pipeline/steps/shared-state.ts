import type { SharedState } from '../../policy/shared-state.js';
import type { InternalStep } from '../call.js';

/**
 * Brings the other processes' breaker cooldowns and the call's session pin into this process's
 * live state before routing (each read bounded by the store's timeout; a failing store is reported
 * and the call goes on with what this process knows).
 */
export function sharedStateStep(shared: SharedState): InternalStep {
  return async (call, next) => {
    const refresh = shared.refresh();
    if (refresh) await refresh;
    if (call.routing.session) await shared.loadSession(call.routing.session);
    return next();
  };
}
