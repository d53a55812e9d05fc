import { FunctionCallingConfigMode, Type, type GenerateContentConfig } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { ZenError } from '../../src/index.js';
import { convertGenerateRequest, normalizeContents, type GenerateContentBody } from '../../src/faces/gemini-generate-request.js';
import { geminiSchemaToJsonSchema } from '../../src/faces/gemini-schema.js';

/** @google/genai params → the canonical request, field by field, and the errors bad input gets. */

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

function convert(contents: unknown, config?: GenerateContentConfig) {
  return convertGenerateRequest({ contents, ...(config ? { config } : {}) } as GenerateContentBody);
}

function errorOf(contents: unknown, config?: Record<string, unknown>): ZenError {
  try {
    convert(contents, config as GenerateContentConfig);
  } catch (error) {
    expect(ZenError.isInstance(error)).toBe(true);
    return error as ZenError;
  }
  throw new Error('expected an error');
}

describe('contents are normalised the way the SDK does it', () => {
  it.each([
    ['a string', 'hi', [{ role: 'user', parts: [{ text: 'hi' }] }]],
    ['a part', { text: 'hi' }, [{ role: 'user', parts: [{ text: 'hi' }] }]],
    ['parts and strings', ['a', { text: 'b' }], [{ role: 'user', parts: [{ text: 'a' }, { text: 'b' }] }]],
    ['a Content', { role: 'user', parts: [{ text: 'hi' }] }, [{ role: 'user', parts: [{ text: 'hi' }] }]],
    [
      'Contents',
      [
        { role: 'user', parts: [{ text: 'a' }] },
        { role: 'model', parts: [{ text: 'b' }] },
      ],
      [
        { role: 'user', parts: [{ text: 'a' }] },
        { role: 'model', parts: [{ text: 'b' }] },
      ],
    ],
  ])('%s', (_name, contents, expected) => {
    expect(normalizeContents(contents)).toEqual(expected);
  });
});

describe('Gemini request → canonical', () => {
  it('maps systemInstruction, images, sampling and limits', () => {
    const { request, warnings } = convert(
      [
        { text: 'What is this?' },
        { inlineData: { mimeType: 'image/png', data: PNG } },
        { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/cat.jpg' } },
      ],
      {
        systemInstruction: { parts: [{ text: 'Be brief.' }, { text: 'Use French.' }] },
        temperature: 0.2,
        topP: 0.8,
        topK: 20,
        maxOutputTokens: 300,
        stopSequences: ['END'],
        seed: 7,
        presencePenalty: 0.1,
        frequencyPenalty: 0.2,
        safetySettings: [],
      },
    );
    expect(request).toEqual({
      messages: [
        { role: 'system', content: 'Be brief.\nUse French.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: PNG } },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
      temperature: 0.2,
      topP: 0.8,
      topK: 20,
      maxOutputTokens: 300,
      stopSequences: ['END'],
      seed: 7,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
    });
    expect(warnings.map((warning) => warning.setting)).toEqual(['config.safetySettings']);
    expect(convert('hi', { systemInstruction: 'Plain.' }).request.messages[0]).toEqual({ role: 'system', content: 'Plain.' });
  });

  it('gives function calls ids and matches responses by name in order, or by id', () => {
    const { request } = convert([
      { role: 'user', parts: [{ text: 'Weather in Paris and Oslo, and the time?' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'weather', args: { city: 'Paris' } }, thoughtSignature: 'sig-a' },
          { functionCall: { name: 'weather', args: { city: 'Oslo' } } },
          { functionCall: { id: 'call_time', name: 'time', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { id: 'call_time', name: 'time', response: { output: '12:00' } } },
          { functionResponse: { name: 'weather', response: { result: { temperature: 21 } } } },
          { functionResponse: { name: 'weather', response: { error: 'no data' } } },
          { text: 'Thanks.' },
        ],
      },
    ]);
    expect(request.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          {
            type: 'tool-call',
            id: 'call_1_0',
            name: 'weather',
            arguments: '{"city":"Paris"}',
            providerData: { thoughtSignature: 'sig-a' },
          },
          { type: 'tool-call', id: 'call_1_1', name: 'weather', arguments: '{"city":"Oslo"}' },
          { type: 'tool-call', id: 'call_time', name: 'time', arguments: '{}' },
        ],
      },
      { role: 'tool', toolCallId: 'call_time', toolName: 'time', content: '12:00' },
      { role: 'tool', toolCallId: 'call_1_0', toolName: 'weather', content: '{"temperature":21}' },
      { role: 'tool', toolCallId: 'call_1_1', toolName: 'weather', content: 'no data', isError: true },
      { role: 'user', content: [{ type: 'text', text: 'Thanks.' }] },
    ]);
  });

  it('keeps thoughts and signatures: streamed thought pieces are one thought, a signature on text travels before it', () => {
    const { request } = convert([
      { role: 'user', parts: [{ text: 'hi' }] },
      {
        role: 'model',
        parts: [
          { text: 'Let me ', thought: true },
          { text: 'think.', thought: true },
          { text: '', thought: true, thoughtSignature: 'anthropic-sig' },
          { text: 'Hello!', thoughtSignature: 'gemini-sig' },
        ],
      },
      { role: 'user', parts: [{ text: 'again' }] },
    ]);
    expect(request.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'Let me think.', signature: 'anthropic-sig' },
        { type: 'reasoning', text: '', signature: 'gemini-sig' },
        { type: 'text', text: 'Hello!' },
      ],
    });
  });

  it('maps function declarations (Schema or JSON Schema) and every calling mode', () => {
    const declarations = [
      {
        name: 'weather',
        description: 'Weather',
        parameters: {
          type: Type.OBJECT,
          properties: { city: { type: Type.STRING }, days: { type: Type.INTEGER, nullable: true } },
          required: ['city'],
        },
      },
      { name: 'time', parametersJsonSchema: { type: 'object', properties: { zone: { type: 'string' } } } },
      { name: 'ping' },
    ];
    const tools = [{ functionDeclarations: declarations }];
    const { request } = convert('hi', { tools });
    expect(request.tools).toEqual([
      {
        name: 'weather',
        description: 'Weather',
        parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: ['integer', 'null'] } }, required: ['city'] },
      },
      { name: 'time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } },
      { name: 'ping', parameters: { type: 'object', properties: {} } },
    ]);
    const mode = (functionCallingConfig: Record<string, unknown>) =>
      convert('hi', { tools, toolConfig: { functionCallingConfig } }).request;
    expect(mode({ mode: FunctionCallingConfigMode.AUTO }).toolChoice).toBe('auto');
    expect(mode({ mode: FunctionCallingConfigMode.NONE }).toolChoice).toBe('none');
    expect(mode({ mode: FunctionCallingConfigMode.ANY }).toolChoice).toBe('required');
    expect(mode({ mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: ['time'] }).toolChoice).toEqual({
      type: 'tool',
      name: 'time',
    });
    const narrowed = mode({ mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: ['time', 'ping'] });
    expect(narrowed.toolChoice).toBe('required');
    expect(narrowed.tools!.map((tool) => tool.name)).toEqual(['time', 'ping']);
  });

  it('maps JSON output (schema, JSON schema, free JSON) and thinking', () => {
    const schema = {
      type: Type.OBJECT,
      properties: { names: { type: Type.ARRAY, items: { type: Type.STRING }, minItems: '1' } },
      propertyOrdering: ['names'],
    };
    expect(convert('hi', { responseMimeType: 'application/json', responseSchema: schema }).request.responseFormat).toEqual({
      type: 'json-schema',
      name: 'response',
      schema: { type: 'object', properties: { names: { type: 'array', items: { type: 'string' }, minItems: 1 } } },
    });
    const jsonSchema = { type: 'object', properties: { a: { type: 'number' } } };
    expect(convert('hi', { responseMimeType: 'application/json', responseJsonSchema: jsonSchema }).request.responseFormat).toEqual({
      type: 'json-schema',
      name: 'response',
      schema: jsonSchema,
    });
    expect(convert('hi', { responseMimeType: 'application/json' }).request.responseFormat).toEqual({ type: 'json' });
    expect(convert('hi', { thinkingConfig: { thinkingBudget: 2048, includeThoughts: true } }).request).toMatchObject({
      reasoningBudgetTokens: 2048,
      includeReasoning: true,
    });
    expect(convert('hi', { thinkingConfig: { thinkingBudget: 0 } }).request.reasoningBudgetTokens).toBe(0);
    expect(convert('hi', { thinkingConfig: { thinkingBudget: -1 } }).request.reasoningEffort).toBe('medium');
    expect(convert('hi', { thinkingConfig: { thinkingLevel: 'LOW' as never } }).request.reasoningEffort).toBe('low');
  });

  it('passes config.abortSignal on as the call signal', () => {
    const controller = new AbortController();
    expect(convert('hi', { abortSignal: controller.signal }).signal).toBe(controller.signal);
  });

  it('converts nullable unions and leaves JSON Schema unchanged', () => {
    expect(geminiSchemaToJsonSchema({ anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }], nullable: true, example: 'x' })).toEqual({
      anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'null' }],
      examples: ['x'],
    });
    const plain = { type: 'object', properties: { a: { type: ['string', 'null'] } }, additionalProperties: false };
    expect(geminiSchemaToJsonSchema(plain)).toEqual(plain);
  });
});

describe('bad Gemini input gets a clear invalid_request error naming the field', () => {
  const cases: Array<[string, unknown, Record<string, unknown> | undefined, string, RegExp]> = [
    ['no contents', [], undefined, 'contents', /contents are required/],
    ['mixed contents and parts', [{ role: 'user', parts: [{ text: 'a' }] }, 'b'], undefined, 'contents[1]', /Mixing/],
    ['a bare functionCall', { functionCall: { name: 'f', args: {} } }, undefined, 'contents', /wrapped in a Content/],
    [
      'a response without a call',
      [{ role: 'user', parts: [{ functionResponse: { name: 'f', response: {} } }] }],
      undefined,
      'contents[0].parts[0].functionResponse',
      /answers no earlier functionCall/,
    ],
    [
      'an audio part',
      [{ inlineData: { mimeType: 'audio/mp3', data: 'AAAA' } }],
      undefined,
      'contents[0].parts[0].inlineData.mimeType',
      /audio\/mp3/,
    ],
    [
      'a PDF file',
      [{ fileData: { mimeType: 'application/pdf', fileUri: 'gs://b/a.pdf' } }],
      undefined,
      'contents[0].parts[0].fileData.mimeType',
      /application\/pdf/,
    ],
    [
      'executable code',
      [{ role: 'model', parts: [{ executableCode: { code: 'print(1)' } }] }],
      undefined,
      'contents[0].parts[0]',
      /executableCode/,
    ],
    ['an unknown role', [{ role: 'system', parts: [{ text: 'x' }] }], undefined, 'contents[0].role', /Unknown role/],
    ['Google Search', 'hi', { tools: [{ googleSearch: {} }] }, 'config.tools[0].googleSearch', /googleSearch/],
    ['code execution', 'hi', { tools: [{ codeExecution: {} }] }, 'config.tools[0].codeExecution', /codeExecution/],
    ['several candidates', 'hi', { candidateCount: 2 }, 'config.candidateCount', /candidateCount/],
    ['a context cache', 'hi', { cachedContent: 'cachedContents/1' }, 'config.cachedContent', /context cache/],
    ['image output', 'hi', { responseModalities: ['TEXT', 'IMAGE'] }, 'config.responseModalities', /zen\.images/],
    ['a schema without JSON', 'hi', { responseSchema: { type: 'OBJECT' } }, 'config.responseMimeType', /application\/json/],
    ['an enum MIME type', 'hi', { responseMimeType: 'text/x.enum' }, 'config.responseMimeType', /text\/x\.enum/],
    [
      'an unknown allowed function',
      'hi',
      {
        tools: [{ functionDeclarations: [{ name: 'f' }] }],
        toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['g'] } },
      },
      'config.toolConfig.functionCallingConfig.allowedFunctionNames',
      /"g"/,
    ],
    ['a bad thinking budget', 'hi', { thinkingConfig: { thinkingBudget: -5 } }, 'config.thinkingConfig.thinkingBudget', /whole number/],
    ['a non-numeric temperature', 'hi', { temperature: 'warm' }, 'config.temperature', /number/],
  ];
  it.each(cases)('%s', (_name, contents, config, param, message) => {
    const error = errorOf(contents, config);
    expect(error.kind).toBe('invalid_request');
    expect(error.code).toBe(param);
    expect(error.message).toMatch(message);
  });
});
