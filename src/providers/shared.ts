import { ZenError, type ZenErrorKind } from '../core/errors.js';
import type { StreamPart } from '../core/stream-part.js';

/** Helpers every provider folder uses to map errors and guard streams the same way. */

export interface ErrorContext {
  provider: string;
  model: string;
  /** Where this provider's credentials come from, for auth errors: `OPENAI_API_KEY or the apiKey of providers.openai`. */
  credentials?: string;
}

/** What an auth failure should say to do: which environment variable or option to check. */
export function authAdvice(kind: ZenErrorKind, context: ErrorContext): string {
  return kind === 'auth' && context.credentials ? ` Check ${context.credentials}.` : '';
}

/** Maps an HTTP status plus the vendor's code and message to a kind. */
export function kindFromStatus(status: number | undefined, code = '', message = ''): ZenErrorKind {
  const text = `${code} ${message}`.toLowerCase();
  if (/insufficient_quota|billing|credit balance|exceeded your current quota.*billing/.test(text)) return 'quota_exhausted';
  if (
    /context[_ ]length|context window|maximum context|prompt is too long|too many tokens|input token count.*exceeds|exceeds the maximum number of tokens|max_tokens_exceeded/.test(
      text,
    )
  ) {
    return 'context_length';
  }
  if (/content[_ ]?filter|content_policy|safety system|responsible ai|blocked.*safety/.test(text)) return 'content_filter';
  if (/overloaded/.test(text)) return 'overloaded';
  switch (status) {
    case undefined:
      return 'network';
    case 400:
    case 409:
    case 413:
    case 415:
    case 422:
      return status === 413 ? 'context_length' : 'invalid_request';
    case 401:
      return 'auth';
    case 402:
      return 'quota_exhausted';
    case 403:
      return 'permission';
    case 404:
      return 'not_found';
    case 408:
      return 'timeout';
    case 429:
      return 'rate_limited';
    case 503:
    case 529:
      return 'overloaded';
    case 504:
      return 'timeout';
    default:
      return status >= 500 ? 'server' : 'invalid_request';
  }
}

type HeaderBag = Headers | Record<string, string | string[] | undefined> | undefined | null;

function header(headers: HeaderBag, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  const value = bag[name] ?? bag[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** `retry-after-ms`, then `retry-after` in seconds or as an HTTP date. */
export function retryAfterFromHeaders(headers: HeaderBag, now = Date.now()): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = header(headers, 'retry-after');
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** Google's `google.rpc.RetryInfo.retryDelay` ("34.4s") from an error body's details, in ms. */
export function retryDelayFromGoogleDetails(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    if (!detail || typeof detail !== 'object') continue;
    const record = detail as Record<string, unknown>;
    if (typeof record['@type'] === 'string' && record['@type'].endsWith('google.rpc.RetryInfo')) {
      const delay = record.retryDelay;
      if (typeof delay === 'string') {
        const match = delay.match(/^(\d+(?:\.\d+)?)s$/);
        if (match) return Math.round(Number(match[1]) * 1000);
      } else if (delay && typeof delay === 'object') {
        const { seconds = 0, nanos = 0 } = delay as { seconds?: number | string; nanos?: number };
        return Number(seconds) * 1000 + Math.round(nanos / 1e6);
      }
    }
  }
  return undefined;
}

/** True when the error is an abort the caller asked for. */
export function isAbortError(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  if (!error || typeof error !== 'object') return false;
  const name = (error as { name?: string }).name;
  return name === 'AbortError' || name === 'APIUserAbortError';
}

export function abortedError(context: ErrorContext, cause?: unknown): ZenError {
  return new ZenError({
    kind: 'aborted',
    message: 'The request was aborted by the caller.',
    provider: context.provider,
    model: context.model,
    cause,
    retryable: false,
  });
}

/**
 * Guards a provider stream: it must end with a `finish` part. A stream that simply ends (a cut
 * connection, a missing terminal event) becomes a `stream_interrupted` error, never a clean end.
 * Errors thrown by the source are mapped with `mapError`.
 */
export async function* guardStream(
  source: AsyncIterable<StreamPart>,
  context: ErrorContext,
  mapError: (error: unknown) => ZenError,
): AsyncGenerator<StreamPart> {
  let finished = false;
  try {
    for await (const part of source) {
      if (part.type === 'finish') finished = true;
      yield part;
    }
  } catch (error) {
    throw ZenError.isInstance(error) ? error : mapError(error);
  }
  if (!finished) {
    throw new ZenError({
      kind: 'stream_interrupted',
      message: `The ${context.provider} stream for ${context.model} ended before its terminal event.`,
      provider: context.provider,
      model: context.model,
    });
  }
}
