import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { ZenClient } from '../../src/index.js';
import { recordedBody, recordedChunks } from '../helpers/fixtures.js';
import { useSimulator } from '../helpers/simulator.js';

/**
 * Recorded real responses of each vendor, replayed byte for byte by the simulator, read through
 * the OpenAI face: what an openai-SDK script sees when Anthropic or Gemini serves it.
 */
const sim = useSimulator();

function zen(): ZenClient {
  return new ZenClient({
    providers: {
      openai: new OpenAI({ apiKey: 'sk-test-00000000000000000000', baseURL: sim.openaiBaseURL, maxRetries: 0 }),
      anthropic: new Anthropic({ apiKey: 'sk-ant-test-000000000000000000', baseURL: sim.anthropicBaseURL, maxRetries: 0 }),
      google: new GoogleGenAI({ apiKey: 'AIza-test-0000000000000000000000000', httpOptions: { baseUrl: sim.googleBaseURL } }),
    },
  });
}

interface Expectation {
  model: string;
  upstream: string;
  body: string;
  chunks: string;
  /** Text, tool calls and usage taken from the recorded JSON itself, not typed in by hand. */
  text: (json: any) => string;
  tools: (json: any) => Array<{ name: string; arguments: unknown }>;
  usage: (json: any) => { prompt: number; completion: number };
  finish: string;
}

const anthropicText = (json: any) =>
  json.content
    .filter((block: any) => block.type === 'text')
    .map((block: any) => block.text)
    .join('');
const anthropicTools = (json: any) =>
  json.content.filter((block: any) => block.type === 'tool_use').map((block: any) => ({ name: block.name, arguments: block.input }));
const anthropicUsage = (json: any) => ({
  prompt: json.usage.input_tokens + json.usage.cache_read_input_tokens + json.usage.cache_creation_input_tokens,
  completion: json.usage.output_tokens,
});
const geminiParts = (json: any) => json.candidates[0].content.parts as any[];
const geminiText = (json: any) =>
  geminiParts(json)
    .filter((part) => typeof part.text === 'string' && !part.thought)
    .map((part) => part.text)
    .join('');
const geminiTools = (json: any) =>
  geminiParts(json)
    .filter((part) => part.functionCall)
    .map((part) => ({ name: part.functionCall.name, arguments: part.functionCall.args }));
const geminiUsage = (json: any) => ({
  prompt: json.usageMetadata.promptTokenCount,
  completion: json.usageMetadata.candidatesTokenCount + (json.usageMetadata.thoughtsTokenCount ?? 0),
});

const CASES: Record<string, Expectation> = {
  'openai text': {
    model: 'openai/gpt-4.1-nano',
    upstream: 'gpt-4.1-nano',
    body: 'openai/openai-text.json',
    chunks: 'openai/openai-text.chunks.txt',
    text: (json) => json.choices[0].message.content,
    tools: () => [],
    usage: (json) => ({ prompt: json.usage.prompt_tokens, completion: json.usage.completion_tokens }),
    finish: 'stop',
  },
  'anthropic text': {
    model: 'anthropic/claude-haiku-4-5',
    upstream: 'claude-haiku-4-5',
    body: 'anthropic/anthropic-text.json',
    chunks: 'anthropic/anthropic-text.chunks.txt',
    text: anthropicText,
    tools: anthropicTools,
    usage: anthropicUsage,
    finish: 'stop',
  },
  'anthropic tool without arguments': {
    model: 'anthropic/claude-haiku-4-5',
    upstream: 'claude-haiku-4-5',
    body: 'anthropic/anthropic-tool-no-args.json',
    chunks: 'anthropic/anthropic-tool-no-args.chunks.txt',
    text: anthropicText,
    tools: anthropicTools,
    usage: anthropicUsage,
    finish: 'tool_calls',
  },
  'anthropic json tool': {
    model: 'anthropic/claude-haiku-4-5',
    upstream: 'claude-haiku-4-5',
    body: 'anthropic/anthropic-json-tool.1.json',
    chunks: 'anthropic/anthropic-json-tool.1.chunks.txt',
    text: anthropicText,
    tools: anthropicTools,
    usage: anthropicUsage,
    finish: 'tool_calls',
  },
  'gemini text with thoughts': {
    model: 'google/gemini-3-pro-preview',
    upstream: 'gemini-3-pro-preview',
    body: 'google/google-text.json',
    chunks: 'google/google-text.chunks.txt',
    text: geminiText,
    tools: geminiTools,
    usage: geminiUsage,
    finish: 'stop',
  },
  'gemini tool call': {
    model: 'google/gemini-3-pro-preview',
    upstream: 'gemini-3-pro-preview',
    body: 'google/google-tool-call.json',
    chunks: 'google/google-tool-call.chunks.txt',
    text: geminiText,
    tools: geminiTools,
    usage: geminiUsage,
    finish: 'tool_calls',
  },
};

const tools: OpenAI.Chat.ChatCompletionTool[] = ['json', 'updateIssueList', 'weather'].map((name) => ({
  type: 'function',
  function: { name, parameters: { type: 'object', properties: {} } },
}));

describe.each(Object.entries(CASES))('recorded %s through the OpenAI face', (_name, expected) => {
  it('non-streamed: the OpenAI shape carries the recorded text, tool calls, usage and finish reason', async () => {
    const json = JSON.parse(recordedBody(expected.body));
    sim.enqueue(expected.upstream, { raw: { body: recordedBody(expected.body) } });
    const completion = await zen().chat.completions.create({ model: expected.model, messages: [{ role: 'user', content: 'hi' }], tools });
    const message = completion.choices[0]!.message;
    expect(message.content ?? '').toBe(expected.text(json));
    expect(
      (message.tool_calls ?? []).map(
        (call) => call.type === 'function' && { name: call.function.name, arguments: JSON.parse(call.function.arguments) },
      ),
    ).toEqual(expected.tools(json));
    expect(completion.choices[0]!.finish_reason).toBe(expected.finish);
    const usage = expected.usage(json);
    expect(completion.usage).toMatchObject({
      prompt_tokens: usage.prompt,
      completion_tokens: usage.completion,
      total_tokens: usage.prompt + usage.completion,
    });
    expect(completion.object).toBe('chat.completion');
  });

  it('streamed: the chunks add up to the recorded stream', async () => {
    const chunks = recordedChunks(expected.chunks);
    sim.enqueue(expected.upstream, { raw: { chunks } });
    const stream = await zen().chat.completions.create({
      model: expected.model,
      messages: [{ role: 'user', content: 'hi' }],
      tools,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const calls = new Map<number, { name: string; arguments: string }>();
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      const delta = chunk.choices[0]?.delta;
      text += delta?.content ?? '';
      for (const call of delta?.tool_calls ?? []) {
        const entry = calls.get(call.index) ?? { name: '', arguments: '' };
        entry.name += call.function?.name ?? '';
        entry.arguments += call.function?.arguments ?? '';
        calls.set(call.index, entry);
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    // The expected stream content, read from the recorded events themselves.
    const events = chunks.map((line) => JSON.parse(line));
    let expectedText = '';
    if (expected.body.startsWith('openai')) for (const event of events) expectedText += event.choices[0]?.delta?.content ?? '';
    if (expected.body.startsWith('anthropic'))
      for (const event of events) if (event.delta?.type === 'text_delta') expectedText += event.delta.text;
    if (expected.body.startsWith('google'))
      for (const event of events)
        for (const part of event.candidates[0].content.parts) if (typeof part.text === 'string' && !part.thought) expectedText += part.text;
    expect(text).toBe(expectedText);
    expect(finish).toBe(expected.finish);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    const toolNames = [...calls.values()].map((call) => call.name);
    if (expected.finish === 'tool_calls') {
      expect(toolNames.length).toBeGreaterThan(0);
      for (const call of calls.values()) expect(() => JSON.parse(call.arguments || '{}')).not.toThrow();
    }
  });
});
