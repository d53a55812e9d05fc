import type { GenerationRequest } from '../core/request.js';
import type { ChatCompletions } from '../faces/openai-chat.js';
import type { Ledger } from '../insurance/ledger.js';
import type { Route } from '../policy/router.js';
import type { LiveState } from '../policy/live-state.js';
import type { QualityModel } from '../policy/quality-model.js';
import type { AttemptEvent, BreakerEvent } from '../policy/events.js';
import type { RoutingOptions } from '../policy/types.js';
import type { QualityEvent } from '../insurance/types.js';
import type { EvalItem } from './types.js';
import type { DegradationEvent } from './watch-types.js';

/**
 * What the evaluation harness uses of a ZenClient: its public face and state, nothing inside the
 * call path. Declared here (not imported from the client) so that the client can delegate to the
 * harness without an import cycle.
 */
export interface EvalClient {
  readonly chat: { completions: Pick<ChatCompletions, 'create'> };
  readonly quality: QualityModel;
  readonly state: LiveState;
  readonly ledger: Ledger;
  /** Routes without calling: resolves a model or channel id to its channels. */
  plan(call: { model: string | string[]; request: GenerationRequest; options?: RoutingOptions }): Promise<Route>;
  on(event: 'attempt', listener: (event: AttemptEvent) => void): unknown;
  on(event: 'quality', listener: (event: QualityEvent) => void): unknown;
  off(event: 'attempt', listener: (event: AttemptEvent) => void): unknown;
  off(event: 'quality', listener: (event: QualityEvent) => void): unknown;
  emit(event: 'breaker', payload: BreakerEvent): boolean;
  emit(event: 'degradation', payload: DegradationEvent): boolean;
}

/** A dataset given to the harness: any iterable of items, read lazily. */
export type EvalDataset = Iterable<EvalItem> | AsyncIterable<EvalItem>;
