import { redactSecrets, ZenError, type ZenErrorKind } from '../../core/errors.js';
import { causeChain, describeTransport, preSendError, raisedBeforeSending, transportFailure } from '../failure-origin.js';
import { abortedError, authAdvice, isAbortError, kindFromStatus, retryDelayFromGoogleDetails, type ErrorContext } from '../shared.js';

/**
 * Errors of @google/genai and @google-cloud/vertexai → ZenError. Both SDKs carry the Google error
 * body `{error:{code, message, status, details}}` as JSON text inside their messages, so it is
 * parsed back out: `status` (RESOURCE_EXHAUSTED, ...) sharpens the kind, `details` holds RetryInfo.
 * SDK classes are duck-typed by name: the SDKs are never imported at runtime.
 */

export interface GoogleErrorContext extends ErrorContext {
  signal?: AbortSignal;
  /** True once a stream was accepted: a broken body then means an interrupted stream. */
  streaming?: boolean;
}

interface GoogleErrorBody {
  code?: number;
  message?: string;
  status?: string;
  details?: unknown[];
}

/** Kinds that a Google status name decides better than the HTTP status alone. */
const KIND_BY_GOOGLE_STATUS: Record<string, ZenErrorKind> = {
  UNAUTHENTICATED: 'auth',
  PERMISSION_DENIED: 'permission',
  NOT_FOUND: 'not_found',
  RESOURCE_EXHAUSTED: 'rate_limited',
  UNAVAILABLE: 'overloaded',
  DEADLINE_EXCEEDED: 'timeout',
  INTERNAL: 'server',
};

/** The `{error:{...}}` object inside an SDK message (`got status: 503 …. {json}` or bare JSON). */
function errorBodyIn(text: string): GoogleErrorBody | undefined {
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  try {
    const parsed = JSON.parse(text.slice(start)) as { error?: GoogleErrorBody } | GoogleErrorBody[];
    const body = Array.isArray(parsed) ? (parsed[0] as { error?: GoogleErrorBody } | undefined)?.error : parsed.error;
    return body && typeof body === 'object' ? body : undefined;
  } catch {
    return undefined;
  }
}

/** The innermost message of a cause chain (`other side closed` under `fetch failed`). */
function rootMessage(error: unknown): string | undefined {
  const messages = causeChain(error)
    .map((link) => link.message)
    .filter((message): message is string => typeof message === 'string' && message !== '');
  return messages.at(-1);
}

/**
 * An OAuth token request that was refused (google-auth-library's GaxiosError from the token
 * endpoint: `invalid_grant`, `invalid_client`, ...): the credentials are wrong, not the network.
 */
function refusedTokenRequest(error: unknown): string | undefined {
  for (const link of causeChain(error)) {
    // GaxiosError is named 'Error'; its shape (`config` and `response`) tells it.
    if (!('config' in link) || !('response' in link)) continue;
    const data = (link.response as { data?: { error?: unknown; error_description?: unknown } } | undefined)?.data;
    if (data && typeof data.error === 'string')
      return typeof data.error_description === 'string' ? `${data.error}: ${data.error_description}` : data.error;
  }
  return undefined;
}

/** The original error as cause, unless its text holds a credential (a server may echo a `?key=` URL). */
function safeCause(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const message = error.message;
  if (redactSecrets(message) === message) return error;
  const copy = new Error(redactSecrets(message));
  copy.name = error.name;
  return copy;
}

function fromGoogleBody(body: GoogleErrorBody, httpStatus: number | undefined, context: GoogleErrorContext, cause: unknown): ZenError {
  const { provider, model } = context;
  const status = httpStatus ?? body.code;
  const message = body.message ?? 'unknown error';
  let kind = kindFromStatus(status, body.status, message);
  const byName = body.status ? KIND_BY_GOOGLE_STATUS[body.status] : undefined;
  // The status name wins unless the message already told a finer story (quota, context length, ...).
  if (byName && (kind === 'invalid_request' || kind === 'server' || kind === 'network')) kind = byName;
  // The Gemini API answers a bad key with 400 INVALID_ARGUMENT.
  if (/api key not valid|API_KEY_INVALID|API key expired/i.test(`${message} ${JSON.stringify(body.details ?? [])}`)) kind = 'auth';
  const where = context.streaming ? ' (in the stream)' : '';
  return new ZenError({
    kind,
    message: `${provider} ${model}${where}: ${status ?? ''} ${body.status ?? 'error'}: ${message}${authAdvice(kind, context)}`.replace(
      / {2,}/g,
      ' ',
    ),
    status,
    code: body.status,
    retryAfterMs: retryDelayFromGoogleDetails(body.details),
    provider,
    model,
    cause: safeCause(cause),
  });
}

/** An `{error:{...}}` chunk inside a 200 stream. */
export function errorFromStreamChunk(body: GoogleErrorBody, context: GoogleErrorContext): ZenError {
  return fromGoogleBody(body, undefined, { ...context, streaming: true }, undefined);
}

export function mapGoogleError(error: unknown, context: GoogleErrorContext): ZenError {
  if (ZenError.isInstance(error)) return error;
  const { provider, model } = context;
  if (isAbortError(error, context.signal) || causeChain(error).some((link) => link.name === 'AbortError'))
    return abortedError(context, error);
  const record = (error ?? {}) as { name?: string; message?: string; status?: unknown; cause?: unknown };
  const name = record.name;
  const text = typeof record.message === 'string' ? record.message : String(error);
  const base = { provider, model, cause: safeCause(error) };

  // @google/genai ApiError: HTTP status + the error body as JSON text.
  if (name === 'ApiError' && typeof record.status === 'number') {
    return fromGoogleBody(errorBodyIn(text) ?? { message: text }, record.status, context, error);
  }
  // @google-cloud/vertexai ClientError (4xx): a GoogleApiError with code, status and details as cause.
  const apiError = (record.cause ?? (record as { stackTrace?: unknown }).stackTrace) as
    | { code?: unknown; status?: unknown; errorDetails?: unknown; message?: string }
    | undefined;
  if (name === 'ClientError' && apiError && typeof apiError.code === 'number') {
    const body: GoogleErrorBody = {
      code: apiError.code,
      message: apiError.message,
      status: typeof apiError.status === 'string' ? apiError.status : undefined,
      details: Array.isArray(apiError.errorDetails) ? apiError.errorDetails : undefined,
    };
    return fromGoogleBody(body, apiError.code, context, error);
  }
  // @google-cloud/vertexai GoogleGenerativeAIError for 5xx: `got status: 503 Service Unavailable. {json}`.
  const statusInText = /got status: (\d{3})\b/.exec(text);
  if (statusInText) return fromGoogleBody(errorBodyIn(text) ?? { message: text }, Number(statusInText[1]), context, error);

  // The OAuth token endpoint refused the credentials (Vertex AI mode of either SDK).
  const refused = refusedTokenRequest(error);
  if (refused) {
    return new ZenError({
      ...base,
      kind: 'auth',
      message: `${provider} ${model}: Google refused the credentials' access token request (${refused}).${authAdvice('auth', context)}`,
    });
  }
  if (transportFailure(error)) {
    const root = describeTransport(error) ?? rootMessage(error);
    const detail = root && root !== text ? `${text} (${root})` : text;
    return context.streaming
      ? new ZenError({ ...base, kind: 'stream_interrupted', message: `The ${provider} stream for ${model} broke off: ${detail}` })
      : new ZenError({ ...base, kind: 'network', message: `Could not reach ${provider} for ${model}: ${detail}` });
  }
  // A body or an SSE data line that is not JSON (SyntaxError, or the SDKs' own parse errors).
  if (error instanceof SyntaxError || /parsing (JSON|stream chunk)|parse final chunk|Incomplete JSON segment/i.test(text)) {
    return context.streaming
      ? new ZenError({
          ...base,
          kind: 'stream_interrupted',
          message: `The ${provider} stream for ${model} carried a chunk that is not valid JSON.`,
        })
      : new ZenError({ ...base, kind: 'server', message: `${provider} answered ${model} with a body that is not valid JSON.` });
  }
  if (!context.streaming && (raisedBeforeSending(error) || name === 'GoogleAuthError')) {
    // Built but never sent: JSON.stringify of the body, the SDK's argument checks, no credentials
    // found (google-auth-library before any token request; vertexai wraps it in a GoogleAuthError).
    return preSendError(name === 'GoogleAuthError' && record.cause !== undefined ? record.cause : error, context);
  }
  return new ZenError({
    ...base,
    kind: context.streaming ? 'stream_interrupted' : 'server',
    message: `${provider} ${model} failed: ${text}`,
  });
}
