import { checkSchema } from '../../core/validate/check.js';
import {
  array,
  boolean,
  byField,
  finite,
  isObject,
  json,
  lazily,
  nonEmptyString,
  nullish,
  object,
  optional,
  picklist,
  positiveWholeNumber,
  string,
  stringList,
  variants,
  type Schema,
} from '../../core/validate/schemas.js';
import { routingFields } from './zen-options.js';

/**
 * The schema of `messages.create` / `messages.stream` params (@anthropic-ai/sdk's
 * MessageCreateParams): the type of every field the messages face reads. Blocks and tools it does
 * not support (documents, server tools) pass here with the right type, so that the converter
 * names them in its own words.
 */

function build(): Schema {
  const typed = object({ type: string });
  const text = object({ text: string, citations: nullish(array(object({}))) });
  const textBlocks = array(byField('type', { text }, typed));
  const textContent = variants('a string or an array of text blocks', (input) =>
    typeof input === 'string' ? string : Array.isArray(input) ? textBlocks : undefined,
  );
  const imageSource = byField('type', { base64: object({ media_type: string, data: string }), url: object({ url: string }) }, typed);
  const image = object({ source: imageSource });
  const toolResultBlocks = array(byField('type', { text, image }, typed));
  const toolResultContent = variants('a string or an array of content blocks', (input) =>
    typeof input === 'string' ? string : Array.isArray(input) ? toolResultBlocks : undefined,
  );
  const block = byField(
    'type',
    {
      text,
      image,
      tool_use: object({ id: string, name: string, input: optional(json()) }),
      tool_result: object({ tool_use_id: string, content: nullish(toolResultContent), is_error: nullish(boolean) }),
      thinking: object({ thinking: string, signature: optional(string) }),
      redacted_thinking: object({ data: string }),
    },
    typed,
  );
  const blocks = array(block);
  const content = variants('a string or an array of content blocks', (input) =>
    typeof input === 'string' ? string : Array.isArray(input) ? blocks : undefined,
  );
  const message = byField(
    'role',
    { user: object({ content }), assistant: object({ content }), system: object({ content: textContent }) },
    object({ role: picklist(['user', 'assistant']) }, 'an object with a role'),
  );
  const customTool = object({
    name: nonEmptyString,
    input_schema: json({ objectOnly: true }),
    description: optional(string),
    strict: optional(boolean),
  });
  // A tool without a type (or of type `custom`) is the host's own; any other type is a server tool the converter refuses by name.
  const tool = variants('an object', (input) =>
    isObject(input) ? (input.type === undefined || input.type === null || input.type === 'custom' ? customTool : typed) : undefined,
  );
  const choiceOptions = object({ disable_parallel_tool_use: optional(boolean) });
  const toolChoice = byField(
    'type',
    {
      auto: choiceOptions,
      any: choiceOptions,
      none: choiceOptions,
      tool: object({ name: nonEmptyString, disable_parallel_tool_use: optional(boolean) }),
    },
    typed,
  );
  const thinking = byField(
    'type',
    { enabled: object({ budget_tokens: positiveWholeNumber, display: optional(string) }), adaptive: object({ display: optional(string) }) },
    typed,
  );
  const format = byField('type', { json_schema: object({ schema: json({ objectOnly: true }) }) }, typed);
  return object(
    {
      ...routingFields(),
      max_tokens: positiveWholeNumber,
      messages: array(message, 'a non-empty array of messages'),
      system: nullish(textContent),
      tools: nullish(array(tool, 'an array of tools')),
      tool_choice: nullish(toolChoice),
      thinking: nullish(thinking),
      output_config: nullish(object({ effort: nullish(string), format: nullish(format) })),
      output_format: nullish(format),
      stop_sequences: nullish(stringList),
      metadata: nullish(object({ user_id: nullish(string) })),
      temperature: nullish(finite),
      top_p: nullish(finite),
      top_k: nullish(finite),
      stream: nullish(boolean),
      service_tier: nullish(string),
    },
    'an object with model, max_tokens and messages',
  );
}

const messagesParamsSchema = lazily(build);

/** Throws an `invalid_request` ZenError naming the first bad field of a `messages.create` / `messages.stream` body. */
export function validateMessagesParams(body: unknown): void {
  checkSchema(messagesParamsSchema(), body, 'invalid_request');
}
