import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { parseModelId } from '../../src/core/model-id.js';
import { ZenClient, ZenError } from '../../src/index.js';
import { useSimulator } from '../helpers/simulator.js';

/**
 * Model ids with colons (Ollama and vLLM tags) and model ids nobody knows. A `:suffix` pins a
 * provider only when it names a configured one; an id no catalog knows and no provider lists is a
 * configuration error with the closest known ids.
 */

const sim = useSimulator();

function openai(apiKey = 'sk-test-openai-key-000000000000'): OpenAI {
  return new OpenAI({ apiKey, baseURL: sim.openaiBaseURL, maxRetries: 0 });
}

function zen(extra: ConstructorParameters<typeof ZenClient>[0] = {}): ZenClient {
  return new ZenClient({
    providers: {
      openai: openai(),
      azure: { client: openai(), vendors: ['openai'] },
      ollama: { client: openai('ollama'), models: ['llama3.1:8b', 'qwen2.5:14b', 'meta-llama/Llama-3.1-8B-Instruct'] },
    },
    ...extra,
  });
}

const messages = [{ role: 'user' as const, content: 'Hello' }];

describe('parseModelId', () => {
  const configured = new Set(['ollama', 'vertex']);
  const isProvider = (name: string) => configured.has(name);

  it('keeps a tag in the name unless the suffix names a configured provider', () => {
    expect(parseModelId('llama3.1:8b', isProvider)).toEqual({ vendor: 'meta', name: 'llama3.1:8b', provider: undefined });
    expect(parseModelId('llama3.1:8b:ollama', isProvider)).toEqual({ vendor: 'meta', name: 'llama3.1:8b', provider: 'ollama' });
    expect(parseModelId('meta/llama3.1:8b', isProvider)).toEqual({ vendor: 'meta', name: 'llama3.1:8b', provider: undefined });
    expect(parseModelId('alibaba/qwen2.5:14b:ollama', isProvider)).toEqual({ vendor: 'alibaba', name: 'qwen2.5:14b', provider: 'ollama' });
    expect(parseModelId('anthropic/claude-sonnet-4-5:vertex', isProvider)).toEqual({
      vendor: 'anthropic',
      name: 'claude-sonnet-4-5',
      provider: 'vertex',
    });
    // Without knowing the providers, the whole id is the model.
    expect(parseModelId('anthropic/claude-sonnet-4-5:vertex')).toEqual({
      vendor: 'anthropic',
      name: 'claude-sonnet-4-5:vertex',
      provider: undefined,
    });
  });
});

describe('model ids with a colon, through the simulator', () => {
  it.each([
    ['llama3.1:8b', 'llama3.1:8b', 'meta/llama3.1:8b:ollama'],
    ['llama3.1:8b:ollama', 'llama3.1:8b', 'meta/llama3.1:8b:ollama'],
    ['meta/llama3.1:8b', 'llama3.1:8b', 'meta/llama3.1:8b:ollama'],
    ['meta/llama3.1:8b:ollama', 'llama3.1:8b', 'meta/llama3.1:8b:ollama'],
    ['qwen2.5:14b', 'qwen2.5:14b', 'alibaba/qwen2.5:14b:ollama'],
    ['alibaba/qwen2.5:14b:ollama', 'qwen2.5:14b', 'alibaba/qwen2.5:14b:ollama'],
    ['meta-llama/Llama-3.1-8B-Instruct', 'meta-llama/Llama-3.1-8B-Instruct', 'meta-llama/Llama-3.1-8B-Instruct:ollama'],
  ])('%s: the wire receives %s, on channel %s', async (model, wire, channel) => {
    sim.enqueue(wire, { text: 'Hi from the local model.' });
    const completion = await zen().chat.completions.create({ model, messages });
    expect(completion.choices[0]!.message.content).toBe('Hi from the local model.');
    expect(completion.zen.channel).toBe(channel);
    expect(sim.calls.map((call) => call.model)).toEqual([wire]);
    expect((sim.calls[0]!.body as { model: string }).model).toBe(wire);
  });

  it('model:provider still pins a channel when the suffix names a configured provider', async () => {
    sim.enqueue('gpt-5-mini', { text: 'From azure.' });
    const completion = await zen().chat.completions.create({ model: 'openai/gpt-5-mini:azure', messages });
    expect(completion.zen.channel).toBe('openai/gpt-5-mini:azure');
    expect(completion.zen.plan).toEqual(['openai/gpt-5-mini:azure']);
    const plain = await zen().chat.completions.create({ model: 'gpt-5-mini:openai', messages });
    expect(plain.zen.plan).toEqual(['openai/gpt-5-mini:openai']);
    expect(sim.calls.map((call) => call.model)).toEqual(['gpt-5-mini', 'gpt-5-mini']);
  });

  it('a deny list entry with a tag and a provider excludes exactly that channel', async () => {
    sim.enqueue('qwen2.5:14b', { text: 'Qwen here.' });
    const completion = await zen().chat.completions.create({
      model: ['meta/llama3.1:8b', 'qwen2.5:14b'],
      messages,
      zen: { exclude: ['meta/llama3.1:8b:ollama'] },
    });
    expect(completion.zen.channel).toBe('alibaba/qwen2.5:14b:ollama');
  });
});

describe('a model id nobody knows', () => {
  it('is a configuration error listing the closest known ids, and nothing is sent', async () => {
    for (const model of ['gpt-5-mni', 'openai/gpt-5-mni']) {
      const error = await zen()
        .chat.completions.create({ model, messages })
        .catch((caught: unknown) => caught);
      expect(ZenError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ kind: 'configuration', retryable: false });
      expect((error as ZenError).message).toContain(`Unknown model "${model}"`);
      expect((error as ZenError).message).toContain('Did you mean "openai/gpt-5-mini"');
    }
    expect(sim.calls).toHaveLength(0);
  });

  it('an unknown provider suffix is named as such', async () => {
    const error = await zen()
      .chat.completions.create({ model: 'llama3.1:8b:olama', messages })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'configuration' });
    expect((error as ZenError).message).toContain('":olama" names no configured provider');
    expect((error as ZenError).message).toContain('Did you mean "meta/llama3.1:8b"');
  });

  it('is sent as is when the host declared it, a provider lists it, or a provider serves any vendor', async () => {
    const declared = zen({ models: { 'openai/gpt-5-mni': { contextWindow: 100_000 } } });
    sim.enqueue('gpt-5-mni', { text: 'declared' });
    expect((await declared.chat.completions.create({ model: 'gpt-5-mni', messages })).choices[0]!.message.content).toBe('declared');

    const listed = new ZenClient({ providers: { openai: { client: openai(), vendors: ['openai'], models: ['gpt-5-mni'] } } });
    sim.enqueue('gpt-5-mni', { text: 'listed' });
    expect((await listed.chat.completions.create({ model: 'gpt-5-mni', messages })).choices[0]!.message.content).toBe('listed');

    const any = new ZenClient({ providers: { gateway: { client: openai(), vendors: ['*'] } } });
    sim.enqueue('gpt-5-mni', { text: 'any' });
    expect((await any.chat.completions.create({ model: 'gpt-5-mni', messages })).choices[0]!.message.content).toBe('any');
    expect(sim.calls.map((call) => call.model)).toEqual(['gpt-5-mni', 'gpt-5-mni', 'gpt-5-mni']);
  });
});
