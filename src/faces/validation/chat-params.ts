import { checkSchema } from '../../core/validate/check.js';
import {
  array,
  boolean,
  byField,
  finite,
  json,
  lazily,
  nonEmptyString,
  nullish,
  number,
  object,
  optional,
  picklist,
  positiveWholeNumber,
  recordOf,
  string,
  stringList,
  variants,
  type Schema,
} from '../../core/validate/schemas.js';
import { routingFields } from './zen-options.js';

/**
 * The schema of `chat.completions.create` params (the openai SDK's ChatCompletionCreateParams):
 * the type of every field the chat face reads. Values it does not support (an audio part, a
 * custom tool) pass here with the right type, so that the converter names them in its own words.
 */

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'];

function build(): Schema {
  const typed = object({ type: string });
  const text = object({ text: string });
  const textContent = variants('a string or an array of text parts', (input) =>
    typeof input === 'string' ? string : Array.isArray(input) ? textParts : undefined,
  );
  const textParts = array(byField('type', { text, refusal: object({ refusal: string }) }, typed));
  const userParts = array(
    byField('type', { text, image_url: object({ image_url: object({ url: string, detail: optional(string) }) }) }, typed),
  );
  const userContent = variants('a string or an array of content parts', (input) =>
    typeof input === 'string' ? string : Array.isArray(input) ? userParts : undefined,
  );
  const toolCall = byField('type', { function: object({ id: string, function: object({ name: string, arguments: string }) }) }, typed);
  const message = byField(
    'role',
    {
      system: object({ content: textContent, name: optional(string) }),
      developer: object({ content: textContent, name: optional(string) }),
      user: object({ content: userContent, name: optional(string) }),
      assistant: object({
        content: nullish(textContent),
        tool_calls: optional(array(toolCall)),
        function_call: nullish(object({ name: string, arguments: string })),
        refusal: nullish(string),
        name: optional(string),
      }),
      tool: object({ content: textContent, tool_call_id: string }),
    },
    object({ role: picklist(ROLES) }, 'an object with a role'),
  );
  const functionTool = object({
    function: object({
      name: nonEmptyString,
      description: nullish(string),
      parameters: nullish(json({ objectOnly: true })),
      strict: nullish(boolean),
    }),
  });
  const tool = byField('type', { function: functionTool }, typed);
  const toolChoiceObject = byField('type', { function: object({ function: object({ name: nonEmptyString }) }) }, typed);
  const toolChoiceName = picklist(['none', 'auto', 'required']);
  const toolChoice = variants("'none', 'auto', 'required' or an object with a type", (input) =>
    typeof input === 'string' ? toolChoiceName : typeof input === 'object' && input !== null ? toolChoiceObject : undefined,
  );
  const responseFormat = byField(
    'type',
    {
      json_schema: object({
        json_schema: object({
          name: string,
          description: nullish(string),
          schema: nullish(json({ objectOnly: true })),
          strict: nullish(boolean),
        }),
      }),
    },
    typed,
  );
  const stop = variants('a string or an array of strings', (input) =>
    typeof input === 'string' ? string : Array.isArray(input) ? stringList : undefined,
  );
  return object(
    {
      ...routingFields(),
      messages: array(message, 'a non-empty array of messages'),
      tools: nullish(array(tool, 'an array of tools')),
      tool_choice: nullish(toolChoice),
      response_format: nullish(responseFormat),
      temperature: nullish(finite),
      top_p: nullish(finite),
      seed: nullish(number('a whole number', { integer: true })),
      presence_penalty: nullish(finite),
      frequency_penalty: nullish(finite),
      parallel_tool_calls: nullish(boolean),
      max_tokens: nullish(positiveWholeNumber),
      max_completion_tokens: nullish(positiveWholeNumber),
      n: nullish(positiveWholeNumber),
      stop: nullish(stop),
      reasoning_effort: nullish(string),
      user: nullish(string),
      stream: nullish(boolean),
      stream_options: nullish(object({ include_usage: nullish(boolean) })),
      metadata: nullish(recordOf(string, 'an object of string values')),
      logit_bias: nullish(recordOf(finite, 'an object of numbers')),
      logprobs: nullish(boolean),
      top_logprobs: nullish(number('a whole number >= 0', { min: 0, integer: true })),
      store: nullish(boolean),
      service_tier: nullish(string),
      modalities: nullish(stringList),
      prompt_cache_key: nullish(string),
      safety_identifier: nullish(string),
      verbosity: nullish(string),
    },
    'an object with model and messages',
  );
}

const chatParamsSchema = lazily(build);

/** Throws an `invalid_request` ZenError naming the first bad field of a `chat.completions.create` body (`messages[0].content[1]`, `zen.timeouts.totalMs`). */
export function validateChatParams(body: unknown): void {
  checkSchema(chatParamsSchema(), body, 'invalid_request');
}
