import type { ZenRequestOptions } from './engine.js';
import { validateCallOptions } from './validation/zen-options.js';

/** The second argument of every face method, as in the official SDKs (`{ signal, timeout, maxRetries }`). */
export interface ZenCallOptions {
  signal?: AbortSignal;
  /** Total deadline in ms for the call (all attempts). */
  timeout?: number;
  /** Retries of the same channel (ZenClient's own retries; SDK retries stay off). */
  maxRetries?: number;
  /** Per-call routing and insurance options, merged over the body's `zen` field. */
  zen?: ZenRequestOptions;
}

/** Merges the body's `zen` field with the SDK-style call options. */
export function callOptions(
  bodyOptions: ZenRequestOptions | undefined,
  options: ZenCallOptions | undefined,
): { zen: ZenRequestOptions; signal: AbortSignal | undefined } {
  validateCallOptions(options);
  if (!options) return { zen: bodyOptions ?? {}, signal: undefined };
  const zen: ZenRequestOptions = { ...bodyOptions, ...options.zen };
  if (options.timeout !== undefined) zen.timeouts = { ...zen.timeouts, totalMs: options.timeout };
  if (options.maxRetries !== undefined) zen.retry = { ...zen.retry, retries: options.maxRetries };
  return { zen, signal: options.signal };
}
