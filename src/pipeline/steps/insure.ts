import type { ChannelBaseline } from '../../insurance/detector.js';
import type { Channel } from '../../policy/catalog.js';
import type { LiveState } from '../../policy/live-state.js';
import { cascadeInsurance } from '../../policy/policies/cascade.js';
import type { Route } from '../../policy/router.js';
import type { InternalStep } from '../call.js';
import type { PipelineRuntime } from '../runtime.js';

/**
 * Opens the call's insurance (detectors, claims): the executor hands it each answer to inspect
 * (repair) and each part of a stream to watch; the record step settles it when the call ends.
 */
export function insureStep(runtime: PipelineRuntime): InternalStep {
  return (call, next) => {
    const plan = call.route;
    // Embeddings are recorded (cost, usage, attempts) but not watched: the detectors judge answers.
    if (!call.internal && plan && call.subject && call.operation !== 'embedding') {
      const options = call.options;
      call.insured = runtime.insurance.begin({
        requestId: call.requestId,
        face: call.face,
        requested: call.model,
        request: call.subject,
        tags: options.tags,
        // A cascade escalates through the insurance's repair: a checked answer that fails moves the call on.
        options: cascadeInsurance(options.insurance, plan.decision.cascade),
        stream: call.stream,
        output: call.operation === 'text' ? 'text' : 'image',
        baseline: baselines(runtime.state, plan),
        category: plan.analysis.category,
        signal: call.signal,
      });
    }
    return next();
  };
}

/**
 * The channels' rolling p95 for the relative latency limits, as it was before this call. The
 * first candidate's is read now; a failover channel's when asked, so that a call sorts one
 * channel's samples instead of the whole plan's.
 */
function baselines(state: LiveState, plan: Route): (channel: string) => ChannelBaseline {
  const first = plan.order[0]!.channel;
  const firstBaseline = measure(state, first);
  let others: Map<string, ChannelBaseline> | undefined;
  return (id) => {
    if (id === first.id) return firstBaseline;
    let baseline = others?.get(id);
    if (!baseline)
      (others ??= new Map()).set(id, (baseline = measure(state, plan.order.find((candidate) => candidate.channel.id === id)?.channel)));
    return baseline;
  };
}

function measure(state: LiveState, channel: Channel | undefined): ChannelBaseline {
  return channel
    ? { ttftP95Ms: state.latencyQuantile(channel, 'ttft', 0.95), totalP95Ms: state.latencyQuantile(channel, 'total', 0.95) }
    : { ttftP95Ms: undefined, totalP95Ms: undefined };
}
