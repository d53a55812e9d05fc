import type { ResolvedRetry } from '../policy/execute.js';
import type { RoutingOptions } from '../policy/types.js';
import type { ZenRequestOptions } from './types.js';

export const DEFAULT_TIMEOUTS = { totalMs: 600_000, firstTokenMs: 120_000, idleMs: 120_000 };
export const DEFAULT_RETRY: ResolvedRetry = { retries: 1, minDelayMs: 200, maxDelayMs: 4_000, maxRetryAfterMs: 10_000 };

/**
 * The effective routing options of a call: the call's own over the client's `routing`, over the
 * built-in timeouts and retry. The client's side is merged once; a call without options shares it.
 */
export function routingMerger(client: RoutingOptions): (options: ZenRequestOptions | undefined) => ZenRequestOptions {
  const defaults: ZenRequestOptions = {
    ...client,
    timeouts: { ...DEFAULT_TIMEOUTS, ...client.timeouts },
    retry: { ...DEFAULT_RETRY, ...client.retry },
  };
  return (options) => {
    if (!options) return defaults;
    let empty = true;
    for (const _key in options) {
      empty = false;
      break;
    }
    if (empty) return defaults;
    return {
      ...defaults,
      ...options,
      timeouts: { ...defaults.timeouts, ...options.timeouts },
      retry: { ...defaults.retry, ...options.retry },
    };
  };
}
