import { checkSchema } from '../../core/validate/check.js';
import {
  abortSignal,
  array,
  boolean,
  finite,
  isObject,
  json,
  lazily,
  nonEmptyString,
  nullish,
  number,
  object,
  optional,
  positiveWholeNumber,
  string,
  stringList,
  variants,
  type Schema,
} from '../../core/validate/schemas.js';
import { routingFields } from './zen-options.js';

/**
 * The schema of `models.generateContent[Stream]` params (@google/genai's GenerateContentParameters):
 * `contents` in every shape the SDK takes (a string, a Part, a Content, or a list of them), and the
 * type of every `config` field the face reads. Tools and parts it does not support pass here with
 * the right type, so that the converter names them in its own words.
 */

function build(): Schema {
  const part = object({
    text: optional(string),
    thought: optional(boolean),
    thoughtSignature: optional(string),
    inlineData: optional(object({ mimeType: optional(string), data: optional(string) })),
    fileData: optional(object({ fileUri: optional(string), mimeType: optional(string) })),
    functionCall: optional(object({ name: optional(string), id: optional(string), args: optional(json()) })),
    functionResponse: optional(object({ name: optional(string), id: optional(string), response: optional(json()) })),
  });
  const partOrText = variants('a string or a Part object', (input) =>
    typeof input === 'string' ? string : isObject(input) ? part : undefined,
  );
  const content = object({ role: optional(string), parts: optional(array(partOrText)) });
  const isContent = (input: unknown): boolean => isObject(input) && Array.isArray(input.parts);
  const contentItem = variants('a Content, a Part or a string', (input) =>
    typeof input === 'string' ? string : isContent(input) ? content : isObject(input) ? part : undefined,
  );
  const contentList = array(contentItem);
  const contents = variants('a string, a Part, a Content, or an array of them', (input) =>
    typeof input === 'string'
      ? string
      : Array.isArray(input)
        ? contentList
        : isContent(input)
          ? content
          : isObject(input)
            ? part
            : undefined,
  );
  const parts = array(partOrText);
  const systemInstruction = variants('a string, a Part, a Content, or an array of parts', (input) =>
    typeof input === 'string' ? string : Array.isArray(input) ? parts : isContent(input) ? content : isObject(input) ? part : undefined,
  );
  const declaration = object({
    name: nonEmptyString,
    description: optional(string),
    parameters: optional(json({ objectOnly: true })),
    parametersJsonSchema: optional(json()),
    response: optional(json()),
    responseJsonSchema: optional(json()),
  });
  const tool = object({ functionDeclarations: optional(array(declaration)) });
  const config = object({
    systemInstruction: optional(systemInstruction),
    temperature: optional(finite),
    topP: optional(finite),
    topK: optional(finite),
    seed: optional(number('a whole number', { integer: true })),
    presencePenalty: optional(finite),
    frequencyPenalty: optional(finite),
    maxOutputTokens: optional(positiveWholeNumber),
    candidateCount: optional(positiveWholeNumber),
    stopSequences: optional(stringList),
    responseModalities: optional(stringList),
    tools: optional(array(tool, 'an array of tools')),
    toolConfig: optional(
      object({ functionCallingConfig: optional(object({ mode: optional(string), allowedFunctionNames: optional(stringList) })) }),
    ),
    responseMimeType: optional(string),
    responseSchema: optional(json({ objectOnly: true })),
    responseJsonSchema: optional(json()),
    thinkingConfig: optional(
      object({
        thinkingBudget: optional(number('a whole number (-1 for dynamic, 0 for off)', { min: -1, integer: true })),
        thinkingLevel: optional(string),
        includeThoughts: optional(boolean),
      }),
    ),
    abortSignal: optional(abortSignal),
  });
  return object({ ...routingFields(), contents, config: nullish(config) }, 'an object with model and contents');
}

const generateParamsSchema = lazily(build);

/** Throws an `invalid_request` ZenError naming the first bad field of a `models.generateContent[Stream]` body. */
export function validateGenerateParams(body: unknown): void {
  checkSchema(generateParamsSchema(), body, 'invalid_request');
}
