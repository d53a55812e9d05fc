import type Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';
import { FAMILIES, zenOver } from './helpers.js';

/**
 * Drop-in proof: scripts written for @anthropic-ai/sdk, run unchanged except for the line that
 * builds the client (`new Anthropic()` → a ZenClient), served by models of all three families.
 * Each script's body below is what its author would write for the SDK.
 */

const sim = useSimulator();

function getWeather(input: unknown): { city: string; temperature: number } {
  return { city: (input as { city: string }).city, temperature: 21 };
}

describe.each(FAMILIES)('an @anthropic-ai/sdk script served by %s', (MODEL) => {
  it('plain call', async () => {
    const client = await zenOver(sim); // was: const client = new Anthropic();

    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 1024,
      system: 'You are a helpful assistant.',
      messages: [{ role: 'user', content: 'Hello, Claude' }],
    });
    const text = message.content
      .filter((block): block is Anthropic.TextBlock => block.type === 'text')
      .map((block) => block.text)
      .join('');
    const tokens = message.usage.input_tokens + message.usage.output_tokens;

    expect(text).toContain('Hello, Claude');
    expect(message.role).toBe('assistant');
    expect(message.stop_reason).toBe('end_turn');
    expect(tokens).toBeGreaterThan(0);
    expect(message.zen.model).toBe(MODEL);
  });

  it('stream (raw events)', async () => {
    const client = await zenOver(sim); // was: const client = new Anthropic();

    const stream = await client.messages.create({
      model: MODEL,
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'Write a haiku about the sea.' }],
      stream: true,
    });
    let text = '';
    let stopReason: string | null = null;
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      if (event.type === 'message_delta') stopReason = event.delta.stop_reason;
    }

    expect(text).toContain('Write a haiku about the sea.');
    expect(stopReason).toBe('end_turn');
    expect(stream.zen.model).toBe(MODEL);
  });

  it('stream (the messages.stream helper)', async () => {
    const client = await zenOver(sim); // was: const client = new Anthropic();

    let printed = '';
    const stream = client.messages
      .stream({ model: MODEL, max_tokens: 1024, messages: [{ role: 'user', content: 'Say hello.' }] })
      .on('text', (text) => {
        printed += text;
      });
    const message = await stream.finalMessage();
    const finalText = await stream.finalText();

    expect(printed).toContain('Say hello.');
    expect(finalText).toBe(printed);
    expect(message.content[0]).toMatchObject({ type: 'text', text: printed });
    expect((await stream.metadata()).face).toBe('anthropic-messages');
  });

  it('tools (the agent loop)', async () => {
    const client = await zenOver(sim); // was: const client = new Anthropic();

    const tools: Anthropic.Tool[] = [
      {
        name: 'get_weather',
        description: 'Get the current weather in a given city',
        input_schema: { type: 'object', properties: { city: { type: 'string', description: 'The city' } }, required: ['city'] },
      },
    ];
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
    let response = await client.messages.create({ model: MODEL, max_tokens: 1024, tools, messages });
    let toolCalls = 0;
    while (response.stop_reason === 'tool_use') {
      const toolUses = response.content.filter((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
      toolCalls += toolUses.length;
      messages.push({ role: 'assistant', content: response.content });
      messages.push({
        role: 'user',
        content: toolUses.map((toolUse) => ({
          type: 'tool_result' as const,
          tool_use_id: toolUse.id,
          content: JSON.stringify(getWeather(toolUse.input)),
        })),
      });
      response = await client.messages.create({ model: MODEL, max_tokens: 1024, tools, messages });
    }
    const answer = response.content.find((block): block is Anthropic.TextBlock => block.type === 'text')?.text;

    expect(toolCalls).toBe(1);
    expect(answer).toContain('"temperature":21');
    expect(response.zen.model).toBe(MODEL);
  });
});
