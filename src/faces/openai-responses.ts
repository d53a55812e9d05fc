import type {
  Response,
  ResponseCreateParams,
  ResponseCreateParamsNonStreaming,
  ResponseCreateParamsStreaming,
  ResponseOutputItem,
} from 'openai/resources/responses/responses';
import type { ConversationStore } from '../conversations/conversation-store.js';
import type { FromPeer } from '../core/peer-types.js';
import { callOptions, type ZenCallOptions } from './call-options.js';
import type { Engine, ZenMetadata, ZenRequestOptions } from './engine.js';
import { attachMetadata, modelSpec, openEngineStream, vendorModelName } from './face-shared.js';
import { ConversationHistory, type StoreFailure } from './openai-responses-history.js';
import { rawResponsesOutput } from './openai-responses-hosted.js';
import { convertResponsesRequest } from './openai-responses-request.js';
import { buildResponse, outputItems, responseId, type ResponseContext } from './openai-responses-response.js';
import { toResponseEvents, ZenResponseStream } from './openai-responses-stream.js';
import { validateResponsesParams } from './validation/responses-params.js';

/** A model id, an ordered fallback list, or `auto`; plus a `models` fallback list and the `zen` extension. */
type WithRouting<T> = Omit<T, 'model'> & {
  model: string | string[];
  /** Fallback list, tried after (or instead of) `model`. */
  models?: string[];
  zen?: ZenRequestOptions;
};

export type ZenResponseCreateParamsNonStreaming = WithRouting<FromPeer<ResponseCreateParamsNonStreaming, 'openai'>>;
export type ZenResponseCreateParamsStreaming = WithRouting<FromPeer<ResponseCreateParamsStreaming, 'openai'>>;
export type ZenResponseCreateParams = WithRouting<FromPeer<ResponseCreateParams, 'openai'>>;

/** An openai Response with zenrouter's metadata as a non-enumerable `zen` property. */
export type ZenResponse = FromPeer<Response, 'openai'> & { readonly zen: ZenMetadata };

export interface ResponsesFaceOptions {
  /** Where responses are kept for `previous_response_id` (undefined: the client keeps none). */
  conversations: ConversationStore | undefined;
  /** Told when storing a response failed; the call itself went on. */
  onStoreError?: (failure: StoreFailure) => void;
}

/**
 * `zen.responses`: the openai SDK's Responses surface (`create`, streamed or not, `retrieve`,
 * `delete`), served by any routed model through the same pipeline as every face.
 */
export class Responses {
  private readonly history: ConversationHistory;

  constructor(
    private readonly engine: Engine,
    options: ResponsesFaceOptions,
  ) {
    this.history = new ConversationHistory(options.conversations, options.onStoreError);
  }

  create(body: ZenResponseCreateParamsNonStreaming, options?: ZenCallOptions): Promise<ZenResponse>;
  create(body: ZenResponseCreateParamsStreaming, options?: ZenCallOptions): Promise<ZenResponseStream>;
  create(body: ZenResponseCreateParams, options?: ZenCallOptions): Promise<ZenResponse | ZenResponseStream>;
  async create(body: ZenResponseCreateParams, options?: ZenCallOptions): Promise<ZenResponse | ZenResponseStream> {
    validateResponsesParams(body);
    const model = modelSpec(body.model, body.models);
    const call = callOptions(body.zen, options);
    // The routing fields are the pipeline's; the rest is the openai SDK's own params.
    const params = body as ResponseCreateParams;
    const previous = params.previous_response_id ? await this.history.load(params.previous_response_id) : [];
    const converted = convertResponsesRequest(params, previous);
    const keep = this.history.shouldStore(params, converted.warnings);
    const createdAt = Math.floor(Date.now() / 1000);
    const base = {
      operation: 'text' as const,
      face: 'openai-responses' as const,
      model,
      request: converted.request,
      options: call.zen,
      warnings: converted.warnings,
    };
    const contextFor = (requestId: string, answered: string | undefined): ResponseContext => ({
      id: responseId(requestId),
      createdAt,
      model: answered ?? String(model),
      body: params,
    });

    if (!converted.stream) {
      const { result, metadata } = await this.engine.run({ ...base, stream: false, signal: call.signal });
      const context = contextFor(metadata.requestId, result.modelId ?? vendorModelName(metadata.model));
      // An answer the insurance replaced is the canonical one; otherwise OpenAI's own items when its Responses API answered.
      const raw = metadata.repaired ? undefined : rawResponsesOutput(result.providerMetadata);
      const output: ResponseOutputItem[] = raw ? structuredClone(raw) : outputItems(result.content, context.id, result.finishReason);
      const response = buildResponse(context, output, { usage: result.usage, finish: result.finishReason });
      if (keep) await this.history.save(previous, params, response);
      return attachMetadata(response, metadata) as ZenResponse;
    }
    const { stream, controller } = await openEngineStream(this.engine, { ...base, stream: true }, [call.signal]);
    const events = toResponseEvents(stream.parts, {
      context: (first) =>
        contextFor(
          stream.metadata().requestId,
          (first.type === 'stream-start' ? first.modelId : undefined) ?? vendorModelName(stream.metadata().model),
        ),
      ...(keep ? { onFinal: (response: Response) => this.history.save(previous, params, response) } : {}),
    });
    return new ZenResponseStream(() => events, controller, stream);
  }

  /** A stored response, as `create` returned it (needs the client's conversation store). */
  async retrieve(responseId: string): Promise<Response> {
    return this.history.retrieve(responseId);
  }

  /** Removes a stored response: `previous_response_id` can no longer continue it. */
  async delete(responseId: string): Promise<void> {
    await this.history.delete(responseId);
  }
}
