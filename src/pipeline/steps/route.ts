import type { GenerationRequest } from '../../core/request.js';
import { checkEmbeddingCall } from '../../policy/embedding-plan.js';
import { routeCountingTokens, type Route } from '../../policy/router.js';
import type { InternalStep, RunningCall } from '../call.js';
import { hostedToolError, hostedToolRouting } from '../hosted-tools.js';
import type { PipelineRuntime, ProviderDeps } from '../runtime.js';

/**
 * Chooses the call's plan (candidates, policy, order) and writes it into the call's record; tells
 * `route` listeners. A call no candidate can serve fails here with a configuration ZenError.
 */
export function routeStep(runtime: PipelineRuntime): InternalStep {
  return (call, next) => {
    const deps = runtime.providerDeps();
    // Known providers and a prompt whose size cannot change the decision (the usual case) route
    // at once, without waiting a turn; otherwise model data loads or the prompt is counted first.
    if (!(deps instanceof Promise)) {
      const plan = planCall(call, deps);
      if (!(plan instanceof Promise)) {
        applyRoute(runtime, call, deps, plan);
        return next();
      }
      return plan.then((ready) => {
        applyRoute(runtime, call, deps, ready);
        return next();
      });
    }
    return deps.then(async (ready) => {
      applyRoute(runtime, call, ready, await planCall(call, ready));
      return next();
    });
  };
}

export function planCall(call: RunningCall, deps: ProviderDeps): Route | Promise<Route> {
  const output = outputOf(call);
  if (call.operation === 'embedding')
    checkEmbeddingCall(call.model, call.routing, call.request, deps.router.providers(), deps.router.catalog);
  call.subject = subjectOf(call);
  if (call.operation === 'text' && call.request.hostedTools?.length) return planHosted(call.request, call, deps);
  return routeCountingTokens(
    { request: call.subject, model: call.model, routing: call.routing, output, ...(call.signal ? { signal: call.signal } : {}) },
    deps.router,
  );
}

/** A call with tools only OpenAI runs is planned among OpenAI models (./hosted-tools.ts). */
async function planHosted(request: GenerationRequest, call: RunningCall, deps: ProviderDeps): Promise<Route> {
  const routing = hostedToolRouting(request, call.routing, deps.router.providers());
  try {
    return await routeCountingTokens(
      { request, model: call.model, routing, output: 'text', ...(call.signal ? { signal: call.signal } : {}) },
      deps.router,
    );
  } catch (error) {
    throw hostedToolError(request, error);
  }
}

function outputOf(call: RunningCall): 'text' | 'image' | 'image-edit' | 'embedding' {
  if (call.operation === 'text' || call.operation === 'embedding') return call.operation;
  return call.request.images && call.request.images.length > 0 ? 'image-edit' : 'image';
}

export function applyRoute(runtime: PipelineRuntime, call: RunningCall, deps: ProviderDeps, plan: Route): void {
  call.executeDeps = deps.execute;
  call.route = plan;
  runtime.hedges.onCall();
  // The frontier, explanation and rejections are read now, while the routing's arrays are still
  // this call's (the decision keeps them).
  const frontier = plan.decision.frontier;
  const record = call.record;
  record.policy = plan.policy;
  record.explanation = plan.decision.explanation;
  record.sticky = plan.sticky;
  record.plan = plan.order.map((candidate) => candidate.channel.id);
  record.rejected = plan.rejected.slice(0, 20);
  if (frontier) record.frontier = frontier;
  if (call.routing.preference !== undefined) record.preference = call.routing.preference;
  if (runtime.listenerCount('route') > 0) {
    runtime.emit('route', {
      requestId: call.requestId,
      policy: plan.policy,
      requested: record.requested,
      chosen: plan.order[0]!.channel.id,
      order: plan.order.map((candidate) => candidate.channel.id),
      explanation: record.explanation,
      frontier,
      rejected: plan.rejected,
    });
  }
}

/**
 * The messages a call is routed and recorded on: a text call's request, an image call's prompt as
 * one user message, an embedding call's texts as one user message that asks for no output (its
 * size prices the call; token arrays are not text and count in the executor's usage only).
 */
export function subjectOf(call: RunningCall): GenerationRequest {
  if (call.operation === 'text') return call.request;
  if (call.operation === 'embedding') {
    const texts = call.request.inputs.filter((input): input is string => typeof input === 'string');
    return { messages: [{ role: 'user', content: [{ type: 'text', text: texts.join('\n') }] }], maxOutputTokens: 0 };
  }
  return { messages: [{ role: 'user', content: [{ type: 'text', text: call.request.prompt }] }] };
}
