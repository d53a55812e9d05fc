import type OpenAI from 'openai';
import type { ImageEditParamsNonStreaming, ImageGenerateParamsNonStreaming, ImagesResponse } from 'openai/resources/images';
import type { CallWarning } from '../../core/result.js';
import type { ImageRequest, ImageResult } from '../types.js';

/** DALL·E takes `response_format` and answers URLs by default; GPT image models reject it and always answer base64. */
const isDallE = (modelId: string) => modelId.startsWith('dall-e');

/** Fields only GPT image models know, by canonical name. */
const GPT_IMAGE_ONLY = [
  ['background', 'background'],
  ['outputFormat', 'output_format'],
] as const satisfies ReadonlyArray<readonly [keyof ImageRequest, keyof ImageGenerateParamsNonStreaming]>;

function imageParams(modelId: string, request: ImageRequest, warnings: CallWarning[]): ImageGenerateParamsNonStreaming {
  const params: Record<string, unknown> = { model: modelId, prompt: request.prompt, n: request.n };
  if (request.size !== undefined) params.size = request.size;
  if (request.quality !== undefined) params.quality = request.quality;
  if (request.user !== undefined) params.user = request.user;
  for (const [from, to] of GPT_IMAGE_ONLY) {
    if (request[from] === undefined) continue;
    if (isDallE(modelId))
      warnings.push({ type: 'unsupported-setting', setting: from, message: `${modelId} does not support ${to}; it was dropped.` });
    else params[to] = request[from];
  }
  if (request.responseFormat !== undefined) {
    if (isDallE(modelId)) params.response_format = request.responseFormat;
    else if (request.responseFormat === 'url') {
      warnings.push({
        type: 'unsupported-setting',
        setting: 'responseFormat',
        message: `${modelId} always returns base64 images; responseFormat 'url' was dropped.`,
      });
    }
  }
  return params as unknown as ImageGenerateParamsNonStreaming;
}

/** The global File (Node 20+, browsers, edge runtimes) is an upload the SDK accepts, without its toFile helper. */
function toFile(image: { data: string; mediaType: string }, name: string): File {
  const bytes = Uint8Array.from(atob(image.data), (character) => character.charCodeAt(0));
  const extension = image.mediaType.split('/')[1]?.replace('jpeg', 'jpg') ?? 'png';
  return new File([bytes], `${name}.${extension}`, { type: image.mediaType });
}

function convertImages(response: ImagesResponse, request: ImageRequest, warnings: CallWarning[]): ImageResult {
  const format = response.output_format ?? request.outputFormat ?? 'png';
  return {
    images: (response.data ?? []).map((image) => ({
      ...(image.b64_json ? { base64: image.b64_json } : {}),
      ...(image.url ? { url: image.url } : {}),
      mediaType: `image/${format}`,
      ...(image.revised_prompt ? { revisedPrompt: image.revised_prompt } : {}),
    })),
    created: response.created,
    ...(response.usage ? { usage: { inputTokens: response.usage.input_tokens, outputTokens: response.usage.output_tokens } } : {}),
    warnings,
  };
}

/** Generates, or edits when input images are given, through the Images API. */
export async function generateImages(
  client: OpenAI,
  modelId: string,
  request: ImageRequest,
  requestOptions: { signal?: AbortSignal; maxRetries: number },
): Promise<ImageResult> {
  const warnings: CallWarning[] = [];
  const params = imageParams(modelId, request, warnings);
  if (!request.images?.length) return convertImages(await client.images.generate(params, requestOptions), request, warnings);
  const files = request.images.map((image, index) => toFile(image, `image-${index}`));
  const edit: ImageEditParamsNonStreaming = {
    ...(params as unknown as Omit<ImageEditParamsNonStreaming, 'image'>),
    // One image goes as `image`, several as `image[]` (GPT image models only).
    image: files.length === 1 ? files[0]! : files,
    ...(request.mask ? { mask: toFile(request.mask, 'mask') } : {}),
  };
  return convertImages(await client.images.edit(edit, requestOptions), request, warnings);
}
