import type { CallOutcome } from '../../core/call-outcome.js';
import { configurationError } from '../../core/errors.js';
import type { EmbeddingResult } from '../../core/embedding.js';
import type { GenerationResult, ImageResult } from '../../core/result.js';
import type { StreamPart } from '../../core/stream-part.js';
import { executeGenerate, executeStream, type ExecuteDeps, type ExecuteInput, type GenerateExecution } from '../../policy/execute.js';
import { resolveHedge } from '../../policy/hedge.js';
import { imageOperation } from '../../policy/image-operation.js';
import { embeddingOperation } from '../../policy/embedding-operation.js';
import type { Route } from '../../policy/router.js';
import type { InternalStep, RunningCall } from '../call.js';
import { DEFAULT_RETRY } from '../routing-defaults.js';
import type { PipelineRuntime } from '../runtime.js';

/**
 * The last step: carries out the plan (attempts, retries, failover, timeouts, hedging) for the
 * call's operation. The executor writes what happened into the call's record as it goes.
 */
export function executeStep(runtime: PipelineRuntime): InternalStep {
  // Not async: a throw here reaches the pipeline as a rejection (compose's dispatch turns it into one).
  return (call) => {
    const { route: plan, executeDeps: deps } = call;
    if (!plan || !deps)
      throw configurationError('The execute step needs a routed call: a step before it returned without calling the routing step.');
    // The executor writes the answer's warnings into the record too. The usual call's outcome is
    // mapped by a shared function rather than awaited here: one async frame less per call (each
    // costs ~0.4 KB, and 64 calls in flight keep 64 of them alive through every young-generation GC).
    if (call.operation === 'image')
      return executeGenerate(executeInput<ImageResult>(call, plan), deps, imageOperation(call.request)).then(imageOutcome);
    if (call.operation === 'embedding')
      return executeGenerate(executeInput<EmbeddingResult>(call, plan), deps, embeddingOperation(call.request)).then(embeddingOutcome);
    const insured = call.insured;
    const input = executeInput<GenerationResult>(call, plan);
    if (!call.stream) {
      if (insured) input.inspector = insured;
      return executeGenerate(input, deps).then(textOutcome);
    }
    return stream(runtime, call, input, deps);
  };
}

function textOutcome(execution: GenerateExecution<GenerationResult>): CallOutcome {
  return { type: 'text', result: execution.result };
}

function imageOutcome(execution: GenerateExecution<ImageResult>): CallOutcome {
  return { type: 'image', result: execution.result };
}

function embeddingOutcome(execution: GenerateExecution<EmbeddingResult>): CallOutcome {
  return { type: 'embedding', result: execution.result };
}

function executeInput<T>(call: RunningCall, plan: Route): ExecuteInput<T> {
  const routing = call.routing;
  return {
    requestId: call.requestId,
    request: call.subject!,
    order: plan.order,
    stream: call.stream,
    signal: call.signal,
    timeouts: routing.timeouts!,
    retry: { ...DEFAULT_RETRY, ...routing.retry },
    hedge: resolveHedge(routing.hedge),
    category: plan.analysis.category,
    inputTokens: plan.analysis.inputTokens,
    record: call.record,
    observers: call.observers,
    // Written out, set below for the calls that have them: one shape for every input.
    inspector: undefined,
    commit: undefined,
    observe: undefined,
  };
}

async function stream(
  runtime: PipelineRuntime,
  call: RunningCall,
  input: ExecuteInput<GenerationResult>,
  deps: ExecuteDeps,
): Promise<CallOutcome> {
  const { insured, record } = call;
  // Parts are watched from the commit on, as they arrive.
  const observe = (part: StreamPart): void => {
    if (part.type === 'stream-start' && part.warnings.length > 0) record.warnings.push(...part.warnings);
    if (!insured) return;
    try {
      insured.observe(part);
    } catch (error) {
      // The insurance's own failure: reported, and never counted against the channel.
      runtime.insurance.detectorFailed(call.requestId, 'insurance', error);
    }
  };
  input.observe = observe;
  input.commit = (winner) => {
    insured?.commit(winner.channel.id);
    record.model = winner.channel.model.id;
    record.channel = winner.channel.id;
    record.provider = winner.channel.provider.name;
    // Events filed while the stream flows (a slow first token) show at once.
    if (insured) record.events = insured.events;
  };
  const execution = await executeStream(input, deps);
  return { type: 'stream', parts: execution.parts, done: execution.done };
}
