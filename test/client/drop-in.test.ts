import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { ZenClient, ZenError } from '../../src/index.js';
import { useSimulator } from '../helpers/simulator.js';

const sim = useSimulator();

function zen(): ZenClient {
  return new ZenClient({
    providers: {
      openai: new OpenAI({ apiKey: 'sk-test-openai-key-000000000000', baseURL: sim.openaiBaseURL, maxRetries: 0 }),
      anthropic: new Anthropic({ apiKey: 'sk-ant-test-key-0000000000000', baseURL: sim.anthropicBaseURL, maxRetries: 0 }),
    },
  });
}

const MODELS = ['openai/gpt-5-mini', 'anthropic/claude-sonnet-4-5'];

describe.each(MODELS)('an openai-SDK script served by %s', (model) => {
  const upstream = model.split('/')[1]!;

  it('plain call', async () => {
    sim.enqueue(upstream, { text: 'Paris is the capital of France.', usage: { input: 12, output: 8 } });
    const completion = await zen().chat.completions.create({
      model,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Capital of France?' },
      ],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]!.message.content).toBe('Paris is the capital of France.');
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 });
    expect(completion.zen.channel).toBe(`${model}:${model.split('/')[0]}`);
    expect(JSON.parse(JSON.stringify(completion))).not.toHaveProperty('zen');
  });

  it('stream with usage', async () => {
    sim.enqueue(upstream, { text: 'One two three four.', usage: { input: 5, output: 4 } });
    const stream = await zen().chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Count.' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('One two three four.');
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 4 });
    const metadata = await stream.metadata();
    expect(metadata.channel).toContain(model);
    expect(metadata.ttftMs).toBeGreaterThanOrEqual(0);
  });

  it('tools', async () => {
    sim.enqueue(upstream, { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] });
    const tools: OpenAI.Chat.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    const first = await zen().chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools,
      tool_choice: 'auto',
    });
    const call = first.choices[0]!.message.tool_calls![0]!;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call.type === 'function' && call.function.name).toBe('get_weather');
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    const second = await zen().chat.completions.create({
      model,
      tools,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        first.choices[0]!.message,
        { role: 'tool', tool_call_id: call.id, content: '{"temperature": 21}' },
      ],
    });
    expect(second.choices[0]!.message.content).toContain('temperature');
  });

  it('json_schema', async () => {
    const schema = {
      type: 'object',
      properties: { name: { type: 'string' }, age: { type: 'integer' } },
      required: ['name', 'age'],
      additionalProperties: false,
    };
    const completion = await zen().chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Invent a person.' }],
      response_format: { type: 'json_schema', json_schema: { name: 'person', schema, strict: true } },
    });
    const value = JSON.parse(completion.choices[0]!.message.content!);
    expect(value).toEqual({ name: expect.any(String), age: expect.any(Number) });
  });
});

describe('model addressing', () => {
  it('resolves plain SDK ids by vendor', async () => {
    sim.enqueue('claude-3-5-haiku-latest', { text: 'hi' });
    const completion = await zen().chat.completions.create({
      model: 'claude-3-5-haiku-latest',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(completion.zen.channel).toBe('anthropic/claude-3-5-haiku-latest:anthropic');
  });

  it('an unknown model lists what is configured', async () => {
    const error = await zen()
      .chat.completions.create({ model: 'acme/wonder-1', messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(ZenError.isInstance(error)).toBe(true);
    expect((error as ZenError).kind).toBe('configuration');
    expect((error as ZenError).message).toMatch(/Configured providers: openai .*anthropic/);
  });

  it('a pin to a provider that is not configured is a clear error', async () => {
    const error = await zen()
      .chat.completions.create({ model: 'anthropic/claude-sonnet-4-5:vertex', messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    // A colon suffix pins a provider only when it names a configured one (Ollama tags hold colons).
    expect((error as ZenError).kind).toBe('configuration');
    expect((error as ZenError).message).toContain('":vertex" names no configured provider');
    expect((error as ZenError).message).toContain('Did you mean "anthropic/claude-sonnet-4-5"');
    expect((error as ZenError).message).toMatch(/Configured providers: openai .*anthropic/);
  });
});
