import { configurationError, ZenError } from '../core/errors.js';
import type { GenerationRequest } from '../core/request.js';
import {
  analyzePrompt,
  analyzePromptInSlices,
  countPromptTokens,
  promptChars,
  SYNC_ANALYSIS_CHARS,
  type PromptAnalysis,
} from './analyze-prompt.js';
import { candidatesOf, rejectionsOf, type CandidateTable, type CandidateUniverse } from './candidate-table.js';
import {
  compileUniverse,
  defaultAutoPool,
  describeProviders,
  expandVendorWildcards,
  filterCandidates,
  type OutputKind,
} from './candidates.js';
import type { Catalog, ProviderInfo } from './catalog.js';
import type { LiveState } from './live-state.js';
import { loadModelData } from './model-data.js';
import { modelDataToLoad } from './model-data-scope.js';
import { promptFeatures } from './prompt-features.js';
import type { QualityModel } from './quality-model.js';
import { tokenCountMatters } from './token-bounds.js';
import type { Candidate, Policy, PolicyContext, PolicyDecision, Rejection, RoutingOptions } from './types.js';

export interface RouteInput {
  request: GenerationRequest;
  model: string | string[];
  routing: RoutingOptions;
  output?: OutputKind;
  /** A precomputed analysis (the image face has no messages to analyse). */
  analysis?: PromptAnalysis;
  /** Stops a token count that `routeCountingTokens` started. */
  signal?: AbortSignal;
}

export interface Route {
  analysis: PromptAnalysis;
  mode: 'auto' | 'list' | 'single';
  policy: string;
  decision: PolicyDecision;
  /** The plan: channels to try, in order, capped at `maxChannels`. */
  order: Candidate[];
  /** Channels left out and why (worked out on first read). */
  readonly rejected: Rejection[];
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

/** Compiled universes per model spec; rebuilt when the providers or the catalog change. */
const universes = new WeakMap<
  RouterDeps,
  {
    providers: readonly ProviderInfo[];
    version: number;
    byKey: Map<string, CandidateUniverse>;
    byList: WeakMap<readonly string[], CandidateUniverse>;
  }
>();

function universeFor(
  deps: RouterDeps,
  providers: readonly ProviderInfo[],
  ids: readonly string[] | undefined,
  routing: RoutingOptions,
  output: OutputKind,
): CandidateUniverse {
  let cache = universes.get(deps);
  if (!cache || cache.providers !== providers || cache.version !== deps.catalog.version) {
    cache = { providers, version: deps.catalog.version, byKey: new Map(), byList: new WeakMap() };
    universes.set(deps, cache);
  }
  const pool = ids ?? routing.models ?? deps.autoPool;
  // Long lists (pools) are keyed by identity, short ones (a request's fallback chain) by content.
  if (pool && pool.length > 8) {
    let universe = cache.byList.get(pool);
    if (!universe)
      cache.byList.set(
        pool,
        (universe = prepared(compileUniverse(expandVendorWildcards(pool, providers, deps.catalog, output), providers, deps.catalog), deps)),
      );
    return universe;
  }
  const key = `${output === 'image-edit' ? 'image' : output}\u0001${ids ? 'list' : 'auto'}\u0001${pool ? pool.join('\u0000') : 'default'}`;
  let universe = cache.byKey.get(key);
  if (!universe) {
    universe = prepared(
      compileUniverse(
        pool ? expandVendorWildcards(pool, providers, deps.catalog, output) : defaultAutoPool(providers, deps.catalog, output),
        providers,
        deps.catalog,
      ),
      deps,
    );
    if (cache.byKey.size > 256) cache.byKey.clear();
    cache.byKey.set(key, universe);
  }
  return universe;
}

/** Lets the quality model set up its beliefs for a new candidate set once, not per call. */
function prepared(universe: CandidateUniverse, deps: RouterDeps): CandidateUniverse {
  if (deps.quality.prepare) {
    deps.quality.prepare(universe.channels);
    preparedFor.set(universe, deps.quality);
  }
  return universe;
}

const preparedFor = new WeakMap<CandidateUniverse, QualityModel>();

/**
 * Chooses the plan for one request: analyse, find candidates, let the policy order them. The
 * prompt's size is the estimate (./token-estimate.ts); `routeCountingTokens` counts it first when
 * that could change the decision.
 */
export function route(input: RouteInput, deps: RouterDeps): Route {
  return routeOrCount(input, deps, false) as Route;
}

/**
 * `route`, except that it first loads the model data the call can reach if it is not loaded yet,
 * and when the estimated size leaves a decision open (a context window, a price tier or `maxCost`
 * between the estimate's bounds) counts the prompt's tokens, without holding the event loop, and
 * decides on the count. Synchronous when neither is needed (every call after the first few).
 */
export function routeCountingTokens(input: RouteInput, deps: RouterDeps): Route | Promise<Route> {
  return routeOrCount(input, deps, true);
}

function routeOrCount(input: RouteInput, deps: RouterDeps, mayCount: boolean): Route | Promise<Route> {
  const { routing } = input;
  if (mayCount && !input.analysis && promptChars(input.request) > SYNC_ANALYSIS_CHARS) {
    return analyzePromptInSlices(input.request, input.signal).then((analysis) => settled(routeOrCount({ ...input, analysis }, deps, true)));
  }
  const output = input.output ?? 'text';
  const analysis = input.analysis ?? analyzePrompt(input.request);
  // How hard the prompt looks: once per call (a precomputed analysis may carry it already).
  analysis.features ??= promptFeatures(analysis);
  const providers = deps.providers();
  const ids = input.model === 'auto' ? undefined : Array.isArray(input.model) ? input.model : [input.model];
  if (mayCount) {
    // The data packages' facts load per vendor on first use: those this call can reach, first.
    const missing = modelDataToLoad(ids, ids ? undefined : (routing.models ?? deps.autoPool), providers, deps.catalog);
    if (missing.length > 0) return loadModelData(missing).then(() => settled(routeOrCount({ ...input, analysis }, deps, true)));
  }
  const mode: Route['mode'] = ids === undefined ? 'auto' : ids.length > 1 ? 'list' : 'single';
  const universe = universeFor(deps, providers, ids, routing, output);
  const table = filterCandidates({
    universe,
    analysis,
    routing,
    quality: deps.quality,
    stats: deps.state,
    output,
    listed: ids !== undefined,
    prepared: preparedFor.get(universe) === deps.quality,
  });
  if (mayCount && tokenCountMatters(table, routing.maxCost)) {
    return countPromptTokens(input.request, analysis, { signal: input.signal }).then((counted) =>
      settled(route({ ...input, analysis: counted }, deps)),
    );
  }
  if (table.count === 0) throw noCandidateError(input.model, rejectionsOf(table), providers);
  const maxChannels = routing.maxChannels ?? DEFAULT_MAX_CHANNELS;
  if (!Number.isInteger(maxChannels) || maxChannels < 1)
    throw configurationError(`maxChannels must be a whole number of at least 1, got ${maxChannels}.`);
  const policy = resolvePolicy(routing, mode, deps.policies);
  const decision = policy.decide(new RequestContext(input.request, analysis, routing, table, deps.state, mode, maxChannels));
  let order = decision.order;
  let sticky = false;
  if (routing.session) {
    const pinned = deps.state.sessionChannel(routing.session);
    if (pinned !== undefined) {
      let index = order.findIndex((candidate) => candidate.channel.id === pinned);
      if (index < 0) {
        // The pinned channel may sit beyond the policy's top picks: it still serves the session.
        const all = candidatesOf(table);
        const found = all.find((candidate) => candidate.channel.id === pinned);
        if (found) {
          order = [found, ...order];
          index = 0;
        }
      }
      if (index > 0) order = [order[index]!, ...order.slice(0, index), ...order.slice(index + 1)];
      sticky = index >= 0;
    }
  }
  return new RouteResult(
    analysis,
    mode,
    policy.name,
    decision,
    order.length > maxChannels ? order.slice(0, maxChannels) : order,
    sticky,
    table,
  );
}

/**
 * A plan decided after a wait is read by its caller a few microtasks later, when other calls
 * resumed by the same wait (the model data's load) may have routed on the same universe: its lazy
 * parts, built from the universe's working arrays, are built now.
 */
function settled(route: Route | Promise<Route>): Route | Promise<Route> {
  if (route instanceof Promise) return route;
  void route.decision.frontier;
  void route.decision.explanation;
  void route.rejected;
  return route;
}

/** The policy's view of one request; candidates as objects are built only if a policy asks. */
class RequestContext implements PolicyContext {
  private candidateCache: Candidate[] | undefined;

  constructor(
    readonly request: GenerationRequest,
    readonly analysis: PromptAnalysis,
    readonly routing: RoutingOptions,
    readonly table: CandidateTable,
    readonly stats: LiveState,
    readonly mode: Route['mode'],
    readonly maxChannels: number,
  ) {}

  get candidates(): Candidate[] {
    return (this.candidateCache ??= candidatesOf(this.table));
  }
}

class RouteResult implements Route {
  private rejectedCache: Rejection[] | undefined;

  constructor(
    readonly analysis: PromptAnalysis,
    readonly mode: Route['mode'],
    readonly policy: string,
    readonly decision: PolicyDecision,
    readonly order: Candidate[],
    readonly sticky: boolean,
    private readonly table: CandidateTable,
  ) {}

  get rejected(): Rejection[] {
    return (this.rejectedCache ??= rejectionsOf(this.table));
  }
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
