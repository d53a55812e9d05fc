import type { CallRecord } from './call-record.js';
import { scrubError } from './scrub-error.js';
import { redactKnownSecrets } from './secrets.js';

/**
 * One error taxonomy for every provider. Every failure that leaves zenrouter is a ZenError with a
 * `kind`; `retryable` and `retryAfterMs` tell the policy engine what to do with it.
 */

export type ZenErrorKind =
  | 'rate_limited'
  | 'overloaded'
  | 'server'
  | 'timeout'
  | 'network'
  | 'auth'
  | 'permission'
  | 'not_found'
  | 'context_length'
  | 'content_filter'
  | 'invalid_request'
  | 'quota_exhausted'
  | 'aborted'
  | 'stream_interrupted'
  /** Configuration problems found before any call: unknown model, no provider, bad option. */
  | 'configuration'
  /** Every candidate of a plan failed; `attempts` says how. */
  | 'all_attempts_failed'
  /** A hard budget or rate limit (`budgets`) would be passed: refused before any provider call; `budget` says which. */
  | 'budget_exceeded';

const RETRYABLE: ReadonlySet<ZenErrorKind> = new Set<ZenErrorKind>([
  'rate_limited',
  'overloaded',
  'server',
  'timeout',
  'network',
  'stream_interrupted',
]);

/** Kinds where another channel may succeed even though retrying the same one is pointless. */
const FAILOVER_ONLY: ReadonlySet<ZenErrorKind> = new Set<ZenErrorKind>([
  'auth',
  'permission',
  'not_found',
  'quota_exhausted',
  'context_length',
  // Another vendor's filter may pass what this one blocked.
  'content_filter',
]);

export function isRetryableKind(kind: ZenErrorKind): boolean {
  return RETRYABLE.has(kind);
}

/** Whether trying a different channel makes sense after this kind of failure. */
export function allowsFailover(kind: ZenErrorKind): boolean {
  return RETRYABLE.has(kind) || FAILOVER_ONLY.has(kind);
}

export interface ZenErrorOptions {
  kind: ZenErrorKind;
  message: string;
  retryable?: boolean;
  retryAfterMs?: number;
  status?: number;
  provider?: string;
  model?: string;
  cause?: unknown;
  /** The vendor's error code or type (`overloaded_error`, `RESOURCE_EXHAUSTED`, ...). */
  code?: string;
  /** The attempts behind a call that failed after trying every channel of its plan. */
  attempts?: ReadonlyArray<{ channel: string; kind: ZenErrorKind; message: string }>;
  /** For an `aborted` error: who ended the call (see `ZenError.abortedBy`). */
  abortedBy?: AbortedBy;
  /** For a `budget_exceeded` error: the limit that refused the call. */
  budget?: BudgetRefusal;
}

/** The limit behind a `budget_exceeded` error: what was spent and held in its window, and what the call needed. */
export interface BudgetRefusal {
  key: string;
  window: 'minute' | 'hour' | 'day' | 'week' | 'month';
  /** ISO start of the window the limit counts in (UTC). */
  windowStart: string;
  unit: 'usd' | 'tokens' | 'requests';
  limit: number;
  /** Settled in the window so far. */
  spent: number;
  /** Held by calls in flight (their estimates, until they settle). */
  reserved: number;
  /** What this call would have held: its estimate. */
  needed: number;
}

/** `signal`: the caller's AbortSignal (or a stream's `controller.abort()`); `reader`: the caller stopped reading a stream. */
export type AbortedBy = 'signal' | 'reader';

const marker = Symbol.for('zenrouter.error');

export class ZenError extends Error {
  readonly [marker] = true;
  readonly kind: ZenErrorKind;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
  readonly provider: string | undefined;
  readonly model: string | undefined;
  readonly code: string | undefined;
  readonly attempts: ZenErrorOptions['attempts'];
  /** For an `aborted` error: who ended the call, when zenrouter knows it. */
  readonly abortedBy: AbortedBy | undefined;
  /** For a `budget_exceeded` error: the limit that refused the call. */
  readonly budget: BudgetRefusal | undefined;
  /**
   * What happened on the failed call (its attempts, cost, plan), set on every error a call throws.
   * Not enumerable, so that logging the error does not print the whole record.
   */
  declare readonly zen: CallRecord | undefined;

  constructor(options: ZenErrorOptions) {
    const cause = safeCause(options.cause);
    super(redactSecrets(options.message), cause === undefined ? undefined : { cause });
    this.name = 'ZenError';
    this.kind = options.kind;
    this.retryable = options.retryable ?? isRetryableKind(options.kind);
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
    this.provider = options.provider;
    this.model = options.model;
    this.code = options.code;
    this.attempts = options.attempts?.map((attempt) => ({ ...attempt, message: redactSecrets(attempt.message) }));
    this.abortedBy = options.abortedBy;
    this.budget = options.budget;
  }

  /** Attaches the failed call's record as `zen` (once; a rethrown error keeps its first call's). */
  withCall(record: CallRecord): this {
    if (!Object.hasOwn(this, 'zen')) Object.defineProperty(this, 'zen', { value: record, enumerable: false });
    return this;
  }

  /** Works across duplicated copies of zenrouter in one process, unlike `instanceof`. */
  static isInstance(value: unknown): value is ZenError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      status: this.status,
      provider: this.provider,
      model: this.model,
      code: this.code,
    };
  }
}

/**
 * Patterns of credentials that must never leave in a message: OpenAI, Anthropic, Google, xAI,
 * Groq, OpenRouter keys, bearer tokens, JWTs and passwords in connection URLs. Keys of unknown vendors are caught by the
 * `key=`/`api_key` forms.
 */
const SECRET_PATTERNS: RegExp[] = [
  /\bsk-ant-[A-Za-z0-9_-]{8,}/g,
  /\bsk-(?:proj-|svcacct-|or-v1-)?[A-Za-z0-9_-]{16,}/g,
  /\bAIza[0-9A-Za-z_-]{30,}/g,
  /\bxai-[A-Za-z0-9]{20,}/g,
  /\bgsk_[A-Za-z0-9]{20,}/g,
  /\bya29\.[0-9A-Za-z_.-]{20,}/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  /\b(Bearer)\s+[A-Za-z0-9._~+/=-]{12,}/gi,
  /\b((?:api[_-]?key|key|token|access_token)=)[^&\s"']{8,}/gi,
  // The password of a connection URL: redis://user:password@host.
  /\b([a-z][a-z0-9+.-]*:\/\/[^:/\s@]*:)[^@\s/]+(?=@)/gi,
];

/** Replaces the credentials this process holds, and anything that looks like one, with `[redacted]`. */
export function redactSecrets(text: string): string {
  let out = redactKnownSecrets(text);
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (match, prefix?: string) =>
      typeof prefix === 'string' && match.startsWith(prefix)
        ? `${prefix}${prefix.endsWith('=') || prefix.endsWith(':') ? '' : ' '}[redacted]`
        : '[redacted]',
    );
  }
  return out;
}

/**
 * The SDK error kept as `cause` is logged by hosts as often as the ZenError itself: a vendor that
 * echoes a key in its message, its error body or its headers must not leak it there either. The
 * cause is cleaned in place (see scrub-error.ts); one that cannot be is replaced by a redacted copy
 * of its name and message.
 */
function safeCause(cause: unknown): unknown {
  if (cause === null || typeof cause !== 'object' || ZenError.isInstance(cause)) return cause;
  if (scrubError(cause, redactSecrets)) return cause;
  const record = cause as { name?: unknown; message?: unknown };
  const copy = new Error(redactSecrets(typeof record.message === 'string' ? record.message : 'unreadable error'));
  copy.name = typeof record.name === 'string' ? record.name : 'Error';
  return copy;
}

export function configurationError(message: string): ZenError {
  return new ZenError({ kind: 'configuration', message, retryable: false });
}
