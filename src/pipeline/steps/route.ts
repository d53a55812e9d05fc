import type { GenerationRequest } from '../../core/request.js';
import { route } from '../../policy/router.js';
import type { InternalStep, RunningCall } from '../call.js';
import type { PipelineRuntime, ProviderDeps } from '../runtime.js';

/**
 * Chooses the call's plan (candidates, policy, order) and writes it into the call's record; tells
 * `route` listeners. A call no candidate can serve fails here with a configuration ZenError.
 */
export function routeStep(runtime: PipelineRuntime): InternalStep {
  return (call, next) => {
    const deps = runtime.providerDeps();
    // Known providers (the usual case) route at once, without waiting a turn.
    if (!(deps instanceof Promise)) {
      routeCall(runtime, call, deps);
      return next();
    }
    return deps.then((ready) => {
      routeCall(runtime, call, ready);
      return next();
    });
  };
}

function routeCall(runtime: PipelineRuntime, call: RunningCall, deps: ProviderDeps): void {
  const subject = subjectOf(call);
  const plan = route(
    { request: subject, model: call.model, routing: call.routing, output: call.operation === 'text' ? 'text' : call.request.images && call.request.images.length > 0 ? 'image-edit' : 'image' },
    deps.router,
  );
  call.subject = subject;
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

/** The messages a call is routed and insured on: a text call's request, an image call's prompt as one user message. */
export function subjectOf(call: RunningCall): GenerationRequest {
  if (call.operation === 'text') return call.request;
  return { messages: [{ role: 'user', content: [{ type: 'text', text: call.request.prompt }] }] };
}
