import { configurationError } from '../core/errors.js';
import { callOptions } from '../faces/call-options.js';
import type { CallInput, ZenRequestOptions } from '../pipeline/types.js';

/**
 * What `zen.withOptions()` takes: the openai SDK's per-client `timeout` and `maxRetries`, and
 * zenrouter's `zen` options, as defaults for every call of the client it returns.
 */
export interface ZenClientCallDefaults {
  /** Total deadline in ms for each call (all attempts), unless the call sets its own. */
  timeout?: number;
  /** Retries of the same channel for each call, unless the call sets its own. */
  maxRetries?: number;
  /** Routing and insurance options under each call's own (`models`, `strategy`, `timeouts`, ...). */
  zen?: ZenRequestOptions;
}

const SUPPORTED = new Set(['timeout', 'maxRetries', 'zen']);

/**
 * Checks `withOptions`' argument and turns it into request options. The SDK's other client
 * options (`apiKey`, `baseURL`, `defaultHeaders`, `fetch`, ...) belong to the provider clients
 * zenrouter was given, so they are refused by name rather than silently dropped.
 */
export function callDefaults(options: ZenClientCallDefaults): ZenRequestOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw configurationError('withOptions() takes an object: { timeout?, maxRetries?, zen? }.');
  }
  const unsupported = Object.keys(options).filter((key) => !SUPPORTED.has(key));
  if (unsupported.length > 0) {
    throw configurationError(
      `withOptions() does not take ${unsupported.map((key) => `'${key}'`).join(', ')}: a ZenClient's calls go through the provider clients it was given, so set those options on them (providers: { openai: new OpenAI({ ... }) }). It takes { timeout, maxRetries, zen }.`,
    );
  }
  return callOptions(undefined, options).zen;
}

/** A call's options over the defaults: the call's own win, `timeouts` and `retry` merged field by field. */
export function withCallDefaults<C extends CallInput>(call: C, defaults: ZenRequestOptions): C {
  const own = call.options ?? {};
  const options: ZenRequestOptions = { ...defaults, ...own };
  if (defaults.timeouts || own.timeouts) options.timeouts = { ...defaults.timeouts, ...own.timeouts };
  if (defaults.retry || own.retry) options.retry = { ...defaults.retry, ...own.retry };
  return { ...call, options };
}
