import type { Detector, EventDraft } from '../detector.js';

/**
 * One event per channel that failed before the answer came: the caller waited for it. Filed
 * against the failed channel; the router already learned from the failure itself, so failover
 * events do not move quality estimates again.
 */
export const failoverDetector: Detector = {
  name: 'failover',
  scope: 'delivery',
  inspectResult(context) {
    // No array unless a channel failed (nearly every call has none).
    let events: EventDraft[] | undefined;
    for (const attempt of context.attempts) {
      if (attempt.outcome !== 'error' || attempt.purpose !== undefined) continue;
      (events ??= []).push({
        kind: 'failover',
        channel: attempt.channel,
        severity: 0,
        message: `${attempt.channel} failed (${attempt.errorKind ?? 'error'}) after ${Math.round(attempt.durationMs)} ms; another attempt answered.`,
        detail: {
          failedChannel: attempt.channel,
          errorKind: attempt.errorKind,
          durationMs: Math.round(attempt.durationMs),
          retry: attempt.retry,
        },
      });
    }
    return events;
  },
};
