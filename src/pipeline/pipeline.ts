import type { CallOutcome } from '../core/call-outcome.js';
import type { CallRecord } from '../core/call-record.js';
import { ZenError } from '../core/errors.js';
import type { InternalStep, RunningCall } from './call.js';
import { compose } from './compose.js';
import type { PipelineRuntime } from './runtime.js';
import { budgetSteerStep, budgetStep } from './steps/budget.js';
import { executeStep } from './steps/execute.js';
import { insureStep } from './steps/insure.js';
import { recordStep } from './steps/record.js';
import { routeStep } from './steps/route.js';
import { sharedStateStep } from './steps/shared-state.js';
import { telemetryStep } from './steps/telemetry.js';
import { validateStep, type CallValidator } from './steps/validate.js';
import type { EmbeddingRun, ImageRun, Step, StreamRun, TextRun } from './types.js';

/** A built-in step, named so that a new one can be placed by its neighbours. */
export interface NamedStep {
  name: string;
  step: InternalStep;
}

/**
 * The built-in steps in the order a call meets them; host steps (`zen.use`) go between `before`
 * and `after`, that is after validation and before shared state, routing and execution:
 *
 *     telemetry → record → validate → [host steps] → shared-state → budget-steer → route → budget → insure → execute
 *
 * `telemetry` (with `telemetry` options) is first, so that its call span covers the recording;
 * attempt spans come from `call.observe({ attemptStart, attemptEnd })`. `budget-steer` and `budget`
 * (with `budgets`) sit around `route`: pressure before it, the estimate held after it (it needs the
 * plan's candidates), settled on `call.record.cost` once the record is final (`settled`). Steps a
 * client does not use are not in its pipeline. A new kind of call (embeddings) needs no new step:
 * a new operation in the execute step (as embeddings: src/policy/embedding-operation.ts).
 */
export function builtInSteps(runtime: PipelineRuntime, validators: readonly CallValidator[]): { before: NamedStep[]; after: NamedStep[] } {
  const before: NamedStep[] = [];
  if (runtime.telemetry) before.push({ name: 'telemetry', step: telemetryStep(runtime.telemetry) });
  before.push({ name: 'record', step: recordStep(runtime) }, { name: 'validate', step: validateStep(validators) });
  const after: NamedStep[] = [];
  if (runtime.shared) after.push({ name: 'shared-state', step: sharedStateStep(runtime.shared) });
  const budgets = runtime.budgets;
  if (budgets) after.push({ name: 'budget-steer', step: budgetSteerStep(budgets) });
  after.push({ name: 'route', step: routeStep(runtime) });
  if (budgets) after.push({ name: 'budget', step: budgetStep(runtime, budgets) });
  after.push({ name: 'insure', step: insureStep(runtime) }, { name: 'execute', step: executeStep(runtime) });
  return { before, after };
}

/** The call pipeline: the built-in steps around the host's, composed once (again after each `use`). */
export class Pipeline {
  private readonly host: Step[] = [];
  private composed: ((call: RunningCall) => Promise<CallOutcome>) | undefined;

  constructor(private readonly steps: { before: readonly NamedStep[]; after: readonly NamedStep[] }) {}

  /** Adds a host step after the ones added before it (see `ZenClient.use`). */
  use(step: Step): void {
    if (typeof step !== 'function') {
      throw new ZenError({
        kind: 'configuration',
        retryable: false,
        code: 'use',
        message: `zen.use() takes a step function (call, next) => outcome, got ${step === null ? 'null' : typeof step}.`,
      });
    }
    this.host.push(step);
    this.composed = undefined;
  }

  /** Runs a call through every step; the outcome comes back with the call's record. */
  run(call: RunningCall): Promise<TextRun | StreamRun | ImageRun | EmbeddingRun> {
    this.composed ??= compose<RunningCall>([
      ...this.steps.before.map((entry) => entry.step),
      ...this.host,
      ...this.steps.after.map((entry) => entry.step),
    ]);
    // A `then` rather than an async function: one async frame less for every call in flight.
    return this.composed(call).then((outcome) => runOf(outcome, call.record));
  }
}

function runOf(outcome: CallOutcome, record: CallRecord): TextRun | StreamRun | ImageRun | EmbeddingRun {
  switch (outcome.type) {
    case 'text':
      return { result: outcome.result, metadata: record };
    case 'image':
      return { result: outcome.result, metadata: record };
    case 'embedding':
      return { result: outcome.result, metadata: record };
    case 'stream':
      return { parts: outcome.parts, metadata: () => record, done: outcome.done.then(() => record) };
  }
}
