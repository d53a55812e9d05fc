import * as v from 'valibot';
import { checkSchema } from '../../core/validate/check.js';
import {
  array,
  lazily,
  nonEmptyString,
  nullish,
  number,
  object,
  picklist,
  string,
  variants,
  type Schema,
} from '../../core/validate/schemas.js';
import { routingFields } from './zen-options.js';

/** The schema of `embeddings.create` params (the openai SDK's EmbeddingCreateParams). */

const INPUT = 'a non-empty string, a non-empty array of non-empty strings, an array of token ids, or an array of token-id arrays';

function build(): Schema {
  const tokenId = number('a whole number >= 0 (a token id)', { min: 0, integer: true });
  const tokens: Schema = v.pipe(v.array(tokenId, 'an array of token ids'), v.minLength(1, 'a non-empty array of token ids'));
  const texts: Schema = v.pipe(
    v.array(nonEmptyString, 'an array of non-empty strings'),
    v.minLength(1, 'a non-empty array of non-empty strings'),
  );
  const tokenLists = array(tokens, 'an array of token-id arrays');
  // The kind of list is read from its first item, so that a bad item deeper in is named by its index.
  const input = variants(INPUT, (value) => {
    if (typeof value === 'string') return nonEmptyString;
    if (!Array.isArray(value)) return undefined;
    if (value.length === 0) return texts;
    const first: unknown = value[0];
    return typeof first === 'number' ? tokens : Array.isArray(first) ? tokenLists : texts;
  });
  return object(
    {
      ...routingFields(),
      input,
      dimensions: nullish(number('a whole number >= 1', { min: 1, integer: true })),
      encoding_format: nullish(picklist(['float', 'base64'])),
      user: nullish(string),
    },
    'an object with a model and an input',
  );
}

const embeddingSchema = lazily(build);

/** Throws an `invalid_request` ZenError naming the first bad field of an `embeddings.create` body. */
export function validateEmbeddingParams(body: unknown): void {
  checkSchema(embeddingSchema(), body, 'invalid_request');
}
