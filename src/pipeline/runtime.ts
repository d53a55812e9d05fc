import type { Insurance } from '../insurance/insurance.js';
import type { PolicyEvents } from '../policy/events.js';
import type { ExecuteDeps } from '../policy/execute.js';
import type { HedgeLimiter } from '../policy/hedge.js';
import type { LiveState } from '../policy/live-state.js';
import type { QualityModel } from '../policy/quality-model.js';
import type { RouterDeps } from '../policy/router.js';
import type { SharedState } from '../policy/shared-state.js';
import type { Budgets } from './budget/budgets.js';
import type { Telemetry } from './telemetry/telemetry.js';

/** The router's and the executor's dependencies for the configured providers. */
export interface ProviderDeps {
  router: RouterDeps;
  execute: ExecuteDeps;
}

/** What the built-in steps share: the client's state, built once and handed to each step. */
export interface PipelineRuntime {
  readonly quality: QualityModel;
  readonly state: LiveState;
  readonly hedges: HedgeLimiter;
  /** Breaker cooldowns and session pins shared with other processes, when configured. */
  readonly shared: SharedState | undefined;
  readonly insurance: Insurance;
  /** Spending and rate limits per key, when the client has `budgets`. */
  readonly budgets?: Budgets | undefined;
  /** OpenTelemetry spans and metrics, when the client has `telemetry`. */
  readonly telemetry?: Telemetry | undefined;
  /**
   * The providers' dependencies; a configuration ZenError when no provider is configured. A value
   * once the providers are known (the usual case), a promise while they are read from the environment.
   */
  providerDeps(): ProviderDeps | Promise<ProviderDeps>;
  emit<K extends keyof PolicyEvents>(event: K, payload: Parameters<PolicyEvents[K]>[0]): void;
  listenerCount(event: keyof PolicyEvents): number;
}
