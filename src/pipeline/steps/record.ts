import type { CallObserver, CallOutcome, StreamOutcome } from '../../core/call-outcome.js';
import { ZenError } from '../../core/errors.js';
import type { GeneratedImage, GenerationResult } from '../../core/result.js';
import type { QualityObservation } from '../../insurance/insured-call.js';
import type { TaskCategory } from '../../policy/analyze-prompt.js';
import type { Channel } from '../../policy/catalog.js';
import type { Route } from '../../policy/router.js';
import type { InternalStep, RunningCall } from '../call.js';
import type { PipelineRuntime } from '../runtime.js';
import { subjectOf } from './route.js';

/**
 * The one place a call's outcome is recorded, whatever ended it and whichever step produced it:
 * the quality model and the live state learn from it, the insurance settles it (detectors, claims)
 * and the ledger gets its records, and a failure leaves as a ZenError carrying the call's record.
 *
 * What the executor saw is learned the moment the execution ends (failed attempts, latency); what
 * needs the insurance's verdict once it is in (the answer's quality, the session's pin). A stream
 * is settled when it ends upstream, read or not, and before its reader sees the end, so that a
 * `zen.flush()` after the last part includes its records.
 */
export function recordStep(runtime: PipelineRuntime): InternalStep {
  // `then` handlers rather than an async function: one async frame less for every call in flight.
  return (call, next) => {
    const recorder = new Recorder(runtime, call);
    call.observers.push(recorder);
    return next().then(
      (outcome) => recorded(runtime, call, recorder, outcome),
      (caught: unknown) => failed(runtime, call, caught),
    );
  };
}

/** The outcome, once the insurance settled it (synchronously for the usual call, see InsuredCall.settle). */
function recorded(
  runtime: PipelineRuntime,
  call: RunningCall,
  recorder: Recorder,
  outcome: CallOutcome,
): CallOutcome | Promise<CallOutcome> {
  let fitted: CallOutcome;
  try {
    fitted = fitting(call, outcome);
  } catch (caught) {
    return failed(runtime, call, caught);
  }
  switch (fitted.type) {
    case 'text':
      return afterSettling(settle(runtime, call, undefined, fitted.result), fitted);
    case 'image':
      return afterSettling(settle(runtime, call, undefined, undefined, fitted.result.images), fitted);
    case 'embedding':
      return afterSettling(settle(runtime, call, undefined), fitted);
    case 'stream':
      return recorder.stream(fitted);
  }
}

function afterSettling(settling: Promise<void> | void, outcome: CallOutcome): CallOutcome | Promise<CallOutcome> {
  return settling ? settling.then(() => outcome) : outcome;
}

/** A failed call: settled with its error, which leaves carrying the call's record. */
function failed(runtime: PipelineRuntime, call: RunningCall, caught: unknown): Promise<never> {
  const error = ZenError.isInstance(caught) ? caught : new ZenError({ kind: 'server', message: String(caught), cause: caught });
  const settling = settle(runtime, call, error);
  if (settling)
    return settling.then(() => {
      throw error.withCall(call.record);
    });
  throw error.withCall(call.record);
}

class Recorder implements CallObserver {
  private ended = false;
  private endError: ZenError | undefined;
  private streaming = false;
  private settling: Promise<void> | undefined;

  constructor(
    private readonly runtime: PipelineRuntime,
    private readonly call: RunningCall,
  ) {}

  executionEnd(error: ZenError | undefined): void {
    learnFromAttempts(this.runtime, this.call);
    this.ended = true;
    this.endError = error;
    if (this.streaming) void this.settle(error);
  }

  /** The stream's outcome, whose `done` resolves once the stream is settled. */
  stream(outcome: StreamOutcome): StreamOutcome {
    this.streaming = true;
    // An executor's stream may have ended already (an empty answer ends at its head).
    if (this.ended) void this.settle(this.endError);
    const done = outcome.done.then((error) => this.settle(error).then(() => error));
    return { type: 'stream', parts: outcome.parts, done };
  }

  private settle(error: ZenError | undefined): Promise<void> {
    if (!this.settling) {
      this.settling = settleAsPromise(this.runtime, this.call, error);
      this.runtime.insurance.track(this.settling);
    }
    return this.settling;
  }
}

/** `settle` as a promise, failing as a promise too: a stream's settling is told through its `done`. */
function settleAsPromise(runtime: PipelineRuntime, call: RunningCall, error: ZenError | undefined): Promise<void> {
  try {
    return Promise.resolve(settle(runtime, call, error));
  } catch (caught) {
    return Promise.reject(caught);
  }
}

/**
 * Settles the call's insurance, then learns; a promise only when the insurance has to wait. Once
 * the record is final, whatever happened, the observers hear it (the budget settles on it, the
 * telemetry ends its span).
 */
function settle(
  runtime: PipelineRuntime,
  call: RunningCall,
  error: ZenError | undefined,
  result?: GenerationResult,
  images?: GeneratedImage[],
): Promise<void> | void {
  let pending: Promise<void> | void;
  try {
    pending = settleInsurance(runtime, call, error, result, images);
  } catch (caught) {
    notifySettled(call, error);
    throw caught;
  }
  if (pending) return pending.finally(() => notifySettled(call, error));
  notifySettled(call, error);
}

function notifySettled(call: RunningCall, error: ZenError | undefined): void {
  for (const observer of call.observers) observer.settled?.(error);
}

function settleInsurance(
  runtime: PipelineRuntime,
  call: RunningCall,
  error: ZenError | undefined,
  result?: GenerationResult,
  images?: GeneratedImage[],
): Promise<void> | void {
  const { record, insured } = call;
  if (insured) {
    const observations = insured.settle({ record, error, result, images });
    if (observations instanceof Promise) return observations.then((observed) => learn(runtime, call, error, observed));
    return learn(runtime, call, error, observations);
  }
  if (!call.internal) {
    runtime.insurance.recordUninsured(
      record,
      { request: call.subject ?? subjectOf(call), stream: call.stream, tags: call.options.tags },
      error,
      result,
    );
  }
  return learn(runtime, call, error, undefined);
}

/** What the answer teaches: the quality model (with the insurance's verdict), the session's pin. */
function learn(
  runtime: PipelineRuntime,
  call: RunningCall,
  error: ZenError | undefined,
  observations: QualityObservation[] | undefined,
): void {
  const record = call.record;
  const plan = call.route;
  if (error || !plan || call.operation !== 'text' || record.channel === undefined) return;
  learnFromAnswer(runtime, plan, record.channel, observations);
  const session = call.routing.session;
  if (session) {
    runtime.state.pinSession(session, record.channel);
    runtime.shared?.pinSession(session, record.channel);
  }
}

function channelOf(plan: Route, id: string): Channel | undefined {
  for (const candidate of plan.order) if (candidate.channel.id === id) return candidate.channel;
  return undefined;
}

/** What the executor saw: each failed attempt counts against its channel; each answer is a latency sample. */
function learnFromAttempts(runtime: PipelineRuntime, call: RunningCall): void {
  const plan = call.route;
  if (!plan) return;
  const category = plan.analysis.category;
  for (const attempt of call.record.attempts) {
    if (attempt.outcome !== 'error' && attempt.outcome !== 'success') continue;
    const channel = channelOf(plan, attempt.channel);
    if (!channel) continue;
    if (attempt.outcome === 'error') {
      runtime.quality.observe({ channel, category, success: false, errorKind: attempt.errorKind });
    } else {
      runtime.state.recordLatency(channel, {
        ttftMs: attempt.ttftMs,
        totalMs: attempt.durationMs,
        outputTokens: attempt.usage?.output.total,
        category,
      });
    }
  }
}

/** The answer, and any answer the insurance rejected, with their quality events' severities. */
function learnFromAnswer(runtime: PipelineRuntime, plan: Route, winner: string, observations: QualityObservation[] = []): void {
  const category = plan.analysis.category;
  // The prompt's difficulty, so that a hard prompt's outcome moves the channel's ability by what it says.
  const difficulty = plan.analysis.features?.difficulty;
  let winnerObserved = false;
  for (const { channel: id, severities } of observations) {
    const channel = channelOf(plan, id);
    if (!channel) continue;
    if (id === winner) winnerObserved = true;
    runtime.quality.observe({
      channel,
      category,
      success: true,
      difficulty,
      ...(severities.length > 0 ? { eventSeverities: severities, source: 'insurance' as const } : {}),
    });
  }
  const channel = channelOf(plan, winner);
  if (!winnerObserved && channel) runtime.quality.observe({ channel, category, success: true, difficulty });
}

/** A user's rating of a recorded call's answer (`zen.feedback`): 1 good, 0 bad. */
export function learnFromFeedback(
  runtime: Pick<PipelineRuntime, 'quality'>,
  channels: readonly Channel[],
  channelId: string,
  score: number,
  category: string | undefined,
): void {
  const channel = channels.find((candidate) => candidate.id === channelId);
  if (channel) runtime.quality.observe({ channel, category: (category ?? 'chat') as TaskCategory, success: true, score });
}

/** The outcome a call must end with: a host step that returns another kind gets a configuration error. */
function fitting(call: RunningCall, outcome: CallOutcome | undefined): CallOutcome {
  const expected = call.operation !== 'text' ? call.operation : call.stream ? 'stream' : 'text';
  if (outcome?.type === expected) return outcome;
  if (outcome?.type === 'stream') void outcome.parts[Symbol.asyncIterator]().return?.();
  throw new ZenError({
    kind: 'configuration',
    retryable: false,
    code: 'pipeline',
    message: `A pipeline step returned ${outcome?.type ? `a "${outcome.type}" outcome` : String(outcome)} for ${expected === 'stream' ? 'a streamed' : expected === 'text' ? 'a non-streamed text' : expected === 'image' ? 'an image' : 'an embedding'} call, which needs a "${expected}" outcome.`,
  });
}
