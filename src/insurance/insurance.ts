import type { CallRecord } from '../core/call-record.js';
import { ZenError } from '../core/errors.js';
import type { CostBreakdown } from '../core/money.js';
import type { GenerationRequest } from '../core/request.js';
import type { GenerationResult } from '../core/result.js';
import { captureContent, prepareRedaction, redactContent, stripSecrets } from './capture.js';
import { toAssistantMessage, toChatMessages, toChatTools } from './chat-format.js';
import { InsurancePolicy } from './claims.js';
import type { ChannelBaseline, Detector } from './detector.js';
import { BUILT_IN_DETECTORS } from './detectors/index.js';
import { exportCases, type ExportCasesOptions } from './export-cases.js';
import { InsuredCall, scopeDetectors, type InsuredCallInit, type ScopedDetectors } from './insured-call.js';
import { Ledger, type LedgerRange } from './ledger.js';
import { LedgerWriter, type RecordBuilder } from './ledger-writer.js';
import {
  resolveInsurance,
  validateInsuranceOptions,
  validateRequestInsurance,
  type CaptureContent,
  type InsuranceOptions,
  type RequestInsurance,
  type ResolvedInsurance,
} from './options.js';
import { caseRecord, claimRecord, creditRecords, eventRecord, freezeCallFacts, requestRecord } from './records.js';
import { RecentCalls } from './recent-calls.js';
import { MemoryLedgerStore } from './stores/memory.js';
import type { AttemptRecord, Claim, LedgerRecord, LedgerStore, QualityEvent, QualityEventKind, RequestRecord } from './types.js';

/** Something went wrong inside the insurance; the call itself was not affected. */
export interface InsuranceErrorEvent {
  /**
   * `ledger`: records could not be written (they are in `records`, and kept for retry), or the
   * store is falling behind (kind `overloaded`, `records` empty: told at 10 000 waiting calls and
   * each doubling); `detector`: a detector threw.
   */
  source: 'ledger' | 'detector';
  error: ZenError;
  requestId?: string;
  detector?: string;
  records?: LedgerRecord[];
}

/** Events of the insurance, emitted through the client's eventemitter3. */
export interface InsuranceEvents {
  quality: (event: QualityEvent) => void;
  claim: (claim: Claim) => void;
  error: (event: InsuranceErrorEvent) => void;
}

type Emit = <K extends keyof InsuranceEvents>(event: K, payload: Parameters<InsuranceEvents[K]>[0]) => void;

/** What the insurance needs from the client. */
export interface InsuranceDeps {
  emit: Emit;
  /** A call through the router that is itself neither insured nor recorded (judge, samples). */
  subcall(call: {
    model: string | string[];
    request: GenerationRequest;
    signal: AbortSignal | undefined;
  }): Promise<{ result: GenerationResult; metadata: { attempts: AttemptRecord[]; cost: CostBreakdown } }>;
  /** Tells the router's quality model what a user thought of a channel's answer (0 bad, 1 good). */
  observeFeedback(channel: string, score: number, category: string | undefined): void;
}

/** User feedback on an answer, after the fact. */
export interface Feedback {
  rating: 'good' | 'bad';
  /** What was wrong, as an event kind (default `user_feedback`). */
  kind?: QualityEventKind;
  /** Free text: dropped with `captureContent: 'none'`, redacted with `redacted`, kept (less credentials) with `full`. */
  comment?: string;
  /** 0..1, default 1. */
  severity?: number;
}

export interface FeedbackResult {
  /** The event filed for bad feedback. */
  event?: QualityEvent;
  claims: Claim[];
}

/** A recent call kept in memory for feedback: never written unless a claim makes it a case. */
export interface RecentCall {
  requestId: string;
  request: GenerationRequest;
  answer: GenerationResult;
  channel: string;
  category: string;
}

/** What an InsuredCall uses of the client-wide insurance. */
export interface InsuranceCore {
  readonly policy: InsurancePolicy;
  readonly captureMode: CaptureContent;
  resolve(options: RequestInsurance | undefined, requested: string | string[]): ResolvedInsurance;
  emit: Emit;
  subcall: InsuranceDeps['subcall'];
  write(build: RecordBuilder): void;
  remember(call: RecentCall): void;
  detectorFailed(requestId: string, detector: string, error: unknown): void;
}

/**
 * The client's insurance: detectors, policy, ledger. `zen.insurance` exposes its balance and
 * rules; each call gets an InsuredCall from `begin`.
 */
export class Insurance implements InsuranceCore {
  readonly ledger: Ledger;
  readonly policy: InsurancePolicy;
  readonly captureMode: CaptureContent;
  readonly enabled: boolean;
  private readonly writer: LedgerWriter;
  private readonly detectors: ScopedDetectors;
  /** The settings of a call without insurance options, per requested model (the usual call asks for the same few). */
  private readonly defaultSettings = new Map<string, ResolvedInsurance>();
  private readonly known: ReadonlyMap<string, Detector>;
  private readonly recent: RecentCalls<RecentCall>;
  private readonly settling = new Set<Promise<void>>();
  private readonly window: number;

  constructor(
    private readonly options: InsuranceOptions,
    ledger: LedgerStore | Ledger | undefined,
    private readonly deps: InsuranceDeps,
  ) {
    validateInsuranceOptions(options);
    this.enabled = options.enabled ?? true;
    this.captureMode = options.captureContent ?? 'none';
    prepareRedaction(this.captureMode);
    this.window = options.feedbackWindow ?? 256;
    this.recent = new RecentCalls(this.window);
    this.ledger = toLedger(ledger);
    this.writer = new LedgerWriter(
      this.ledger,
      (error, records) => this.deps.emit('error', { source: 'ledger', error, records }),
      (pending) =>
        this.deps.emit('error', {
          source: 'ledger',
          records: [],
          error: new ZenError({
            kind: 'overloaded',
            retryable: true,
            message: `The ledger store is falling behind: ${pending} calls' records are waiting to be written. Nothing is dropped; they stay in memory until the store takes them.`,
          }),
        }),
    );
    this.policy = new InsurancePolicy(
      options.policy,
      (day) => this.creditedOn(day),
      this.ledger.store.grantDailyCredits?.bind(this.ledger.store),
    );
    this.detectors = scopeDetectors(resolveDetectors(options.detectors));
    this.known = new Map([...BUILT_IN_DETECTORS, ...this.detectors.all].map((detector) => [detector.name, detector]));
  }

  readonly emit: Emit = (event, payload) => this.deps.emit(event, payload);

  readonly subcall: InsuranceDeps['subcall'] = (call) => this.deps.subcall(call);

  resolve(options: RequestInsurance | undefined, requested: string | string[]): ResolvedInsurance {
    if (options !== undefined || typeof requested !== 'string') return resolveInsurance(this.options, options, requested);
    // Resolved once per model and shared, frozen (detectors only read it).
    let settings = this.defaultSettings.get(requested);
    if (!settings) {
      settings = freezeSettings(resolveInsurance(this.options, undefined, requested));
      if (this.defaultSettings.size >= 256) this.defaultSettings.clear();
      this.defaultSettings.set(requested, settings);
    }
    return settings;
  }

  /**
   * Checks a request's `zen.insurance` before the call: an `invalid_request` ZenError for a bad
   * value, a `configuration` one for what the client lacks (grounding documents without a judge).
   */
  validateRequest(options: RequestInsurance | undefined): void {
    validateRequestInsurance(options);
    for (const name of options?.detectors ?? []) {
      if (!this.known.has(name)) {
        throw new ZenError({
          kind: 'invalid_request',
          retryable: false,
          code: 'zen.insurance.detectors',
          message: `zen.insurance.detectors names "${name}", which is not a detector; known: ${[...this.known.keys()].join(', ')}.`,
        });
      }
    }
    if (this.enabled && (options?.groundingDocuments?.length ?? 0) > 0 && !this.options.judge) {
      throw new ZenError({
        kind: 'configuration',
        retryable: false,
        code: 'insurance.judge',
        message:
          'zen.insurance.groundingDocuments needs a judge model: set insurance: { judge: { model: "openai/gpt-5-mini" } } on the ZenClient.',
      });
    }
  }

  begin(init: Omit<InsuredCallInit, 'baseline'> & { baseline?: InsuredCallInit['baseline'] }): InsuredCall {
    let detectors = NO_DETECTORS;
    if (this.enabled) {
      const names = init.options?.detectors;
      detectors = names ? scopeDetectors(names.map((name) => this.known.get(name)!).filter(Boolean)) : this.detectors;
    }
    // The pipeline always passes a baseline: the init is then used as it is, not copied.
    if (!init.baseline) init = { ...init, baseline: noBaseline };
    return new InsuredCall(this, init as InsuredCallInit, detectors);
  }

  /**
   * Records a call the insurance did not watch: one that failed before it was routed (a bad option,
   * an unknown model, a guardrail), or one a host step answered itself (a cache). No detectors run.
   */
  recordUninsured(
    record: CallRecord,
    call: { request: GenerationRequest; stream: boolean; tags?: Record<string, string> },
    error: ZenError | undefined,
    answer?: GenerationResult,
  ): void {
    // Read-only from now on, as an insured call's are when it settles (not only once the writer runs).
    freezeCallFacts(record);
    const at = new Date().toISOString();
    const outcome: RequestRecord['outcome'] = !error ? 'success' : error.kind === 'aborted' ? 'aborted' : 'error';
    this.write(async () => {
      const content = await captureContent(
        this.captureMode,
        toChatMessages(call.request.messages),
        answer ? toAssistantMessage(answer.content) : undefined,
      );
      const request = requestRecord(record, {
        at,
        stream: call.stream,
        outcome,
        ...(error ? { errorKind: error.kind } : {}),
        content,
        ...(call.tags ? { tags: call.tags } : {}),
      });
      return [stripSecrets(request)];
    });
  }

  /**
   * Holds `flush()` (and `feedback`, `balance`, `exportCases`) until a call that has ended has
   * queued its records: a stream whose last part was read is settled before a flush that follows.
   */
  track(settling: Promise<void>): void {
    this.settling.add(settling);
    const remove = (): void => void this.settling.delete(settling);
    settling.then(remove, remove);
  }

  /** Waits for the calls being settled now (not for ones that end later), then for the writer. */
  private async drain(): Promise<void> {
    if (this.settling.size > 0) await Promise.allSettled([...this.settling]);
    await this.writer.flush();
  }

  write(build: RecordBuilder): void {
    this.writer.write(build);
  }

  remember(call: RecentCall): void {
    this.recent.add(call);
  }

  detectorFailed(requestId: string, detector: string, error: unknown): void {
    const zenError = ZenError.isInstance(error)
      ? error
      : new ZenError({
          kind: 'server',
          retryable: false,
          message: `detector "${detector}" failed: ${error instanceof Error ? error.message : String(error)}`,
          cause: error,
        });
    this.deps.emit('error', { source: 'detector', error: zenError, requestId, detector });
  }

  /**
   * Files user feedback on a call. Bad feedback becomes an event (and a claim when its kind is
   * covered); any rating moves the router's quality estimate of the channel that answered.
   */
  async feedback(requestId: string, feedback: Feedback): Promise<FeedbackResult> {
    if (typeof requestId !== 'string' || requestId === '') throw invalid('requestId', 'must be the request id of a call (zen.requestId)');
    if (!feedback || (feedback.rating !== 'good' && feedback.rating !== 'bad'))
      throw invalid('feedback.rating', `must be 'good' or 'bad', got ${JSON.stringify(feedback?.rating)}`);
    if (feedback.severity !== undefined && !(typeof feedback.severity === 'number' && feedback.severity >= 0 && feedback.severity <= 1))
      throw invalid('feedback.severity', 'must be a number from 0 to 1');
    if (feedback.comment !== undefined && typeof feedback.comment !== 'string') throw invalid('feedback.comment', 'must be a string');
    await this.drain();
    let request: RequestRecord | undefined;
    let creditedBefore = 0;
    for await (const record of this.ledger.query({ requestId })) {
      if (record.type === 'request') request = record;
      else if (record.type === 'claim' && record.claim.status === 'credited') creditedBefore += record.claim.amountUsd;
    }
    if (!request) throw invalid('requestId', `"${requestId}" is not in the ledger (unknown, or evicted from a bounded store)`);
    const recent = this.recent.get(requestId);
    const channel = request.channel ?? 'unknown';
    if (request.channel) this.deps.observeFeedback(request.channel, feedback.rating === 'good' ? 1 : 0, recent?.category);
    if (feedback.rating === 'good') return { claims: [] };

    const at = new Date().toISOString();
    const comment =
      feedback.comment === undefined || this.captureMode === 'none'
        ? undefined
        : this.captureMode === 'redacted'
          ? await redactContent(feedback.comment)
          : stripSecrets(feedback.comment);
    const event: QualityEvent = {
      id: `evt_${crypto.randomUUID()}`,
      requestId,
      kind: feedback.kind ?? 'user_feedback',
      detector: 'feedback',
      channel,
      at,
      severity: feedback.severity ?? 1,
      message: `The user rated the answer bad${feedback.kind ? ` (${feedback.kind})` : ''}.`,
      detail: { rating: 'bad', ...(comment !== undefined ? { comment } : {}) },
    };
    this.emit('quality', event);
    const claims = await this.policy.settle({
      items: [{ event, basisUsd: request.cost?.total ?? 0, basis: 'call' }],
      call: { requestId, outcome: request.outcome, errorKind: request.errorKind, cancelled: false },
      callCostUsd: request.cost?.total ?? 0,
      creditedBeforeUsd: creditedBefore,
      newClaimId: () => `clm_${crypto.randomUUID()}`,
    });
    for (const claim of claims) this.emit('claim', claim);
    const records: LedgerRecord[] = [eventRecord(event), ...claims.map(claimRecord), ...creditRecords(claims)];
    const claimed = claims.some((claim) => claim.status === 'credited' || claim.status === 'capped');
    if (claimed) {
      const messages = recent ? toChatMessages(recent.request.messages) : request.content?.messages;
      const answer = recent ? toAssistantMessage(recent.answer.content) : request.content?.response;
      if (messages && answer) {
        records.push(
          caseRecord({
            requestId,
            at,
            events: [event],
            channel,
            messages: await redactContent(messages as unknown[]),
            badAnswer: await redactContent(answer),
            ...(recent?.request.tools ? { tools: await redactContent(toChatTools(recent.request.tools)) } : {}),
          }),
        );
      }
    }
    this.write(() => records.map(stripSecrets));
    await this.writer.flush();
    return { event, claims };
  }

  /** Credits granted so far (all time, or in a range), read from the ledger. */
  async balance(range: LedgerRange = {}): Promise<number> {
    await this.drain();
    return this.ledger.creditBalance(range);
  }

  /** Waits until every record of the calls so far is in the store. */
  flush(): Promise<void> {
    return this.drain();
  }

  async close(): Promise<void> {
    await this.drain();
    await this.writer.close();
  }

  /** Anonymized failing cases as JSONL lines (see export-cases.ts for the shapes). */
  async *exportCases(options: ExportCasesOptions = {}): AsyncIterable<string> {
    await this.drain();
    yield* exportCases(this.ledger, options);
  }

  /** Claims credited on a UTC day, for the daily caps (read once per day). */
  private async creditedOn(day: string): Promise<Array<{ kind: QualityEventKind; amountUsd: number }>> {
    const since = `${day}T00:00:00.000Z`;
    const until = new Date(Date.parse(since) + 86_400_000).toISOString();
    const credited: Array<{ kind: QualityEventKind; amountUsd: number }> = [];
    for await (const record of this.ledger.query({ since, until, types: ['claim'] })) {
      if (record.type === 'claim' && record.claim.status === 'credited')
        credited.push({ kind: record.claim.eventKind, amountUsd: record.claim.amountUsd });
    }
    return credited;
  }
}

const noBaseline = (): ChannelBaseline => ({ ttftP95Ms: undefined, totalP95Ms: undefined });

const NO_DETECTORS: ScopedDetectors = scopeDetectors([]);

/** Freezes the objects resolveInsurance made (not the host's own values it points to, such as refusal patterns). */
function freezeSettings(settings: ResolvedInsurance): ResolvedInsurance {
  Object.freeze(settings.limits);
  Object.freeze(settings.consistency);
  if (settings.judge) Object.freeze(settings.judge);
  return Object.freeze(settings);
}

function toLedger(ledger: LedgerStore | Ledger | undefined): Ledger {
  if (ledger === undefined) return new Ledger(new MemoryLedgerStore());
  if (ledger instanceof Ledger) return ledger;
  const store = ledger as Partial<LedgerStore>;
  if (typeof store.append !== 'function' || typeof store.query !== 'function' || typeof store.close !== 'function') {
    throw new ZenError({
      kind: 'configuration',
      retryable: false,
      code: 'ledger',
      message: 'ledger must be a Ledger or a LedgerStore (append, query, close).',
    });
  }
  return new Ledger(ledger);
}

function resolveDetectors(entries: InsuranceOptions['detectors']): Detector[] {
  if (entries === undefined) return [...BUILT_IN_DETECTORS];
  if (!Array.isArray(entries)) throw configurationError('insurance.detectors', 'must be a list of detector names or Detector objects');
  const builtIns = new Map(BUILT_IN_DETECTORS.map((detector) => [detector.name, detector]));
  const detectors: Detector[] = [];
  for (const entry of entries) {
    let detector: Detector | undefined;
    if (typeof entry === 'string') {
      detector = builtIns.get(entry);
      if (!detector)
        throw configurationError(
          'insurance.detectors',
          `names "${entry}", which is not a built-in detector; built-ins: ${[...builtIns.keys()].join(', ')}`,
        );
    } else {
      detector = entry;
      const valid =
        typeof detector === 'object' &&
        detector !== null &&
        typeof detector.name === 'string' &&
        detector.name !== '' &&
        (detector.scope === 'answer' || detector.scope === 'delivery') &&
        (typeof detector.inspectResult === 'function' || typeof detector.observeStream === 'function');
      if (!valid)
        throw configurationError(
          'insurance.detectors',
          'holds a Detector without a name, a scope (answer | delivery), or inspectResult / observeStream',
        );
    }
    if (detectors.some((existing) => existing.name === detector!.name))
      throw configurationError('insurance.detectors', `lists "${detector.name}" twice`);
    detectors.push(detector);
  }
  return detectors;
}

function configurationError(option: string, problem: string): ZenError {
  return new ZenError({ kind: 'configuration', retryable: false, code: option, message: `${option} ${problem}.` });
}

function invalid(option: string, problem: string): ZenError {
  return new ZenError({ kind: 'invalid_request', retryable: false, code: option, message: `${option} ${problem}.` });
}
