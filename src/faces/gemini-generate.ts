import type { GenerateContentParameters } from '@google/genai';
import type { FromPeer } from '../core/peer-types.js';
import { callOptions, type ZenCallOptions } from './call-options.js';
import type { Engine, ZenMetadata, ZenRequestOptions } from './engine.js';
import { convertGenerateRequest } from './gemini-generate-request.js';
import { toGenerateContentResponse, type ZenGenerateContentResponse } from './gemini-generate-response.js';
import { toGenerateContentChunks } from './gemini-generate-stream.js';
import { attachMetadata, linkSignal, modelSpec, openEngineStream, vendorModelName as modelName } from './face-shared.js';
import { readerStopped } from './zen-stream.js';
import { validateGenerateParams } from './validation/generate-params.js';
import { configurationError } from '../core/errors.js';
import type { ZenAPIPromise } from './api-promise.js';
import { OpenAIModels, type ModelSource, type ZenModelsPagePromise } from './openai-models.js';

/** The SDK's parameters, with a model id, an ordered fallback list or `auto` in `model`, and the `zen` extension. */
export type ZenGenerateContentParameters = Omit<FromPeer<GenerateContentParameters, '@google/genai'>, 'model'> & {
  model: string | string[];
  /** A fallback list, tried after (or instead of) `model`. */
  models?: string[];
  zen?: ZenRequestOptions;
};

/** A GenerateContentResponse with zenrouter's metadata as a non-enumerable `zen` property. */
export type ZenGenerateContentResult = ZenGenerateContentResponse & { readonly zen: ZenMetadata };

/** What `generateContentStream()` resolves to: the SDK's async generator of responses, plus `zen`, `metadata()` and `controller`. */
export type ZenGenerateContentStream = AsyncGenerator<ZenGenerateContentResponse, void> & {
  /** Metadata so far; complete once the stream has ended. */
  readonly zen: ZenMetadata;
  /** Resolves with the final metadata once the stream ended, failed or was abandoned. */
  metadata(): Promise<ZenMetadata>;
  /** Aborting it cancels the call upstream. */
  readonly controller: AbortController;
};

/**
 * `zen.models`: the @google/genai `ai.models` generateContent surface, served by any routed model,
 * and the openai SDK's `models.list()` / `retrieve()` over the configured catalog (`M`: the
 * openai-shaped model the client's source gives, ZenModel on a ZenClient).
 */
export class Models<M = unknown> {
  private readonly catalog: OpenAIModels<M> | undefined;

  constructor(
    protected readonly engine: Engine,
    models?: ModelSource<M>,
  ) {
    this.catalog = models ? new OpenAIModels(models) : undefined;
  }

  /** The openai SDK's `models.list()`: every model the configured providers serve, with zenrouter's facts in `zen`. Iterate it, or read `.data`. */
  list(): ZenModelsPagePromise<M> {
    return this.openai().list();
  }

  /** The openai SDK's `models.retrieve(id)`; a `not_found` ZenError when no configured provider serves it. */
  retrieve(model: string): ZenAPIPromise<M> {
    return this.openai().retrieve(model);
  }

  private openai(): OpenAIModels<M> {
    if (!this.catalog) throw configurationError('This Models face was built without a model source: use the one on a ZenClient.');
    return this.catalog;
  }

  async generateContent(params: ZenGenerateContentParameters, options?: ZenCallOptions): Promise<ZenGenerateContentResult> {
    validateGenerateParams(params);
    const model = modelSpec(params.model, params.models);
    const converted = convertGenerateRequest(params);
    const call = callOptions(params.zen, options);
    const controller = new AbortController();
    const unlink = [linkSignal(converted.signal, controller), linkSignal(call.signal, controller)];
    try {
      const { result, metadata } = await this.engine.run({
        operation: 'text',
        stream: false,
        face: 'gemini-generate',
        model,
        request: converted.request,
        options: call.zen,
        signal: controller.signal,
        warnings: converted.warnings,
      });
      const response = toGenerateContentResponse(
        result,
        metadata.requestId,
        result.modelId ?? modelName(metadata.model) ?? String(model),
        metadata.warnings,
      );
      return attachMetadata(response, metadata);
    } finally {
      for (const release of unlink) release();
    }
  }

  async generateContentStream(params: ZenGenerateContentParameters, options?: ZenCallOptions): Promise<ZenGenerateContentStream> {
    validateGenerateParams(params);
    const model = modelSpec(params.model, params.models);
    const converted = convertGenerateRequest(params);
    const call = callOptions(params.zen, options);
    const { stream, controller } = await openEngineStream(
      this.engine,
      {
        operation: 'text',
        stream: true,
        face: 'gemini-generate',
        model,
        request: converted.request,
        options: call.zen,
        warnings: converted.warnings,
      },
      [converted.signal, call.signal],
    );
    const chunks = toGenerateContentChunks(stream.parts, {
      requestId: stream.metadata().requestId,
      model: () => modelName(stream.metadata().model) ?? String(model),
      warnings: converted.warnings,
    });
    const generator = (async function* () {
      let finished = false;
      try {
        yield* chunks;
        finished = true;
      } finally {
        // A caller that stops reading early cancels the call upstream.
        if (!finished) controller.abort(readerStopped());
      }
    })();
    Object.defineProperties(generator, {
      zen: { get: () => stream.metadata(), enumerable: false },
      metadata: { value: () => stream.done, enumerable: false },
      controller: { value: controller, enumerable: false },
    });
    return generator as ZenGenerateContentStream;
  }
}
