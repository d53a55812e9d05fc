import { EventEmitter } from 'eventemitter3';
import { configurationError, ZenError } from '../core/errors.js';
import { newRequestId } from '../core/ids.js';
import { zeroCost } from '../core/money.js';
import type { GenerationResult } from '../core/result.js';
import type { StreamPart } from '../core/stream-part.js';
import { emptyUsage } from '../core/usage.js';
import { ChatCompletions } from '../faces/openai-chat.js';
import { Messages } from '../faces/anthropic-messages.js';
import { Models } from '../faces/gemini-generate.js';
import { Images } from '../faces/openai-images.js';
import type { Engine, EngineCall, EngineStream, ImageEngineCall, ZenMetadata, ZenRequestOptions } from '../faces/engine.js';
import type { ImageResult } from '../providers/types.js';
import { imageOperation } from '../policy/image-operation.js';
import { Catalog } from '../policy/catalog.js';
import { executeGenerate, executeStream, summaryOf, type ExecuteDeps, type ExecuteInput, type ExecutionSummary } from '../policy/execute.js';
import type { PolicyEvents } from '../policy/events.js';
import { HedgeLimiter, resolveHedge } from '../policy/hedge.js';
import { LiveState } from '../policy/live-state.js';
import { builtInPolicies } from '../policy/policies/index.js';
import type { QualityModel } from '../policy/quality-model.js';
import { ItemResponseQualityModel } from '../policy/quality-models/item-response.js';
import { cascadeInsurance } from '../policy/policies/cascade.js';
import { RetryBudget } from '../policy/retry-budget.js';
import { route, type Route, type RouterDeps } from '../policy/router.js';
import type { Policy, RoutingOptions } from '../policy/types.js';
import { SharedState, type SharedStateOperation } from '../policy/shared-state.js';
import { Insurance, type Feedback, type FeedbackResult, type InsuranceErrorEvent, type InsuranceEvents } from '../insurance/insurance.js';
import type { InsuredCall, QualityObservation } from '../insurance/insured-call.js';
import type { ExportCasesOptions } from '../insurance/export-cases.js';
import type { Ledger, LedgerRange } from '../insurance/ledger.js';
import type { ChannelBaseline } from '../insurance/detector.js';
import type { ZenClientOptions } from './options.js';
import { configureProviders, type ConfiguredProvider } from './providers.js';
import { providersFromEnv } from './providers-from-env.js';

const DEFAULT_TIMEOUTS = { totalMs: 600_000, firstTokenMs: 120_000, idleMs: 120_000 };
const DEFAULT_RETRY = { retries: 1, minDelayMs: 200, maxDelayMs: 4_000, maxRetryAfterMs: 10_000 };

/** The shared state store failed; the call went on with this process's own state. */
export interface StateStoreErrorEvent {
  source: 'state-store';
  operation: SharedStateOperation;
  error: ZenError;
}

/** Something failed beside the call (the ledger, a detector, the shared state store); the call itself was not affected. */
export type ZenErrorEvent = InsuranceErrorEvent | StateStoreErrorEvent;

/** Every event a ZenClient emits: routing, the insurance's `quality` and `claim`, and `error`. */
export type ZenEvents = PolicyEvents & Omit<InsuranceEvents, 'error'> & { error: (event: ZenErrorEvent) => void };

/**
 * A drop-in for the openai SDK's client that routes every call across the configured providers.
 * `zen.chat.completions.create()` takes and returns the openai SDK's shapes.
 */
export class ZenClient extends EventEmitter<ZenEvents> implements Engine {
  readonly chat: { completions: ChatCompletions };
  /** The @anthropic-ai/sdk Messages face: `zen.messages.create()`. */
  readonly messages: Messages;
  /** The @google/genai face: `zen.models.generateContent()` / `generateContentStream()`. */
  readonly models: Models;
  /** The openai SDK's Images face: `zen.images.generate()` / `edit()`. */
  readonly images: Images;
  readonly catalog: Catalog;
  readonly quality: QualityModel;
  readonly state: LiveState;
  readonly retryBudget: RetryBudget;
  /** Breaker cooldowns and session pins shared with the app's other processes, when configured. */
  private readonly shared: SharedState | undefined;
  private readonly hedges = new HedgeLimiter();
  private readonly policies: Record<string, Policy>;
  private readonly routing: RoutingOptions;
  private configured: ConfiguredProvider[] | undefined;
  private configuring: Promise<ConfiguredProvider[]> | undefined;
  /** Detectors, claims and the ledger writer. */
  readonly insurance: Insurance;
  // Calls the insurance makes through the router (judge, samples): neither insured nor recorded.
  private readonly internalCalls = new WeakSet<EngineCall>();

  constructor(options: ZenClientOptions = {}) {
    super();
    this.catalog = new Catalog({ models: options.models, channels: options.channels });
    this.quality = options.qualityModel ?? new ItemResponseQualityModel();
    this.state = new LiveState(options.breaker);
    this.retryBudget = new RetryBudget(options.retryBudget);
    this.shared = options.sharedState
      ? new SharedState(options.sharedState, this.state, {
          breaker: (transition) => this.emit('breaker', transition),
          error: (operation, error) => this.emit('error', { source: 'state-store', operation, error }),
        })
      : undefined;
    this.policies = { ...builtInPolicies(), ...options.policies };
    this.routing = options.routing ?? {};
    if (options.providers) this.configured = configureProviders(options.providers);
    this.chat = { completions: new ChatCompletions(this) };
    this.messages = new Messages(this);
    this.models = new Models(this);
    this.images = new Images(this);
    this.insurance = new Insurance(options.insurance ?? {}, options.ledger, {
      emit: (event, payload) => this.emit(event, payload as never),
      subcall: ({ model, request, signal }) => {
        const call: EngineCall = { face: 'openai-chat', model, request, signal, warnings: [] };
        this.internalCalls.add(call);
        return this.generate(call);
      },
      observeFeedback: (channelId, score, category) => {
        const channel = this.catalog.channels().find((candidate) => candidate.id === channelId);
        if (channel) this.quality.observe({ channel, category: (category ?? 'chat') as Route['analysis']['category'], success: true, score });
      },
    });
  }

  /** The ledger every call is recorded in. */
  get ledger(): Ledger {
    return this.insurance.ledger;
  }

  /** Files user feedback on a call after the fact; bad feedback is claimed when `user_feedback` (or its `kind`) is covered. */
  feedback(requestId: string, feedback: Feedback): Promise<FeedbackResult> {
    return this.insurance.feedback(requestId, feedback);
  }

  /** Waits until every record of the calls so far is in the ledger store. */
  flush(): Promise<void> {
    return this.insurance.flush();
  }

  /** Flushes the ledger and closes its store. */
  close(): Promise<void> {
    return this.insurance.close();
  }

  /** Anonymized failing cases as JSONL lines: `fine-tune` (default) or `evals` format. */
  exportCases(options?: ExportCasesOptions): AsyncIterable<string> {
    return this.insurance.exportCases(options);
  }

  /** Credits granted so far, from the ledger. */
  balance(range?: LedgerRange): Promise<number> {
    return this.insurance.balance(range);
  }

  /** The configured providers (built from the environment on first use when none were given). */
  async providers(): Promise<ConfiguredProvider[]> {
    if (this.configured) return this.configured;
    this.configuring ??= providersFromEnv().then((providers) => {
      this.configured = configureProviders(providers);
      return this.configured;
    });
    return this.configuring;
  }

  /** Routes without calling: what a request would use, and why. */
  async plan(call: Pick<EngineCall, 'model' | 'request' | 'options'>): Promise<Route> {
    const providers = await this.providers();
    return this.route(providers, call.model, call.request, this.mergeRouting(call.options));
  }

  private route(providers: ConfiguredProvider[], model: string | string[], request: EngineCall['request'], routing: RoutingOptions, output: 'text' | 'image' | 'image-edit' = 'text'): Route {
    return route(
      { request, model, routing, output },
      this.providerDeps(providers).router,
    );
  }

  private providerCache: { providers: ConfiguredProvider[]; router: RouterDeps; execute: ExecuteDeps } | undefined;

  /**
   * The router's and the executor's dependencies, built once per provider set: compiled candidate
   * sets are reused across calls, and a call allocates none of it.
   */
  private providerDeps(providers: ConfiguredProvider[]): { router: RouterDeps; execute: ExecuteDeps } {
    if (this.providerCache?.providers !== providers) {
      const infos = providers.map((provider) => provider.info);
      const adapters = new Map(providers.map((provider) => [provider.info.name, provider.adapter]));
      this.providerCache = {
        providers,
        router: { catalog: this.catalog, providers: () => infos, quality: this.quality, state: this.state, policies: this.policies },
        execute: { adapters, state: this.state, budget: this.retryBudget, hedges: this.hedges, quality: this.quality, emit: this.executorEmit },
      };
    }
    return this.providerCache;
  }

  /** The executor's events, as any listener sees them; a breaker that opens is also shared. */
  private readonly executorEmit: ExecuteDeps['emit'] = (event, payload) => {
    if (this.shared && event === 'breaker') {
      const transition = payload as Parameters<PolicyEvents['breaker']>[0];
      if (transition.to === 'open' && transition.openUntil !== undefined) this.shared.publishCooldown(transition.channel, transition.openUntil);
    }
    this.emit(event, payload as never);
  };

  private defaultRouting: ZenRequestOptions | undefined;

  /** The client's routing defaults over the built-in ones, merged once. */
  private get routingDefaults(): ZenRequestOptions {
    return (this.defaultRouting ??= {
      ...this.routing,
      timeouts: { ...DEFAULT_TIMEOUTS, ...this.routing.timeouts },
      retry: { ...DEFAULT_RETRY, ...this.routing.retry },
    });
  }

  private mergeRouting(options: ZenRequestOptions | undefined): ZenRequestOptions {
    const defaults = this.routingDefaults;
    if (!options) return defaults;
    let empty = true;
    for (const _key in options) {
      empty = false;
      break;
    }
    if (empty) return defaults;
    return {
      ...defaults,
      ...options,
      timeouts: { ...defaults.timeouts, ...options.timeouts },
      retry: { ...defaults.retry, ...options.retry },
    };
  }

  private async prepare(call: EngineCall, stream: boolean, output: 'text' | 'image' | 'image-edit' = 'text'): Promise<{ requestId: string; routing: ZenRequestOptions; plan: Route; input: ExecuteInput; deps: ExecuteDeps }> {
    const providers = await this.providers();
    if (providers.length === 0) {
      throw configurationError('No providers are configured: pass `providers` to ZenClient or set OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY.');
    }
    const requestId = newRequestId();
    const routing = this.mergeRouting(call.options);
    if (this.shared) {
      const refresh = this.shared.refresh();
      if (refresh) await refresh;
      if (routing.session) await this.shared.loadSession(routing.session);
    }
    const plan = this.route(providers, call.model, call.request, routing, output);
    this.hedges.onCall();
    // The frontier, explanation and rejections are built for listeners and metadata; the plan
    // reads them now, while its routing arrays are still this call's (the decision keeps them).
    const frontier = plan.decision.frontier;
    const explanation = plan.decision.explanation;
    const rejected = plan.rejected;
    if (this.listenerCount('route') > 0) this.emit('route', {
      requestId,
      policy: plan.policy,
      requested: requestedLabel(call.model),
      chosen: plan.order[0]!.channel.id,
      order: plan.order.map((candidate) => candidate.channel.id),
      explanation,
      frontier,
      rejected,
    });
    const input: ExecuteInput = {
      requestId,
      request: call.request,
      order: plan.order,
      stream,
      signal: call.signal,
      timeouts: routing.timeouts!,
      retry: { ...DEFAULT_RETRY, ...routing.retry },
      hedge: resolveHedge(routing.hedge),
      category: plan.analysis.category,
      inputTokens: plan.analysis.inputTokens,
    };
    return { requestId, routing, plan, input, deps: this.providerDeps(providers).execute };
  }

  /** `prepare`, plus the call's insurance; a call that fails before routing is still recorded. */
  private async prepareInsured(call: EngineCall, stream: boolean, output: 'text' | 'image' | 'image-edit' = 'text') {
    const internal = this.internalCalls.has(call);
    try {
      if (!internal) this.insurance.validateRequest(call.options?.insurance);
      const prepared = await this.prepare(call, stream, output);
      const insured = internal
        ? undefined
        : this.insurance.begin({
            requestId: prepared.requestId, face: call.face, requested: call.model, request: call.request, tags: call.options?.tags,
            // A cascade escalates through the insurance's repair: a checked answer that fails moves the call on.
            options: cascadeInsurance(call.options?.insurance, prepared.plan.decision.cascade),
            stream, output: output === 'text' ? 'text' : 'image', baseline: this.baselines(prepared.plan), category: prepared.plan.analysis.category, signal: call.signal,
          });
      return { ...prepared, insured };
    } catch (error) {
      if (!internal && ZenError.isInstance(error)) {
        this.insurance.recordUnrouted({ requestId: newRequestId(), face: call.face, requested: call.model, request: call.request, stream, ...(call.options?.tags ? { tags: call.options.tags } : {}) }, error);
      }
      throw error;
    }
  }

  /**
   * The channels' rolling p95 for the relative latency limits, as it was before this call. The
   * first candidate's is read now, before the call adds its own sample; a failover channel's is read
   * when asked (it may then hold this call's sample, a small shift at 128 samples), so that a call
   * sorts one channel's samples instead of the whole plan's.
   */
  private baselines(plan: Route): (channel: string) => ChannelBaseline {
    const measure = (channel: Route['order'][number]['channel'] | undefined): ChannelBaseline =>
      channel ? { ttftP95Ms: this.state.latencyQuantile(channel, 'ttft', 0.95), totalP95Ms: this.state.latencyQuantile(channel, 'total', 0.95) } : { ttftP95Ms: undefined, totalP95Ms: undefined };
    const first = plan.order[0]!.channel;
    const firstBaseline = measure(first);
    let others: Map<string, ChannelBaseline> | undefined;
    return (id) => {
      if (id === first.id) return firstBaseline;
      let baseline = others?.get(id);
      if (!baseline) (others ??= new Map()).set(id, (baseline = measure(plan.order.find((candidate) => candidate.channel.id === id)?.channel)));
      return baseline;
    };
  }

  /** A failed call: its error carries the metadata, completed by the insurance before it is thrown. */
  private async failedInsured(error: unknown, call: EngineCall, requestId: string, routing: ZenRequestOptions, plan: Route, insured: InsuredCall | undefined): Promise<ZenError> {
    const failure = this.failed(error, call, requestId, routing, plan);
    if (insured) {
      const facts = (failure as ZenError & { zen: ZenMetadata }).zen;
      await insured.settle({ outcome: summaryOf(error) ?? { error: failure, repairs: [] }, facts });
    }
    return failure;
  }

  async generateImages(call: ImageEngineCall): Promise<{ result: ImageResult; metadata: ZenMetadata }> {
    const request: EngineCall['request'] = { messages: [{ role: 'user', content: [{ type: 'text', text: call.request.prompt }] }] };
    const engineCall: EngineCall = { face: call.face, model: call.model, request, options: call.options, signal: call.signal, warnings: call.warnings };
    const output = call.request.images && call.request.images.length > 0 ? 'image-edit' : 'image';
    const { requestId, routing, plan, input, deps, insured } = await this.prepareInsured(engineCall, false, output);
    try {
      const { inspect: _textInspect, ...imageInput } = input;
      const execution = await executeGenerate<ImageResult>({ ...imageInput, request }, deps, imageOperation(call.request));
      const metadata = this.metadata(engineCall, requestId, routing, plan, execution.summary, execution.result.warnings);
      await insured?.settle({ outcome: execution.summary, facts: metadata, images: execution.result.images });
      return { result: execution.result, metadata };
    } catch (error) {
      throw await this.failedInsured(error, engineCall, requestId, routing, plan, insured);
    }
  }

  async generate(call: EngineCall): Promise<{ result: GenerationResult; metadata: ZenMetadata }> {
    const { requestId, routing, plan, input, deps, insured } = await this.prepareInsured(call, false);
    try {
      const execution = await executeGenerate(insured ? { ...input, inspect: insured.inspect } : input, deps);
      const metadata = this.metadata(call, requestId, routing, plan, execution.summary, execution.result.warnings);
      const observations = await insured?.settle({ outcome: execution.summary, facts: metadata, result: execution.result });
      this.observeSuccess(plan, execution.summary, observations);
      this.pinSession(routing, execution.summary);
      return { result: execution.result, metadata };
    } catch (error) {
      throw await this.failedInsured(error, call, requestId, routing, plan, insured);
    }
  }

  async stream(call: EngineCall): Promise<EngineStream> {
    const { requestId, routing, plan, input, deps, insured } = await this.prepareInsured(call, true);
    const warnings: EngineCall['warnings'] = [];
    // Parts reach the caller only after the commit below: the insurance watches them from there.
    const observe = (part: StreamPart): void => {
      if (part.type === 'stream-start') warnings.push(...part.warnings);
      try {
        insured?.observe(part);
      } catch (error) {
        // The insurance's own failure: reported, and never counted against the channel.
        this.insurance.detectorFailed(requestId, 'insurance', error);
      }
    };
    let execution;
    try {
      execution = await executeStream({ ...input, observe }, deps);
    } catch (error) {
      throw await this.failedInsured(error, call, requestId, routing, plan, insured);
    }
    insured?.commit(execution.winner.channel.id);
    let current = this.metadata(call, requestId, routing, plan, undefined, []);
    current.model = execution.winner.channel.model.id;
    current.channel = execution.winner.channel.id;
    current.provider = execution.winner.channel.provider.name;
    // Events filed while the stream flows (a slow first token) show at once.
    if (insured) current.events = insured.events;
    const done = execution.summary.then(async (summary) => {
      const settled = this.metadata(call, requestId, routing, plan, summary, warnings);
      const observations = await insured?.settle({ outcome: summary, facts: settled });
      current = settled;
      if (!summary.error) {
        this.observeSuccess(plan, summary, observations);
        this.pinSession(routing, summary);
      }
      return current;
    });
    return { parts: execution.parts, metadata: () => current, done };
  }

  /** Tells the quality model about the answer, and any answer the insurance rejected, with their event severities. */
  private observeSuccess(plan: Route, summary: ExecutionSummary, observations: QualityObservation[] = []): void {
    if (!summary.winner) return;
    const category = plan.analysis.category;
    let winnerObserved = false;
    for (const { channel: id, severities } of observations) {
      const candidate = plan.order.find((entry) => entry.channel.id === id);
      if (!candidate) continue;
      if (id === summary.winner.channel.id) winnerObserved = true;
      this.quality.observe({ channel: candidate.channel, category, success: true, ...(severities.length > 0 ? { eventSeverities: severities } : {}) });
    }
    if (!winnerObserved) this.quality.observe({ channel: summary.winner.channel, category, success: true });
  }

  private pinSession(routing: RoutingOptions, summary: ExecutionSummary): void {
    if (!routing.session || !summary.winner || summary.error) return;
    this.state.pinSession(routing.session, summary.winner.channel.id);
    this.shared?.pinSession(routing.session, summary.winner.channel.id);
  }

  private failed(error: unknown, call: EngineCall, requestId: string, routing: ZenRequestOptions, plan: Route): ZenError {
    const zenError = ZenError.isInstance(error) ? error : new ZenError({ kind: 'server', message: String(error), cause: error });
    const summary = summaryOf(error);
    Object.defineProperty(zenError, 'zen', { value: this.metadata(call, requestId, routing, plan, summary, []), enumerable: false });
    return zenError;
  }

  private metadata(call: EngineCall, requestId: string, routing: ZenRequestOptions, plan: Route, summary: ExecutionSummary<unknown> | undefined, providerWarnings: EngineCall['warnings']): ZenMetadata {
    const winner = summary?.winner;
    const metadata: ZenMetadata = {
      requestId,
      face: call.face,
      requested: requestedLabel(call.model),
      model: winner?.channel.model.id,
      channel: winner?.channel.id,
      provider: winner?.channel.provider.name,
      policy: plan.policy,
      explanation: plan.decision.explanation,
      sticky: plan.sticky,
      plan: plan.order.map((candidate) => candidate.channel.id),
      attempts: summary?.attempts ?? [],
      rejected: plan.rejected.slice(0, 20),
      usage: summary?.usage ?? emptyUsage(),
      cost: summary?.cost ?? zeroCost('none'),
      ttftMs: summary?.ttftMs,
      durationMs: summary?.durationMs ?? 0,
      tokensPerSecond: summary?.tokensPerSecond,
      finishReason: summary?.finishReason,
      warnings: [...call.warnings, ...providerWarnings],
      events: [],
      claims: [],
      repaired: (summary?.repairs.length ?? 0) > 0,
    };
    // Set after the literal, which keeps one shape (conditional spreads make each object its own).
    const frontier = plan.decision.frontier;
    if (frontier) metadata.frontier = frontier;
    if (routing.preference !== undefined) metadata.preference = routing.preference;
    return metadata;
  }
}

function requestedLabel(model: string | string[]): string {
  return Array.isArray(model) ? model.join(',') : model;
}
