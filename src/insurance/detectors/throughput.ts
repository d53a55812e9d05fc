import type { Detector } from '../detector.js';

/**
 * Output tokens per second below a floor. For streams the rate is measured after the first token;
 * a non-streamed call has no first token, so its rate is over the whole call.
 */
export const throughputDetector: Detector = {
  name: 'throughput',
  scope: 'delivery',
  inspectResult(context) {
    const floor = context.settings.limits.minTokensPerSecond;
    const { tokensPerSecond, outputTokens } = context.timing;
    // Short answers say little about speed: a 5-token answer's rate is mostly noise.
    if (floor === undefined || tokensPerSecond === undefined || outputTokens < context.settings.limits.minOutputTokens) return;
    if (tokensPerSecond >= floor) return;
    return [
      {
        kind: 'slow_stream',
        severity: Math.min(1, Math.max(0.1, 1 - tokensPerSecond / floor)),
        message: `${tokensPerSecond.toFixed(1)} output tokens/s, below the floor of ${floor}.`,
        detail: {
          tokensPerSecond: Math.round(tokensPerSecond * 10) / 10,
          floor,
          outputTokens,
          measured: context.stream ? 'after first token' : 'whole call',
        },
      },
    ];
  },
};
