import type { AttemptRecord } from '../core/call-record.js';
import { isRetryableKind, ZenError, type ZenErrorKind } from '../core/errors.js';

/**
 * The error of a call whose plan ran out: every channel failed, was skipped, or the retry budget
 * stopped the failovers. When every attempt failed for the same reason, and retrying cannot fix
 * it (a wrong key on every channel: `auth`), that reason is the error's kind, so that
 * `error.kind === 'auth'` matches; mixed or retryable failures are `all_attempts_failed`. Either
 * way `attempts` lists every failed attempt.
 */
export function exhaustedError(attempts: readonly AttemptRecord[], errors: readonly ZenError[], budgetExhausted: boolean): ZenError {
  const last = errors[errors.length - 1];
  const skipped = attempts.filter((attempt) => attempt.outcome === 'skipped').map((attempt) => attempt.channel);
  const parts = attempts
    .filter((attempt) => attempt.outcome !== 'success')
    .map(
      (attempt) => `${attempt.channel}: ${attempt.outcome === 'skipped' ? attempt.message : `${attempt.errorKind} (${attempt.message})`}`,
    );
  const budget = budgetExhausted ? ' The retry budget is exhausted, so no further retries or failovers were made.' : '';
  const shared = sharedKind(attempts);
  const message =
    errors.length === 0 && skipped.length > 0
      ? `Every channel of the plan is unavailable (circuit breaker open): ${skipped.join(', ')}.`
      : `All ${attempts.length} attempts failed${shared ? `, each with ${shared}` : ''}.${budget} ${parts.join('; ')}`;
  return new ZenError({
    kind: shared ?? 'all_attempts_failed',
    message,
    retryable: last?.retryable ?? true,
    retryAfterMs: last?.retryAfterMs,
    status: last?.status,
    provider: last?.provider,
    model: last?.model,
    code: shared ? last?.code : undefined,
    cause: last,
    attempts: attempts
      .filter((attempt) => attempt.errorKind)
      .map((attempt) => ({ channel: attempt.channel, kind: attempt.errorKind!, message: attempt.message ?? '' })),
  });
}

/** The one non-retryable kind every attempt failed with, if there is one (a skipped channel is a different reason). */
function sharedKind(attempts: readonly AttemptRecord[]): ZenErrorKind | undefined {
  let kind: ZenErrorKind | undefined;
  for (const attempt of attempts) {
    if (attempt.outcome !== 'error' || attempt.errorKind === undefined) return undefined;
    if (kind !== undefined && attempt.errorKind !== kind) return undefined;
    kind = attempt.errorKind;
  }
  return kind !== undefined && !isRetryableKind(kind) ? kind : undefined;
}
