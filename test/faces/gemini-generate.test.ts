import { GenerateContentResponse, GoogleGenAI, type Part } from '@google/genai';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RequestRecord } from '../../src/index.js';
import type { StreamPart } from '../../src/core/stream-part.js';
import { makeUsage } from '../../src/core/usage.js';
import { toGenerateContentResponse, ZenGenerateContentResponse } from '../../src/faces/gemini-generate-response.js';
import { toGenerateContentChunks } from '../../src/faces/gemini-generate-stream.js';
import { useSimulator } from '../helpers/simulator.js';
import { collect, FAMILIES, upstream, zenOver } from './helpers.js';

const sim = useSimulator();
const WEATHER = {
  functionDeclarations: [
    {
      name: 'get_weather',
      description: 'Weather for a city',
      parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  ],
};

beforeEach(() => {
  // The real SDK's getters warn about mixed parts; the comparisons below make them on purpose.
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function* parts(...list: StreamPart[]): AsyncGenerator<StreamPart> {
  yield* list;
}

describe('the response class behaves like the SDK’s GenerateContentResponse', () => {
  const arrangements: Array<[string, Part[] | undefined]> = [
    ['text', [{ text: 'Hello' }, { text: ' world' }]],
    [
      'thoughts and text',
      [
        { text: 'hmm', thought: true },
        { text: 'Answer', thoughtSignature: 'sig' },
      ],
    ],
    ['only thoughts', [{ text: 'hmm', thought: true }]],
    ['empty text', [{ text: '' }]],
    ['function calls', [{ text: 'Calling.' }, { functionCall: { name: 'a', args: { x: 1 } } }, { functionCall: { name: 'b', args: {} } }]],
    ['inline data', [{ inlineData: { mimeType: 'image/png', data: 'iVBORw0K' } }, { inlineData: { mimeType: 'image/png', data: 'AAAA' } }]],
    ['no parts', []],
    ['no content', undefined],
  ];
  it.each(arrangements)('%s', (_name, partList) => {
    const fields = {
      candidates: [{ content: partList ? { role: 'model', parts: partList } : undefined, index: 0 }],
      usageMetadata: { promptTokenCount: 3 },
    };
    const ours = new ZenGenerateContentResponse(fields);
    const theirs = Object.assign(new GenerateContentResponse(), fields);
    expect(ours.text).toEqual(theirs.text);
    expect(ours.functionCalls).toEqual(theirs.functionCalls);
    expect(ours.data).toEqual(theirs.data);
    expect(ours.executableCode).toEqual(theirs.executableCode);
    expect(ours.initialPromptTokenCount).toEqual(theirs.initialPromptTokenCount);
    expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs));
  });
});

describe('canonical result → GenerateContentResponse', () => {
  it('maps parts, the finish reason and usage the way Gemini counts it', () => {
    const response = toGenerateContentResponse(
      {
        id: 'msg_1',
        modelId: 'claude-haiku-4-5',
        content: [
          { type: 'reasoning', text: 'Think.', signature: 'sig' },
          { type: 'text', text: 'Calling.' },
          { type: 'tool-call', id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        ],
        finishReason: { unified: 'tool-calls', raw: 'tool_use' },
        usage: makeUsage({ inputTotal: 100, cacheRead: 40, outputTotal: 30, reasoning: 10 }),
        warnings: [],
      },
      'zen_1',
      'claude-haiku-4-5',
      [],
    );
    expect(JSON.parse(JSON.stringify(response))).toEqual({
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { text: 'Think.', thought: true, thoughtSignature: 'sig' },
              { text: 'Calling.' },
              { functionCall: { id: 'toolu_1', name: 'get_weather', args: { city: 'Paris' } } },
            ],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      modelVersion: 'claude-haiku-4-5',
      responseId: 'msg_1',
      usageMetadata: {
        promptTokenCount: 100,
        candidatesTokenCount: 20,
        thoughtsTokenCount: 10,
        cachedContentTokenCount: 40,
        totalTokenCount: 130,
      },
    });
    expect(response.text).toBe('Calling.');
    expect(response.functionCalls).toEqual([{ id: 'toolu_1', name: 'get_weather', args: { city: 'Paris' } }]);
  });

  it.each([
    [{ unified: 'stop', raw: 'stop' }, 'STOP'],
    [{ unified: 'length', raw: 'max_tokens' }, 'MAX_TOKENS'],
    [{ unified: 'content-filter', raw: 'content_filter' }, 'SAFETY'],
    [{ unified: 'content-filter', raw: 'RECITATION' }, 'RECITATION'],
    [{ unified: 'error', raw: 'MALFORMED_FUNCTION_CALL' }, 'MALFORMED_FUNCTION_CALL'],
    [{ unified: 'other', raw: 'pause_turn' }, 'OTHER'],
  ] as const)('finish %o → %s', (finishReason, expected) => {
    const response = toGenerateContentResponse(
      { id: undefined, modelId: undefined, content: [], finishReason: { ...finishReason }, usage: makeUsage({}), warnings: [] },
      'zen_1',
      'm',
      [],
    );
    expect(response.candidates![0]!.finishReason).toBe(expected);
    expect(response.responseId).toBe('zen_1');
  });

  it('puts a Gemini signature without text on the part after it', () => {
    const response = toGenerateContentResponse(
      {
        id: 'r',
        modelId: 'g',
        content: [
          { type: 'reasoning', text: '', signature: 'gsig' },
          { type: 'text', text: 'Hi' },
        ],
        finishReason: { unified: 'stop', raw: 'STOP' },
        usage: makeUsage({}),
        warnings: [],
      },
      'zen_1',
      'g',
      [],
    );
    expect(response.candidates![0]!.content!.parts).toEqual([{ text: 'Hi', thoughtSignature: 'gsig' }]);
  });
});

describe('canonical stream → GenerateContentResponse chunks', () => {
  it('streams text and thoughts as they come, calls whole, and the finish with usage last', async () => {
    const chunks = await collect(
      toGenerateContentChunks(
        parts(
          { type: 'stream-start', id: 'resp-1', modelId: 'gpt-5-mini', warnings: [] },
          { type: 'reasoning-delta', delta: 'Hmm' },
          { type: 'reasoning-delta', delta: '', signature: 'sig' },
          { type: 'text-delta', delta: 'Hi' },
          { type: 'tool-call-start', index: 0, id: 'c0', name: 'a' },
          { type: 'tool-call-delta', index: 0, argumentsDelta: '{"x":' },
          { type: 'tool-call-start', index: 1, id: 'c1', name: 'b' },
          { type: 'tool-call-delta', index: 0, argumentsDelta: '1}' },
          { type: 'tool-call-delta', index: 1, argumentsDelta: '{}' },
          {
            type: 'finish',
            finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
            usage: makeUsage({ inputTotal: 9, outputTotal: 4 }),
          },
        ),
        { requestId: 'zen_1', model: () => 'unused', warnings: [] },
      ),
    );
    expect(chunks.map((chunk) => chunk.candidates![0]!.content!.parts)).toEqual([
      [{ text: 'Hmm', thought: true }],
      [{ text: '', thought: true, thoughtSignature: 'sig' }],
      [{ text: 'Hi' }],
      [{ functionCall: { id: 'c0', name: 'a', args: { x: 1 } } }, { functionCall: { id: 'c1', name: 'b', args: {} } }],
    ]);
    expect(chunks.every((chunk) => chunk.responseId === 'resp-1' && chunk.modelVersion === 'gpt-5-mini')).toBe(true);
    expect(
      chunks.slice(0, -1).every((chunk) => chunk.candidates![0]!.finishReason === undefined && chunk.usageMetadata === undefined),
    ).toBe(true);
    expect(chunks.at(-1)!.candidates![0]!.finishReason).toBe('STOP');
    expect(chunks.at(-1)!.usageMetadata).toEqual({ promptTokenCount: 9, candidatesTokenCount: 4, totalTokenCount: 13 });
    expect(chunks.at(-1)!.functionCalls!.map((call) => call.name)).toEqual(['a', 'b']);
  });

  it('ends a text answer with an empty text part, so that chunk.text is never undefined there', async () => {
    const chunks = await collect(
      toGenerateContentChunks(
        parts(
          { type: 'text-delta', delta: 'Hi' },
          { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: makeUsage({}) },
        ),
        { requestId: 'zen_1', model: () => 'm', warnings: [] },
      ),
    );
    expect(chunks.map((chunk) => chunk.text)).toEqual(['Hi', '']);
    expect(chunks[0]!.modelVersion).toBe('m');
  });
});

describe('zen.models against the real SDK on the same simulated Gemini answer', () => {
  it('answers what GoogleGenAI answers, plain and streamed (function call ids aside)', async () => {
    const reply = {
      reasoning: 'Weather needed.',
      text: 'Checking.',
      toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }],
      usage: { input: 20, output: 12, reasoning: 3 },
    };
    sim.setDefault('gemini-2.5-flash', reply);
    const ai = new GoogleGenAI({ apiKey: 'AIza-simulator-000000000000000000000', httpOptions: { baseUrl: sim.googleBaseURL } });
    const zen = await zenOver(sim);
    const params = {
      contents: 'Weather in Paris?',
      config: { tools: [WEATHER], thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 } },
    };
    const theirs = await ai.models.generateContent({ model: 'gemini-2.5-flash', ...params });
    const ours = await zen.models.generateContent({ model: 'google/gemini-2.5-flash', ...params });
    const strip = (response: { candidates?: Array<{ content?: { parts?: Part[] } }> }) =>
      response.candidates?.[0]?.content?.parts?.map((part) =>
        part.functionCall ? { ...part, functionCall: { name: part.functionCall.name, args: part.functionCall.args } } : part,
      );
    expect(strip(ours)).toEqual(strip(theirs));
    expect(ours.candidates![0]!.finishReason).toBe(theirs.candidates![0]!.finishReason);
    // The real answer adds per-modality details; every count zenrouter reports is the same.
    expect(theirs.usageMetadata).toMatchObject({ ...ours.usageMetadata });
    expect(ours.text).toBe(theirs.text);
    expect(ours.functionCalls!.map((call) => call.name)).toEqual(theirs.functionCalls!.map((call) => call.name));
    expect(ours.modelVersion).toBe(theirs.modelVersion);

    const theirChunks = await collect(await ai.models.generateContentStream({ model: 'gemini-2.5-flash', ...params }));
    const ourChunks = await collect(await zen.models.generateContentStream({ model: 'google/gemini-2.5-flash', ...params }));
    const joined = (chunks: Array<{ text?: string }>) => chunks.map((chunk) => chunk.text ?? '').join('');
    expect(joined(ourChunks)).toBe(joined(theirChunks));
    const thoughts = (chunks: typeof theirChunks) =>
      chunks
        .flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? [])
        .filter((part) => part.thought)
        .map((part) => part.text)
        .join('');
    expect(thoughts(ourChunks)).toBe(thoughts(theirChunks));
    expect(ourChunks.flatMap((chunk) => chunk.functionCalls ?? []).map((call) => call.args)).toEqual(
      theirChunks.flatMap((chunk) => chunk.functionCalls ?? []).map((call) => call.args),
    );
    expect(ourChunks.at(-1)!.candidates![0]!.finishReason).toBe(theirChunks.at(-1)!.candidates![0]!.finishReason);
    expect(theirChunks.at(-1)!.usageMetadata).toMatchObject({ ...ourChunks.at(-1)!.usageMetadata });
  });
});

describe.each(FAMILIES)('zen.models served by %s', (model) => {
  it('generateContent: a response with zen metadata, recorded as the gemini face', async () => {
    const zen = await zenOver(sim);
    sim.enqueue(upstream(model), { text: 'Paris.', usage: { input: 20, output: 3, cachedInput: 8 } });
    const response = await zen.models.generateContent({
      model,
      contents: 'Capital of France?',
      config: { systemInstruction: 'Be brief.' },
    });
    expect(response).toBeInstanceOf(ZenGenerateContentResponse);
    expect(response.text).toBe('Paris.');
    expect(response.candidates![0]!.finishReason).toBe('STOP');
    // Gemini counts cached tokens inside the prompt count, whoever answered.
    expect(response.usageMetadata).toMatchObject({
      promptTokenCount: 20,
      cachedContentTokenCount: 8,
      candidatesTokenCount: 3,
      totalTokenCount: 23,
    });
    expect(response.zen).toMatchObject({ face: 'gemini-generate', model });
    expect(JSON.parse(JSON.stringify(response))).not.toHaveProperty('zen');
    await zen.flush();
    const faces: string[] = [];
    for await (const record of zen.ledger.query()) if (record.type === 'request') faces.push((record as RequestRecord).face);
    expect(faces).toEqual(['gemini-generate']);
  });

  it('generateContentStream: chunks, then the final metadata', async () => {
    const zen = await zenOver(sim);
    sim.enqueue(upstream(model), { text: 'One two three.', usage: { input: 5, output: 4 } });
    const stream = await zen.models.generateContentStream({ model, contents: 'Count.' });
    let text = '';
    for await (const chunk of stream) text += chunk.text;
    expect(text).toBe('One two three.');
    const metadata = await stream.metadata();
    expect(metadata).toMatchObject({ face: 'gemini-generate', model });
    expect(stream.zen.requestId).toBe(metadata.requestId);
  });
});

describe('zen.models behaviour', () => {
  it('sends an Anthropic model what the Messages API expects', async () => {
    const zen = await zenOver(sim);
    await zen.models.generateContent({
      model: 'anthropic/claude-haiku-4-5',
      contents: [{ role: 'user', parts: [{ text: 'Weather?' }] }],
      config: {
        systemInstruction: 'Be brief.',
        maxOutputTokens: 300,
        stopSequences: ['END'],
        tools: [WEATHER],
        toolConfig: { functionCallingConfig: { mode: 'ANY' as never } },
      },
    });
    expect(sim.calls[0]!.body).toMatchObject({
      model: 'claude-haiku-4-5',
      system: 'Be brief.',
      max_tokens: 300,
      stop_sequences: ['END'],
      tool_choice: { type: 'any' },
      tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather?' }] }],
    });
  });

  it('refuses bad input before any call is made', async () => {
    const zen = await zenOver(sim);
    await expect(
      zen.models.generateContent({ model: 'openai/gpt-5-mini', contents: 'hi', config: { tools: [{ googleSearch: {} }] } }),
    ).rejects.toMatchObject({ kind: 'invalid_request', code: 'config.tools[0].googleSearch' });
    await expect(zen.models.generateContentStream({ model: 'openai/gpt-5-mini', contents: [] })).rejects.toMatchObject({
      kind: 'invalid_request',
      code: 'contents',
    });
    expect(sim.calls).toHaveLength(0);
  });

  it('honours config.abortSignal', async () => {
    const zen = await zenOver(sim);
    // The answer never comes in the test's life: only the abort can end the call.
    sim.enqueue('gpt-5-mini', { text: 'late', ttftMs: 600_000 });
    const controller = new AbortController();
    const pending = zen.models.generateContent({ model: 'openai/gpt-5-mini', contents: 'hi', config: { abortSignal: controller.signal } });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ kind: 'aborted' });
  });

  it('a caller that stops reading cancels the stream upstream', async () => {
    const zen = await zenOver(sim);
    sim.enqueue('gpt-5-mini', { text: 'one two three four five six seven eight', tokensPerSecond: 50 });
    const stream = await zen.models.generateContentStream({ model: 'openai/gpt-5-mini', contents: 'count' });
    for await (const chunk of stream) if (chunk.text) break;
    expect(stream.controller.signal.aborted).toBe(true);
    const metadata = await stream.metadata();
    expect(metadata.face).toBe('gemini-generate');
  });
});
