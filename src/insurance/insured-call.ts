import type { CallRecord } from '../core/call-record.js';
import { redactSecrets, type ZenError, type ZenErrorKind } from '../core/errors.js';
import type { CostBreakdown } from '../core/money.js';
import { isoTime } from '../core/iso-time.js';
import type { FaceName, GenerationRequest } from '../core/request.js';
import type { GeneratedImage, GenerationResult } from '../core/result.js';
import type { StreamPart } from '../core/stream-part.js';
import { emptyUsage } from '../core/usage.js';
import { captureContent, redactContent, redactContentIfReady, stripSecrets } from './capture.js';
import { toAssistantMessage, toChatMessages, toChatTools, type ChatMessage } from './chat-format.js';
import type { ClaimItem } from './claims.js';
import type {
  ChannelBaseline,
  Detector,
  DetectorContext,
  DetectorOutput,
  DetectorStart,
  DetectorTiming,
  EventDraft,
  StreamObserver,
  SubcallRunner,
} from './detector.js';
import type { InsuranceCore } from './insurance.js';
import type { RequestInsurance, ResolvedInsurance } from './options.js';
import { addCosts, caseRecord, claimedProblems, claimRecord, creditRecords, eventRecord, requestRecord } from './records.js';
import { StreamAssembler } from './stream-assembler.js';
import type { AttemptRecord, Claim, ContentCapture, LedgerRecord, QualityEvent, RequestRecord } from './types.js';

export interface InsuredCallInit {
  requestId: string;
  face: FaceName;
  requested: string | string[];
  request: GenerationRequest;
  options: RequestInsurance | undefined;
  tags: Record<string, string> | undefined;
  stream: boolean;
  output: 'text' | 'image';
  /** A channel's rolling p95 as it was before this call (see ZenClient for when it is read). */
  baseline: (channel: string) => ChannelBaseline;
  /** The router's task category, kept for feedback. */
  category: string;
  signal: AbortSignal | undefined;
}

export interface SettleCall {
  /** The call's record: completed in place with events, claims, judge costs and `repaired`. */
  record: CallRecord;
  /** What ended the call, when it failed. */
  error: ZenError | undefined;
  /** The answer returned (non-streamed text calls). */
  result?: GenerationResult;
  images?: GeneratedImage[];
}

/** What the router should learn: quality event severities per channel that answered. */
export interface QualityObservation {
  channel: string;
  severities: number[];
}

interface CheckedAnswer {
  result: GenerationResult;
  channel: string;
  cost: CostBreakdown | undefined;
  events: QualityEvent[];
}

/** A call's detectors, by scope: the insurance works the lists out once, not per call. */
export interface ScopedDetectors {
  readonly all: readonly Detector[];
  readonly answer: readonly Detector[];
  readonly delivery: readonly Detector[];
}

export function scopeDetectors(all: readonly Detector[]): ScopedDetectors {
  return {
    all,
    answer: all.filter((detector) => detector.scope === 'answer'),
    delivery: all.filter((detector) => detector.scope === 'delivery'),
  };
}

const NO_DETECTORS: ReadonlySet<Detector> = new Set();
// Shared empty results for the usual call, which files no event and settles no claim: frozen, so
// that nothing can add to them by mistake.
const NO_EVENTS: QualityEvent[] = Object.freeze([]) as unknown as QualityEvent[];
const NO_OBSERVATIONS: QualityObservation[] = Object.freeze([]) as unknown as QualityObservation[];
const NO_ANSWERS: CheckedAnswer[] = Object.freeze([]) as unknown as CheckedAnswer[];

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

/** A value, or a promise of one: the insurance's steps stay synchronous unless a detector or a claim awaits. */
type Maybe<T> = T | Promise<T>;

const EMPTY_RESULT: GenerationResult = {
  id: undefined,
  modelId: undefined,
  content: [],
  finishReason: { unified: 'stop', raw: undefined },
  usage: emptyUsage(),
  warnings: [],
};

/**
 * The insurance of one call: runs the detectors on its answers and its stream, turns covered
 * events into claims, and writes the call's records to the ledger.
 */
export class InsuredCall {
  readonly settings: ResolvedInsurance;
  /** Every event filed so far, in order (streams show them while they flow). */
  readonly events: QualityEvent[] = [];
  private readonly startedAtEpochMs = Date.now();
  private readonly startedAt = performance.now();
  // The lists below are made when first needed: most calls check one answer, watch no stream and
  // make no judge or sample call.
  private answers: CheckedAnswer[] | undefined;
  /** Answers `inspect` rejected (repair): the call was repaired unless it ended on one of them. */
  private rejectedResults: Set<GenerationResult> | undefined;
  private extraAttempts: AttemptRecord[] | undefined;
  private extraCosts: CostBreakdown[] | undefined;
  private observers: Array<{ detector: Detector; observer: StreamObserver }> | undefined;
  private assembler: StreamAssembler | undefined;
  private committedChannel: string | undefined;
  private commitAtMs: number | undefined;
  private seenContent = false;

  constructor(
    private readonly core: InsuranceCore,
    private readonly init: InsuredCallInit,
    private readonly detectors: ScopedDetectors,
  ) {
    this.settings = core.resolve(init.options, init.requested);
  }

  get requestId(): string {
    return this.init.requestId;
  }

  /**
   * ExecuteInput.inspector: checks each non-streamed answer before it is accepted. With `repair`, a
   * covered answer event rejects it, and the next candidate runs. A method (the executor calls it
   * on this object): no closure per call.
   */
  inspect(result: GenerationResult, attempt: AttemptRecord, candidate: { channel: { id: string } }): Maybe<string | undefined> {
    const channel = candidate.channel.id;
    const timing: DetectorTiming = {
      ttftMs: undefined,
      durationMs: attempt.durationMs,
      tokensPerSecond: undefined,
      outputTokens: result.usage.output.total,
    };
    const events = this.runAll(this.detectors.answer, this.context(channel, result, timing, [attempt]), NO_DETECTORS);
    // Synchronous unless a detector returned a promise.
    if (events instanceof Promise) return events.then((filed) => this.inspected(result, channel, attempt, filed));
    return this.inspected(result, channel, attempt, events);
  }

  private inspected(result: GenerationResult, channel: string, attempt: AttemptRecord, events: QualityEvent[]): string | undefined {
    (this.answers ??= []).push({ result, channel, cost: attempt.cost, events });
    if (!this.settings.repair || events.length === 0) return undefined;
    const covered = events.filter((event) => this.core.policy.covers(event.kind));
    if (covered.length === 0) return undefined;
    (this.rejectedResults ??= new Set()).add(result);
    return `covered quality events: ${covered.map((event) => event.kind).join(', ')}`;
  }

  /** A stream committed to its channel: observers start watching its parts. */
  commit(channel: string): void {
    this.committedChannel = channel;
    this.commitAtMs = performance.now() - this.startedAt;
    this.assembler = new StreamAssembler();
    const start = this.start(channel);
    this.observers = [];
    for (const detector of this.detectors.all) {
      if (!detector.observeStream) continue;
      try {
        this.observers.push({ detector, observer: detector.observeStream(start) });
      } catch (error) {
        this.core.detectorFailed(this.init.requestId, detector.name, error);
      }
    }
  }

  /** One part of the committed stream, as it passes to the caller. */
  observe(part: StreamPart): void {
    this.assembler?.add(part);
    if (!this.observers || this.observers.length === 0) return;
    // Parts read ahead while the stream was opened arrived by the time it committed.
    const content = part.type !== 'stream-start' && part.type !== 'finish';
    const atMs = content && !this.seenContent && this.commitAtMs !== undefined ? this.commitAtMs : performance.now() - this.startedAt;
    if (content) this.seenContent = true;
    for (const { detector, observer } of this.observers) {
      try {
        const drafts = observer.onPart(part, atMs);
        if (drafts) for (const draft of drafts) this.file(draft, detector.name, this.committedChannel!);
      } catch (error) {
        this.core.detectorFailed(this.init.requestId, detector.name, error);
      }
    }
  }

  /**
   * The call ended (answered, failed or abandoned): runs what is left of the detectors, files the
   * claims, completes the metadata and queues the ledger records. Never throws. Synchronous (no
   * promise) unless a detector or a claim has to be awaited: the usual call files nothing.
   */
  settle(call: SettleCall): Maybe<QualityObservation[]> {
    try {
      const settled = this.settleOrThrow(call);
      return settled instanceof Promise ? settled.catch((error: unknown) => this.settleFailed(error)) : settled;
    } catch (error) {
      return this.settleFailed(error);
    }
  }

  private settleFailed(error: unknown): QualityObservation[] {
    this.core.detectorFailed(this.init.requestId, 'insurance', error);
    return [];
  }

  /**
   * The settling, in the order it always ran: the answer detectors on the final answer, then the
   * delivery detectors, then the claims. Each phase hands on to the next at once when it did not
   * have to wait, or once its promise resolves.
   */
  private settleOrThrow(call: SettleCall): Maybe<QualityObservation[]> {
    const { record: facts, error } = call;
    const status: RequestRecord['outcome'] = !error ? 'success' : error.kind === 'aborted' ? 'aborted' : 'error';
    const winner = facts.channel;
    const timing: DetectorTiming = {
      ttftMs: facts.ttftMs,
      durationMs: facts.durationMs,
      tokensPerSecond: facts.tokensPerSecond,
      outputTokens: facts.usage.output.total,
    };
    const observed = this.observers && this.observers.length > 0 ? new Set(this.observers.map(({ detector }) => detector)) : NO_DETECTORS;

    let final: CheckedAnswer | undefined;
    if (status === 'success' && winner !== undefined) {
      final = call.result ? this.answers?.find((answer) => answer.result === call.result) : undefined;
      if (!final) {
        const result = call.result ?? this.assembler?.result() ?? EMPTY_RESULT;
        const checked: CheckedAnswer = { result, channel: winner, cost: undefined, events: NO_EVENTS };
        const events = this.runAll(this.detectors.answer, this.context(winner, result, timing, facts.attempts, call.images), observed);
        if (events instanceof Promise) {
          return events.then((filed) => {
            checked.events = filed;
            (this.answers ??= []).push(checked);
            return this.deliver(call, status, checked, timing, observed);
          });
        }
        checked.events = events;
        (this.answers ??= []).push(checked);
        final = checked;
      }
    }
    return this.deliver(call, status, final, timing, observed);
  }

  /** The delivery detectors, on the call as the caller saw it. */
  private deliver(
    call: SettleCall,
    status: RequestRecord['outcome'],
    final: CheckedAnswer | undefined,
    timing: DetectorTiming,
    observed: ReadonlySet<Detector>,
  ): Maybe<QualityObservation[]> {
    const winner = call.record.channel;
    if (winner !== undefined && (status === 'success' || this.seenContent)) {
      const result = final?.result ?? this.assembler?.result() ?? EMPTY_RESULT;
      const delivered = this.runAll(
        this.detectors.delivery,
        this.context(winner, result, timing, call.record.attempts, call.images),
        observed,
      );
      if (delivered instanceof Promise) return delivered.then(() => this.claim(call, status, final));
    }
    return this.claim(call, status, final);
  }

  /** Costs, repair, and the claims of the covered events. */
  private claim(call: SettleCall, status: RequestRecord['outcome'], final: CheckedAnswer | undefined): Maybe<QualityObservation[]> {
    const { record: facts, error } = call;
    // The judge and the samples were spent on this call: they are part of what it cost.
    if (this.extraAttempts && this.extraAttempts.length > 0) {
      facts.attempts = [...facts.attempts, ...this.extraAttempts];
      facts.cost = addCosts([facts.cost, ...this.extraCosts!]);
    }
    facts.repaired = final !== undefined && this.rejectedResults !== undefined && !this.rejectedResults.has(final.result);

    let rejected = NO_ANSWERS;
    if (this.answers)
      for (const answer of this.answers) if (answer !== final) (rejected === NO_ANSWERS ? (rejected = []) : rejected).push(answer);
    // Nothing filed and nothing rejected (the usual call): no claim to settle, nothing to wait for.
    if (rejected.length === 0 && this.events.length === 0) return this.settled(call, status, final, rejected, undefined, []);
    const rejectedEvents = new Set(rejected.flatMap((answer) => answer.events));
    const items: ClaimItem[] = [];
    for (const answer of rejected) {
      for (const event of answer.events) items.push({ event, basisUsd: answer.cost?.total ?? 0, basis: 'attempt' });
    }
    for (const event of this.events) {
      if (!rejectedEvents.has(event)) items.push({ event, basisUsd: facts.cost.total, basis: 'call' });
    }
    return this.core.policy
      .settle({
        items,
        call: { requestId: this.init.requestId, outcome: status, errorKind: error?.kind, cancelled: error?.abortedBy === 'reader' },
        callCostUsd: facts.cost.total,
        newClaimId: () => `clm_${crypto.randomUUID()}`,
      })
      .then((claims) => this.settled(call, status, final, rejected, rejectedEvents, claims));
  }

  /** Claims told, the metadata completed, the records queued; what the router should learn. */
  private settled(
    call: SettleCall,
    status: RequestRecord['outcome'],
    final: CheckedAnswer | undefined,
    rejected: CheckedAnswer[],
    rejectedEvents: ReadonlySet<QualityEvent> | undefined,
    claims: Claim[],
  ): QualityObservation[] {
    const { record: facts, error } = call;
    const winner = facts.channel;
    for (const claim of claims) this.core.emit('claim', claim);
    // The record's own lists stay as they are when there is nothing to add (a stream's record shows
    // the live event list while it flows: it gets a copy of its own).
    if (this.events.length > 0 || facts.events === this.events) facts.events = [...this.events];
    if (claims.length > 0) facts.claims = claims;

    this.record(facts, status, error?.kind, final, rejected, claims);
    if (final && this.init.output === 'text')
      this.core.remember({
        requestId: this.init.requestId,
        request: this.init.request,
        answer: final.result,
        channel: final.channel,
        category: this.init.category,
      });

    // The router learns the same from no observation as from one without events (see learnFromAnswer).
    if (this.events.length === 0 && rejected.length === 0) return NO_OBSERVATIONS;
    // Failovers are the failed channel's, and the executor already told the router about them.
    const severitiesOf = (events: QualityEvent[]) => events.filter((event) => event.kind !== 'failover').map((event) => event.severity);
    const observations: QualityObservation[] = rejected.map((answer) => ({
      channel: answer.channel,
      severities: severitiesOf(answer.events),
    }));
    if (winner !== undefined && status === 'success') {
      observations.push({
        channel: winner,
        severities: severitiesOf(this.events.filter((event) => event.channel === winner && !rejectedEvents?.has(event))),
      });
    }
    return observations;
  }

  /** Queues the call's records; content is hashed and redacted in the background. */
  private record(
    facts: CallRecord,
    outcome: RequestRecord['outcome'],
    errorKind: ZenErrorKind | undefined,
    final: CheckedAnswer | undefined,
    rejected: CheckedAnswer[],
    claims: Claim[],
  ): void {
    // Built now: the caller owns the metadata object once the call returns.
    const tags = this.init.tags ? stripSecrets(this.init.tags) : undefined;
    const request = requestRecord(facts, {
      at: isoTime(this.startedAtEpochMs),
      stream: this.init.stream,
      outcome,
      errorKind,
      tags,
    });
    const events = facts.events.length > 0 ? [...facts.events] : NO_EVENTS;
    this.core.write(() => this.records(request, events, claims, rejected, final));
  }

  /** The call's ledger records, built off the return path: synchronous unless hashing, redaction or a case has to wait. */
  private records(
    request: RequestRecord,
    events: QualityEvent[],
    claims: Claim[],
    rejected: CheckedAnswer[],
    final: CheckedAnswer | undefined,
  ): Maybe<LedgerRecord[]> {
    const messages = toChatMessages(this.init.request.messages);
    const answer = final && this.init.output === 'text' ? toAssistantMessage(final.result.content) : undefined;
    // Content holds the only free text of a request record; error messages were cleared of
    // credentials by ZenError, event texts when they were filed.
    const content = captureContent(this.core.captureMode, messages, answer);
    if (content instanceof Promise)
      return content.then((captured) => this.withContent(request, captured, messages, events, claims, rejected, final));
    return this.withContent(request, content, messages, events, claims, rejected, final);
  }

  private withContent(
    request: RequestRecord,
    content: ContentCapture,
    messages: ChatMessage[],
    events: QualityEvent[],
    claims: Claim[],
    rejected: CheckedAnswer[],
    final: CheckedAnswer | undefined,
  ): Maybe<LedgerRecord[]> {
    request.content = content;
    const records: LedgerRecord[] = [request];
    if (events.length === 0 && claims.length === 0) return records;
    for (const event of events) records.push(eventRecord(event));
    for (const claim of claims) records.push(claimRecord(claim));
    for (const credit of creditRecords(claims)) records.push(credit);
    const claimed = claimedProblems(claims);
    if (claimed.length === 0 || this.init.output !== 'text') return records;
    const claimedEvents = new Set(claimed.map((claim) => claim.eventId));
    const bad = rejected.find((answer) => answer.events.some((event) => claimedEvents.has(event.id))) ?? final;
    if (!bad) return records;
    return this.withCase(
      records,
      claimed[0]!.at,
      events.filter((event) => claimedEvents.has(event.id)),
      bad,
      final,
      messages,
    );
  }

  /** A claimed problem's case: the prompt and the bad (and repaired) answer, redacted. */
  private async withCase(
    records: LedgerRecord[],
    at: string,
    events: QualityEvent[],
    bad: CheckedAnswer,
    final: CheckedAnswer | undefined,
    messages: ChatMessage[],
  ): Promise<LedgerRecord[]> {
    const { tools } = this.init.request;
    records.push(
      caseRecord({
        requestId: this.init.requestId,
        at,
        events,
        channel: bad.channel,
        messages: await redactContent(messages),
        badAnswer: await redactContent(toAssistantMessage(bad.result.content)),
        ...(final && bad !== final ? { repairedAnswer: await redactContent(toAssistantMessage(final.result.content)) } : {}),
        ...(tools ? { tools: await redactContent(toChatTools(tools)) } : {}),
      }),
    );
    return records;
  }

  private lastStart: DetectorStart | undefined;

  private start(channel: string): DetectorStart {
    if (this.lastStart?.channel === channel) return this.lastStart;
    const { requestId, face, stream, output, request, signal } = this.init;
    const baseline = this.init.baseline(channel);
    return (this.lastStart = { requestId, face, stream, output, request, channel, baseline, settings: this.settings, signal });
  }

  private context(
    channel: string,
    result: GenerationResult,
    timing: DetectorTiming,
    attempts: readonly AttemptRecord[],
    images?: GeneratedImage[],
  ): DetectorContext {
    // Written out rather than spread: this runs twice per call, and spreads build slow objects.
    const { requestId, face, stream, output, request, baseline, settings, signal } = this.start(channel);
    const context: DetectorContext = {
      requestId,
      face,
      stream,
      output,
      request,
      channel,
      baseline,
      settings,
      signal,
      result,
      timing,
      attempts,
      subcall: this.subcall,
    };
    if (images) context.images = images;
    return context;
  }

  private readonly subcall: SubcallRunner = async (purpose, call) => {
    const collect = (metadata: { attempts: AttemptRecord[]; cost: CostBreakdown } | undefined): void => {
      if (!metadata) return;
      (this.extraAttempts ??= []).push(...metadata.attempts.map((attempt) => ({ ...attempt, purpose })));
      (this.extraCosts ??= []).push(metadata.cost);
    };
    try {
      const { result, metadata } = await this.core.subcall({ ...call, signal: this.init.signal });
      collect(metadata);
      return result;
    } catch (error) {
      // A failed judge still cost what its attempts spent.
      collect((error as { zen?: { attempts: AttemptRecord[]; cost: CostBreakdown } } | undefined)?.zen);
      throw error;
    }
  };

  /**
   * Runs detectors side by side; an observed detector ends through its observer. Most detectors
   * answer synchronously, and most find nothing: then nothing is allocated and nothing awaited.
   * Only when a detector returns a promise are they all awaited, and the events filed after.
   */
  private runAll(detectors: readonly Detector[], context: DetectorContext, observed: ReadonlySet<Detector>): Maybe<QualityEvent[]> {
    let outputs: Array<EventDraft[] | void | Promise<EventDraft[] | void>> | undefined;
    let pending = false;
    for (let index = 0; index < detectors.length; index += 1) {
      const detector = detectors[index]!;
      let output: DetectorOutput;
      try {
        const observer = observed.has(detector) ? this.observers!.find((entry) => entry.detector === detector)?.observer : undefined;
        output = observer ? observer.onEnd(context) : detector.inspectResult?.(context);
      } catch (error) {
        this.core.detectorFailed(this.init.requestId, detector.name, error);
        output = undefined;
      }
      if (output === undefined) continue;
      if (isPromiseLike(output)) {
        pending = true;
        output = Promise.resolve(output).catch((error: unknown) => {
          this.core.detectorFailed(this.init.requestId, detector.name, error);
          return undefined;
        });
      }
      (outputs ??= new Array<EventDraft[] | void | Promise<EventDraft[] | void>>(detectors.length).fill(undefined))[index] = output;
    }
    if (!outputs) return NO_EVENTS;
    if (pending) return Promise.all(outputs).then((settled) => this.fileAll(detectors, settled, context.channel));
    return this.fileAll(detectors, outputs as Array<EventDraft[] | void>, context.channel);
  }

  /** Files the detectors' drafts in detector order, whatever order they finished in. */
  private fileAll(detectors: readonly Detector[], drafts: ReadonlyArray<EventDraft[] | void>, channel: string): QualityEvent[] {
    let events = NO_EVENTS;
    for (let index = 0; index < detectors.length; index += 1) {
      const found = drafts[index];
      if (!found) continue;
      for (const draft of found) (events === NO_EVENTS ? (events = []) : events).push(this.file(draft, detectors[index]!.name, channel));
    }
    return events;
  }

  /** Stamps a draft into an event, keeps evidence only as far as content capture allows, and emits it. */
  private file(draft: EventDraft, detector: string, channel: string): QualityEvent {
    const mode = this.core.captureMode;
    const detail: Record<string, unknown> = { ...draft.detail };
    // Redacted evidence is kept once the redaction libraries are loaded (the insurance loads them when built with `redacted` capture).
    const evidence =
      draft.evidence === undefined || mode === 'none'
        ? undefined
        : mode === 'redacted'
          ? redactContentIfReady(draft.evidence)
          : draft.evidence;
    if (evidence !== undefined) detail.evidence = evidence;
    const event: QualityEvent = {
      id: `evt_${crypto.randomUUID()}`,
      requestId: this.init.requestId,
      kind: draft.kind,
      detector,
      channel: draft.channel ?? channel,
      at: new Date().toISOString(),
      severity: Math.min(1, Math.max(0, Number.isFinite(draft.severity) ? draft.severity : 1)),
      message: redactSecrets(draft.message),
      ...(Object.keys(detail).length > 0 ? { detail: stripSecrets(detail) } : {}),
    };
    this.events.push(event);
    this.core.emit('quality', event);
    return event;
  }
}
