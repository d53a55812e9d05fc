import pRetry, { AbortError } from 'p-retry';
import { allowsFailover, ZenError, type ZenErrorKind } from '../core/errors.js';
import { emptyUsage, makeUsage, type Usage } from '../core/usage.js';
import { roundUsd, sumCosts, zeroCost, type CostBreakdown } from '../core/money.js';
import type { GenerationRequest } from '../core/request.js';
import type { GenerationResult } from '../core/result.js';
import type { StreamPart } from '../core/stream-part.js';
import type { AttemptRecord } from '../insurance/types.js';
import type { ProviderAdapter } from '../providers/types.js';
import type { TaskCategory } from './analyze-prompt.js';
import { anySignal, AttemptSignal, attemptError, CALLER_ABORTED, IdleWatch, openStreamHead, StopSwitch, type StopReason, type StreamHead } from './attempt.js';
import type { Channel } from './catalog.js';
import type { BreakerPermit, BreakerTransition } from './circuit-breaker.js';
import type { PolicyEvents } from './events.js';
import { hedgeDelay, type HedgeLimiter, type ResolvedHedge } from './hedge.js';
import type { LiveState } from './live-state.js';
import { costOfUsage, estimateCost } from './pricing.js';
import type { QualityModel } from './quality-model.js';
import type { RetryBudget } from './retry-budget.js';
import type { Candidate, TimeoutOptions } from './types.js';

export interface ResolvedRetry {
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
}

/** What a non-streamed attempt does, and how to read its usage and cost. */
export interface CallOperation<T> {
  run(adapter: ProviderAdapter, channel: Channel, signal: AbortSignal): Promise<T>;
  usage(result: T): Usage;
  cost(channel: Channel, result: T): CostBreakdown;
  finishReason(result: T): string | undefined;
}

/** The usual operation: a chat generation. */
export function textOperation(request: GenerationRequest): CallOperation<GenerationResult> {
  return {
    run: (adapter, channel, signal) => adapter.generate({ modelId: channel.providerModelId, request, signal }),
    usage: (result) => result.usage,
    cost: (channel, result) => costOfUsage(channel, result.usage),
    finishReason: (result) => result.finishReason.raw ?? result.finishReason.unified,
  };
}

export interface ExecuteInput<T = GenerationResult> {
  requestId: string;
  request: GenerationRequest;
  order: Candidate[];
  stream: boolean;
  signal?: AbortSignal;
  timeouts: TimeoutOptions;
  retry: ResolvedRetry;
  hedge: ResolvedHedge | undefined;
  category: TaskCategory;
  inputTokens: number;
  /**
   * Sees every non-streamed answer before it is accepted; returning a reason rejects it and the
   * next candidate is tried (insurance `repair`). The rejected attempt stays in the record.
   */
  inspect?: (result: T, attempt: AttemptRecord, candidate: Candidate) => Promise<string | undefined>;
  /** Streams: sees each part of the committed stream as it is handed to the caller. Must not throw. */
  observe?: (part: StreamPart) => void;
}

type Emit = <K extends keyof PolicyEvents>(event: K, payload: Parameters<PolicyEvents[K]>[0]) => void;

export interface ExecuteDeps {
  adapters: ReadonlyMap<string, ProviderAdapter>;
  state: LiveState;
  budget: RetryBudget;
  hedges: HedgeLimiter;
  quality: QualityModel;
  emit: Emit;
  now?: () => number;
}

/** What happened, for the metadata and the ledger. Complete once the call (or its stream) ends. */
export interface ExecutionSummary<T = GenerationResult> {
  attempts: AttemptRecord[];
  winner: Candidate | undefined;
  /** Usage of the answer the caller got. */
  usage: Usage;
  /** Everything spent: every attempt, hedges and rejected answers included. */
  cost: CostBreakdown;
  ttftMs: number | undefined;
  durationMs: number;
  tokensPerSecond: number | undefined;
  finishReason: string | undefined;
  error: ZenError | undefined;
  /** Answers rejected by `inspect`, with the reason. */
  repairs: Array<{ channel: string; reason: string; result: T }>;
}

export interface GenerateExecution<T = GenerationResult> {
  result: T;
  winner: Candidate;
  summary: ExecutionSummary<T>;
}

export interface StreamExecution {
  winner: Candidate;
  parts: AsyncIterable<StreamPart>;
  /** Resolves when the stream ended, failed or was abandoned. */
  summary: Promise<ExecutionSummary>;
}

type Committed<T = GenerationResult> =
  | { kind: 'result'; candidate: Candidate; result: T; attempt: AttemptRecord }
  | {
      kind: 'stream'; candidate: Candidate; head: StreamHead; signal: AttemptSignal; clearAttemptTimer: () => void; startedAt: number; retry: number; hedge: boolean;
      permit: BreakerPermit;
    };

type LaneOutcome<T> = { lane: Lane<T>; ok: true; committed: Committed<T> } | { lane: Lane<T>; ok: false; error: ZenError };

interface Lane<T> {
  candidate: Candidate;
  /** Stopped when the lane loses a race or the call ends. */
  switch: StopSwitch;
  promise: Promise<LaneOutcome<T>>;
  hedge: boolean;
}

/** Carries out a plan: retries, failover, timeouts, breakers, hedging and the retry budget. */
class Execution<T> {
  readonly attempts: AttemptRecord[] = [];
  readonly repairs: ExecutionSummary<T>['repairs'] = [];
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly deadline = new StopSwitch();
  private clearDeadline: () => void = () => {};
  private spentBudget = 0;
  private budgetExhausted = false;

  constructor(
    private readonly input: ExecuteInput<T>,
    private readonly deps: ExecuteDeps,
    private readonly operation: CallOperation<T>,
  ) {
    this.now = deps.now ?? (() => performance.now());
    this.startedAt = this.now();
    const total = input.timeouts.totalMs;
    if (total !== undefined) {
      const handle = setTimeout(() => this.deadline.stop({ kind: 'timeout', message: `The call exceeded its total deadline of ${total} ms.` }), total);
      this.clearDeadline = () => clearTimeout(handle);
    }
  }

  /** Why the call as a whole was stopped (the caller's signal or the deadline), if it was. */
  private callStopReason(): StopReason | undefined {
    if (this.input.signal?.aborted) return CALLER_ABORTED;
    return this.deadline.reason;
  }

  /** Stops a lane (its attempt, or its wait before a retry) for `reason`. */
  private stopLane(lane: Lane<T>, reason: StopReason): void {
    lane.switch.stop(reason);
  }

  private record(attempt: AttemptRecord): void {
    this.attempts.push(attempt);
    this.deps.emit('attempt', { requestId: this.input.requestId, attempt });
  }

  private breakerEvent(channel: string, transition: BreakerTransition | undefined): void {
    if (transition) this.deps.emit('breaker', { channel, ...transition });
  }

  private adapter(candidate: Candidate): ProviderAdapter {
    const adapter = this.deps.adapters.get(candidate.channel.provider.name);
    if (!adapter) throw new ZenError({ kind: 'configuration', message: `Provider "${candidate.channel.provider.name}" is not configured.` });
    return adapter;
  }

  /** One call of one channel, up to its first token (streams) or its answer. */
  private async attemptOnce(candidate: Candidate, retry: number, lane: StopSwitch, hedge: boolean, permit: BreakerPermit): Promise<Committed<T>> {
    const { channel } = candidate;
    const signal = new AttemptSignal([this.deadline, lane], this.input.signal);
    const startedAt = this.now();
    const { attemptMs, firstTokenMs } = this.input.timeouts;
    const clearAttemptTimer = signal.timer(attemptMs, { kind: 'timeout', message: `The attempt on ${channel.id} exceeded ${attemptMs} ms.` });
    const breaker = this.deps.state.breaker(channel);
    try {
      if (!this.input.stream) {
        const result = await this.operation.run(this.adapter(candidate), channel, signal.signal);
        const usage = this.operation.usage(result);
        clearAttemptTimer();
        signal.dispose();
        const durationMs = this.now() - startedAt;
        const attempt: AttemptRecord = {
          channel: channel.id, provider: channel.provider.name, model: channel.model.id, outcome: 'success', durationMs, usage, cost: this.operation.cost(channel, result), retry, hedge,
        };
        this.breakerEvent(channel.id, breaker.onSuccess(permit));
        this.deps.state.recordLatency(channel, { totalMs: durationMs, outputTokens: usage.output.total, category: this.input.category });
        this.record(attempt);
        return { kind: 'result', candidate, result, attempt };
      }
      const clearFirstToken = signal.timer(firstTokenMs, { kind: 'timeout', message: `No first token from ${channel.id} within ${firstTokenMs} ms.` });
      try {
        const head = await openStreamHead(this.adapter(candidate), channel, this.input.request, signal.signal, this.now);
        return { kind: 'stream', candidate, head, signal, clearAttemptTimer, startedAt, retry, hedge, permit };
      } finally {
        clearFirstToken();
      }
    } catch (error) {
      clearAttemptTimer();
      signal.dispose();
      const zenError = attemptError(error, signal.reason, channel);
      this.failAttempt(candidate, zenError, signal.reason, startedAt, retry, hedge, 0, permit);
      throw zenError;
    }
  }

  /** Records a failed attempt and tells the breaker and the quality model. */
  private failAttempt(
    candidate: Candidate, error: ZenError, stop: StopReason | undefined, startedAt: number, retry: number, hedge: boolean, outputChars: number, permit: BreakerPermit,
  ): void {
    const { channel } = candidate;
    const lost = stop?.kind === 'hedge_lost';
    const outcome: AttemptRecord['outcome'] = lost ? 'hedge_lost' : error.kind === 'aborted' ? 'aborted' : 'error';
    // A call that was cancelled after it started was still billed for what it read and wrote.
    const started = lost || outcome === 'aborted' || outputChars > 0;
    const cost = started ? this.estimatedCost(candidate, Math.ceil(outputChars / 4)) : undefined;
    this.record({
      channel: channel.id, provider: channel.provider.name, model: channel.model.id, outcome, errorKind: error.kind, message: error.message,
      durationMs: this.now() - startedAt, retry, hedge, ...(cost ? { cost } : {}),
    });
    if (outcome === 'error') {
      this.breakerEvent(channel.id, this.deps.state.breaker(channel).onFailure(error.kind, error.retryAfterMs, permit));
      this.deps.quality.observe({ channel, category: this.input.category, success: false, errorKind: error.kind });
    } else {
      this.deps.state.breaker(channel).release(permit);
    }
  }

  private estimatedCost(candidate: Candidate, outputTokens: number): CostBreakdown {
    const price = candidate.channel.price;
    if (!price) return zeroCost('unknown');
    const input = roundUsd(estimateCost(price, this.input.inputTokens, 0));
    const output = roundUsd(estimateCost({ ...price, inputPerMTok: 0, tiers: undefined }, 0, outputTokens));
    return { ...zeroCost('estimate'), input, output, total: roundUsd(input + output) };
  }

  /** A channel with its own retries (p-retry: exponential backoff with jitter, Retry-After, budget). */
  private runLane(candidate: Candidate, hedge: boolean, firstPermit: BreakerPermit): Lane<T> {
    const lane = { candidate, switch: new StopSwitch(), hedge } as Lane<T>;
    // Most calls succeed at once: the first attempt runs bare, and p-retry (with its stop signal)
    // is set up only for a failure that may be retried.
    lane.promise = this.attemptOnce(candidate, 0, lane.switch, hedge, firstPermit).then(
      (committed) => ({ lane, ok: true as const, committed }),
      (error: unknown) => this.retryLane(lane, error),
    );
    return lane;
  }

  /** Retries of a lane whose first attempt failed: backoff with jitter, Retry-After, budget (p-retry). */
  private retryLane(lane: Lane<T>, firstError: unknown): Promise<LaneOutcome<T>> {
    const { candidate, switch: laneSwitch, hedge } = lane;
    const { retry } = this.input;
    const failed = (error: unknown): LaneOutcome<T> => ({ lane, ok: false as const, error: this.laneError(error, candidate, laneSwitch) });
    if (retry.retries === 0 || !ZenError.isInstance(firstError) || !firstError.retryable) return Promise.resolve(failed(firstError));
    const breaker = this.deps.state.breaker(candidate.channel);
    // Backoff and Retry-After waits end as soon as the caller, the deadline or the race stops the lane.
    const stop = anySignal([laneSwitch.signal, this.deadline.signal, this.input.signal]);
    return pRetry(
      async (attemptNumber) => {
        // Attempt 1 already ran: handing its error back lets p-retry decide and wait as for any other.
        if (attemptNumber === 1) throw firstError;
        const permit = breaker.acquire();
        if (!permit) {
          throw new AbortError(new ZenError({ kind: 'overloaded', message: `The circuit breaker of ${candidate.channel.id} is open.`, provider: candidate.channel.provider.name, model: candidate.channel.model.id }));
        }
        return this.attemptOnce(candidate, attemptNumber - 1, laneSwitch, hedge, permit);
      },
      {
        retries: retry.retries,
        minTimeout: retry.minDelayMs,
        maxTimeout: retry.maxDelayMs,
        factor: 2,
        randomize: true,
        signal: stop.signal,
        shouldRetry: async ({ error }) => {
          if (!ZenError.isInstance(error) || !error.retryable || error.kind === 'aborted') return false;
          if (this.deadline.stopped || this.input.signal?.aborted || laneSwitch.stopped) return false;
          // A long Retry-After is better spent on another channel.
          const wait = error.retryAfterMs ?? 0;
          if (wait > retry.maxRetryAfterMs) return false;
          // An open breaker is waited for only when it opened for this very Retry-After.
          if (breaker.readyInMs > wait) return false;
          if (!this.takeBudget(error.kind)) return false;
          if (wait > 0) await sleep(wait, stop.signal);
          return true;
        },
      },
    )
      .then((committed) => ({ lane, ok: true as const, committed }), failed)
      .finally(stop.dispose);
  }


  /** A lane's failure as a ZenError; a lane stopped between attempts is named for who stopped it. */
  private laneError(error: unknown, candidate: Candidate, lane: StopSwitch): ZenError {
    if (ZenError.isInstance(error)) return error;
    return attemptError(error, this.callStopReason() ?? lane.reason, candidate.channel);
  }

  private takeBudget(kind: ZenErrorKind): boolean {
    const cost = this.deps.budget.acquire(kind);
    if (cost === 0) {
      this.budgetExhausted = true;
      return false;
    }
    this.spentBudget += cost;
    return true;
  }

  /** Starts the next usable candidate; skips open breakers. Returns undefined when none is left. */
  private startNext(queue: Candidate[], afterFailure: ZenErrorKind | undefined, hedge: boolean): Lane<T> | undefined {
    while (queue.length > 0) {
      const candidate = queue.shift()!;
      const breaker = this.deps.state.breaker(candidate.channel);
      const permit = breaker.acquire();
      if (!permit) {
        this.record({
          channel: candidate.channel.id, provider: candidate.channel.provider.name, model: candidate.channel.model.id, outcome: 'skipped',
          message: `circuit breaker ${breaker.state}`, durationMs: 0, retry: 0,
        });
        continue;
      }
      if (afterFailure !== undefined && !this.takeBudget(afterFailure)) {
        breaker.release(permit);
        return undefined;
      }
      return this.runLane(candidate, hedge, permit);
    }
    return undefined;
  }

  /** Stops every running lane for `reason` and waits until each has recorded its attempt. */
  private async stopAll(running: Set<Lane<T>>, reason: StopReason): Promise<void> {
    if (running.size === 0) return;
    for (const lane of running) this.stopLane(lane, reason);
    await Promise.all([...running].map((lane) => lane.promise));
  }

  /** Runs lanes until one commits: failover on failures, a hedge when the first is slow. */
  async run(): Promise<Committed<T>> {
    const queue = [...this.input.order];
    const running = new Set<Lane<T>>();
    const errors: ZenError[] = [];
    let hedged = false;
    let hedgePair: { primary: string; hedge: string } | undefined;
    const first = this.startNext(queue, undefined, false);
    if (first) running.add(first);
    for (;;) {
      if (running.size === 0) break;
      const hedge = this.input.hedge;
      let clearHedge = (): void => {};
      const racers: Array<Promise<unknown>> = [...running].map((lane) => lane.promise);
      if (hedge && !hedged && running.size === 1 && queue.length > 0) {
        const primary = [...running][0]!;
        const delay = hedgeDelay(hedge, this.deps.state, primary.candidate.channel, this.input.stream);
        racers.push(
          new Promise((resolve) => {
            const handle = setTimeout(() => resolve('hedge'), delay);
            clearHedge = () => clearTimeout(handle);
          }),
        );
      }
      // Most calls have one lane and no hedge timer: await it without a race.
      const outcome = racers.length === 1 ? await racers[0] : await Promise.race(racers);
      clearHedge();
      if (outcome === 'hedge') {
        hedged = true;
        const primary = [...running][0]!;
        if (!this.deps.hedges.tryHedge(hedge!.maxRate)) continue;
        const lane = this.startNext(queue, undefined, true);
        if (lane) {
          running.add(lane);
          hedgePair = { primary: primary.candidate.channel.id, hedge: lane.candidate.channel.id };
          this.deps.emit('hedge', { requestId: this.input.requestId, ...hedgePair, afterMs: Math.round(this.now() - this.startedAt) });
        }
        continue;
      }
      const settled = outcome as Awaited<Lane<T>['promise']>;
      running.delete(settled.lane);
      if (settled.ok) {
        if (hedgePair) {
          this.deps.emit('hedge', { requestId: this.input.requestId, ...hedgePair, afterMs: Math.round(this.now() - this.startedAt), winner: settled.lane.candidate.channel.id });
        }
        await this.stopAll(running, { kind: 'hedge_lost', message: `${settled.lane.candidate.channel.id} answered first.` });
        const committed = settled.committed;
        if (committed.kind === 'result' && this.input.inspect) {
          const reason = await this.input.inspect(committed.result, committed.attempt, committed.candidate);
          if (reason !== undefined) {
            this.repairs.push({ channel: committed.candidate.channel.id, reason, result: committed.result });
            const lane = this.startNext(queue, undefined, false);
            this.deps.emit('failover', { requestId: this.input.requestId, from: committed.candidate.channel.id, to: lane?.candidate.channel.id, kind: 'repair', message: reason });
            if (lane) {
              running.add(lane);
              continue;
            }
            // Nothing left to repair with: the caller gets the answer we have, with the claim on record.
          }
        }
        this.deps.budget.onSuccess(this.spentBudget);
        return committed;
      }
      const error = settled.error;
      errors.push(error);
      // Whatever stops the call, the other lanes stop too, and are waited for so that the
      // metadata lists their attempts.
      const stop = this.callStopReason();
      if (stop) {
        await this.stopAll(running, stop);
        throw error.kind === stop.kind ? error : new ZenError({ kind: stop.kind === 'hedge_lost' ? 'aborted' : stop.kind, message: stop.message, cause: error });
      }
      if (error.kind === 'aborted' && running.size > 0) continue; // a lane that lost a race
      if (!allowsFailover(error.kind)) {
        await this.stopAll(running, { kind: 'aborted', message: `Stopped because ${settled.lane.candidate.channel.id} failed with ${error.kind}, which no other channel can fix.` });
        throw error;
      }
      if (running.size === 0) {
        const lane = this.startNext(queue, error.kind, false);
        this.deps.emit('failover', { requestId: this.input.requestId, from: settled.lane.candidate.channel.id, to: lane?.candidate.channel.id, kind: error.kind, message: error.message });
        if (lane) running.add(lane);
      }
    }
    if (this.repairs.length > 0) {
      // Every repair attempt failed: fall back to the first answer rather than failing the call.
      const repair = this.repairs[0]!;
      const candidate = this.input.order.find((entry) => entry.channel.id === repair.channel)!;
      const attempt = this.attempts.find((entry) => entry.channel === repair.channel && entry.outcome === 'success')!;
      return { kind: 'result', candidate, result: repair.result, attempt };
    }
    throw this.exhausted(errors);
  }

  private exhausted(errors: ZenError[]): ZenError {
    const last = errors[errors.length - 1];
    const skipped = this.attempts.filter((attempt) => attempt.outcome === 'skipped').map((attempt) => attempt.channel);
    const parts = this.attempts
      .filter((attempt) => attempt.outcome !== 'success')
      .map((attempt) => `${attempt.channel}: ${attempt.outcome === 'skipped' ? attempt.message : `${attempt.errorKind} (${attempt.message})`}`);
    const budget = this.budgetExhausted ? ' The retry budget is exhausted, so no further retries or failovers were made.' : '';
    const message =
      errors.length === 0 && skipped.length > 0
        ? `Every channel of the plan is unavailable (circuit breaker open): ${skipped.join(', ')}.`
        : `All ${this.attempts.length} attempts failed.${budget} ${parts.join('; ')}`;
    return new ZenError({
      kind: 'all_attempts_failed',
      message,
      retryable: last?.retryable ?? true,
      retryAfterMs: last?.retryAfterMs,
      status: last?.status,
      provider: last?.provider,
      model: last?.model,
      cause: last,
      attempts: this.attempts.filter((attempt) => attempt.errorKind).map((attempt) => ({ channel: attempt.channel, kind: attempt.errorKind!, message: attempt.message ?? '' })),
    });
  }

  summary(winner: Candidate | undefined, usage: Usage, extra: Partial<Pick<ExecutionSummary<T>, 'ttftMs' | 'tokensPerSecond' | 'finishReason' | 'error'>> = {}): ExecutionSummary<T> {
    this.clearDeadline();
    const costs: CostBreakdown[] = [];
    for (const attempt of this.attempts) if (attempt.cost) costs.push(attempt.cost);
    // Every field written out (no spread of `extra`): one object shape for every summary.
    return {
      attempts: this.attempts,
      winner,
      usage,
      cost: sumCosts(costs),
      ttftMs: extra.ttftMs,
      durationMs: this.now() - this.startedAt,
      tokensPerSecond: extra.tokensPerSecond,
      finishReason: extra.finishReason,
      error: extra.error,
      repairs: this.repairs,
    };
  }

  /** The committed stream, as the caller reads it: idle timeout between chunks, accounting at the end. */
  async *consume(committed: Extract<Committed<T>, { kind: 'stream' }>, done: (summary: ExecutionSummary<T>) => void): AsyncGenerator<StreamPart> {
    const { candidate, head, signal, startedAt, retry, hedge, permit } = committed;
    const { channel } = candidate;
    const { idleMs } = this.input.timeouts;
    let outputChars = 0;
    let finish: Extract<StreamPart, { type: 'finish' }> | undefined;
    let settled = false;
    const { pull } = head;
    let idle: IdleWatch | undefined;
    const track = (part: StreamPart): void => {
      if (part.type === 'text-delta' || part.type === 'reasoning-delta') outputChars += part.delta.length;
      else if (part.type === 'tool-call-delta') outputChars += part.argumentsDelta.length;
      else if (part.type === 'finish') finish = part;
    };
    try {
      const observe = this.input.observe;
      for (const part of head.buffered) {
        track(part);
        observe?.(part);
        yield part;
      }
      if (!head.ended) {
        // One idle timer for the rest of the stream (and the head's one abort listener), not one per chunk.
        idle = new IdleWatch(idleMs, () => signal.stop({ kind: 'timeout', message: `The stream from ${channel.id} was silent for more than ${idleMs} ms.` }), this.now);
        for (;;) {
          idle.wait();
          let next: IteratorResult<StreamPart>;
          try {
            next = await pull.next();
          } finally {
            idle.received();
          }
          if (next.done) break;
          track(next.value);
          observe?.(next.value);
          yield next.value;
        }
      }
      settled = true;
      committed.clearAttemptTimer();
      signal.dispose();
      const usage = finish?.usage ?? emptyUsage();
      const durationMs = this.now() - startedAt;
      const ttftMs = head.firstTokenAt - startedAt;
      const generationMs = durationMs - ttftMs;
      const tokensPerSecond = usage.output.total > 1 && generationMs > 0 ? (usage.output.total / generationMs) * 1000 : undefined;
      const attempt: AttemptRecord = {
        channel: channel.id, provider: channel.provider.name, model: channel.model.id, outcome: 'success', durationMs, ttftMs, usage, cost: costOfUsage(channel, usage), retry, hedge,
      };
      this.breakerEvent(channel.id, this.deps.state.breaker(channel).onSuccess(permit));
      this.deps.state.recordLatency(channel, { ttftMs, totalMs: durationMs, outputTokens: usage.output.total, category: this.input.category });
      this.record(attempt);
      done(this.summary(candidate, usage, { ttftMs: head.firstTokenAt - this.startedAt, tokensPerSecond, finishReason: finish?.finishReason.raw ?? finish?.finishReason.unified }));
    } catch (error) {
      settled = true;
      committed.clearAttemptTimer();
      signal.dispose();
      const zenError = attemptError(error, signal.reason, channel);
      this.failAttempt(candidate, zenError, signal.reason, startedAt, retry, hedge, outputChars, permit);
      done(this.summary(candidate, partialUsage(this.input.inputTokens, outputChars), { error: zenError }));
      throw zenError;
    } finally {
      idle?.dispose();
      pull.dispose();
      if (!settled) {
        // The caller stopped reading (break, return, controller.abort()): cancel the upstream call.
        signal.stop({ kind: 'aborted', message: 'The caller stopped reading the stream.' });
        void pull.iterator.return?.().catch(() => {});
        committed.clearAttemptTimer();
        signal.dispose();
        const error = new ZenError({ kind: 'aborted', message: 'The caller stopped reading the stream.', provider: channel.provider.name, model: channel.model.id });
        this.failAttempt(candidate, error, signal.reason, startedAt, retry, hedge, outputChars, permit);
        done(this.summary(candidate, partialUsage(this.input.inputTokens, outputChars), { error }));
      }
    }
  }
}

function partialUsage(inputTokens: number, outputChars: number): Usage {
  return makeUsage({ inputTotal: inputTokens, outputTotal: Math.ceil(outputChars / 4) });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const handle = setTimeout(done, ms);
    function done(): void {
      clearTimeout(handle);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function executeGenerate<T = GenerationResult>(input: ExecuteInput<T>, deps: ExecuteDeps, operation?: CallOperation<T>): Promise<GenerateExecution<T>> {
  const op = operation ?? (textOperation(input.request) as unknown as CallOperation<T>);
  const execution = new Execution<T>(input, deps, op);
  try {
    const committed = await execution.run();
    if (committed.kind !== 'result') throw new Error('unreachable: a non-streamed call committed a stream');
    const usage = op.usage(committed.result);
    const summary = execution.summary(committed.candidate, usage, { finishReason: op.finishReason(committed.result) });
    // Without a first-token time, throughput is over the whole call (prefill included).
    if (usage.output.total > 1 && summary.durationMs > 0) summary.tokensPerSecond = (usage.output.total / summary.durationMs) * 1000;
    return { result: committed.result, winner: committed.candidate, summary };
  } catch (error) {
    const zenError = ZenError.isInstance(error) ? error : new ZenError({ kind: 'server', message: String(error), cause: error });
    throw Object.assign(zenError, { summary: execution.summary(undefined, emptyUsage(), { error: zenError }) });
  }
}

export async function executeStream(input: ExecuteInput, deps: ExecuteDeps): Promise<StreamExecution> {
  const execution = new Execution<GenerationResult>(input, deps, textOperation(input.request));
  let committed: Committed;
  try {
    committed = await execution.run();
  } catch (error) {
    const zenError = ZenError.isInstance(error) ? error : new ZenError({ kind: 'server', message: String(error), cause: error });
    throw Object.assign(zenError, { summary: execution.summary(undefined, emptyUsage(), { error: zenError }) });
  }
  if (committed.kind !== 'stream') throw new Error('unreachable: a streamed call committed a result');
  let resolveSummary!: (summary: ExecutionSummary) => void;
  const summary = new Promise<ExecutionSummary>((resolve) => (resolveSummary = resolve));
  return { winner: committed.candidate, parts: execution.consume(committed, resolveSummary), summary };
}

/** The summary attached to an error thrown by `executeGenerate` / `executeStream`. */
export function summaryOf(error: unknown): ExecutionSummary | undefined {
  return (error as { summary?: ExecutionSummary } | undefined)?.summary;
}

