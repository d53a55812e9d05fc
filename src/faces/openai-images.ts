import type { ImageEditParamsNonStreaming, ImageGenerateParamsNonStreaming, ImagesResponse } from 'openai/resources/images';
import type { FromPeer } from '../core/peer-types.js';
import type { ImageRequest } from '../core/request.js';
import type { CallWarning, ImageResult } from '../core/result.js';
import { callOptions, type ZenCallOptions } from './call-options.js';
import { toDataUrl } from './data-url.js';
import type { Engine, ZenMetadata, ZenRequestOptions } from './engine.js';
import { readImageInput, type ImageInput } from './image-input.js';
import { ignoredSetting, invalidRequest, isRecord } from './invalid-request.js';
import { attachMetadata, modelSpec } from './face-shared.js';
import { validateImageEditParams, validateImageGenerateParams } from './validation/image-params.js';
import { validateCallOptions } from './validation/zen-options.js';
import { jsonAPIPromise, type ZenAPIPromise } from './api-promise.js';

/** Routing fields: a model id, an ordered fallback list, or `auto` (the default here), and the `zen` extension. */
interface Routing {
  model?: string | string[];
  models?: string[];
  zen?: ZenRequestOptions;
}

export type ZenImageGenerateParams = Omit<FromPeer<ImageGenerateParamsNonStreaming, 'openai'>, 'model'> & Routing;

/** The openai SDK's edit params, with images in any form `ImageInput` names. */
export type ZenImageEditParams = Omit<FromPeer<ImageEditParamsNonStreaming, 'openai'>, 'model' | 'image' | 'mask'> &
  Routing & {
    image: ImageInput | ImageInput[];
    mask?: ImageInput;
  };

/** An openai ImagesResponse with zenrouter's metadata as a non-enumerable `zen` property. */
export type ZenImagesResponse = FromPeer<ImagesResponse, 'openai'> & { readonly zen: ZenMetadata };

const ENUMS: ReadonlyArray<[string, readonly string[]]> = [
  ['quality', ['standard', 'hd', 'low', 'medium', 'high', 'auto']],
  ['response_format', ['url', 'b64_json']],
  ['background', ['transparent', 'opaque', 'auto']],
  ['output_format', ['png', 'jpeg', 'webp']],
];

/** Settings with no canonical field: dropped with a warning (they change style or compression, not what is drawn). */
const IGNORED = ['style', 'moderation', 'output_compression', 'input_fidelity'];

function convertImageRequest(body: Record<string, unknown>, warnings: CallWarning[]): ImageRequest {
  if (typeof body.prompt !== 'string' || body.prompt.trim() === '') throw invalidRequest('prompt must be a non-empty string.', 'prompt');
  if (body.stream === true || (typeof body.partial_images === 'number' && body.partial_images > 0)) {
    throw invalidRequest(
      'Streamed images (stream, partial_images) are not supported by zenrouter; leave them out.',
      body.stream === true ? 'stream' : 'partial_images',
    );
  }
  const n = body.n ?? 1;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 10) throw invalidRequest('n must be a whole number from 1 to 10.', 'n');
  if (body.size !== undefined && body.size !== null && (typeof body.size !== 'string' || !/^(auto|\d+x\d+)$/.test(body.size))) {
    throw invalidRequest('size must be "auto" or WIDTHxHEIGHT (e.g. "1024x1024").', 'size');
  }
  for (const [field, allowed] of ENUMS) {
    const value = body[field];
    if (value !== undefined && value !== null && !allowed.includes(value as string))
      throw invalidRequest(`${field} must be one of ${allowed.join(', ')}.`, field);
  }
  for (const field of IGNORED)
    if (body[field] !== undefined && body[field] !== null)
      warnings.push(ignoredSetting(field, "is not forwarded by zenrouter's images face."));
  const request: ImageRequest = { prompt: body.prompt, n };
  if (typeof body.size === 'string') request.size = body.size;
  if (typeof body.quality === 'string') request.quality = body.quality;
  if (typeof body.background === 'string') request.background = body.background as ImageRequest['background'];
  if (typeof body.output_format === 'string') request.outputFormat = body.output_format as ImageRequest['outputFormat'];
  if (typeof body.response_format === 'string') request.responseFormat = body.response_format as ImageRequest['responseFormat'];
  if (typeof body.user === 'string' && body.user) request.user = body.user;
  return request;
}

const FORMATS: Record<string, ImagesResponse['output_format']> = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/webp': 'webp' };

/**
 * The canonical image result → an openai ImagesResponse. With `response_format: 'url'`, images
 * that came back as bytes (GPT image models, Gemini, Imagen) are returned as `data:` URLs, since
 * there is no server here to host them; URLs a provider returned (DALL·E) are passed on as they are.
 */
export function toImagesResponse(result: ImageResult, responseFormat: ImageRequest['responseFormat']): ImagesResponse {
  const data = result.images.map((image) => {
    const revised = image.revisedPrompt ? { revised_prompt: image.revisedPrompt } : {};
    if (image.base64 !== undefined && responseFormat !== 'url') return { b64_json: image.base64, ...revised };
    if (image.url !== undefined) return { url: image.url, ...revised };
    return { url: toDataUrl(image.mediaType ?? 'image/png', image.base64 ?? ''), ...revised };
  });
  const formats = new Set(result.images.map((image) => FORMATS[image.mediaType ?? '']));
  const format = formats.size === 1 ? [...formats][0] : undefined;
  const response: ImagesResponse = { created: result.created ?? Math.floor(Date.now() / 1000), data };
  if (format) response.output_format = format;
  if (result.usage) {
    const { inputTokens, outputTokens } = result.usage;
    response.usage = {
      input_tokens: inputTokens,
      output_tokens: outputTokens,
      total_tokens: inputTokens + outputTokens,
      input_tokens_details: { text_tokens: inputTokens, image_tokens: 0 },
    };
  }
  return response;
}

/** `zen.images`: the openai SDK's Images surface, served by any routed image model. */
export class Images {
  constructor(protected readonly engine: Engine) {}

  /** Generates images. Text-only models are never candidates; `n` is split across calls where a model makes fewer per call. */
  generate(body: ZenImageGenerateParams, options?: ZenCallOptions): ZenAPIPromise<ZenImagesResponse> {
    return jsonAPIPromise(this.generateImages(body, options));
  }

  /** Edits images (an input image plus a prompt, optionally a mask) on models that can edit. */
  edit(body: ZenImageEditParams, options?: ZenCallOptions): ZenAPIPromise<ZenImagesResponse> {
    return jsonAPIPromise(this.editImages(body, options));
  }

  private async generateImages(body: ZenImageGenerateParams, options?: ZenCallOptions): Promise<ZenImagesResponse> {
    validateImageGenerateParams(body);
    if (!isRecord(body)) throw invalidRequest('The request body must be an object with a prompt.');
    const warnings: CallWarning[] = [];
    return this.run(body, convertImageRequest(body, warnings), warnings, options);
  }

  private async editImages(body: ZenImageEditParams, options?: ZenCallOptions): Promise<ZenImagesResponse> {
    validateImageEditParams(body);
    // Checked before the images are read, which may take a while.
    validateCallOptions(options);
    if (!isRecord(body)) throw invalidRequest('The request body must be an object with an image and a prompt.');
    const warnings: CallWarning[] = [];
    const request = convertImageRequest(body, warnings);
    const inputs = Array.isArray(body.image) ? body.image : [body.image];
    if (body.image === undefined || body.image === null || inputs.length === 0)
      throw invalidRequest('image is required: the image (or images) to edit.', 'image');
    request.images = await Promise.all(
      inputs.map((input, index) => readImageInput(input, Array.isArray(body.image) ? `image[${index}]` : 'image')),
    );
    if (body.mask !== undefined && body.mask !== null) request.mask = await readImageInput(body.mask, 'mask');
    return this.run(body, request, warnings, options);
  }

  private async run(
    body: Routing,
    request: ImageRequest,
    warnings: CallWarning[],
    options: ZenCallOptions | undefined,
  ): Promise<ZenImagesResponse> {
    const model = modelSpec(body.model ?? (body.models ? undefined : 'auto'), body.models);
    const call = callOptions(body.zen, options);
    const { result, metadata } = await this.engine.run({
      operation: 'image',
      face: 'openai-images',
      model,
      request,
      options: call.zen,
      signal: call.signal,
      warnings,
    });
    return attachMetadata(toImagesResponse(result, request.responseFormat), metadata);
  }
}
