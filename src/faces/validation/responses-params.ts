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
 * The schema of `responses.create` params (the openai SDK's ResponseCreateParams): the type of
 * every field the Responses face reads. Item and tool types it does not map (an `input_file`, a
 * hosted tool) pass here with the right type, so that the converter names them in its own words.
 */

const ROLES = ['user', 'assistant', 'system', 'developer'];

function build(): Schema {
  const typed = object({ type: string });
  const parts = array(
    byField(
      'type',
      {
        input_text: object({ text: string }),
        output_text: object({ text: string }),
        refusal: object({ refusal: string }),
        input_image: object({ image_url: nullish(string), file_id: nullish(string), detail: optional(string) }),
      },
      typed,
    ),
  );
  const content = variants('a string or an array of content parts', (input) =>
    typeof input === 'string' ? string : Array.isArray(input) ? parts : undefined,
  );
  const message = object({ role: picklist(ROLES), content }, 'an object with a role and content');
  const summaryText = array(object({ text: string }));
  const item = variants('an input item (a message, or an object with a type)', (input) => {
    if (!isObject(input)) return undefined;
    if (input.type === undefined || input.type === 'message') return message;
    return byField(
      'type',
      {
        function_call: object({ call_id: nonEmptyString, name: nonEmptyString, arguments: string }),
        function_call_output: object({ call_id: nonEmptyString, output: content }),
        reasoning: object({ summary: optional(summaryText), content: nullish(summaryText), encrypted_content: nullish(string) }),
        item_reference: object({ id: string }),
      },
      typed,
    );
  });
  const input = variants('a string or an array of input items', (value) =>
    typeof value === 'string' ? string : Array.isArray(value) ? array(item) : undefined,
  );
  const functionTool = object({
    name: nonEmptyString,
    description: nullish(string),
    parameters: nullish(json({ objectOnly: true })),
    strict: nullish(boolean),
  });
  const tool = byField('type', { function: functionTool }, typed);
  const choiceObject = byField(
    'type',
    {
      function: object({ name: nonEmptyString }),
      allowed_tools: object({ mode: picklist(['auto', 'required']), tools: array(typed, 'an array of tools') }),
    },
    typed,
  );
  const choiceName = picklist(['none', 'auto', 'required']);
  const toolChoice = variants("'none', 'auto', 'required' or an object with a type", (value) =>
    typeof value === 'string' ? choiceName : isObject(value) ? choiceObject : undefined,
  );
  const format = byField(
    'type',
    {
      json_schema: object({
        name: nonEmptyString,
        schema: json({ objectOnly: true }),
        description: nullish(string),
        strict: nullish(boolean),
      }),
    },
    typed,
  );
  return object(
    {
      ...routingFields(),
      input: nullish(input),
      instructions: nullish(string),
      tools: nullish(array(tool, 'an array of tools')),
      tool_choice: nullish(toolChoice),
      parallel_tool_calls: nullish(boolean),
      text: nullish(object({ format: nullish(format), verbosity: nullish(string) })),
      reasoning: nullish(object({ effort: nullish(string), summary: nullish(string), generate_summary: nullish(string) })),
      max_output_tokens: nullish(positiveWholeNumber),
      temperature: nullish(finite),
      top_p: nullish(finite),
      metadata: nullish(recordOf(string, 'an object of string values')),
      user: optional(string),
      safety_identifier: nullish(string),
      previous_response_id: nullish(nonEmptyString),
      store: nullish(boolean),
      stream: nullish(boolean),
      stream_options: nullish(object({ include_obfuscation: optional(boolean) })),
      include: nullish(stringList),
      background: nullish(boolean),
      truncation: nullish(picklist(['auto', 'disabled'])),
      service_tier: nullish(string),
      prompt_cache_key: nullish(string),
      top_logprobs: nullish(number('a whole number from 0 to 20', { min: 0, max: 20, integer: true })),
    },
    'an object with model and input',
  );
}

const responsesParamsSchema = lazily(build);

/** Throws an `invalid_request` ZenError naming the first bad field of a `responses.create` body (`input[1].content[0].text`, `zen.timeouts.totalMs`). */
export function validateResponsesParams(body: unknown): void {
  checkSchema(responsesParamsSchema(), body, 'invalid_request');
}
