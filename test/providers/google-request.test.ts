import { GoogleGenAI } from '@google/genai';
import { describe, expect, it } from 'vitest';
import type { GenerationRequest, Message } from '../../src/core/request.js';
import { createGoogleProvider } from '../../src/providers/google/index.js';
import { useSimulator } from '../helpers/simulator.js';

/** Canonical request → what reaches the wire, through the real @google/genai client. */

const sim = useSimulator();
const MODEL = 'gemini-2.5-flash';

function provider() {
  return createGoogleProvider('google', new GoogleGenAI({ apiKey: 'AIza-request-tests', httpOptions: { baseUrl: sim.googleBaseURL } }));
}

const user = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });

type Body = Record<string, any>;

async function sent(request: Partial<GenerationRequest>): Promise<{ body: Body; warnings: unknown[] }> {
  sim.enqueue(MODEL, { text: 'ok' });
  const result = await provider().generate({ modelId: MODEL, request: { messages: [user('hi')], ...request } });
  return { body: sim.calls.at(-1)!.body as Body, warnings: result.warnings };
}

describe('google convert-request', () => {
  it('sends system messages as systemInstruction and the rest as contents', async () => {
    const { body } = await sent({
      messages: [{ role: 'system', content: 'Be brief.' }, user('Hello'), { role: 'system', content: 'Answer in French.' }],
    });
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }, { text: 'Answer in French.' }] });
    expect(body.contents).toEqual([{ role: 'user', parts: [{ text: 'Hello' }] }]);
  });

  it('sends images as fileData (media type from the extension) or inlineData', async () => {
    const { body } = await sent({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare these' },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.PNG?size=large' } },
            { type: 'image', source: { kind: 'url', url: 'gs://bucket/photo' } },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/a.webp' } },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/gif', data: 'R0lGODlh' } },
            { type: 'image', source: { kind: 'url', url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
      ],
    });
    expect(body.contents[0].parts).toEqual([
      { text: 'Compare these' },
      { fileData: { fileUri: 'https://example.com/cat.PNG?size=large', mimeType: 'image/png' } },
      { fileData: { fileUri: 'gs://bucket/photo', mimeType: 'image/jpeg' } },
      { fileData: { fileUri: 'https://example.com/a.webp', mimeType: 'image/webp' } },
      { inlineData: { mimeType: 'image/gif', data: 'R0lGODlh' } },
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
    ]);
  });

  it('sends assistant text, thoughts and calls as model parts, with thought signatures', async () => {
    const { body } = await sent({
      messages: [
        user('Weather in Paris and Rome?'),
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Two cities, two calls.', signature: 'c2lnLXRob3VnaHQ=' },
            { type: 'text', text: 'Checking.' },
            {
              type: 'tool-call',
              id: 'call_1',
              name: 'weather',
              arguments: '{"city":"Paris"}',
              providerData: { thoughtSignature: 'c2lnLWNhbGw=' },
            },
            { type: 'tool-call', id: 'call_2', name: 'weather', arguments: '{"city":"Rome"}' },
          ],
        },
        { role: 'tool', toolCallId: 'call_1', toolName: 'weather', content: '{"temp":21}' },
        { role: 'tool', toolCallId: 'call_2', toolName: 'weather', content: 'no data', isError: true },
        user('Thanks'),
      ],
    });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris and Rome?' }] },
      {
        role: 'model',
        parts: [
          { text: 'Two cities, two calls.', thought: true, thoughtSignature: 'c2lnLXRob3VnaHQ=' },
          { text: 'Checking.' },
          { functionCall: { name: 'weather', args: { city: 'Paris' } }, thoughtSignature: 'c2lnLWNhbGw=' },
          { functionCall: { name: 'weather', args: { city: 'Rome' } } },
        ],
      },
      // Both answers in one user content; JSON results parsed, text kept, errors under `error`.
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'weather', response: { result: { temp: 21 } } } },
          { functionResponse: { name: 'weather', response: { error: 'no data' } } },
        ],
      },
      { role: 'user', parts: [{ text: 'Thanks' }] },
    ]);
  });

  it('puts a signature-only reasoning part back on the part that follows it', async () => {
    const { body } = await sent({
      messages: [
        user('Count the r'),
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: '', signature: 'c2lnLXRleHQ=' },
            { type: 'text', text: 'Three.' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'More.' },
            { type: 'reasoning', text: '', signature: 'dHJhaWxpbmc=' },
          ],
        },
        user('Sure?'),
      ],
    });
    expect(body.contents[1]).toEqual({ role: 'model', parts: [{ text: 'Three.', thoughtSignature: 'c2lnLXRleHQ=' }] });
    // A trailing signature keeps its own empty text part, as Gemini streams it.
    expect(body.contents[2]).toEqual({ role: 'model', parts: [{ text: 'More.' }, { text: '', thoughtSignature: 'dHJhaWxpbmc=' }] });
  });

  it('signs foreign function calls with the documented sentinel for Gemini 3 only', async () => {
    const messages: Message[] = [
      user('Weather?'),
      {
        role: 'assistant',
        content: [
          { type: 'tool-call', id: 'call_a', name: 'weather', arguments: '{"city":"Oslo"}' },
          { type: 'tool-call', id: 'call_b', name: 'time', arguments: '{}' },
        ],
      },
      { role: 'tool', toolCallId: 'call_a', toolName: 'weather', content: 'cold' },
      { role: 'tool', toolCallId: 'call_b', toolName: 'time', content: 'noon' },
      {
        role: 'assistant',
        content: [{ type: 'tool-call', id: 'call_c', name: 'weather', arguments: '{}', providerData: { thoughtSignature: 'cmVhbA==' } }],
      },
      { role: 'tool', toolCallId: 'call_c', toolName: 'weather', content: 'warm' },
    ];
    sim.enqueue('gemini-3-pro-preview', { text: 'ok' });
    const result = await provider().generate({ modelId: 'gemini-3-pro-preview', request: { messages } });
    const body = sim.calls.at(-1)!.body as Body;
    // The first call of a step carries the step's signature; a real one is never replaced.
    expect(body.contents[1].parts).toEqual([
      { functionCall: { name: 'weather', args: { city: 'Oslo' } }, thoughtSignature: 'skip_thought_signature_validator' },
      { functionCall: { name: 'time', args: {} } },
    ]);
    expect(body.contents[3].parts[0].thoughtSignature).toBe('cmVhbA==');
    expect(result.warnings).toEqual([expect.objectContaining({ type: 'other', message: expect.stringContaining('weather') })]);

    const { body: older } = await sent({ messages });
    expect(JSON.stringify(older)).not.toContain('skip_thought_signature_validator');
  });

  it('warns when an earlier call carries arguments that are not a JSON object', async () => {
    const { body, warnings } = await sent({
      messages: [
        user('x'),
        { role: 'assistant', content: [{ type: 'tool-call', id: 'c', name: 'broken', arguments: '{"a":' }] },
        { role: 'tool', toolCallId: 'c', toolName: 'broken', content: 'ok' },
      ],
    });
    expect(body.contents[1].parts[0]).toEqual({ functionCall: { name: 'broken', args: {} } });
    expect(warnings).toEqual([expect.objectContaining({ type: 'other', message: expect.stringContaining('broken') })]);
  });

  it('declares tools with parametersJsonSchema and maps every tool choice', async () => {
    const parameters = {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { anyOf: [{ const: 'C' }, { const: 'F' }] } },
      required: ['city'],
      additionalProperties: false,
    };
    const tools = [
      { name: 'weather', description: 'Current weather', parameters },
      { name: 'time', parameters: { type: 'object', properties: {} } },
    ];
    const { body } = await sent({ tools });
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          { name: 'weather', description: 'Current weather', parametersJsonSchema: parameters },
          { name: 'time', parametersJsonSchema: { type: 'object', properties: {} } },
        ],
      },
    ]);
    expect(body.toolConfig).toBeUndefined();

    const choices: Array<[GenerationRequest['toolChoice'], unknown]> = [
      ['auto', { mode: 'AUTO' }],
      ['none', { mode: 'NONE' }],
      ['required', { mode: 'ANY' }],
      [
        { type: 'tool', name: 'time' },
        { mode: 'ANY', allowedFunctionNames: ['time'] },
      ],
    ];
    for (const [toolChoice, functionCallingConfig] of choices) {
      const { body: withChoice } = await sent({ tools, toolChoice });
      expect(withChoice.toolConfig).toEqual({ functionCallingConfig });
    }
  });

  it('asks for JSON with the mime type, and for a schema with responseJsonSchema', async () => {
    const { body: json } = await sent({ responseFormat: { type: 'json' } });
    expect(json.generationConfig).toEqual({ responseMimeType: 'application/json' });
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    const { body: structured } = await sent({ responseFormat: { type: 'json-schema', name: 'answer', schema } });
    expect(structured.generationConfig).toEqual({ responseMimeType: 'application/json', responseJsonSchema: schema });
    const { body: text } = await sent({ responseFormat: { type: 'text' } });
    expect(text.generationConfig ?? {}).toEqual({});
  });

  it('maps sampling settings into generationConfig', async () => {
    const { body, warnings } = await sent({
      temperature: 0.3,
      topP: 0.9,
      topK: 20,
      maxOutputTokens: 300,
      stopSequences: ['END'],
      seed: 42,
      presencePenalty: 0.5,
      frequencyPenalty: 0.25,
      user: 'user-123',
    });
    expect(body.generationConfig).toEqual({
      temperature: 0.3,
      topP: 0.9,
      topK: 20,
      maxOutputTokens: 300,
      stopSequences: ['END'],
      seed: 42,
      presencePenalty: 0.5,
      frequencyPenalty: 0.25,
    });
    // `user` has no Gemini field: dropped, without a warning.
    expect(JSON.stringify(body)).not.toContain('user-123');
    expect(warnings).toEqual([]);
  });

  it('maps reasoning effort and budgets to thinkingConfig', async () => {
    const cases: Array<[Partial<GenerationRequest>, unknown]> = [
      [{ reasoningEffort: 'none' }, { thinkingBudget: 0 }],
      [{ reasoningEffort: 'none', includeReasoning: true }, { thinkingBudget: 0 }],
      [{ reasoningEffort: 'minimal' }, { thinkingBudget: 512 }],
      [
        { reasoningEffort: 'low', includeReasoning: true },
        { thinkingBudget: 2048, includeThoughts: true },
      ],
      [{ reasoningEffort: 'medium' }, { thinkingBudget: 8192 }],
      [{ reasoningEffort: 'high' }, { thinkingBudget: 24576 }],
      [{ reasoningEffort: 'high', reasoningBudgetTokens: 1000 }, { thinkingBudget: 1000 }],
      [{ includeReasoning: true }, { includeThoughts: true }],
    ];
    for (const [request, thinkingConfig] of cases) {
      const { body } = await sent(request);
      expect(body.generationConfig.thinkingConfig).toEqual(thinkingConfig);
    }
  });

  it('warns that parallelToolCalls: false cannot be honoured', async () => {
    const { body, warnings } = await sent({ parallelToolCalls: false, tools: [{ name: 'a', parameters: { type: 'object' } }] });
    expect(warnings).toEqual([{ type: 'unsupported-setting', setting: 'parallelToolCalls', message: expect.any(String) }]);
    expect(JSON.stringify(body)).not.toContain('parallel');
  });

  it('merges providerOptions.google last, but never lets it turn SDK retries on', async () => {
    const safetySettings = [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }];
    const { body, warnings } = await sent({
      temperature: 0.2,
      providerOptions: {
        google: { temperature: 0.7, safetySettings, httpOptions: { retryOptions: { attempts: 4 } } },
        vertexai: { temperature: 0.1 },
      },
    });
    expect(body.generationConfig.temperature).toBe(0.7);
    expect(body.safetySettings).toEqual(safetySettings);
    expect(warnings).toEqual([expect.objectContaining({ setting: 'httpOptions.retryOptions' })]);

    sim.enqueue(MODEL, { fault: { type: 'http', status: 503 } });
    const error = await provider()
      .generate({
        modelId: MODEL,
        request: {
          messages: [user('x')],
          providerOptions: { google: { httpOptions: { retryOptions: { attempts: 4, initialDelay: 0.01 } } } },
        },
      })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'overloaded' });
    expect(sim.calls.filter((call) => call.outcome === 'http')).toHaveLength(1);
  });
});
