/**
 * Code written for @google/genai, on ZenClient: `models.generateContent` and
 * `models.generateContentStream`, with function calling and a response schema, served by any family.
 *
 *   - const ai = new GoogleGenAI({ apiKey });
 *   + const ai = new ZenClient();
 *
 * Run offline: npx tsx examples/run.ts examples/gemini-face.ts
 */
import { ZenClient } from 'zenrouter';

const ai = new ZenClient();

export async function main(): Promise<void> {
  for (const model of ['gemini-2.5-flash', 'claude-haiku-4-5', 'gpt-5-mini']) {
    const response = await ai.models.generateContent({
      model,
      contents: 'Why is the sky blue? One sentence.',
      config: { systemInstruction: 'You are a physics teacher.' },
    });
    console.log(`${model}: ${response.text} [${response.candidates?.[0]?.finishReason}]`);
  }

  const called = await ai.models.generateContent({
    model: 'claude-haiku-4-5',
    contents: 'Turn on the kitchen lights.',
    config: {
      tools: [
        {
          functionDeclarations: [
            {
              name: 'set_light',
              parametersJsonSchema: {
                type: 'object',
                properties: { room: { type: 'string' }, on: { type: 'boolean' } },
                required: ['room', 'on'],
              },
            },
          ],
        },
      ],
    },
  });
  console.log(`functionCalls: ${JSON.stringify(called.functionCalls)}`);

  const structured = await ai.models.generateContent({
    model: 'gpt-5-mini',
    contents: 'Give me a recipe name and its minutes.',
    config: {
      responseMimeType: 'application/json',
      responseJsonSchema: {
        type: 'object',
        properties: { name: { type: 'string' }, minutes: { type: 'integer' } },
        required: ['name', 'minutes'],
      },
    },
  });
  console.log(`json: ${structured.text}`);

  const stream = await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Write a limerick about retries.' });
  for await (const chunk of stream) process.stdout.write(chunk.text ?? '');
  console.log();
}
