import type Anthropic from '@anthropic-ai/sdk';
import type { FromPeer } from '../core/peer-types.js';
import { callOptions, type ZenCallOptions } from './call-options.js';
import type { Engine, ZenMetadata, ZenRequestOptions } from './engine.js';
import { convertMessagesRequest, type AnthropicCreateParams, type LegacySamplingParams } from './anthropic-messages-request.js';
import { toMessage } from './anthropic-messages-response.js';
import { toMessageEvents } from './anthropic-messages-stream.js';
import { attachMetadata, linkSignal, modelSpec, openEngineStream, vendorModelName as modelName } from './face-shared.js';
import { ZenStream } from './zen-stream.js';
import { ZenMessageStreamHelper } from './anthropic-messages-helper.js';
import { validateMessagesParams } from './validation/messages-params.js';
import { validateCallOptions } from './validation/zen-options.js';

/** A model id, an ordered fallback list, or `auto`; plus a `models` fallback list and the `zen` extension. */
type WithRouting<T> = Omit<T, 'model'> &
  LegacySamplingParams & {
    model: string | string[];
    models?: string[];
    zen?: ZenRequestOptions;
  };

export type ZenMessageCreateParamsNonStreaming = WithRouting<FromPeer<Anthropic.MessageCreateParamsNonStreaming, '@anthropic-ai/sdk'>>;
export type ZenMessageCreateParamsStreaming = WithRouting<FromPeer<Anthropic.MessageCreateParamsStreaming, '@anthropic-ai/sdk'>>;
export type ZenMessageCreateParams = WithRouting<FromPeer<Anthropic.MessageCreateParams, '@anthropic-ai/sdk'>>;

/** An Anthropic Message with zenrouter's metadata as a non-enumerable `zen` property. */
export type ZenMessage = FromPeer<Anthropic.Message, '@anthropic-ai/sdk'> & { readonly zen: ZenMetadata };

/** What `messages.create({ stream: true })` returns: the SDK's raw event stream surface, plus `zen`. */
export type ZenMessageStream = ZenStream<Anthropic.RawMessageStreamEvent>;

/** `zen.messages`: the @anthropic-ai/sdk Messages surface, served by any routed model. */
export class Messages {
  constructor(protected readonly engine: Engine) {}

  create(body: ZenMessageCreateParamsNonStreaming, options?: ZenCallOptions): Promise<ZenMessage>;
  create(body: ZenMessageCreateParamsStreaming, options?: ZenCallOptions): Promise<ZenMessageStream>;
  create(body: ZenMessageCreateParams, options?: ZenCallOptions): Promise<ZenMessage | ZenMessageStream>;
  async create(body: ZenMessageCreateParams, options?: ZenCallOptions): Promise<ZenMessage | ZenMessageStream> {
    validateMessagesParams(body);
    const model = modelSpec(body.model, body.models);
    const converted = convertMessagesRequest(body as AnthropicCreateParams);
    const call = callOptions(body.zen, options);
    const base = {
      operation: 'text' as const,
      face: 'anthropic-messages' as const,
      model,
      request: converted.request,
      options: call.zen,
      warnings: converted.warnings,
    };
    if (!converted.stream) {
      const { result, metadata } = await this.engine.run({ ...base, stream: false, signal: call.signal });
      const message = toMessage(
        result,
        metadata.requestId,
        result.modelId ?? modelName(metadata.model) ?? String(model),
        metadata.warnings,
      );
      return attachMetadata(message, metadata);
    }
    const { stream, controller } = await openEngineStream(this.engine, { ...base, stream: true }, [call.signal]);
    const events = toMessageEvents(stream.parts, {
      requestId: stream.metadata().requestId,
      model: () => modelName(stream.metadata().model) ?? String(model),
    });
    return new ZenStream(() => events, controller, stream);
  }

  /**
   * The SDK's `messages.stream()` helper: returns at once; listen with `.on('text', ...)` or await
   * `finalMessage()` / `finalText()`. Built on `create({ stream: true })`.
   */
  stream(body: Omit<ZenMessageCreateParams, 'stream'>, options?: ZenCallOptions): ZenMessageStreamHelper {
    // The helper replaces the caller's signal with its own and copies the body: both are checked as given, and a
    // failure reaches the helper's listeners like any other.
    try {
      validateMessagesParams(body);
      validateCallOptions(options);
    } catch (error) {
      return new ZenMessageStreamHelper(() => Promise.reject(error));
    }
    const helper = new ZenMessageStreamHelper((signal) =>
      this.create({ ...body, stream: true } as ZenMessageCreateParamsStreaming, { ...options, signal }),
    );
    linkSignal(options?.signal, helper.controller);
    return helper;
  }
}
