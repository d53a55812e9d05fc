import type { Attributes } from '@opentelemetry/api';
import type { AttemptRecord, CallRecord } from '../../core/call-record.js';
import type { AttemptStart } from '../../core/call-outcome.js';
import type { ZenError } from '../../core/errors.js';
import type { ZenCall } from '../types.js';

/**
 * Span and metric attributes: the OpenTelemetry GenAI semantic conventions (`gen_ai.*`,
 * `error.type`) and zenrouter's own facts under `zenrouter.*` (channel, plan, retries, hedges, cost,
 * policy).
 */

/** Provider names as the conventions spell them (`gen_ai.provider.name`); others keep their configured name. */
const PROVIDER_NAMES: Record<string, string> = {
  openai: 'openai',
  azure: 'azure.ai.openai',
  anthropic: 'anthropic',
  google: 'gcp.gemini',
  gemini: 'gcp.gemini',
  vertex: 'gcp.vertex_ai',
  vertexai: 'gcp.vertex_ai',
  bedrock: 'aws.bedrock',
  deepseek: 'deepseek',
  xai: 'x_ai',
  groq: 'groq',
  mistral: 'mistral_ai',
  perplexity: 'perplexity',
  cohere: 'cohere',
};

export function providerName(provider: string): string {
  return PROVIDER_NAMES[provider] ?? provider;
}

/** `chat` for text calls, `embeddings` for embedding calls; image calls generate content. */
export function operationName(call: ZenCall): string {
  return call.operation === 'text' ? 'chat' : call.operation === 'embedding' ? 'embeddings' : 'generate_content';
}

/** A model as a provider is asked for it: `openai/gpt-5-mini` → `gpt-5-mini`. */
function modelName(model: string): string {
  const slash = model.indexOf('/');
  return slash < 0 ? model : model.slice(slash + 1);
}

/** What is known when the call starts: the operation, the model asked for, the request's parameters. */
export function callStartAttributes(call: ZenCall): Attributes {
  const attributes: Attributes = {
    'gen_ai.operation.name': operationName(call),
    'gen_ai.request.model': Array.isArray(call.model) ? call.model.join(',') : call.model,
    'zenrouter.request_id': call.requestId,
    'zenrouter.face': call.face,
    'zenrouter.stream': call.stream,
  };
  if (call.internal) attributes['zenrouter.internal'] = true;
  if (call.routing.session) attributes['gen_ai.conversation.id'] = call.routing.session;
  if (call.operation === 'image') {
    attributes['gen_ai.output.type'] = 'image';
    if (call.request.n !== undefined) attributes['gen_ai.request.choice.count'] = call.request.n;
    return attributes;
  }
  if (call.operation === 'embedding') {
    if (call.request.dimensions !== undefined) attributes['gen_ai.embeddings.dimension.count'] = call.request.dimensions;
    attributes['zenrouter.embedding.inputs'] = call.request.inputs.length;
    return attributes;
  }
  const request = call.request;
  attributes['gen_ai.output.type'] = request.responseFormat && request.responseFormat.type !== 'text' ? 'json' : 'text';
  if (request.temperature !== undefined) attributes['gen_ai.request.temperature'] = request.temperature;
  if (request.maxOutputTokens !== undefined) attributes['gen_ai.request.max_tokens'] = request.maxOutputTokens;
  if (request.topP !== undefined) attributes['gen_ai.request.top_p'] = request.topP;
  if (request.topK !== undefined) attributes['gen_ai.request.top_k'] = request.topK;
  if (request.stopSequences !== undefined) attributes['gen_ai.request.stop_sequences'] = request.stopSequences;
  if (request.seed !== undefined) attributes['gen_ai.request.seed'] = request.seed;
  if (request.presencePenalty !== undefined) attributes['gen_ai.request.presence_penalty'] = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) attributes['gen_ai.request.frequency_penalty'] = request.frequencyPenalty;
  return attributes;
}

/** Input and output tokens of the call's own attempts (failed and hedged ones included; the judge's are its own calls'). */
export function ownTokens(record: CallRecord): { input: number; output: number } {
  let input = 0;
  let output = 0;
  for (const attempt of record.attempts) {
    if (attempt.purpose || !attempt.usage) continue;
    input += attempt.usage.input.total;
    output += attempt.usage.output.total;
  }
  return { input, output };
}

/** What is known when the call ends: who answered, usage, cost, and how the plan went. */
export function callEndAttributes(
  record: CallRecord,
  error: ZenError | undefined,
  response: { id?: string; modelId?: string } | undefined,
): Attributes {
  const attributes: Attributes = {
    'gen_ai.usage.input_tokens': record.usage.input.total,
    'gen_ai.usage.output_tokens': record.usage.output.total,
    'zenrouter.policy': record.policy,
    'zenrouter.plan': record.plan,
    'zenrouter.attempts': record.attempts.length,
    'zenrouter.retries': record.attempts.filter((attempt) => attempt.retry > 0).length,
    'zenrouter.hedged': record.attempts.some((attempt) => attempt.hedge === true),
    'zenrouter.cost.usd': record.cost.total,
    'zenrouter.sticky': record.sticky,
  };
  if (record.explanation) attributes['zenrouter.explanation'] = record.explanation;
  if (record.provider) attributes['gen_ai.provider.name'] = providerName(record.provider);
  if (record.model) attributes['gen_ai.response.model'] = response?.modelId ?? modelName(record.model);
  if (response?.id) attributes['gen_ai.response.id'] = response.id;
  if (record.finishReason) attributes['gen_ai.response.finish_reasons'] = [record.finishReason];
  if (record.channel) {
    attributes['zenrouter.channel'] = record.channel;
    attributes['zenrouter.failover'] = record.plan.length > 0 && record.channel !== record.plan[0];
  }
  if (record.ttftMs !== undefined) attributes['gen_ai.response.time_to_first_chunk'] = record.ttftMs / 1000;
  if (record.repaired) attributes['zenrouter.repaired'] = true;
  if (record.claims.length > 0) attributes['zenrouter.claims'] = record.claims.length;
  if (error) attributes['error.type'] = error.kind;
  return attributes;
}

export function attemptStartAttributes(call: ZenCall, attempt: AttemptStart): Attributes {
  const attributes: Attributes = {
    'gen_ai.operation.name': operationName(call),
    'gen_ai.provider.name': providerName(attempt.provider),
    'gen_ai.request.model': modelName(attempt.model),
    'zenrouter.channel': attempt.channel,
    'zenrouter.retry': attempt.retry,
    'zenrouter.hedge': attempt.hedge,
  };
  return attributes;
}

export function attemptEndAttributes(attempt: AttemptRecord): Attributes {
  const attributes: Attributes = { 'zenrouter.attempt.outcome': attempt.outcome };
  if (attempt.usage) {
    attributes['gen_ai.usage.input_tokens'] = attempt.usage.input.total;
    attributes['gen_ai.usage.output_tokens'] = attempt.usage.output.total;
  }
  if (attempt.outcome === 'success') attributes['gen_ai.response.model'] = modelName(attempt.model);
  if (attempt.cost) attributes['zenrouter.cost.usd'] = attempt.cost.total;
  if (attempt.ttftMs !== undefined) attributes['gen_ai.response.time_to_first_chunk'] = attempt.ttftMs / 1000;
  if (attempt.errorKind) attributes['error.type'] = attempt.errorKind;
  else if (attempt.outcome === 'aborted' || attempt.outcome === 'hedge_lost') attributes['error.type'] = attempt.outcome;
  return attributes;
}

/** Low-cardinality attributes of the call's metrics. */
export function metricAttributes(call: ZenCall, record: CallRecord, error: ZenError | undefined): Attributes {
  const attributes: Attributes = {
    'gen_ai.operation.name': operationName(call),
    'gen_ai.request.model': Array.isArray(call.model) ? call.model.join(',') : call.model,
  };
  if (record.provider) attributes['gen_ai.provider.name'] = providerName(record.provider);
  if (record.model) attributes['gen_ai.response.model'] = modelName(record.model);
  if (error) attributes['error.type'] = error.kind;
  return attributes;
}
