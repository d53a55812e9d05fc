import { ZenError } from '../core/errors.js';
import type { ErrorContext } from './shared.js';

/**
 * Where a failure of an SDK call came from: the request never left the process, the connection
 * failed, or an answer came back. Only the first is the caller's (or the host's) to fix, and only
 * the other two say anything about the channel.
 *
 * The criterion, for every SDK zenrouter drives: each of them turns what happens at and after
 * `fetch` into errors that carry it. An HTTP answer is an SDK error with a `status` (openai and
 * Anthropic `APIError`s, @google/genai `ApiError`, @google-cloud/vertexai `ClientError` and the
 * `got status:` errors). A failed `fetch` is the SDK's connection class (`APIConnectionError`,
 * `APIConnectionTimeoutError`, `APIUserAbortError`), or fetch's own `TypeError('fetch failed')` /
 * `TypeError('terminated')` and an error with a system or undici code in its cause chain (the
 * Google SDKs pass these through; vertexai wraps them in "exception posting request", whose cause
 * decides), or an `AbortError`/`TimeoutError`. A body that is not JSON is a `SyntaxError` of the
 * response parser. Anything else was thrown while the request was being built: JSON.stringify's
 * TypeError on a circular value or a BigInt, its RangeError on a value nested too deep, an
 * argument check of the SDK, a missing credential.
 */

/** Node and undici codes of a connection that failed or broke. */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ENOTFOUND',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_ABORTED',
]);

/** Errors that SDKs raise only once a request was on its way (or back). */
const WIRE_ERROR_NAMES: ReadonlySet<string> = new Set([
  'APIConnectionError',
  'APIConnectionTimeoutError',
  'APIUserAbortError',
  'AbortError',
  'TimeoutError',
  'ApiError',
  'GaxiosError',
]);

type Link = Record<string, unknown>;

/** The error and its causes, outermost first (vertexai keeps the cause as `stackTrace` too). */
export function causeChain(error: unknown): Link[] {
  const chain: Link[] = [];
  let current: unknown = error;
  while (current !== null && typeof current === 'object' && chain.length < 8 && !chain.includes(current as Link)) {
    chain.push(current as Link);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/** The link of a cause chain that shows the connection failing, if any. */
export function transportFailure(error: unknown): Link | undefined {
  const chain = causeChain(error);
  return (
    chain.find((link) => typeof link.code === 'string' && NETWORK_CODES.has(link.code)) ??
    chain.find((link) => link.name === 'TypeError' && (link.message === 'fetch failed' || link.message === 'terminated'))
  );
}

/** Whether an error thrown by an SDK call was raised before its request left the process (see above). */
export function raisedBeforeSending(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return true;
  const record = error as { name?: unknown; status?: unknown; headers?: unknown; message?: unknown; cause?: unknown };
  // An HTTP answer: SDK API errors, and gaxios' (google-auth-library's token request) with `response`.
  if (typeof record.status === 'number' || ('status' in record && 'headers' in record) || 'response' in record) return false;
  if (typeof record.name === 'string' && WIRE_ERROR_NAMES.has(record.name)) return false;
  if (error instanceof SyntaxError || transportFailure(error)) return false;
  if (record.name === 'GoogleGenerativeAIError') {
    // vertexai wraps whatever postRequest threw (JSON.stringify included); a status line means an answer.
    return (
      /exception (posting|sending) request/.test(String(record.message)) && record.cause !== undefined && raisedBeforeSending(record.cause)
    );
  }
  return true;
}

/**
 * A credential or a client setting is missing or wrong, found before sending: the SDKs' own words
 * for it (openai, Anthropic, google-auth-library, the AWS SDK), or a base URL that is not one.
 */
function isSetupError(error: unknown): boolean {
  return causeChain(error).some(
    (link) =>
      link.code === 'ERR_INVALID_URL' ||
      link.name === 'CredentialsProviderError' ||
      // JSON.stringify's TypeError and RangeError may quote a property named like a credential.
      (link.name !== 'TypeError' &&
        link.name !== 'RangeError' &&
        /credential|api[_ -]?key|auth(entication|orization)? (method|token|header)|authToken|project id|access token/i.test(
          String(link.message ?? ''),
        )),
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The ZenError of a failure raised before sending: `configuration` when a credential or client
 * setting is at fault, `invalid_request` otherwise. Neither is retried, fails over, or counts
 * against the channel: the channel never saw the request.
 */
export function preSendError(error: unknown, context: ErrorContext): ZenError {
  const { provider, model } = context;
  const detail = messageOf(error);
  if (isSetupError(error)) {
    const check = context.credentials ? ` Check ${context.credentials}.` : '';
    return new ZenError({
      kind: 'configuration',
      retryable: false,
      provider,
      model,
      cause: error,
      message: `${provider} ${model}: the client could not make the request (${detail}).${check}`,
    });
  }
  return new ZenError({
    kind: 'invalid_request',
    retryable: false,
    provider,
    model,
    cause: error,
    message: `${provider} ${model}: the request could not be built, so it was never sent: ${detail}`,
  });
}

/** Runs the conversion of a request to the SDK's shape; whatever it throws is the request's fault. */
export function buildRequest<T>(context: ErrorContext, build: () => T): T {
  try {
    return build();
  } catch (error) {
    throw buildError(error, context);
  }
}

/** What a failed conversion of a request to the SDK's shape throws (see `buildRequest`). */
export function buildError(error: unknown, context: ErrorContext): ZenError {
  return ZenError.isInstance(error) ? error : preSendError(error, context);
}

/** An answer that came back but could not be read into the canonical result: the provider's fault. */
export function unreadableAnswer(error: unknown, context: ErrorContext): ZenError {
  if (ZenError.isInstance(error)) return error;
  const { provider, model } = context;
  return new ZenError({
    kind: 'server',
    provider,
    model,
    cause: error,
    message: `${provider} ${model}: the answer could not be read: ${messageOf(error)}`,
  });
}

/**
 * What failed on the connection, naming the host: `connection refused by 127.0.0.1:8080
 * (ECONNREFUSED)`, `host api.example.com not found (ENOTFOUND)`. Undefined when the chain has no
 * system error to read it from.
 */
export function describeTransport(error: unknown): string | undefined {
  const link = causeChain(error).find((candidate) => typeof candidate.code === 'string' && NETWORK_CODES.has(candidate.code));
  if (!link) return undefined;
  const code = link.code as string;
  const host =
    typeof link.hostname === 'string'
      ? link.hostname
      : typeof link.address === 'string'
        ? `${link.address}${typeof link.port === 'number' ? `:${link.port}` : ''}`
        : undefined;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${host ?? 'the host'} (ECONNREFUSED: nothing listens there)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host ${host ?? '(unknown)'} not found (${code})`;
    default:
      return `${host ? `${host}: ` : ''}${typeof link.message === 'string' ? link.message : code}${String(link.message ?? '').includes(code) ? '' : ` (${code})`}`;
  }
}
