import type { AttemptRecord, CallRecord } from '../core/call-record.js';
import type { CallObserver } from '../core/call-outcome.js';
import { allowsFailover, ZenError, type ZenErrorKind } from '../core/errors.js';
import { sumCosts, type CostBreakdown } from '../core/money.js';
import type { GenerationRequest } from '../core/request.js';
import { laterTurn } from '../core/later-turn.js';
import type { StreamPart } from '../core/stream-part.js';
import { emptyUsage, type Usage } from '../core/usage.js';
import type { ProviderAdapter } from '../providers/types.js';
import type { TaskCategory } from './analyze-prompt.js';
import type { Channel } from './catalog.js';
import { estimatedAttemptCost, partialUsage } from './attempt-cost.js';
import { AttemptSignal, attemptError, callerStop, openStreamHead, StopSwitch, type StopReason } from './attempt.js';
import type { CallOperation } from './call-operation.js';
import { exhaustedError } from './call-failure.js';
import type { BreakerPermit, BreakerTransition } from './circuit-breaker.js';
import type { PolicyEvents } from './events.js';
import { hedgeDelay, type HedgeLimiter, type ResolvedHedge } from './hedge.js';
import { runLane, type Committed, type Lane, type LaneHost, type LaneOutcome, type ResolvedRetry } from './lane.js';
import type { LiveState } from './live-state.js';
import { costOfUsage } from './pricing.js';
import type { RetryBudget } from './retry-budget.js';
import { StreamPump } from './stream-pump.js';
import { deadlineCohorts, type CohortMember, type DeadlineCohort } from './deadline-cohort.js';
import type { Candidate, TimeoutOptions } from './types.js';

/** Checks a non-streamed answer: a reason rejects it (see ExecuteInput.inspector). */
export interface AnswerInspector<T> {
  inspect(result: T, attempt: AttemptRecord, candidate: Candidate): string | undefined | Promise<string | undefined>;
}

export interface ExecuteInput<T> {
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
  /** The call's record: the execution writes its attempts, usage, cost, timing and winner into it. */
  record: CallRecord;
  /** Told of each attempt's start and end, and of the execution's end. */
  observers: readonly CallObserver[];
  /**
   * Sees every non-streamed answer before it is accepted; returning a reason rejects it and the
   * next candidate is tried (insurance `repair`). The rejected attempt stays in the record. May
   * answer synchronously (the usual case: no detector awaits anything). An object with a method
   * (the call's insurance), so that no closure is made per call.
   */
  inspector?: AnswerInspector<T>;
  /** Streams: told which channel the stream committed to, before any of its parts is seen. */
  commit?: (winner: Candidate) => void;
  /** Streams: sees each part of the committed stream as it arrives. Must not throw. */
  observe?: (part: StreamPart) => void;
}

const performanceNow = (): number => performance.now();

type Emit = <K extends keyof PolicyEvents>(event: K, payload: Parameters<PolicyEvents[K]>[0]) => void;

export interface ExecuteDeps {
  adapters: ReadonlyMap<string, ProviderAdapter>;
  state: LiveState;
  budget: RetryBudget;
  hedges: HedgeLimiter;
  emit: Emit;
  now?: () => number;
}

/**
 * Carries out a plan: failover across lanes, hedging, the call's deadline, breakers and the retry
 * budget, writing every attempt into the call's record. Learning from the outcome (quality, latency,
 * sessions) is the caller's, once the execution has ended.
 */
export class Execution<T> implements LaneHost<T>, CohortMember {
  readonly deadline = new StopSwitch();
  readonly retry: ResolvedRetry;
  readonly callerSignal: AbortSignal | undefined;
  readonly state: LiveState;
  private readonly attempts: AttemptRecord[];
  /** Answers rejected by the inspector, with the reason. */
  private repairs: Array<{ channel: string; reason: string; result: T }> | undefined;
  private readonly now: () => number;
  private readonly startedAt: number;
  /** The calls whose deadline falls due with this one's: one timer and one signal for them all. */
  private cohort: DeadlineCohort | undefined;
  /**
   * Only the deadline can stop a non-streamed attempt of a call without a caller's signal, hedging
   * or an attempt timeout: its SDK request gets the cohort's shared signal.
   */
  private readonly sharesSignal: boolean;
  private spentBudget = 0;
  /** The plan's candidates before this index have been started (or skipped). */
  private untried = 0;
  private budgetExhausted = false;

  constructor(
    private readonly input: ExecuteInput<T>,
    private readonly deps: ExecuteDeps,
    private readonly operation: CallOperation<T>,
  ) {
    this.retry = input.retry;
    this.callerSignal = input.signal;
    this.state = deps.state;
    this.attempts = input.record.attempts;
    this.now = deps.now ?? performanceNow;
    this.startedAt = this.now();
    const total = input.timeouts.totalMs;
    if (total !== undefined) this.cohort = deadlineCohorts(deps).join(this, this.startedAt, total);
    this.sharesSignal =
      this.cohort !== undefined && !input.stream && !input.signal && !input.hedge && input.timeouts.attemptMs === undefined;
  }

  /** The call's deadline came (its cohort fired). */
  expire(): void {
    this.cohort = undefined;
    this.deadline.stop({ kind: 'timeout', message: `The call exceeded its total deadline of ${this.input.timeouts.totalMs} ms.` });
  }

  /** Why the call as a whole was stopped (the caller's signal or the deadline), if it was. */
  private callStopReason(): StopReason | undefined {
    if (this.input.signal?.aborted) return callerStop(this.input.signal);
    return this.deadline.reason;
  }

  private record(attempt: AttemptRecord): void {
    this.attempts.push(attempt);
    this.deps.emit('attempt', { requestId: this.input.requestId, attempt });
    for (const observer of this.input.observers) observer.attemptEnd?.(attempt);
  }

  private breakerEvent(channel: string, transition: BreakerTransition | undefined): void {
    if (transition) this.deps.emit('breaker', { channel, ...transition });
  }

  private adapter(candidate: Candidate): ProviderAdapter {
    const adapter = this.deps.adapters.get(candidate.channel.provider.name);
    if (!adapter)
      throw new ZenError({ kind: 'configuration', message: `Provider "${candidate.channel.provider.name}" is not configured.` });
    return adapter;
  }

  /**
   * One call of one channel, up to its first token (streams) or its answer. A non-streamed attempt
   * is `then` handlers on the provider's promise rather than an async function: one async frame
   * less for every call in flight. Whatever throws, before or after the answer, fails the attempt.
   */
  attemptOnce(candidate: Candidate, retry: number, lane: StopSwitch, hedge: boolean, permit: BreakerPermit): Promise<Committed<T>> {
    if (this.input.stream) return this.attemptStream(candidate, retry, lane, hedge, permit);
    try {
      const { channel } = candidate;
      const signal = new AttemptSignal(this.deadline, lane, this.input.signal, this.sharesSignal ? this.cohort : undefined);
      const startedAt = this.now();
      this.attemptStart(channel, retry, hedge, startedAt);
      signal.startAttemptTimer(this.input.timeouts.attemptMs, channel.id);
      let pending: Promise<T>;
      try {
        pending = Promise.resolve(this.operation.run(this.adapter(candidate), channel, signal.signal));
      } catch (error) {
        return Promise.reject(this.attemptFailed(candidate, signal, error, startedAt, retry, hedge, permit));
      }
      // The answer goes on from the next turn, after this turn's other reads (see later-turn.ts).
      return (laterTurn ? pending.then(laterTurn) : pending).then(
        (result) => {
          try {
            return this.answered(candidate, signal, result, startedAt, retry, hedge, permit);
          } catch (error) {
            throw this.attemptFailed(candidate, signal, error, startedAt, retry, hedge, permit);
          }
        },
        (error: unknown) => {
          throw this.attemptFailed(candidate, signal, error, startedAt, retry, hedge, permit);
        },
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private attemptStart(channel: Channel, retry: number, hedge: boolean, startedAt: number): void {
    for (const observer of this.input.observers)
      observer.attemptStart?.({ channel: channel.id, provider: channel.provider.name, model: channel.model.id, retry, hedge, startedAt });
  }

  /** A non-streamed attempt's answer: recorded as a success, and told to the breaker. */
  private answered(
    candidate: Candidate,
    signal: AttemptSignal,
    result: T,
    startedAt: number,
    retry: number,
    hedge: boolean,
    permit: BreakerPermit,
  ): Committed<T> {
    const { channel } = candidate;
    const breaker = this.deps.state.breaker(channel);
    const usage = this.operation.usage(result);
    signal.clearAttemptTimer();
    signal.dispose();
    const durationMs = this.now() - startedAt;
    const attempt: AttemptRecord = {
      channel: channel.id,
      provider: channel.provider.name,
      model: channel.model.id,
      outcome: 'success',
      durationMs,
      usage,
      cost: this.operation.cost(channel, result),
      retry,
      hedge,
    };
    this.breakerEvent(channel.id, breaker.onSuccess(permit));
    this.record(attempt);
    return { kind: 'result', candidate, result, attempt };
  }

  /** A failed attempt: its timers and listeners released, recorded, and the error to throw. */
  private attemptFailed(
    candidate: Candidate,
    signal: AttemptSignal,
    error: unknown,
    startedAt: number,
    retry: number,
    hedge: boolean,
    permit: BreakerPermit,
  ): ZenError {
    signal.clearAttemptTimer();
    signal.dispose();
    const zenError = attemptError(error, signal.reason, candidate.channel);
    this.failAttempt(candidate, zenError, signal.reason, startedAt, retry, hedge, 0, permit);
    return zenError;
  }

  /** A streamed attempt, up to its first token. */
  private async attemptStream(
    candidate: Candidate,
    retry: number,
    lane: StopSwitch,
    hedge: boolean,
    permit: BreakerPermit,
  ): Promise<Committed<T>> {
    const { channel } = candidate;
    const signal = new AttemptSignal(this.deadline, lane, this.input.signal);
    const startedAt = this.now();
    this.attemptStart(channel, retry, hedge, startedAt);
    const { attemptMs, firstTokenMs } = this.input.timeouts;
    signal.startAttemptTimer(attemptMs, channel.id);
    try {
      signal.startFirstTokenTimer(firstTokenMs, channel.id);
      try {
        const head = await openStreamHead(this.adapter(candidate), channel, this.input.request, signal.signal, this.now);
        return { kind: 'stream', candidate, head, signal, startedAt, retry, hedge, permit };
      } finally {
        signal.clearFirstTokenTimer();
      }
    } catch (error) {
      throw this.attemptFailed(candidate, signal, error, startedAt, retry, hedge, permit);
    }
  }

  /** Records a failed attempt and tells the breaker. */
  private failAttempt(
    candidate: Candidate,
    error: ZenError,
    stop: StopReason | undefined,
    startedAt: number,
    retry: number,
    hedge: boolean,
    outputChars: number,
    permit: BreakerPermit,
  ): void {
    const { channel } = candidate;
    const lost = stop?.kind === 'hedge_lost';
    const outcome: AttemptRecord['outcome'] = lost ? 'hedge_lost' : error.kind === 'aborted' ? 'aborted' : 'error';
    // A call that was cancelled after it started was still billed for what it read and wrote.
    const started = lost || outcome === 'aborted' || outputChars > 0;
    const cost = started ? estimatedAttemptCost(candidate, this.input.inputTokens, Math.ceil(outputChars / 4)) : undefined;
    this.record({
      channel: channel.id,
      provider: channel.provider.name,
      model: channel.model.id,
      outcome,
      errorKind: error.kind,
      message: error.message,
      durationMs: this.now() - startedAt,
      retry,
      hedge,
      ...(cost ? { cost } : {}),
    });
    if (outcome === 'error')
      this.breakerEvent(channel.id, this.deps.state.breaker(channel).onFailure(error.kind, error.retryAfterMs, permit));
    else this.deps.state.breaker(channel).release(permit);
  }

  laneError(error: unknown, candidate: Candidate, lane: StopSwitch): ZenError {
    if (ZenError.isInstance(error)) return error;
    return attemptError(error, this.callStopReason() ?? lane.reason, candidate.channel);
  }

  takeBudget(kind: ZenErrorKind): boolean {
    const cost = this.deps.budget.acquire(kind);
    if (cost === 0) {
      this.budgetExhausted = true;
      return false;
    }
    this.spentBudget += cost;
    return true;
  }

  /** Starts the next usable candidate; skips open breakers. Returns undefined when none is left. */
  private startNext(afterFailure: ZenErrorKind | undefined, hedge: boolean): Lane<T> | undefined {
    const order = this.input.order;
    while (this.untried < order.length) {
      const candidate = order[this.untried++]!;
      const breaker = this.deps.state.breaker(candidate.channel);
      const permit = breaker.acquire();
      if (!permit) {
        this.record({
          channel: candidate.channel.id,
          provider: candidate.channel.provider.name,
          model: candidate.channel.model.id,
          outcome: 'skipped',
          message: `circuit breaker ${breaker.state}`,
          durationMs: 0,
          retry: 0,
        });
        continue;
      }
      if (afterFailure !== undefined && !this.takeBudget(afterFailure)) {
        breaker.release(permit);
        return undefined;
      }
      return runLane(this, candidate, hedge, permit);
    }
    return undefined;
  }

  /** Stops every running lane for `reason` and waits until each has recorded its attempt. */
  private async stopAll(running: Lane<T>[], reason: StopReason): Promise<void> {
    if (running.length === 0) return;
    for (const lane of running) lane.switch.stop(reason);
    await Promise.all(running.map((lane) => lane.promise));
  }

  /** Runs lanes until one commits: failover on failures, a hedge when the first is slow. */
  async run(): Promise<Committed<T>> {
    // An array rather than a Set (one lane, two while hedging), and the untried candidates are an
    // index into the plan's order rather than a copy of it: less to allocate for every call.
    const running: Lane<T>[] = [];
    let errors: ZenError[] | undefined;
    let hedged = false;
    let hedgePair: { primary: string; hedge: string } | undefined;
    const first = this.startNext(undefined, false);
    if (first) running.push(first);
    for (;;) {
      if (running.length === 0) break;
      const hedge = this.input.hedge;
      let hedgeTimer: ReturnType<typeof setTimeout> | undefined;
      let outcome: unknown;
      if (hedge && !hedged && running.length === 1 && this.untried < this.input.order.length) {
        const primary = running[0]!;
        const delay = hedgeDelay(hedge, this.deps.state, primary.candidate.channel, this.input.stream);
        outcome = await Promise.race([
          primary.promise,
          new Promise((resolve) => {
            hedgeTimer = setTimeout(() => resolve('hedge'), delay);
          }),
        ]);
        clearTimeout(hedgeTimer);
      } else if (running.length === 1) {
        // Most calls have one lane and no hedge timer: await it without a race (or arrays for one).
        outcome = await running[0]!.promise;
      } else {
        outcome = await Promise.race(running.map((lane) => lane.promise));
      }
      if (outcome === 'hedge') {
        hedged = true;
        const primary = running[0]!;
        if (!this.deps.hedges.tryHedge(hedge!.maxRate)) continue;
        const lane = this.startNext(undefined, true);
        if (lane) {
          running.push(lane);
          hedgePair = { primary: primary.candidate.channel.id, hedge: lane.candidate.channel.id };
          this.deps.emit('hedge', { requestId: this.input.requestId, ...hedgePair, afterMs: Math.round(this.now() - this.startedAt) });
        }
        continue;
      }
      const settled = outcome as LaneOutcome<T>;
      running.splice(running.indexOf(settled.lane), 1);
      if (settled.ok) {
        if (hedgePair) {
          this.deps.emit('hedge', {
            requestId: this.input.requestId,
            ...hedgePair,
            afterMs: Math.round(this.now() - this.startedAt),
            winner: settled.lane.candidate.channel.id,
          });
        }
        // Only a hedged call has lanes left to stop: the usual one spends no reason, promise or turn here.
        if (running.length > 0)
          await this.stopAll(running, { kind: 'hedge_lost', message: `${settled.lane.candidate.channel.id} answered first.` });
        const committed = settled.committed;
        if (committed.kind === 'result' && this.input.inspector) {
          const verdict = this.input.inspector.inspect(committed.result, committed.attempt, committed.candidate);
          const reason = verdict instanceof Promise ? await verdict : verdict;
          if (reason !== undefined) {
            (this.repairs ??= []).push({ channel: committed.candidate.channel.id, reason, result: committed.result });
            const lane = this.startNext(undefined, false);
            this.deps.emit('failover', {
              requestId: this.input.requestId,
              from: committed.candidate.channel.id,
              to: lane?.candidate.channel.id,
              kind: 'repair',
              message: reason,
            });
            if (lane) {
              running.push(lane);
              continue;
            }
            // Nothing left to repair with: the caller gets the answer we have, with the claim on record.
          }
        }
        this.deps.budget.onSuccess(this.spentBudget);
        return committed;
      }
      const error = settled.error;
      (errors ??= []).push(error);
      // Whatever stops the call, the other lanes stop too, and are waited for so that the
      // record lists their attempts.
      const stop = this.callStopReason();
      if (stop) {
        await this.stopAll(running, stop);
        throw error.kind === stop.kind
          ? error
          : new ZenError({
              kind: stop.kind === 'hedge_lost' ? 'aborted' : stop.kind,
              message: stop.message,
              cause: error,
              abortedBy: stop.kind === 'aborted' ? stop.by : undefined,
            });
      }
      if (error.kind === 'aborted' && running.length > 0) continue; // a lane that lost a race
      if (!allowsFailover(error.kind)) {
        await this.stopAll(running, {
          kind: 'aborted',
          message: `Stopped because ${settled.lane.candidate.channel.id} failed with ${error.kind}, which no other channel can fix.`,
        });
        throw error;
      }
      if (running.length === 0) {
        const lane = this.startNext(error.kind, false);
        this.deps.emit('failover', {
          requestId: this.input.requestId,
          from: settled.lane.candidate.channel.id,
          to: lane?.candidate.channel.id,
          kind: error.kind,
          message: error.message,
        });
        if (lane) running.push(lane);
      }
    }
    if (this.repairs) {
      // Every repair attempt failed: fall back to the first answer rather than failing the call.
      const repair = this.repairs[0]!;
      const candidate = this.input.order.find((entry) => entry.channel.id === repair.channel)!;
      const attempt = this.attempts.find((entry) => entry.channel === repair.channel && entry.outcome === 'success')!;
      return { kind: 'result', candidate, result: repair.result, attempt };
    }
    throw exhaustedError(this.attempts, errors ?? [], this.budgetExhausted);
  }

  /**
   * The execution ended: writes the call's usage, cost, timing and winner into its record, then
   * tells the observers. Without a first-token time, throughput is over the whole call.
   */
  finish(
    winner: Candidate | undefined,
    usage: Usage,
    end: { ttftMs?: number; tokensPerSecond?: number; finishReason?: string; error?: ZenError },
  ): void {
    this.cohort?.leave(this);
    this.cohort = undefined;
    const record = this.input.record;
    const costs: CostBreakdown[] = [];
    for (const attempt of this.attempts) if (attempt.cost) costs.push(attempt.cost);
    const durationMs = this.now() - this.startedAt;
    record.usage = usage;
    record.cost = sumCosts(costs);
    record.ttftMs = end.ttftMs;
    record.durationMs = durationMs;
    record.tokensPerSecond =
      end.tokensPerSecond ??
      (!end.error && end.ttftMs === undefined && usage.output.total > 1 && durationMs > 0
        ? (usage.output.total / durationMs) * 1000
        : undefined);
    record.finishReason = end.finishReason;
    if (winner) {
      record.model = winner.channel.model.id;
      record.channel = winner.channel.id;
      record.provider = winner.channel.provider.name;
    }
    for (const observer of this.input.observers) observer.executionEnd?.(end.error);
  }

  /** The committed stream, read from the provider into a pump the caller reads from. */
  pump(committed: Extract<Committed<T>, { kind: 'stream' }>): StreamPump {
    const { candidate, head, signal, startedAt, retry, hedge, permit } = committed;
    const { channel } = candidate;
    const observe = this.input.observe;
    let outputChars = 0;
    let finish: Extract<StreamPart, { type: 'finish' }> | undefined;
    return new StreamPump(head, {
      signal,
      idleMs: this.input.timeouts.idleMs,
      now: this.now,
      idleMessage: `The stream from ${channel.id} was silent for more than ${this.input.timeouts.idleMs} ms.`,
      accept: (part) => {
        if (part.type === 'text-delta' || part.type === 'reasoning-delta') outputChars += part.delta.length;
        else if (part.type === 'tool-call-delta') outputChars += part.argumentsDelta.length;
        else if (part.type === 'finish') finish = part;
        observe?.(part);
      },
      end: (failed, failure) => {
        signal.clearAttemptTimer();
        signal.dispose();
        if (failed) {
          const error = attemptError(failure, signal.reason, channel);
          this.failAttempt(candidate, error, signal.reason, startedAt, retry, hedge, outputChars, permit);
          this.finish(candidate, partialUsage(this.input.inputTokens, outputChars), { error });
          return error;
        }
        const usage = finish?.usage ?? emptyUsage();
        const durationMs = this.now() - startedAt;
        const ttftMs = head.firstTokenAt - startedAt;
        const generationMs = durationMs - ttftMs;
        const tokensPerSecond = usage.output.total > 1 && generationMs > 0 ? (usage.output.total / generationMs) * 1000 : undefined;
        const attempt: AttemptRecord = {
          channel: channel.id,
          provider: channel.provider.name,
          model: channel.model.id,
          outcome: 'success',
          durationMs,
          ttftMs,
          usage,
          cost: costOfUsage(channel, usage),
          retry,
          hedge,
        };
        this.breakerEvent(channel.id, this.deps.state.breaker(channel).onSuccess(permit));
        this.record(attempt);
        this.finish(candidate, usage, {
          ttftMs: head.firstTokenAt - this.startedAt,
          tokensPerSecond,
          finishReason: finish?.finishReason.raw ?? finish?.finishReason.unified,
        });
        return undefined;
      },
    });
  }
}
