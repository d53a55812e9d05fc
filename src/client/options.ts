import type { ConversationStore } from '../conversations/conversation-store.js';
import type { Ledger } from '../insurance/ledger.js';
import type { InsuranceOptions } from '../insurance/options.js';
import type { LedgerStore } from '../insurance/types.js';
import type { ChannelDefinition, ModelDefinition } from '../policy/catalog.js';
import type { CircuitBreakerOptions } from '../policy/circuit-breaker.js';
import type { QualityModel } from '../policy/quality-model.js';
import type { RetryBudgetOptions } from '../policy/retry-budget.js';
import type { SharedStateOptions } from '../policy/state-store.js';
import type { Policy, RoutingOptions } from '../policy/types.js';
import type { BudgetOptions } from '../pipeline/budget/options.js';
import type { TelemetryOptions } from '../pipeline/telemetry/options.js';
import type { ProviderConfig } from './providers.js';

export interface ZenClientOptions {
  /**
   * SDK clients by provider name: `{ openai: new OpenAI(), anthropic: new Anthropic(), vertex: new GoogleGenAI({ vertexai: true, ... }) }`.
   * Without it, clients are built from OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY / GOOGLE_API_KEY
   * and GOOGLE_CLOUD_PROJECT + GOOGLE_CLOUD_LOCATION.
   */
  providers?: Record<string, ProviderConfig | undefined>;
  /** Host facts about models (prices, limits, capabilities, prior quality), over the data packages. */
  models?: Record<string, ModelDefinition>;
  /** Host facts about channels (`vendor/model:provider`): the provider's model id, price, weight. */
  channels?: Record<string, ChannelDefinition>;
  /** Routing defaults for every call; a request's `zen` field overrides them. */
  routing?: RoutingOptions;
  /** Extra or replacement policies by name. */
  policies?: Record<string, Policy>;
  qualityModel?: QualityModel;
  breaker?: CircuitBreakerOptions;
  retryBudget?: RetryBudgetOptions;
  /**
   * Breaker cooldowns and session pins shared with the app's other processes through a StateStore
   * (`RedisStateStore`, `MemoryStateStore` or the host's). Each process still routes on its own.
   */
  sharedState?: SharedStateOptions;
  /**
   * Spending and rate limits per key (a user, an API key, a tag, a project): USD, tokens or
   * requests per minute, hour, day, week or month, soft (an event) or hard (a `budget_exceeded`
   * error before any provider call). Shared across processes through the `sharedState` store.
   */
  budgets?: BudgetOptions;
  /**
   * OpenTelemetry spans (a span per call and per attempt) and metrics, after the GenAI semantic
   * conventions: `true` for the global tracer and meter providers, or options. `@opentelemetry/api`
   * (an optional peer) is loaded only when this is set. Default: off.
   */
  telemetry?: boolean | TelemetryOptions;
  /** Detectors, compensation rules, repair and content capture (see InsuranceOptions). */
  insurance?: InsuranceOptions;
  /**
   * Where calls, quality events, claims and credits are recorded: a LedgerStore (JsonlLedgerStore,
   * SqliteLedgerStore, a host store) or a Ledger. Default: a bounded MemoryLedgerStore.
   */
  ledger?: LedgerStore | Ledger;
  /**
   * Where `zen.responses` keeps responses for `previous_response_id`, `retrieve` and `delete`:
   * a ConversationStore (`SqliteConversationStore` / `PostgresConversationStore` on the ledger's
   * database, `RedisConversationStore`, the host's), or false to keep none. Default: a
   * MemoryConversationStore of 32 MiB. Stored conversations hold prompts and answers (the ledger,
   * by default, holds neither); `store: false` on a call keeps that call out.
   */
  conversations?: ConversationStore | false;
}
