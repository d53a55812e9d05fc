import type { CallRecord } from '../core/call-record.js';
import { redactSecrets, type ZenError, type ZenErrorKind } from '../core/errors.js';
import type { CostBreakdown } from '../core/money.js';
import type { FaceName, GenerationRequest } from '../core/request.js';
import type { GeneratedImage, GenerationResult } from '../core/result.js';
import type { StreamPart } from '../core/stream-part.js';
import { emptyUsage } from '../core/usage.js';
import { captureContent, redactContent, redactContentIfReady, stripSecrets } from './capture.js';
import { toAssistantMessage, toChatMessages, toChatTools } from './chat-format.js';
import type { ClaimItem } from './claims.js';
import type { ChannelBaseline, Detector, DetectorContext, DetectorOutput, DetectorStart, DetectorTiming, EventDraft, StreamObserver, SubcallRunner } from './detector.js';
import type { InsuranceCore } from './insurance.js';
import type { RequestInsurance, ResolvedInsurance } from './options.js';
import { addCosts, caseRecord, claimedProblems, claimRecord, creditRecords, eventRecord, requestRecord } from './records.js';
import { StreamAssembler } from './stream-assembler.js';
import type { AttemptRecord, Claim, LedgerRecord, QualityEvent, RequestRecord } from './types.js';

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

const NO_DETECTORS: ReadonlySet<Detector> = new Set();

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

const EMPTY_RESULT: GenerationResult = { id: undefined, modelId: undefined, content: [], finishReason: { unified: 'stop', raw: undefined }, usage: emptyUsage(), warnings: [] };

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
  private readonly answers: CheckedAnswer[] = [];
  /** Answers `inspect` rejected (repair): the call was repaired unless it ended on one of them. */
  private rejectedResults: Set<GenerationResult> | undefined;
  private readonly extraAttempts: AttemptRecord[] = [];
  private readonly extraCosts: CostBreakdown[] = [];
  private observers: Array<{ detector: Detector; observer: StreamObserver }> = [];
  private assembler: StreamAssembler | undefined;
  private committedChannel: string | undefined;
  private commitAtMs: number | undefined;
  private seenContent = false;

  constructor(
    private readonly core: InsuranceCore,
    private readonly init: InsuredCallInit,
    private readonly detectors: readonly Detector[],
  ) {
    this.settings = core.resolve(init.options, init.requested);
  }

  get requestId(): string {
    return this.init.requestId;
  }

  /**
   * ExecuteInput.inspect: checks each non-streamed answer before it is accepted. With `repair`, a
   * covered answer event rejects it, and the next candidate runs.
   */
  readonly inspect = async (result: GenerationResult, attempt: AttemptRecord, candidate: { channel: { id: string } }): Promise<string | undefined> => {
    const channel = candidate.channel.id;
    const timing: DetectorTiming = { ttftMs: undefined, durationMs: attempt.durationMs, tokensPerSecond: undefined, outputTokens: result.usage.output.total };
    const events = await this.runAll(
      this.detectors.filter((detector) => detector.scope === 'answer'),
      this.context(channel, result, timing, [attempt]),
    );
    this.answers.push({ result, channel, cost: attempt.cost, events });
    if (!this.settings.repair) return undefined;
    const covered = events.filter((event) => this.core.policy.covers(event.kind));
    if (covered.length === 0) return undefined;
    (this.rejectedResults ??= new Set()).add(result);
    return `covered quality events: ${covered.map((event) => event.kind).join(', ')}`;
  };

  /** A stream committed to its channel: observers start watching its parts. */
  commit(channel: string): void {
    this.committedChannel = channel;
    this.commitAtMs = performance.now() - this.startedAt;
    this.assembler = new StreamAssembler();
    const start = this.start(channel);
    this.observers = [];
    for (const detector of this.detectors) {
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
    if (this.observers.length === 0) return;
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
   * claims, completes the metadata and queues the ledger records. Never throws.
   */
  async settle(call: SettleCall): Promise<QualityObservation[]> {
    try {
      return await this.settleOrThrow(call);
    } catch (error) {
      this.core.detectorFailed(this.init.requestId, 'insurance', error);
      return [];
    }
  }

  private async settleOrThrow(call: SettleCall): Promise<QualityObservation[]> {
    const { record: facts, error } = call;
    const status: RequestRecord['outcome'] = !error ? 'success' : error.kind === 'aborted' ? 'aborted' : 'error';
    const winner = facts.channel;
    const timing: DetectorTiming = { ttftMs: facts.ttftMs, durationMs: facts.durationMs, tokensPerSecond: facts.tokensPerSecond, outputTokens: facts.usage.output.total };
    const observed = new Set(this.observers.map(({ detector }) => detector));
    const answerDetectors = this.detectors.filter((detector) => detector.scope === 'answer');
    const deliveryDetectors = this.detectors.filter((detector) => detector.scope === 'delivery');

    let final: CheckedAnswer | undefined;
    if (status === 'success' && winner !== undefined) {
      final = call.result ? this.answers.find((answer) => answer.result === call.result) : undefined;
      if (!final) {
        const result = call.result ?? this.assembler?.result() ?? EMPTY_RESULT;
        const context = this.context(winner, result, timing, facts.attempts, call.images);
        const events = await this.runAll(answerDetectors, context, observed);
        final = { result, channel: winner, cost: undefined, events };
        this.answers.push(final);
      }
    }
    if (winner !== undefined && (status === 'success' || this.seenContent)) {
      const result = final?.result ?? this.assembler?.result() ?? EMPTY_RESULT;
      await this.runAll(deliveryDetectors, this.context(winner, result, timing, facts.attempts, call.images), observed);
    }

    // The judge and the samples were spent on this call: they are part of what it cost.
    if (this.extraAttempts.length > 0) {
      facts.attempts = [...facts.attempts, ...this.extraAttempts];
      facts.cost = addCosts([facts.cost, ...this.extraCosts]);
    }
    facts.repaired = final !== undefined && this.rejectedResults !== undefined && !this.rejectedResults.has(final.result);

    const rejected = this.answers.filter((answer) => answer !== final);
    const rejectedEvents = new Set(rejected.flatMap((answer) => answer.events));
    const items: ClaimItem[] = [];
    for (const answer of rejected) {
      for (const event of answer.events) items.push({ event, basisUsd: answer.cost?.total ?? 0, basis: 'attempt' });
    }
    for (const event of this.events) {
      if (!rejectedEvents.has(event)) items.push({ event, basisUsd: facts.cost.total, basis: 'call' });
    }
    const claims = await this.core.policy.settle({
      items,
      call: { requestId: this.init.requestId, outcome: status, errorKind: error?.kind, cancelled: error?.abortedBy === 'reader' },
      callCostUsd: facts.cost.total,
      newClaimId: () => `clm_${crypto.randomUUID()}`,
    });
    for (const claim of claims) this.core.emit('claim', claim);
    facts.events = [...this.events];
    facts.claims = claims;

    this.record(facts, status, error?.kind, final, rejected, claims);
    if (final && this.init.output === 'text') this.core.remember({ requestId: this.init.requestId, request: this.init.request, answer: final.result, channel: final.channel, category: this.init.category });

    // Failovers are the failed channel's, and the executor already told the router about them.
    const severitiesOf = (events: QualityEvent[]) => events.filter((event) => event.kind !== 'failover').map((event) => event.severity);
    const observations: QualityObservation[] = rejected.map((answer) => ({ channel: answer.channel, severities: severitiesOf(answer.events) }));
    if (winner !== undefined && status === 'success') {
      observations.push({ channel: winner, severities: severitiesOf(this.events.filter((event) => event.channel === winner && !rejectedEvents.has(event))) });
    }
    return observations;
  }

  /** Queues the call's records; content is hashed and redacted in the background. */
  private record(facts: CallRecord, outcome: RequestRecord['outcome'], errorKind: ZenErrorKind | undefined, final: CheckedAnswer | undefined, rejected: CheckedAnswer[], claims: Claim[]): void {
    const { request, output } = this.init;
    const mode = this.core.captureMode;
    // Built now: the caller owns the metadata object once the call returns. Only the fields are
    // read (spreading the metadata would build its lazy explanation).
    const tags = this.init.tags ? stripSecrets(this.init.tags) : undefined;
    const request_ = requestRecord(facts, { at: new Date(this.startedAtEpochMs).toISOString(), stream: this.init.stream, outcome, errorKind, ...(tags ? { tags } : {}) });
    const events = [...facts.events];
    const claimed = claimedProblems(claims);
    this.core.write(async () => {
      const messages = toChatMessages(request.messages);
      const answer = final && output === 'text' ? toAssistantMessage(final.result.content) : undefined;
      // Content holds the only free text of a request record; error messages were cleared of
      // credentials by ZenError, event texts when they were filed.
      request_.content = await captureContent(mode, messages, answer);
      const records: LedgerRecord[] = [
        request_,
        ...events.map(eventRecord),
        ...claims.map(claimRecord),
        ...creditRecords(claims),
      ];
      if (claimed.length > 0 && output === 'text') {
        const claimedEvents = new Set(claimed.map((claim) => claim.eventId));
        const bad = rejected.find((answer) => answer.events.some((event) => claimedEvents.has(event.id))) ?? final;
        if (bad) {
          records.push(
            caseRecord({
              requestId: this.init.requestId,
              at: claimed[0]!.at,
              events: events.filter((event) => claimedEvents.has(event.id)),
              channel: bad.channel,
              messages: await redactContent(messages),
              badAnswer: await redactContent(toAssistantMessage(bad.result.content)),
              ...(final && bad !== final ? { repairedAnswer: await redactContent(toAssistantMessage(final.result.content)) } : {}),
              ...(request.tools ? { tools: await redactContent(toChatTools(request.tools)) } : {}),
            }),
          );
        }
      }
      return records;
    });
  }

  private lastStart: DetectorStart | undefined;

  private start(channel: string): DetectorStart {
    if (this.lastStart?.channel === channel) return this.lastStart;
    const { requestId, face, stream, output, request, signal } = this.init;
    const baseline = this.init.baseline(channel);
    return (this.lastStart = { requestId, face, stream, output, request, channel, baseline, settings: this.settings, signal });
  }

  private context(channel: string, result: GenerationResult, timing: DetectorTiming, attempts: readonly AttemptRecord[], images?: GeneratedImage[]): DetectorContext {
    // Written out rather than spread: this runs twice per call, and spreads build slow objects.
    const { requestId, face, stream, output, request, baseline, settings, signal } = this.start(channel);
    const context: DetectorContext = { requestId, face, stream, output, request, channel, baseline, settings, signal, result, timing, attempts, subcall: this.subcall };
    if (images) context.images = images;
    return context;
  }

  private readonly subcall: SubcallRunner = async (purpose, call) => {
    const collect = (metadata: { attempts: AttemptRecord[]; cost: CostBreakdown } | undefined): void => {
      if (!metadata) return;
      this.extraAttempts.push(...metadata.attempts.map((attempt) => ({ ...attempt, purpose })));
      this.extraCosts.push(metadata.cost);
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

  /** Runs detectors side by side; an observed detector ends through its observer. */
  private async runAll(detectors: readonly Detector[], context: DetectorContext, observed: ReadonlySet<Detector> = NO_DETECTORS): Promise<QualityEvent[]> {
    // Most detectors answer synchronously: only the ones that return a promise are awaited, so
    // a call does not pay for ten async closures to run ten regular expressions.
    const outputs: Array<EventDraft[] | void | Promise<EventDraft[] | void>> = [];
    let pending = false;
    for (const detector of detectors) {
      let output: DetectorOutput;
      try {
        const observer = observed.has(detector) ? this.observers.find((entry) => entry.detector === detector)?.observer : undefined;
        output = observer ? observer.onEnd(context) : detector.inspectResult?.(context);
      } catch (error) {
        this.core.detectorFailed(this.init.requestId, detector.name, error);
        output = undefined;
      }
      if (isPromiseLike(output)) {
        pending = true;
        output = Promise.resolve(output).catch((error: unknown) => {
          this.core.detectorFailed(this.init.requestId, detector.name, error);
          return undefined;
        });
      }
      outputs.push(output);
    }
    const settled = pending ? await Promise.all(outputs) : (outputs as Array<EventDraft[] | void>);
    // Filed in detector order, whatever order they finished in.
    const events: QualityEvent[] = [];
    for (let index = 0; index < detectors.length; index += 1) {
      const drafts = settled[index];
      if (drafts) for (const draft of drafts) events.push(this.file(draft, detectors[index]!.name, context.channel));
    }
    return events;
  }

  /** Stamps a draft into an event, keeps evidence only as far as content capture allows, and emits it. */
  private file(draft: EventDraft, detector: string, channel: string): QualityEvent {
    const mode = this.core.captureMode;
    const detail: Record<string, unknown> = { ...draft.detail };
    // Redacted evidence is kept once the redaction libraries are loaded (the insurance loads them when built with `redacted` capture).
    const evidence = draft.evidence === undefined || mode === 'none' ? undefined : mode === 'redacted' ? redactContentIfReady(draft.evidence) : draft.evidence;
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
