import type Anthropic from '@anthropic-ai/sdk';
import type { StreamPart } from '../../core/stream-part.js';
import { credentialsHint } from '../credentials-hint.js';
import { buildRequest, unreadableAnswer } from '../failure-origin.js';
import { guardStream, type ErrorContext } from '../shared.js';
import type { ProviderAdapter, ProviderCallOptions } from '../types.js';
import { convertRequest } from './convert-request.js';
import { convertResponse } from './convert-response.js';
import { convertStream } from './convert-stream.js';
import { mapAnthropicError } from './map-error.js';

/**
 * What the adapter needs of a client: only `messages.create`, so `Anthropic`, `AnthropicVertex` and
 * `AnthropicBedrock` instances all fit.
 */
export type AnthropicClient = Pick<Anthropic, 'messages'>;

/**
 * Wraps one Anthropic SDK client. Each call passes `maxRetries: 0`: ZenClient owns the only retry
 * loop, so SDK retries never stack on it.
 */
export function createAnthropicProvider(name: string, client: AnthropicClient): ProviderAdapter {
  const credentials = credentialsHint(name, 'anthropic', client);
  return {
    name,
    family: 'anthropic',

    async generate({ modelId, request, signal }: ProviderCallOptions) {
      const context: ErrorContext = { provider: name, model: modelId, credentials };
      const { body, warnings } = buildRequest(context, () => convertRequest(request, modelId, context));
      let message: Anthropic.Message;
      try {
        message = await client.messages.create({ ...body, stream: false }, { signal, maxRetries: 0 });
      } catch (error) {
        throw mapAnthropicError(error, { ...context, signal });
      }
      try {
        return convertResponse(message, warnings, context);
      } catch (error) {
        throw unreadableAnswer(error, context);
      }
    },

    async stream({ modelId, request, signal }: ProviderCallOptions): Promise<AsyncIterable<StreamPart>> {
      const context: ErrorContext = { provider: name, model: modelId, credentials };
      const { body, warnings } = buildRequest(context, () => convertRequest(request, modelId, context));
      let events: AsyncIterable<Anthropic.RawMessageStreamEvent>;
      try {
        // Resolves once the response headers arrived: errors before the first byte reject here.
        events = await client.messages.create({ ...body, stream: true }, { signal, maxRetries: 0 });
      } catch (error) {
        throw mapAnthropicError(error, { ...context, signal });
      }
      return guardStream(convertStream(events, { warnings, context, signal }), context, (error) =>
        mapAnthropicError(error, { ...context, signal, streaming: true }),
      );
    },
  };
}

export { convertRequest, type AnthropicRequestBody } from './convert-request.js';
export { convertResponse } from './convert-response.js';
export { convertStream } from './convert-stream.js';
export { mapAnthropicError } from './map-error.js';
