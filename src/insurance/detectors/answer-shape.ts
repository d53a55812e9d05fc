import { answerText, type Detector } from '../detector.js';

/** No text and no tool call (or, on the images face, no image). */
export const emptyDetector: Detector = {
  name: 'empty',
  scope: 'answer',
  inspectResult(context) {
    if (context.output === 'image') {
      if ((context.images?.length ?? 0) > 0) return;
      return [{ kind: 'empty_answer', severity: 1, message: 'The call returned no image.' }];
    }
    const { result } = context;
    // A content-filter stop is a refusal, reported by its own detector.
    if (result.finishReason.unified === 'content-filter') return;
    if (answerText(result).trim() !== '' || result.content.some((part) => part.type === 'tool-call')) return;
    const reasoning = result.content.some((part) => part.type === 'reasoning');
    return [
      {
        kind: 'empty_answer',
        severity: 1,
        message: reasoning ? 'The answer holds reasoning but no text and no tool call.' : 'The answer is empty: no text and no tool call.',
        detail: { finishReason: result.finishReason.unified, outputTokens: result.usage.output.total },
      },
    ];
  },
};

/** Stopped at the length limit although the caller set none: the model ran into the vendor's default. */
export const truncatedDetector: Detector = {
  name: 'truncated',
  scope: 'answer',
  inspectResult(context) {
    if (context.output === 'image') return;
    const { result, request } = context;
    if (result.finishReason.unified !== 'length' || request.maxOutputTokens !== undefined) return;
    return [
      {
        kind: 'truncated_answer',
        severity: 0.7,
        message: 'The answer was cut at the length limit, and the caller asked for no limit.',
        detail: { finishReason: result.finishReason.raw ?? 'length', outputTokens: result.usage.output.total },
      },
    ];
  },
};

/** A content-filter stop, the vendor's refusal field, or an answer that opens with a refusal. */
export const refusalDetector: Detector = {
  name: 'refusal',
  scope: 'answer',
  inspectResult(context) {
    if (context.output === 'image') return;
    const { result } = context;
    if (result.finishReason.unified === 'content-filter') {
      return [
        {
          kind: 'refusal',
          severity: 1,
          message: 'The vendor stopped the answer with a content filter.',
          detail: { finishReason: result.finishReason.raw ?? 'content-filter', reason: 'content_filter' },
        },
      ];
    }
    const refusal = result.providerMetadata?.refusal;
    if (typeof refusal === 'string' && refusal.trim() !== '') {
      return [
        {
          kind: 'refusal',
          severity: 1,
          message: "The model refused (the vendor's refusal field is set).",
          detail: { reason: 'refusal_field' },
          evidence: refusal,
        },
      ];
    }
    const text = answerText(result);
    // Only the opening of an answer is read: a long answer that quotes a refusal is still an answer.
    const opening = text.slice(0, 300);
    if (text.length > 2000 || !context.settings.refusalPatterns.some((pattern) => pattern.test(opening))) return;
    return [
      {
        kind: 'refusal',
        severity: 0.8,
        message: 'The answer opens with a refusal.',
        detail: { reason: 'refusal_text' },
        evidence: opening,
      },
    ];
  },
};
