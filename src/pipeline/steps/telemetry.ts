import type { CallOutcome } from '../../core/call-outcome.js';
import { ZenError } from '../../core/errors.js';
import type { StreamPart } from '../../core/stream-part.js';
import { StreamAssembler } from '../../insurance/stream-assembler.js';
import type { InternalStep, RunningCall } from '../call.js';
import { callStartAttributes, operationName } from '../telemetry/attributes.js';
import { CallSpan } from '../telemetry/call-span.js';
import type { Recorders, Telemetry } from '../telemetry/telemetry.js';

/**
 * The first step: a span for the whole call (the recording, the insurance's judge and every
 * attempt under it) and the call's metrics. Without a registered tracer or meter it only asks
 * whether one is there. Everything after this step runs in the span's context, so spans the host's
 * instrumentation makes (HTTP, the judge's call) nest under it.
 */
export function telemetryStep(telemetry: Telemetry): InternalStep {
  return (call, next) => {
    const recorders = telemetry.recorders();
    if (recorders === undefined) return next();
    if (recorders instanceof Promise) return recorders.then((ready) => (ready ? traced(telemetry, ready, call, next) : next()));
    return traced(telemetry, recorders, call, next);
  };
}

function traced(telemetry: Telemetry, recorders: Recorders, call: RunningCall, next: () => Promise<CallOutcome>): Promise<CallOutcome> {
  const { api, tracer } = recorders;
  const startedAt = performance.now();
  const parent = api.context.active();
  const model = Array.isArray(call.model) ? call.model.join(',') : call.model;
  const span = tracer?.startSpan(
    `${operationName(call)} ${model}`,
    { kind: api.SpanKind.CLIENT, attributes: callStartAttributes(call) },
    parent,
  );
  const recording = span?.isRecording() ? span : undefined;
  // A sampled-out span records nothing: only the metrics remain to do.
  if (span && !recording) span.end();
  if (!recording && !recorders.metrics) return next();
  const context = recording ? api.trace.setSpan(parent, recording) : parent;
  const observer = new CallSpan(telemetry, recorders, call, recording, context, startedAt);
  call.observe(observer);
  const run = recording ? api.context.with(context, next) : next();
  return run.then(
    (outcome) => {
      if (outcome.type !== 'stream') {
        telemetry.track(observer.finish(undefined, outcome.type === 'text' ? outcome.result : undefined));
        return outcome;
      }
      const assembler = recording && telemetry.captureContent !== 'none' ? new StreamAssembler() : undefined;
      const done = outcome.done.then((error) => {
        telemetry.track(observer.finish(error, assembler?.result()));
        return error;
      });
      return { type: 'stream', parts: assembler ? assembled(outcome.parts, assembler) : outcome.parts, done };
    },
    (error: unknown) => {
      telemetry.track(
        observer.finish(ZenError.isInstance(error) ? error : new ZenError({ kind: 'server', message: String(error) }), undefined),
      );
      throw error;
    },
  );
}

/** The parts as they pass to the reader, kept for the span's `gen_ai.output.messages`. */
async function* assembled(parts: AsyncIterable<StreamPart>, assembler: StreamAssembler): AsyncGenerator<StreamPart> {
  for await (const part of parts) {
    assembler.add(part);
    yield part;
  }
}
