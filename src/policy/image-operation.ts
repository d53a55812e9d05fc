import { ZenError } from '../core/errors.js';
import { roundUsd, zeroCost, type CostBreakdown } from '../core/money.js';
import { emptyUsage, makeUsage } from '../core/usage.js';
import type { ImageCallOptions, ImageRequest, ImageResult } from '../providers/types.js';
import type { Channel } from './catalog.js';
import type { CallOperation } from './call-operation.js';
import { costOfUsage } from './pricing.js';

export type ImageApi = ImageCallOptions['api'];

/** How a model makes images: the OpenAI Images API, Imagen, or a Gemini model's IMAGE modality. */
export function imageApiFor(channel: Channel): ImageApi {
  if (channel.provider.family === 'openai') return 'openai-images';
  return /^imagen/i.test(channel.model.name) ? 'imagen' : 'gemini-image';
}

/** Whether a model takes an input image to edit (Imagen and DALL·E 3 only generate). */
export function canEditImages(channel: Channel): boolean {
  const name = channel.model.name;
  if (/^imagen|^dall-e-3/i.test(name)) return false;
  return true;
}

/**
 * Imagen runs on Vertex AI only, through @google/genai's generateImages: a Gemini API client and
 * the @google-cloud/vertexai SDK (which has no Imagen call) can't serve it.
 */
export function servesImagen(channel: Channel): boolean {
  return !/^imagen/i.test(channel.model.name) || (channel.provider.family === 'google' && channel.provider.vertex === true);
}

/** Images one call may return: DALL·E 3 and Gemini image models make one, Imagen up to 4, gpt-image up to 10. */
export function imagesPerCall(channel: Channel): number {
  const name = channel.model.name;
  if (/^dall-e-3/i.test(name)) return 1;
  if (/^imagen/i.test(name)) return 4;
  if (imageApiFor(channel) === 'gemini-image') return 1;
  return 10;
}

/** Generates `n` images on one channel, split across calls where the model has a per-call limit. */
export function imageOperation(request: ImageRequest): CallOperation<ImageResult> {
  return {
    async run(adapter, channel, signal) {
      if (!adapter.generateImages) {
        throw new ZenError({
          kind: 'invalid_request',
          retryable: false,
          message: `Provider "${channel.provider.name}" cannot generate images.`,
          provider: channel.provider.name,
          model: channel.model.id,
        });
      }
      const api = imageApiFor(channel);
      const perCall = imagesPerCall(channel);
      const calls: number[] = [];
      for (let left = request.n; left > 0; left -= perCall) calls.push(Math.min(perCall, left));
      const results = await Promise.all(
        calls.map((n) => adapter.generateImages!({ modelId: channel.providerModelId, request: { ...request, n }, api, signal })),
      );
      const usage = results.reduce<ImageResult['usage']>(
        (sum, result) =>
          result.usage
            ? {
                inputTokens: (sum?.inputTokens ?? 0) + result.usage.inputTokens,
                outputTokens: (sum?.outputTokens ?? 0) + result.usage.outputTokens,
              }
            : sum,
        undefined,
      );
      return {
        images: results.flatMap((result) => result.images),
        created: results[0]?.created,
        ...(usage ? { usage } : {}),
        warnings: results.flatMap((result) => result.warnings),
      };
    },
    usage: (result) =>
      result.usage ? makeUsage({ inputTotal: result.usage.inputTokens, outputTotal: result.usage.outputTokens }) : emptyUsage(),
    cost: (channel, result) => imageCost(channel, result),
    finishReason: () => 'stop',
  };
}

/** Per-image price where the catalog has one, else token prices (gpt-image-1 reports tokens). */
export function imageCost(channel: Channel, result: ImageResult): CostBreakdown {
  const perImage = channel.price?.perImage;
  if (perImage !== undefined) {
    const other = roundUsd(perImage * result.images.length);
    return { ...zeroCost(channel.price === channel.model.price ? 'catalog' : 'host'), other, total: other, estimated: false };
  }
  if (result.usage)
    return costOfUsage(channel, makeUsage({ inputTotal: result.usage.inputTokens, outputTotal: result.usage.outputTokens }));
  return zeroCost('unknown');
}
