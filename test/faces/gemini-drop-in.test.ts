import { FunctionCallingConfigMode, Type, type Content, type FunctionDeclaration } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';
import { FAMILIES, zenOver } from './helpers.js';

/**
 * Drop-in proof: scripts written for @google/genai, run unchanged except for the line that builds
 * the client (`new GoogleGenAI({})` → a ZenClient, whose `models` is the SDK's `ai.models`),
 * served by models of all three families.
 */

const sim = useSimulator();

const controlLightDeclaration: FunctionDeclaration = {
  name: 'controlLight',
  description: 'Set the brightness and color temperature of a room light.',
  parameters: {
    type: Type.OBJECT,
    properties: {
      brightness: { type: Type.NUMBER, description: 'Light level from 0 to 100.' },
      colorTemperature: { type: Type.STRING, description: '`daylight`, `cool` or `warm`.' },
    },
    required: ['brightness', 'colorTemperature'],
  },
};

function setLight(args: Record<string, unknown> | undefined): { brightness: unknown; colorTemperature: unknown } {
  return { brightness: args?.brightness, colorTemperature: args?.colorTemperature };
}

describe.each(FAMILIES)('an @google/genai script served by %s', (MODEL) => {
  it('plain call', async () => {
    const ai = await zenOver(sim); // was: const ai = new GoogleGenAI({});

    const response = await ai.models.generateContent({
      model: MODEL,
      contents: 'Why is the sky blue?',
      config: { systemInstruction: 'You are a physics teacher.', temperature: 0.2, maxOutputTokens: 500 },
    });

    expect(response.text).toContain('Why is the sky blue?');
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    expect(response.usageMetadata?.totalTokenCount).toBeGreaterThan(0);
    expect(response.zen.model).toBe(MODEL);
  });

  it('stream', async () => {
    const ai = await zenOver(sim); // was: const ai = new GoogleGenAI({});

    const response = await ai.models.generateContentStream({
      model: MODEL,
      contents: 'Write a story about a magic backpack.',
    });
    let text = '';
    let chunks = 0;
    for await (const chunk of response) {
      text += chunk.text;
      chunks++;
    }

    expect(text).toContain('Write a story about a magic backpack.');
    expect(chunks).toBeGreaterThan(1);
    expect((await response.metadata()).model).toBe(MODEL);
  });

  it('tools (function calling with a functionResponse turn)', async () => {
    const ai = await zenOver(sim); // was: const ai = new GoogleGenAI({});

    const contents: Content[] = [{ role: 'user', parts: [{ text: 'Dim the lights so the room feels cozy and warm.' }] }];
    const config = {
      tools: [{ functionDeclarations: [controlLightDeclaration] }],
      toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: ['controlLight'] } },
    };
    const first = await ai.models.generateContent({ model: MODEL, contents, config });
    const call = first.functionCalls?.[0];
    const result = setLight(call?.args);
    contents.push(first.candidates![0]!.content!);
    contents.push({ role: 'user', parts: [{ functionResponse: { name: call!.name!, response: { result } } }] });
    const final = await ai.models.generateContent({ model: MODEL, contents, config: { tools: config.tools } });

    expect(call?.name).toBe('controlLight');
    expect(call?.args).toEqual({ brightness: 1, colorTemperature: 'example' });
    expect(final.text).toContain('"brightness":1');
    expect(final.functionCalls).toBeUndefined();
    expect(final.zen.model).toBe(MODEL);
  });

  it('structured output with responseSchema', async () => {
    const ai = await zenOver(sim); // was: const ai = new GoogleGenAI({});

    const response = await ai.models.generateContent({
      model: MODEL,
      contents: 'List a few popular cookie recipes.',
      config: {
        responseMimeType: 'application/json',
        responseSchema: {
          type: Type.ARRAY,
          items: {
            type: Type.OBJECT,
            properties: { recipeName: { type: Type.STRING }, ingredients: { type: Type.ARRAY, items: { type: Type.STRING } } },
            propertyOrdering: ['recipeName', 'ingredients'],
          },
        },
      },
    });
    const recipes = JSON.parse(response.text ?? '[]') as Array<{ recipeName: string; ingredients: string[] }>;

    expect(recipes[0]).toEqual({ recipeName: expect.any(String), ingredients: [expect.any(String)] });
  });
});
