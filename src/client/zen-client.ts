import { EventEmitter } from 'eventemitter3';
import { configurationError, type ZenError } from '../core/errors.js';
import { ChatCompletions } from '../faces/openai-chat.js';
import { Messages } from '../faces/anthropic-messages.js';
import { Models } from '../faces/gemini-generate.js';
import { Images } from '../faces/openai-images.js';
import { Responses } from '../faces/openai-responses.js';
import type { StoreFailure } from '../faces/openai-responses-history.js';
import { MemoryConversationStore } from '../conversations/memory.js';
import { Embeddings } from '../faces/openai-embeddings.js';
import { Catalog } from '../policy/catalog.js';
import type { PolicyEvents } from '../policy/events.js';
import { HedgeLimiter } from '../policy/hedge.js';
import { LiveState } from '../policy/live-state.js';
import { builtInPolicies } from '../policy/policies/index.js';
import type { QualityModel } from '../policy/quality-model.js';
import { ItemResponseQualityModel } from '../policy/quality-models/item-response.js';
import { RetryBudget } from '../policy/retry-budget.js';
import { listServedModels, retrieveServedModel, toOpenAIModel, type ZenModel } from '../policy/model-list.js';
import { routeCountingTokens, type Route } from '../policy/router.js';
import { validateZenOptions } from '../faces/validation/zen-options.js';
import type { Policy } from '../policy/types.js';
import { SharedState, type SharedStateOperation } from '../policy/shared-state.js';
import { Insurance, type Feedback, type FeedbackResult, type InsuranceErrorEvent, type InsuranceEvents } from '../insurance/insurance.js';
import type { ExportCasesOptions } from '../insurance/export-cases.js';
import type { Ledger, LedgerRange } from '../insurance/ledger.js';
import { createCall } from '../pipeline/call.js';
import { builtInSteps, Pipeline } from '../pipeline/pipeline.js';
import { routingMerger } from '../pipeline/routing-defaults.js';
import type { PipelineRuntime, ProviderDeps } from '../pipeline/runtime.js';
import { learnFromFeedback } from '../pipeline/steps/record.js';
import type {
  CallInput,
  CallRunner,
  EmbeddingCallInput,
  EmbeddingRun,
  ImageCallInput,
  ImageRun,
  Step,
  StreamRun,
  TextCallInput,
  TextRun,
  ZenRequestOptions,
} from '../pipeline/types.js';
import type { ZenClientOptions } from './options.js';
import { configureProviders, type ConfiguredProvider } from './providers.js';
import { providersFromEnv } from './providers-from-env.js';
import { validateClientOptions } from './validate-client-options.js';
import { callDefaults, withCallDefaults, type ZenClientCallDefaults } from './with-options.js';
import type { ModelSource } from '../faces/openai-models.js';
import { evaluate, type EvaluateOptions, type EvaluationResult } from '../eval/evaluate.js';
import { watch, type Watch, type WatchOptions } from '../eval/watch.js';
import type { DegradationEvent } from '../eval/watch-types.js';
import type { SdkVersionWarning } from './sdk-version.js';
import { Budgets } from '../pipeline/budget/budgets.js';
import type { BudgetEvent, BudgetState } from '../pipeline/budget/options.js';
import { MemoryStateStore } from '../policy/state-store.js';
import { Telemetry } from '../pipeline/telemetry/telemetry.js';

/** The shared state store failed; the call went on with this process's own state. */
export interface StateStoreErrorEvent {
  source: 'state-store';
  operation: SharedStateOperation;
  error: ZenError;
}

/** The conversation store failed to keep a response of `zen.responses`; the answer was returned all the same. */
export interface ConversationStoreErrorEvent extends StoreFailure {
  source: 'conversation-store';
}

/** The budget store failed or was slow; the call went on unchecked (or was refused, with `budgets.onStoreError: 'refuse'`). */
export interface BudgetStoreErrorEvent {
  source: 'budget-store';
  operation: 'reserve' | 'settle' | 'read';
  error: ZenError;
  requestId?: string;
}

/** Telemetry could not start (`@opentelemetry/api` is not installed, or cannot be loaded here); calls go on without it. */
export interface TelemetryErrorEvent {
  source: 'telemetry';
  error: ZenError;
}

/** Something failed beside the call (the ledger, a detector, the shared state store, the conversation store, the budget store, telemetry); the call itself was not affected. */
export type ZenErrorEvent =
  | InsuranceErrorEvent
  | StateStoreErrorEvent
  | ConversationStoreErrorEvent
  | BudgetStoreErrorEvent
  | TelemetryErrorEvent;

/** Every event a ZenClient emits: routing, the insurance's `quality` and `claim`, and `error`. */
export type ZenEvents = PolicyEvents &
  Omit<InsuranceEvents, 'error'> & {
    error: (event: ZenErrorEvent) => void;
    degradation: (event: DegradationEvent) => void;
    warning: (warning: SdkVersionWarning) => void;
    /** A soft budget limit passed, or a call refused by a hard one (see `budgets`). */
    budget: (event: BudgetEvent) => void;
  };

/**
 * A drop-in for the openai SDK's client that routes every call across the configured providers.
 * `zen.chat.completions.create()` takes and returns the openai SDK's shapes. The client itself is
 * a facade: it builds the call pipeline once, and every face hands it its calls through `run`.
 */
export class ZenClient extends EventEmitter<ZenEvents> implements CallRunner {
  readonly chat: { completions: ChatCompletions };
  /** The @anthropic-ai/sdk Messages face: `zen.messages.create()`. */
  readonly messages: Messages;
  /** The @google/genai face: `zen.models.generateContent()` / `generateContentStream()`; and the openai SDK's `zen.models.list()` / `retrieve()`. */
  readonly models: Models<ZenModel>;
  /** The openai SDK's Images face: `zen.images.generate()` / `edit()`. */
  readonly images: Images;
  /** The openai SDK's Responses face: `zen.responses.create()` (streamed or not), `retrieve()`, `delete()`. */
  readonly responses: Responses;
  /** The openai SDK's Embeddings face: `zen.embeddings.create()`. */
  readonly embeddings: Embeddings;
  readonly catalog: Catalog;
  readonly quality: QualityModel;
  readonly state: LiveState;
  readonly retryBudget: RetryBudget;
  /** Detectors, claims and the ledger writer. */
  readonly insurance: Insurance;
  private readonly pipeline: Pipeline;
  private readonly runtime: PipelineRuntime;
  private readonly budgets: Budgets | undefined;
  private readonly routing: (options: ZenRequestOptions | undefined) => ZenRequestOptions;
  private readonly modelSource: ModelSource<ZenModel>;
  private configured: ConfiguredProvider[] | undefined;
  private configuring: Promise<ConfiguredProvider[]> | undefined;

  constructor(options: ZenClientOptions = {}) {
    super();
    validateClientOptions(options);
    this.catalog = new Catalog({ models: options.models, channels: options.channels });
    this.quality = options.qualityModel ?? new ItemResponseQualityModel();
    this.state = new LiveState(options.breaker);
    this.retryBudget = new RetryBudget(options.retryBudget);
    const shared = options.sharedState
      ? new SharedState(options.sharedState, this.state, {
          breaker: (transition) => this.emit('breaker', transition),
          error: (operation, error) => this.emit('error', { source: 'state-store', operation, error }),
        })
      : undefined;
    const policies: Record<string, Policy> = { ...builtInPolicies(), ...options.policies };
    this.routing = routingMerger(options.routing ?? {});
    if (options.providers) this.configured = configureProviders(options.providers, this);
    this.chat = { completions: new ChatCompletions(this) };
    this.messages = new Messages(this);
    this.modelSource = {
      list: async () =>
        (
          await listServedModels(
            this.catalog,
            (await this.providers()).map((provider) => provider.info),
          )
        ).map(toOpenAIModel),
      retrieve: async (id) =>
        toOpenAIModel(
          await retrieveServedModel(
            this.catalog,
            (await this.providers()).map((provider) => provider.info),
            id,
          ),
        ),
    };
    this.models = new Models(this, this.modelSource);
    this.images = new Images(this);
    this.responses = new Responses(this, {
      conversations: options.conversations === false ? undefined : (options.conversations ?? new MemoryConversationStore()),
      onStoreError: (failure) => this.emit('error', { source: 'conversation-store', ...failure }),
    });
    this.embeddings = new Embeddings(this);
    this.insurance = new Insurance(options.insurance ?? {}, options.ledger, {
      emit: (event, payload) => this.emit(event, payload as never),
      subcall: ({ model, request, signal }) =>
        this.runInternal({ operation: 'text', face: 'openai-chat', model, request, signal, warnings: [], stream: false }),
      observeFeedback: (channelId, score, category) => learnFromFeedback(this, this.catalog.channels(), channelId, score, category),
    });
    const hedges = new HedgeLimiter();
    // The executor's events, as any listener sees them; a breaker that opens is also shared.
    const emit: PipelineRuntime['emit'] = (event, payload) => {
      if (shared && event === 'breaker') {
        const transition = payload as Parameters<PolicyEvents['breaker']>[0];
        if (transition.to === 'open' && transition.openUntil !== undefined)
          shared.publishCooldown(transition.channel, transition.openUntil);
      }
      this.emit(event, payload as never);
    };
    let cache: { providers: ConfiguredProvider[]; deps: ProviderDeps } | undefined;
    // Built once per provider set: compiled candidate sets are reused across calls.
    const depsFor = (providers: ConfiguredProvider[]): ProviderDeps => {
      if (providers.length === 0) {
        throw configurationError(
          'No providers are configured: pass `providers` to ZenClient or set OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY.',
        );
      }
      if (cache?.providers !== providers) {
        const infos = providers.map((provider) => provider.info);
        const adapters = new Map(providers.map((provider) => [provider.info.name, provider.adapter]));
        cache = {
          providers,
          deps: {
            router: { catalog: this.catalog, providers: () => infos, quality: this.quality, state: this.state, policies },
            execute: { adapters, state: this.state, budget: this.retryBudget, hedges, emit },
          },
        };
      }
      return cache.deps;
    };
    this.budgets = options.budgets
      ? new Budgets(options.budgets, options.budgets.store ?? options.sharedState?.store ?? new MemoryStateStore(), {
          event: (event) => this.emit('budget', event),
          storeError: (operation, error, requestId) =>
            this.emit('error', { source: 'budget-store', operation, error, ...(requestId ? { requestId } : {}) }),
          write: (records) => this.insurance.write(records),
          track: (settling) => this.insurance.track(settling),
        })
      : undefined;
    this.runtime = {
      quality: this.quality,
      state: this.state,
      hedges,
      shared,
      insurance: this.insurance,
      budgets: this.budgets,
      telemetry: options.telemetry
        ? new Telemetry(
            options.telemetry === true ? {} : options.telemetry,
            (error) => {
              // Said once, where it is heard: an app that set `telemetry` expects spans.
              if (this.listenerCount('error') > 0) this.emit('error', { source: 'telemetry', error });
              else console.warn(`zenrouter: ${error.message}`);
            },
            (ending) => this.insurance.track(ending),
          )
        : undefined,
      emit,
      listenerCount: (event) => this.listenerCount(event),
      providerDeps: () => (this.configured ? depsFor(this.configured) : this.providers().then(depsFor)),
    };
    this.pipeline = new Pipeline(builtInSteps(this.runtime, [(call) => this.insurance.validateRequest(call.options.insurance)]));
  }

  /**
   * Adds a step to every later call's pipeline, after validation and before routing (see README,
   * "Your own steps"): it can answer by itself (a cache), refuse with a ZenError (a guardrail),
   * change the request, or wrap the outcome. Steps run in the order they were added.
   */
  use(...steps: Step[]): this {
    for (const step of steps) this.pipeline.use(step);
    return this;
  }

  /**
   * The openai SDK's `client.withOptions()`: a client whose calls take `timeout`, `maxRetries` and
   * `zen` as defaults (a call's own options win). It shares this client's providers, catalog,
   * breakers, ledger, listeners and steps; add steps (`use`) on this client, not on it.
   */
  withOptions(options: ZenClientCallDefaults): ZenClient {
    const defaults = callDefaults(options);
    const run = (call: CallInput): Promise<TextRun | StreamRun | ImageRun | EmbeddingRun> =>
      this.run(withCallDefaults(call, defaults) as never);
    const derived = Object.create(this) as ZenClient;
    const use = (): never => {
      throw configurationError('Steps are added to the client withOptions() was called on (its steps run for both): call use() there.');
    };
    Object.defineProperties(derived, {
      run: { value: run },
      use: { value: use },
      chat: { value: { completions: new ChatCompletions(derived) } },
      messages: { value: new Messages(derived) },
      models: { value: new Models(derived, this.modelSource) },
      images: { value: new Images(derived) },
      embeddings: { value: new Embeddings(derived) },
    });
    return derived;
  }

  /** The ledger every call is recorded in. */
  get ledger(): Ledger {
    return this.insurance.ledger;
  }

  /** Each limit of a budget key as it stands now: spent, held by calls in flight, remaining (see `budgets`). */
  async budget(key: string): Promise<BudgetState[]> {
    if (!this.budgets) throw configurationError('zen.budget() needs budgets: new ZenClient({ budgets: { limits: [...] } }).');
    if (typeof key !== 'string' || key === '')
      throw configurationError(`zen.budget() takes a budget key (a non-empty string), got ${JSON.stringify(key)}.`);
    return this.budgets.state(key);
  }

  /** Files user feedback on a call after the fact; bad feedback is claimed when `user_feedback` (or its `kind`) is covered. */
  feedback(requestId: string, feedback: Feedback): Promise<FeedbackResult> {
    return this.insurance.feedback(requestId, feedback);
  }

  /** Waits until every record of the calls that have ended so far (streams read to their end included) is in the ledger store. */
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

  /** Runs an evaluation set over channels, each call pinned to its channel (src/eval/evaluate.ts). */
  evaluate(options: EvaluateOptions): Promise<EvaluationResult> {
    return evaluate(this, options);
  }

  /** Starts canary runs on a schedule and raises `degradation` events (src/eval/watch.ts). */
  watch(options: WatchOptions): Watch {
    return watch(this, options);
  }

  /** The configured providers (built from the environment on first use when none were given). */
  async providers(): Promise<ConfiguredProvider[]> {
    if (this.configured) return this.configured;
    this.configuring ??= providersFromEnv().then((providers) => {
      this.configured = configureProviders(providers, this);
      return this.configured;
    });
    return this.configuring;
  }

  /** Routes without calling: what a request would use, and why. */
  async plan(call: Pick<TextCallInput, 'model' | 'request' | 'options'>): Promise<Route> {
    validateZenOptions(call.options, 'options');
    const deps = await this.runtime.providerDeps();
    // As a call routes: the model data it can reach loads first, and the prompt is counted when that matters.
    return routeCountingTokens(
      { request: call.request, model: call.model, routing: this.routing(call.options), output: 'text' },
      deps.router,
    );
  }

  /** Runs a call through the pipeline: what every face does with the call it converted. */
  run(call: TextCallInput & { stream: false }): Promise<TextRun>;
  run(call: TextCallInput & { stream: true }): Promise<StreamRun>;
  run(call: ImageCallInput): Promise<ImageRun>;
  run(call: EmbeddingCallInput): Promise<EmbeddingRun>;
  run(call: CallInput): Promise<TextRun | StreamRun | ImageRun | EmbeddingRun> {
    return this.pipeline.run(createCall(call, this.routing));
  }

  /** A call the insurance makes (the judge, samples): routed and executed, neither insured nor recorded. */
  private async runInternal(call: TextCallInput & { stream: false }): Promise<TextRun> {
    const run = await this.pipeline.run(createCall(call, this.routing, true));
    if (!('result' in run) || !('content' in run.result))
      throw configurationError("A pipeline step answered the insurance's own call with something other than a text answer.");
    return { result: run.result, metadata: run.metadata };
  }
}
