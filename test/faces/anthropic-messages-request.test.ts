import type Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { ZenError } from '../../src/index.js';
import { convertMessagesRequest, type AnthropicCreateParams } from '../../src/faces/anthropic-messages-request.js';

/** Anthropic Messages params → the canonical request, field by field, and the errors bad input gets. */

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

function convert(body: Partial<AnthropicCreateParams> & Record<string, unknown>) {
  return convertMessagesRequest({ max_tokens: 512, messages: [{ role: 'user', content: 'hi' }], ...body } as AnthropicCreateParams);
}

function errorOf(body: Record<string, unknown>): ZenError {
  try {
    convertMessagesRequest(body as unknown as AnthropicCreateParams);
  } catch (error) {
    expect(ZenError.isInstance(error)).toBe(true);
    return error as ZenError;
  }
  throw new Error('expected an error');
}

describe('Anthropic request → canonical', () => {
  it('maps system (string or text blocks), sampling, stop sequences, metadata and max_tokens', () => {
    const { request, stream } = convert({
      system: [
        { type: 'text', text: 'Be brief.' },
        { type: 'text', text: 'Answer in French.', cache_control: { type: 'ephemeral' } },
      ],
      temperature: 0.3,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['END'],
      metadata: { user_id: 'user-42' },
      max_tokens: 300,
    });
    expect(stream).toBe(false);
    expect(request).toEqual({
      messages: [
        { role: 'system', content: 'Be brief.\nAnswer in French.' },
        { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      ],
      maxOutputTokens: 300,
      temperature: 0.3,
      topP: 0.9,
      topK: 40,
      stopSequences: ['END'],
      user: 'user-42',
    });
    expect(convert({ system: 'Plain system.' }).request.messages[0]).toEqual({ role: 'system', content: 'Plain system.' });
  });

  it('maps user images (base64 and url) and a whole tool round trip, with is_error and block content', () => {
    const messages: Anthropic.MessageParam[] = [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Two tools.', signature: 'sig-1' },
          { type: 'redacted_thinking', data: 'opaque' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'cat' } },
          { type: 'tool_use', id: 'toolu_2', name: 'weather', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'toolu_1',
            content: [
              { type: 'text', text: 'a cat' },
              { type: 'text', text: 'on a mat' },
            ],
          },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: 'service down', is_error: true },
          { type: 'text', text: 'Go on.' },
        ],
      },
    ];
    expect(convert({ messages }).request.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these?' },
          { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: PNG } },
          { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.jpg' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'Two tools.', signature: 'sig-1' },
          { type: 'reasoning', text: '', redactedData: 'opaque' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool-call', id: 'toolu_1', name: 'lookup', arguments: '{"q":"cat"}' },
          { type: 'tool-call', id: 'toolu_2', name: 'weather', arguments: '{}' },
        ],
      },
      { role: 'tool', toolCallId: 'toolu_1', toolName: 'lookup', content: 'a cat\non a mat' },
      { role: 'tool', toolCallId: 'toolu_2', toolName: 'weather', content: 'service down', isError: true },
      { role: 'user', content: [{ type: 'text', text: 'Go on.' }] },
    ]);
  });

  it('accepts a returned Message content array as the next assistant turn', () => {
    const returned: Anthropic.ContentBlock[] = [
      { type: 'text', text: 'Sure.', citations: null },
      { type: 'tool_use', id: 'toolu_9', name: 'f', input: { a: 1 }, caller: { type: 'direct' } },
    ];
    const { request } = convert({
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: returned },
      ],
    });
    expect(request.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'text', text: 'Sure.' },
        { type: 'tool-call', id: 'toolu_9', name: 'f', arguments: '{"a":1}' },
      ],
    });
  });

  it('maps tools and every tool_choice, with disable_parallel_tool_use', () => {
    const tools: Anthropic.Tool[] = [
      {
        name: 'get_weather',
        description: 'Weather',
        input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        strict: true,
      },
    ];
    expect(convert({ tools }).request.tools).toEqual([
      {
        name: 'get_weather',
        description: 'Weather',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        strict: true,
      },
    ]);
    expect(convert({ tools, tool_choice: { type: 'auto' } }).request.toolChoice).toBe('auto');
    expect(convert({ tools, tool_choice: { type: 'any', disable_parallel_tool_use: true } }).request).toMatchObject({
      toolChoice: 'required',
      parallelToolCalls: false,
    });
    expect(convert({ tools, tool_choice: { type: 'tool', name: 'get_weather' } }).request.toolChoice).toEqual({
      type: 'tool',
      name: 'get_weather',
    });
    expect(convert({ tools, tool_choice: { type: 'none' } }).request.toolChoice).toBe('none');
  });

  it('maps thinking (budget, adaptive with effort, disabled, omitted display) and output_config.format', () => {
    expect(convert({ thinking: { type: 'enabled', budget_tokens: 2048 } }).request).toMatchObject({
      reasoningBudgetTokens: 2048,
      includeReasoning: true,
    });
    expect(convert({ thinking: { type: 'enabled', budget_tokens: 2048, display: 'omitted' } }).request.includeReasoning).toBe(false);
    expect(convert({ thinking: { type: 'adaptive' } }).request).toMatchObject({ reasoningEffort: 'medium', includeReasoning: true });
    expect(convert({ thinking: { type: 'adaptive' }, output_config: { effort: 'low' } }).request.reasoningEffort).toBe('low');
    expect(convert({ thinking: { type: 'adaptive' }, output_config: { effort: 'max' } }).request.reasoningEffort).toBe('high');
    const disabled = convert({ thinking: { type: 'disabled' }, output_config: { effort: 'high' } }).request;
    expect(disabled.reasoningEffort).toBeUndefined();
    expect(disabled.reasoningBudgetTokens).toBeUndefined();
    const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };
    expect(convert({ output_config: { format: { type: 'json_schema', schema } } }).request.responseFormat).toEqual({
      type: 'json-schema',
      name: 'response',
      schema,
    });
  });

  it('reads stream: true and warns about delivery settings it drops', () => {
    const converted = convert({ stream: true, service_tier: 'auto', cache_control: { type: 'ephemeral' } });
    expect(converted.stream).toBe(true);
    expect(converted.warnings.map((warning) => warning.setting)).toEqual(['service_tier', 'cache_control']);
  });
});

describe('bad Anthropic input gets a clear invalid_request error naming the field', () => {
  const base = { model: 'x', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };
  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['max_tokens missing', { model: 'x', messages: base.messages }, 'max_tokens', /max_tokens is required/],
    ['max_tokens not a whole number', { ...base, max_tokens: 0 }, 'max_tokens', /positive whole number/],
    ['no messages', { ...base, messages: [] }, 'messages', /non-empty array/],
    [
      'a PDF document',
      {
        ...base,
        messages: [
          { role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' } }] },
        ],
      },
      'messages[0].content[0].type',
      /Document blocks/,
    ],
    ['a server tool', { ...base, tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, 'tools[0].type', /web_search_20250305/],
    [
      'citations on a text block',
      { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 'x', citations: [{ type: 'char_location' }] }] }] },
      'messages[0].content[0].citations',
      /Citations/,
    ],
    [
      'a Files API image',
      { ...base, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'file_1' } }] }] },
      'messages[0].content[0].source',
      /file_id/,
    ],
    [
      'a tool_result for an unknown call',
      { ...base, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'r' }] }] },
      'messages[0].content[0].tool_use_id',
      /toolu_x/,
    ],
    [
      'an image inside a tool_result',
      {
        ...base,
        messages: [
          { role: 'user', content: 'go' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 't1',
                content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }],
              },
            ],
          },
        ],
      },
      'messages[2].content[0].content[0]',
      /Images inside tool_result/,
    ],
    ['an unknown tool_choice', { ...base, tool_choice: { type: 'sometimes' } }, 'tool_choice.type', /sometimes/],
    [
      'a thinking budget that is not a number',
      { ...base, thinking: { type: 'enabled', budget_tokens: 'lots' } },
      'thinking.budget_tokens',
      /positive whole number/,
    ],
    ['an unknown effort', { ...base, output_config: { effort: 'extreme' } }, 'output_config.effort', /extreme/],
    ['a container', { ...base, container: 'cntr_1' }, 'container', /containers/],
    ['an unknown role', { ...base, messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].role', /Unknown message role/],
  ];
  it.each(cases)('%s', (_name, body, param, message) => {
    const error = errorOf(body);
    expect(error.kind).toBe('invalid_request');
    expect(error.code).toBe(param);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`(param: ${param})`);
  });
});

it('checks a tool_choice without tools but does not forward it', () => {
  const { request } = convert({ tool_choice: { type: 'any', disable_parallel_tool_use: true } });
  expect(request).not.toHaveProperty('toolChoice');
  expect(request).not.toHaveProperty('parallelToolCalls');
  expect(() => convert({ tool_choice: { type: 'bogus' } as never })).toThrow(/tool_choice/);
});
