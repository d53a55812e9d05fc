import { ZenError } from '../core/errors.js';
import type { GenerationRequest } from '../core/request.js';
import { normalizeModelId, type ProviderInfo } from '../policy/catalog.js';
import type { RoutingOptions } from '../policy/types.js';

/**
 * Tools only OpenAI runs (web search, file search, code interpreter, computer use, image
 * generation, MCP) keep a call on OpenAI's own models served by an openai-family provider: the
 * routing the call gets narrows its allow lists to those, so that `auto` picks among OpenAI models
 * and a model list keeps only its OpenAI entries.
 */

const VENDOR = 'openai';

function hostedToolNames(request: GenerationRequest): string {
  return [...new Set((request.hostedTools ?? []).map((tool) => `"${tool.type}"`))].join(', ');
}

function isOpenAIModel(pattern: string): boolean {
  if (pattern.endsWith('/*')) return pattern === `${VENDOR}/*`;
  return normalizeModelId(pattern).startsWith(`${VENDOR}/`);
}

/** The routing options a call with hosted tools is planned with (the call's own when it has none). */
export function hostedToolRouting(request: GenerationRequest, routing: RoutingOptions, providers: readonly ProviderInfo[]): RoutingOptions {
  if (!request.hostedTools?.length) return routing;
  const openaiProviders = providers.filter((provider) => provider.family === 'openai').map((provider) => provider.name);
  return {
    ...routing,
    providers: routing.providers ? routing.providers.filter((name) => openaiProviders.includes(name)) : openaiProviders,
    models: routing.models ? routing.models.filter(isOpenAIModel) : [`${VENDOR}/*`],
  };
}

/**
 * A plan that found no candidate for a call with hosted tools: an `invalid_request` naming the
 * tools, with the routing's reasons. Other failures (an unknown model id) pass as they are.
 */
export function hostedToolError(request: GenerationRequest, error: unknown): unknown {
  if (!request.hostedTools?.length || !ZenError.isInstance(error) || error.kind !== 'invalid_request') return error;
  return new ZenError({
    kind: 'invalid_request',
    retryable: false,
    code: 'tools',
    cause: error,
    message: `The tool(s) ${hostedToolNames(request)} run only on OpenAI models, and no OpenAI model served by an openai provider can take this call (param: tools). ${error.message}`,
  });
}
