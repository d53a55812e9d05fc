import { newCallRecord } from '../core/call-record.js';
import type { CallObserver, CallOutcome } from '../core/call-outcome.js';
import { newRequestId } from '../core/ids.js';
import type { GenerationRequest } from '../core/request.js';
import type { InsuredCall } from '../insurance/insured-call.js';
import type { ExecuteDeps } from '../policy/execute.js';
import type { CallInput, EmbeddingCall, ImageCall, TextCall, ZenRequestOptions } from './types.js';

/** What the built-in steps keep on a call besides what every step sees. */
interface CallState {
  readonly observers: CallObserver[];
  /** The messages the call is routed and insured on (an image call's prompt, an embedding call's texts, as one user message). */
  subject: GenerationRequest | undefined;
  /** The executor's dependencies for the configured providers, found by the routing step. */
  executeDeps: ExecuteDeps | undefined;
  insured: InsuredCall | undefined;
}

/** A call as the built-in steps see it: the public ZenCall plus their own state. */
export type RunningCall = (TextCall & CallState) | (ImageCall & CallState) | (EmbeddingCall & CallState);

/** A built-in step: the public Step signature over the built-ins' view of the call. */
export type InternalStep = (call: RunningCall, next: () => Promise<CallOutcome>) => Promise<CallOutcome>;

function observe(this: CallState, observer: CallObserver): void {
  this.observers.push(observer);
}

/** A new call from a face's input: a request id, the effective routing options, an empty record. */
export function createCall(
  input: CallInput,
  routing: (options: ZenRequestOptions | undefined) => ZenRequestOptions,
  internal = false,
): RunningCall {
  const requestId = newRequestId();
  const record = newCallRecord(requestId, input.face, input.model, input.warnings);
  // Each kind written out in one literal (no spreads): one object shape per kind of call.
  if (input.operation === 'text') {
    return {
      operation: 'text',
      request: input.request,
      stream: input.stream,
      requestId,
      face: input.face,
      model: input.model,
      options: input.options ?? {},
      routing: routing(input.options),
      signal: input.signal,
      record,
      route: undefined,
      observe,
      internal,
      observers: [],
      subject: undefined,
      executeDeps: undefined,
      insured: undefined,
    };
  }
  if (input.operation === 'embedding') {
    return {
      operation: 'embedding',
      request: input.request,
      stream: false,
      requestId,
      face: input.face,
      model: input.model,
      options: input.options ?? {},
      routing: routing(input.options),
      signal: input.signal,
      record,
      route: undefined,
      observe,
      internal,
      observers: [],
      subject: undefined,
      executeDeps: undefined,
      insured: undefined,
    };
  }
  return {
    operation: 'image',
    request: input.request,
    stream: false,
    requestId,
    face: input.face,
    model: input.model,
    options: input.options ?? {},
    routing: routing(input.options),
    signal: input.signal,
    record,
    route: undefined,
    observe,
    internal,
    observers: [],
    subject: undefined,
    executeDeps: undefined,
    insured: undefined,
  };
}
