import { isContentPart } from '../../core/stream-part.js';
import type { Detector, DetectorContext, DetectorStart, EventDraft } from '../detector.js';

/** The limit in force: the absolute one, and the channel's p95 × factor (never below `minRelativeMs`). */
function threshold(
  absolute: number | undefined,
  p95: number | undefined,
  settings: DetectorStart['settings'],
): { limitMs: number; basis: string } | undefined {
  const { p95Factor, minRelativeMs } = settings.limits;
  const relative = p95 !== undefined && p95Factor > 0 ? Math.max(p95 * p95Factor, minRelativeMs) : undefined;
  if (absolute !== undefined && (relative === undefined || absolute <= relative)) return { limitMs: absolute, basis: 'absolute limit' };
  if (relative !== undefined) return { limitMs: relative, basis: `${p95Factor} × the channel's p95 of ${Math.round(p95!)} ms` };
  return undefined;
}

/** How far over the limit: 1.5× the limit is severity 0.5, twice or more is 1. */
function severity(valueMs: number, limitMs: number): number {
  return Math.min(1, Math.max(0.1, valueMs / limitMs - 1));
}

function firstToken(start: DetectorStart, ttftMs: number): EventDraft | undefined {
  const limit = threshold(start.settings.limits.maxFirstTokenMs, start.baseline.ttftP95Ms, start.settings);
  if (!limit || ttftMs <= limit.limitMs) return undefined;
  return {
    kind: 'slow_first_token',
    severity: severity(ttftMs, limit.limitMs),
    message: `First token after ${Math.round(ttftMs)} ms, over the ${limit.basis} (${Math.round(limit.limitMs)} ms).`,
    detail: { ttftMs: Math.round(ttftMs), limitMs: Math.round(limit.limitMs), basis: limit.basis },
  };
}

function total(context: DetectorContext): EventDraft | undefined {
  // Non-streamed calls have no first token: their total is compared with the channel's total p95.
  const limit = threshold(context.settings.limits.maxTotalMs, context.baseline.totalP95Ms, context.settings);
  const { durationMs } = context.timing;
  if (!limit || durationMs <= limit.limitMs) return undefined;
  return {
    kind: 'slow_total',
    severity: severity(durationMs, limit.limitMs),
    message: `The call took ${Math.round(durationMs)} ms, over the ${limit.basis} (${Math.round(limit.limitMs)} ms).`,
    detail: { durationMs: Math.round(durationMs), limitMs: Math.round(limit.limitMs), basis: limit.basis },
  };
}

/** Time to first token and total time, against absolute limits or the channel's rolling p95. */
export const latencyDetector: Detector = {
  name: 'latency',
  scope: 'delivery',
  inspectResult(context) {
    const slowFirst = context.timing.ttftMs !== undefined ? firstToken(context, context.timing.ttftMs) : undefined;
    const slowTotal = total(context);
    // Nothing to report (nearly every call): no array.
    if (!slowFirst) return slowTotal ? [slowTotal] : undefined;
    return slowTotal ? [slowFirst, slowTotal] : [slowFirst];
  },
  observeStream(start) {
    let seenFirst = false;
    return {
      onPart(part, atMs) {
        if (seenFirst || !isContentPart(part)) return;
        seenFirst = true;
        // Filed as soon as the first token arrives late, while the stream is still flowing.
        const slow = firstToken(start, atMs);
        return slow ? [slow] : undefined;
      },
      onEnd(context) {
        const slowFirst = !seenFirst && context.timing.ttftMs !== undefined ? firstToken(context, context.timing.ttftMs) : undefined;
        const slowTotal = total(context);
        if (!slowFirst) return slowTotal ? [slowTotal] : undefined;
        return slowTotal ? [slowFirst, slowTotal] : [slowFirst];
      },
    };
  },
};
