import { ZenError } from '../core/errors.js';
import type { ZenRequestOptions } from './engine.js';

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
export function callOptions(bodyOptions: ZenRequestOptions | undefined, options: ZenCallOptions | undefined): { zen: ZenRequestOptions; signal: AbortSignal | undefined } {
  if (options?.timeout !== undefined && (typeof options.timeout !== 'number' || options.timeout <= 0)) {
    throw new ZenError({ kind: 'invalid_request', retryable: false, message: `timeout must be a positive number of milliseconds, got ${String(options.timeout)}.` });
  }
  if (options?.maxRetries !== undefined && (!Number.isInteger(options.maxRetries) || options.maxRetries < 0)) {
    throw new ZenError({ kind: 'invalid_request', retryable: false, message: `maxRetries must be a whole number of 0 or more, got ${String(options.maxRetries)}.` });
  }
  if (!options) return { zen: bodyOptions ?? {}, signal: undefined };
  const zen: ZenRequestOptions = { ...bodyOptions, ...options.zen };
  if (options.timeout !== undefined) zen.timeouts = { ...zen.timeouts, totalMs: options.timeout };
  if (options.maxRetries !== undefined) zen.retry = { ...zen.retry, retries: options.maxRetries };
  return { zen, signal: options.signal };
}
