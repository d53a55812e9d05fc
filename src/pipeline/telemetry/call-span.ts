import type { Context, Span } from '@opentelemetry/api';
import type { AttemptRecord } from '../../core/call-record.js';
import type { AttemptStart, CallObserver } from '../../core/call-outcome.js';
import type { ZenError } from '../../core/errors.js';
import type { GenerationResult } from '../../core/result.js';
import type { ZenCall } from '../types.js';
import {
  attemptEndAttributes,
  attemptStartAttributes,
  callEndAttributes,
  metricAttributes,
  operationName,
  ownTokens,
} from './attributes.js';
import { contentAttributes } from './content.js';
import type { Recorders, Telemetry } from './telemetry.js';

const attemptKey = (channel: string, retry: number, hedge: boolean | undefined): string =>
  `${channel}\u0000${retry}\u0000${hedge === true ? 1 : 0}`;

/**
 * One call's telemetry: its span, a child span per attempt (from the executor's attempt hooks),
 * and, once the call's record is final, the call's attributes, its quality events and claims as
 * `gen_ai.evaluation.result` events, its content when the host opted in, and its metrics.
 */
export class CallSpan implements CallObserver {
  private readonly attempts = new Map<string, Span>();
  private finished = false;

  constructor(
    private readonly telemetry: Telemetry,
    private readonly recorders: Recorders,
    private readonly call: ZenCall,
    readonly span: Span | undefined,
    private readonly context: Context,
    private readonly startedAt: number,
  ) {}

  attemptStart(attempt: AttemptStart): void {
    const { tracer, api } = this.recorders;
    if (!this.span || !tracer || !this.telemetry.attemptSpans) return;
    const name = `${operationName(this.call)} ${attempt.model.slice(attempt.model.indexOf('/') + 1)}`;
    const span = tracer.startSpan(
      name,
      { kind: api.SpanKind.CLIENT, attributes: attemptStartAttributes(this.call, attempt) },
      this.context,
    );
    this.attempts.set(attemptKey(attempt.channel, attempt.retry, attempt.hedge), span);
  }

  attemptEnd(attempt: AttemptRecord): void {
    if (!this.span) return;
    const key = attemptKey(attempt.channel, attempt.retry, attempt.hedge);
    const span = this.attempts.get(key);
    if (!span) {
      // A channel skipped without a call (an open breaker): a fact of the call, not a span.
      if (attempt.outcome === 'skipped')
        this.span.addEvent('zenrouter.attempt.skipped', {
          'zenrouter.channel': attempt.channel,
          ...(attempt.message ? { 'zenrouter.reason': attempt.message } : {}),
        });
      return;
    }
    this.attempts.delete(key);
    span.setAttributes(attemptEndAttributes(attempt));
    if (attempt.outcome === 'error')
      span.setStatus({ code: this.recorders.api.SpanStatusCode.ERROR, ...(attempt.message ? { message: attempt.message } : {}) });
    span.end();
  }

  /** Ends the call's span and records its metrics; `answer` is the result (or a stream's assembled one) for content capture. */
  async finish(error: ZenError | undefined, answer: GenerationResult | undefined): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const record = this.call.record;
    const seconds = (performance.now() - this.startedAt) / 1000;
    const { metrics, api } = this.recorders;
    if (metrics) {
      const attributes = metricAttributes(this.call, record, error);
      metrics.duration.record(seconds, attributes);
      const tokens = ownTokens(record);
      if (record.attempts.length > 0) {
        metrics.tokens.record(tokens.input, { ...attributes, 'gen_ai.token.type': 'input' });
        metrics.tokens.record(tokens.output, { ...attributes, 'gen_ai.token.type': 'output' });
      }
      if (this.call.stream && record.ttftMs !== undefined) metrics.firstChunk.record(record.ttftMs / 1000, attributes);
      if (record.cost.total > 0) metrics.cost.add(record.cost.total, attributes);
    }
    const span = this.span;
    if (!span) return;
    for (const open of this.attempts.values()) open.end();
    this.attempts.clear();
    span.setAttributes(
      callEndAttributes(
        record,
        error,
        answer ? { ...(answer.id ? { id: answer.id } : {}), ...(answer.modelId ? { modelId: answer.modelId } : {}) } : undefined,
      ),
    );
    for (const event of record.events) {
      span.addEvent(
        'gen_ai.evaluation.result',
        {
          'gen_ai.evaluation.name': event.kind,
          'gen_ai.evaluation.score.value': 1 - event.severity,
          'gen_ai.evaluation.score.label': event.severity > 0 ? 'fail' : 'info',
          'gen_ai.evaluation.explanation': event.message,
          'zenrouter.detector': event.detector,
          'zenrouter.channel': event.channel,
          'zenrouter.severity': event.severity,
        },
        new Date(event.at),
      );
    }
    for (const claim of record.claims) {
      span.addEvent(
        'gen_ai.evaluation.result',
        {
          'gen_ai.evaluation.name': `claim.${claim.eventKind}`,
          'gen_ai.evaluation.score.label': claim.status,
          'gen_ai.evaluation.explanation': claim.rule + (claim.note ? `: ${claim.note}` : ''),
          'zenrouter.claim.amount_usd': claim.amountUsd,
          'zenrouter.channel': claim.channel,
        },
        new Date(claim.at),
      );
    }
    if (error) span.setStatus({ code: api.SpanStatusCode.ERROR, message: error.message });
    const mode = this.telemetry.captureContent ?? 'none';
    if (mode === 'none' || this.call.operation !== 'text') {
      span.end();
      return;
    }
    // Redaction may take a few turns of the event loop: the span ends at the call's end all the same.
    const end = new Date();
    try {
      span.setAttributes(await contentAttributes(mode, this.call.request, answer?.content, record.finishReason));
    } catch {
      // Content is best effort: a span without it is still the call's span.
    }
    span.end(end);
  }
}
