import { ZenError } from '../../core/errors.js';
import { describeTransport, preSendError, raisedBeforeSending } from '../failure-origin.js';
import { abortedError, authAdvice, isAbortError, kindFromStatus, retryAfterFromHeaders, type ErrorContext } from '../shared.js';

export interface AnthropicErrorContext extends ErrorContext {
  signal?: AbortSignal;
  /** True once a stream was accepted: a broken body then means an interrupted stream. */
  streaming?: boolean;
}

/**
 * The HTTP status an Anthropic error type stands for. An `error` event inside a 200 stream reaches
 * us as an APIError without a status, so its type has to speak for it.
 */
const STATUS_BY_ERROR_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  timeout_error: 504,
  conflict_error: 409,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};

/** The parts of an SDK `APIError` we read; duck-typed because the SDK is never imported at runtime. */
interface ApiErrorShape {
  name?: string;
  message?: string;
  status?: number;
  headers?: Headers;
  error?: { error?: { type?: string; message?: string } } | undefined;
  type?: string | null;
  requestID?: string | null;
}

function isApiError(error: unknown): error is ApiErrorShape {
  return typeof error === 'object' && error !== null && 'status' in error && 'headers' in error && 'error' in error;
}

export function mapAnthropicError(error: unknown, context: AnthropicErrorContext): ZenError {
  if (ZenError.isInstance(error)) return error;
  const { provider, model } = context;
  const base = { provider, model, cause: error };
  if (isAbortError(error, context.signal)) return abortedError(context, error);

  const name = (error as { name?: string } | null)?.name;
  if (name === 'APIConnectionTimeoutError') {
    return new ZenError({ ...base, kind: 'timeout', message: `${provider} did not answer in time for ${model}.` });
  }
  if (name === 'APIConnectionError') {
    const cause = describeTransport(error) ?? (error as { cause?: { message?: string } }).cause?.message;
    return new ZenError({
      ...base,
      kind: context.streaming ? 'stream_interrupted' : 'network',
      message: `Could not reach ${provider} for ${model}${cause ? `: ${cause}` : '.'}`,
    });
  }

  if (isApiError(error) && (error.status !== undefined || error.type || error.error?.error?.type)) {
    const body = error.error?.error;
    const errorType = error.type ?? body?.type ?? undefined;
    const status = error.status ?? (errorType ? STATUS_BY_ERROR_TYPE[errorType] : undefined);
    const apiMessage = body?.message ?? error.message ?? 'unknown error';
    const kind = kindFromStatus(status, errorType, apiMessage);
    const where = error.status === undefined ? ' (in the stream)' : '';
    const requestId = error.requestID ? ` [request ${error.requestID}]` : '';
    return new ZenError({
      ...base,
      kind,
      status: error.status,
      code: errorType,
      retryAfterMs: retryAfterFromHeaders(error.headers),
      message:
        `${provider} ${model}${where}: ${status ?? ''} ${errorType ?? 'error'}: ${apiMessage}${requestId}${authAdvice(kind, context)}`.replace(
          / {2,}/g,
          ' ',
        ),
    });
  }

  if (error instanceof SyntaxError) {
    // A body or an SSE data line that is not JSON.
    return context.streaming
      ? new ZenError({
          ...base,
          kind: 'stream_interrupted',
          message: `The ${provider} stream for ${model} carried an event that is not valid JSON.`,
        })
      : new ZenError({ ...base, kind: 'server', message: `${provider} answered ${model} with a body that is not valid JSON.` });
  }
  // Raised before sending: JSON.stringify of the body, a missing credential, the SDK's own checks
  // (AnthropicError: a non-streamed call whose max_tokens may take over 10 minutes).
  if (!context.streaming && raisedBeforeSending(error)) return preSendError(error, context);
  const text = error instanceof Error ? error.message : String(error);
  return new ZenError({
    ...base,
    kind: context.streaming ? 'stream_interrupted' : 'server',
    message: `${provider} ${model} failed: ${text}`,
  });
}
