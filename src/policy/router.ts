import { configurationError, ZenError } from '../core/errors.js';
import type { GenerationRequest } from '../core/request.js';
import { analyzePrompt, type PromptAnalysis } from './analyze-prompt.js';
import { describeProviders, findCandidates } from './candidates.js';
import type { Catalog, ProviderInfo } from './catalog.js';
import type { LiveState } from './live-state.js';
import type { QualityModel } from './quality-model.js';
import type { Candidate, Policy, PolicyDecision, Rejection, RoutingOptions } from './types.js';

export interface RouteInput {
  request: GenerationRequest;
  model: string | string[];
  routing: RoutingOptions;
  output?: 'text' | 'image';
  /** A precomputed analysis (the image face has no messages to analyse). */
  analysis?: PromptAnalysis;
}

export interface Route {
  analysis: PromptAnalysis;
  mode: 'auto' | 'list' | 'single';
  policy: string;
  decision: PolicyDecision;
  /** The plan: channels to try, in order, capped at `maxChannels`. */
  order: Candidate[];
  rejected: Rejection[];
  sticky: boolean;
}

export interface RouterDeps {
  catalog: Catalog;
  providers: () => readonly ProviderInfo[];
  quality: QualityModel;
  state: LiveState;
  policies: Record<string, Policy>;
  autoPool?: readonly string[];
}

const DEFAULT_MAX_CHANNELS = 4;

/** Chooses the plan for one request: analyse, find candidates, let the policy order them. */
export function route(input: RouteInput, deps: RouterDeps): Route {
  const { routing } = input;
  const analysis = input.analysis ?? analyzePrompt(input.request);
  const providers = deps.providers();
  const found = findCandidates({
    model: input.model, providers, catalog: deps.catalog, routing, analysis, quality: deps.quality, stats: deps.state, autoPool: deps.autoPool, output: input.output,
  });
  if (found.candidates.length === 0) throw noCandidateError(input.model, found.rejected, providers);
  const policy = resolvePolicy(routing, found.mode, deps.policies);
  const decision = policy.decide({ request: input.request, analysis, routing, candidates: found.candidates, stats: deps.state, mode: found.mode });
  let order = decision.order;
  let sticky = false;
  if (routing.session) {
    const pinned = deps.state.sessionChannel(routing.session);
    const index = pinned === undefined ? -1 : order.findIndex((candidate) => candidate.channel.id === pinned);
    if (index > 0) {
      order = [order[index]!, ...order.slice(0, index), ...order.slice(index + 1)];
    }
    sticky = index >= 0;
  }
  const maxChannels = routing.maxChannels ?? DEFAULT_MAX_CHANNELS;
  if (!Number.isInteger(maxChannels) || maxChannels < 1) throw configurationError(`maxChannels must be a whole number of at least 1, got ${maxChannels}.`);
  return { analysis, mode: found.mode, policy: policy.name, decision, order: order.slice(0, maxChannels), rejected: found.rejected, sticky };
}

function resolvePolicy(routing: RoutingOptions, mode: 'auto' | 'list' | 'single', policies: Record<string, Policy>): Policy {
  const chosen = routing.policy;
  if (chosen !== undefined && typeof chosen !== 'string') return chosen;
  const name = chosen ?? (routing.preference === 'speed' ? 'fastest' : mode === 'auto' ? 'pareto' : 'ordered');
  const policy = policies[name];
  if (!policy) throw configurationError(`Unknown policy "${name}". Registered policies: ${Object.keys(policies).join(', ')}.`);
  return policy;
}

function noCandidateError(model: string | string[], rejected: Rejection[], providers: readonly ProviderInfo[]): ZenError {
  const asked = Array.isArray(model) ? model.join(', ') : model;
  const reasons = rejected.slice(0, 12).map((rejection) => `${rejection.channel}: ${rejection.reason}`);
  const more = rejected.length > 12 ? ` (and ${rejected.length - 12} more)` : '';
  const unknown = rejected.length > 0 && rejected.every((rejection) => rejection.reason === 'no configured provider serves it');
  return new ZenError({
    kind: unknown ? 'configuration' : 'invalid_request',
    retryable: false,
    message:
      `No model can serve this request for "${asked}". ` +
      (reasons.length > 0 ? `${reasons.join('; ')}${more}. ` : '') +
      describeProviders(providers),
  });
}
