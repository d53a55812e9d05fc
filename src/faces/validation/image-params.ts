import { checkSchema } from '../../core/validate/check.js';
import { boolean, finite, lazily, nullish, number, object, string, type Schema } from '../../core/validate/schemas.js';
import { routingFields } from './zen-options.js';

/**
 * The schema of `images.generate` / `images.edit` params (the openai SDK's ImageGenerateParams and
 * ImageEditParams). The images to edit are read, and checked, by readImageInput.
 */

function fields(): Record<string, Schema> {
  return {
    ...routingFields(),
    prompt: string,
    n: nullish(number('a whole number from 1 to 10', { min: 1, max: 10, integer: true })),
    size: nullish(string),
    quality: nullish(string),
    response_format: nullish(string),
    background: nullish(string),
    output_format: nullish(string),
    output_compression: nullish(finite),
    style: nullish(string),
    moderation: nullish(string),
    user: nullish(string),
    stream: nullish(boolean),
    partial_images: nullish(finite),
  };
}

const generateSchema = lazily(() => object(fields(), 'an object with a prompt'));
const editSchema = lazily(() => object({ ...fields(), input_fidelity: nullish(string) }, 'an object with an image and a prompt'));

/** Throws an `invalid_request` ZenError naming the first bad field of an `images.generate` body. */
export function validateImageGenerateParams(body: unknown): void {
  checkSchema(generateSchema(), body, 'invalid_request');
}

/** Throws an `invalid_request` ZenError naming the first bad field of an `images.edit` body. */
export function validateImageEditParams(body: unknown): void {
  checkSchema(editSchema(), body, 'invalid_request');
}
