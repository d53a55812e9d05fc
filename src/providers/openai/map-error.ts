import type OpenAI from 'openai';
import { ZenError, type ZenErrorKind } from '../../core/errors.js';
import { describeTransport, preSendError, raisedBeforeSending } from '../failure-origin.js';
import { abortedError, authAdvice, isAbortError, kindFromStatus, retryAfterFromHeaders, type ErrorContext } from '../shared.js';

/** The SDK's error classes, read from the client's constructor so that this file never loads the SDK. */
export type SdkErrorClasses = Pick<typeof OpenAI, 'APIError' | 'APIConnectionError' | 'APIConnectionTimeoutError'>;

export function sdkErrorClasses(client: OpenAI): SdkErrorClasses | undefined {
  const classes = client.constructor as Partial<SdkErrorClasses>;
  const complete = [classes.APIError, classes.APIConnectionError, classes.APIConnectionTimeoutError].every(
    (value) => typeof value === 'function',
  );
  return complete ? (classes as SdkErrorClasses) : undefined;
}

export interface OpenAIErrorContext extends ErrorContext {
  streaming: boolean;
  signal?: AbortSignal;
  classes: SdkErrorClasses | undefined;
}

/** The fields of the SDK's APIError that matter here. */
interface ApiErrorLike extends Error {
  status: number | undefined;
  error: unknown;
  headers: Headers | undefined;
  code?: string | null;
  type?: string;
}

/**
 * An error frame inside a 200 stream becomes an APIError without status; its `type` (or `code`)
 * says what went wrong, so it stands in for the status.
 */
const STATUS_BY_ERROR_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  invalid_api_key: 401,
  permission_error: 403,
  not_found_error: 404,
  requests: 429,
  tokens: 429,
  rate_limit_exceeded: 429,
  rate_limit_error: 429,
  insufficient_quota: 429,
  overloaded_error: 503,
  server_error: 500,
  api_error: 500,
};

function isApiError(error: unknown, classes: SdkErrorClasses | undefined): error is ApiErrorLike {
  if (classes) return error instanceof classes.APIError;
  // A client whose constructor does not carry the classes (a proxy or wrapper): go by shape.
  return error instanceof Error && 'status' in error && 'headers' in error && 'error' in error;
}

function make(
  context: OpenAIErrorContext,
  kind: ZenErrorKind,
  message: string,
  extra: { cause?: unknown; status?: number; code?: string; retryAfterMs?: number } = {},
): ZenError {
  return new ZenError({
    kind,
    message: `${context.provider} ${context.model}: ${message}`,
    provider: context.provider,
    model: context.model,
    ...extra,
  });
}

function isTimeoutReason(reason: unknown): boolean {
  return typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError';
}

/** Maps anything the openai SDK throws (or a stream of it) to a ZenError. */
export function mapOpenAIError(error: unknown, context: OpenAIErrorContext): ZenError {
  if (ZenError.isInstance(error)) return error;
  const { classes, signal } = context;
  if (signal?.aborted) {
    // An AbortSignal.timeout() is a deadline, not the caller changing its mind.
    if (isTimeoutReason(signal.reason))
      return make(context, 'timeout', 'the request timed out (the AbortSignal deadline passed).', { cause: error });
    return abortedError(context, error);
  }
  if (classes ? error instanceof classes.APIConnectionTimeoutError : error instanceof Error && error.message === 'Request timed out.') {
    return make(context, 'timeout', 'the request timed out.', { cause: error });
  }
  // An abort nobody asked for is the SDK's own timeout firing while the body was being read.
  if (isAbortError(error)) return make(context, 'timeout', 'the request timed out while the response was being read.', { cause: error });
  if (classes && error instanceof classes.APIConnectionError) {
    const cause = (error as Error).cause;
    const detail = describeTransport(error) ?? (cause instanceof Error ? cause.message : undefined);
    return make(context, 'network', `${(error as Error).message}${detail ? ` (${detail})` : ''}`, { cause: error });
  }
  if (isApiError(error, classes)) return mapApiError(error, context);
  if (error instanceof SyntaxError) {
    return make(context, context.streaming ? 'stream_interrupted' : 'server', `the response was not valid JSON: ${error.message}`, {
      cause: error,
    });
  }
  // Before an answer came: an error none of the wire's is one the request never left the process with.
  if (!context.streaming && raisedBeforeSending(error)) return preSendError(error, context);
  // Anything else is the connection failing under a body being read (undici's "terminated").
  const message = error instanceof Error ? error.message : String(error);
  return make(context, context.streaming ? 'stream_interrupted' : 'network', message, { cause: error });
}

function mapApiError(error: ApiErrorLike, context: OpenAIErrorContext): ZenError {
  // Neither status nor body: a connection error of a client whose classes were not at hand.
  if (error.status === undefined && error.error === undefined) return make(context, 'network', error.message, { cause: error });
  const code = error.code ?? undefined;
  const type = error.type ?? undefined;
  const status = error.status ?? STATUS_BY_ERROR_TYPE[type ?? ''] ?? STATUS_BY_ERROR_TYPE[code ?? ''] ?? 500;
  const kind = kindFromStatus(status, `${code ?? ''} ${type ?? ''}`, error.message);
  return make(context, kind, `${error.message}${authAdvice(kind, context)}`, {
    cause: error,
    status: error.status,
    code: code ?? type,
    retryAfterMs: retryAfterFromHeaders(error.headers),
  });
}
