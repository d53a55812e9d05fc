import { ZenError } from '../core/errors.js';
import type { CallWarning, GenerationResult } from '../core/result.js';
import type { StreamPart } from '../core/stream-part.js';
import { emptyUsage } from '../core/usage.js';
import { textOperation, type CallOperation } from './call-operation.js';
import { Execution, type ExecuteDeps, type ExecuteInput } from './execution.js';
import type { Committed } from './lane.js';
import type { Candidate } from './types.js';

/**
 * Carrying out a plan, the executor's entry points. The parts, by role: execution.ts (failover,
 * hedging, the deadline, accounting into the call's record), lane.ts (one channel and its
 * retries), attempt.ts (one call of one channel, its signal and stream head), stream-pump.ts (a
 * committed stream, read whether or not the caller reads), call-failure.ts (the error when every
 * channel failed), attempt-cost.ts (what a cut-off attempt cost), call-operation.ts (what an attempt runs).
 */

export type { ExecuteDeps, ExecuteInput } from './execution.js';
export type { ResolvedRetry } from './lane.js';
export { textOperation, type CallOperation } from './call-operation.js';

export interface GenerateExecution<T = GenerationResult> {
  result: T;
  winner: Candidate;
}

export interface StreamExecution {
  winner: Candidate;
  parts: AsyncIterable<StreamPart>;
  /** Resolves when the stream ended upstream (read or not), with the error that ended it, if one did. */
  done: Promise<ZenError | undefined>;
}

function asZenError(error: unknown): ZenError {
  return ZenError.isInstance(error) ? error : new ZenError({ kind: 'server', message: String(error), cause: error });
}

/** Runs a non-streamed call; the call's record holds what happened, whether it answered or threw. */
export function executeGenerate<T extends { warnings: CallWarning[] } = GenerationResult>(
  input: ExecuteInput<T>,
  deps: ExecuteDeps,
  operation?: CallOperation<T>,
): Promise<GenerateExecution<T>> {
  const op = operation ?? (textOperation(input.request) as unknown as CallOperation<T>);
  const execution = new Execution<T>(input, deps, op);
  // `then` handlers rather than an async function: one async frame less for every call in flight.
  return execution.run().then(
    (committed) => generated(execution, op, input, committed),
    (error: unknown) => {
      const zenError = asZenError(error);
      execution.finish(undefined, emptyUsage(), { error: zenError });
      throw zenError;
    },
  );
}

function generated<T extends { warnings: CallWarning[] }>(
  execution: Execution<T>,
  op: CallOperation<T>,
  input: ExecuteInput<T>,
  committed: Committed<T>,
): GenerateExecution<T> {
  if (committed.kind !== 'result') throw new Error('unreachable: a non-streamed call committed a stream');
  execution.finish(committed.candidate, op.usage(committed.result), { finishReason: op.finishReason(committed.result) });
  // The answer's warnings join the face's in the record (after the observers heard of the end, as before).
  const { warnings } = committed.result;
  if (warnings.length > 0) input.record.warnings.push(...warnings);
  return { result: committed.result, winner: committed.candidate };
}

/** Runs a streamed call up to its first token; the rest is read by a pump that ends the record when the stream ends. */
export async function executeStream(input: ExecuteInput<GenerationResult>, deps: ExecuteDeps): Promise<StreamExecution> {
  const execution = new Execution<GenerationResult>(input, deps, textOperation(input.request));
  let committed;
  try {
    committed = await execution.run();
  } catch (error) {
    const zenError = asZenError(error);
    execution.finish(undefined, emptyUsage(), { error: zenError });
    throw zenError;
  }
  if (committed.kind !== 'stream') throw new Error('unreachable: a streamed call committed a result');
  input.commit?.(committed.candidate);
  const pump = execution.pump(committed);
  return { winner: committed.candidate, parts: pump, done: pump.start() };
}
