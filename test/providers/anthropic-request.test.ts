import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { ZenError } from '../../src/core/errors.js';
import type { GenerationRequest, Message } from '../../src/core/request.js';
import { createAnthropicProvider } from '../../src/providers/anthropic/index.js';
import { usesAdaptiveThinking } from '../../src/providers/anthropic/map-thinking.js';
import { useSimulator } from '../helpers/simulator.js';

const sim = useSimulator();
const MODEL = 'claude-haiku-4-5';

function provider(options: Partial<ConstructorParameters<typeof Anthropic>[0]> = {}) {
  const client = new Anthropic({ apiKey: 'sk-ant-test-request-0000', baseURL: sim.anthropicBaseURL, maxRetries: 0, ...options });
  return createAnthropicProvider('anthropic', client);
}

function user(text: string): Message {
  return { role: 'user', content: [{ type: 'text', text }] };
}

/** Sends the request through the real SDK and returns the body the simulator received. */
async function sentBody(request: Partial<GenerationRequest>, modelId = MODEL): Promise<Record<string, unknown>> {
  const result = await provider().generate({ modelId, request: { messages: [user('hi')], ...request } });
  expect(result.content.length).toBeGreaterThan(0);
  return sim.calls[sim.calls.length - 1]!.body as Record<string, unknown>;
}

async function warningsFor(request: Partial<GenerationRequest>, modelId = MODEL) {
  const result = await provider().generate({ modelId, request: { messages: [user('hi')], ...request } });
  return result.warnings;
}

describe('anthropic request: messages', () => {
  it('sends the model, a default max_tokens and joins system messages into `system`', async () => {
    const body = await sentBody({
      messages: [{ role: 'system', content: 'You are terse.' }, user('hi'), { role: 'system', content: 'Answer in French.' }],
    });
    expect(body).toEqual({
      model: MODEL,
      max_tokens: 4096,
      system: 'You are terse.\n\nAnswer in French.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      stream: false,
    });
  });

  it('sends images as URL and base64 sources (data URLs become base64)', async () => {
    const body = await sentBody({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'compare' },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.png' }, detail: 'high' },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { kind: 'url', url: 'data:image/jpg;base64,/9j/4AAQ' } },
          ],
        },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'compare' },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
        ],
      },
    ]);
  });

  it('sends assistant text, signed thinking, redacted thinking and tool calls; drops what Anthropic would reject', async () => {
    const body = await sentBody({
      messages: [
        user('weather in Paris and Rome?'),
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'I should call the tool.', signature: 'sig-1' },
            { type: 'reasoning', text: '', redactedData: 'opaque-data' },
            { type: 'reasoning', text: 'reasoning from another vendor' },
            { type: 'text', text: '' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool-call', id: 'toolu_1', name: 'weather', arguments: '{"city":"Paris"}' },
            { type: 'tool-call', id: 'toolu_2', name: 'clock', arguments: '' },
          ],
        },
        { role: 'tool', toolCallId: 'toolu_1', toolName: 'weather', content: '18°C' },
        { role: 'tool', toolCallId: 'toolu_2', toolName: 'clock', content: 'no clock', isError: true },
        user('and tomorrow?'),
      ],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'I should call the tool.', signature: 'sig-1' },
          { type: 'redacted_thinking', data: 'opaque-data' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'clock', input: {} },
        ],
      },
      {
        // Consecutive tool results share one user turn, and the next user text joins it after them.
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: 'no clock', is_error: true },
          { type: 'text', text: 'and tomorrow?' },
        ],
      },
    ]);
  });

  it('merges consecutive messages of one role, since Anthropic requires alternation', async () => {
    const body = await sentBody({
      messages: [
        user('one'),
        user('two'),
        { role: 'assistant', content: [{ type: 'text', text: 'a' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'b' }] },
        user('three'),
      ],
    });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'one' },
          { type: 'text', text: 'two' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'three' }] },
    ]);
  });

  for (const [label, args] of [
    ['not valid JSON', '{"city": "Par'],
    ['not a JSON object', '[1, 2]'],
  ] as const) {
    it(`refuses tool-call arguments that are ${label}, before any call`, async () => {
      const error = await provider()
        .generate({
          modelId: MODEL,
          request: {
            messages: [
              user('hi'),
              { role: 'assistant', content: [{ type: 'tool-call', id: 'toolu_x', name: 'weather', arguments: args }] },
            ],
          },
        })
        .catch((caught: unknown) => caught);
      expect(ZenError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ kind: 'invalid_request', retryable: false, provider: 'anthropic', model: MODEL });
      expect((error as ZenError).message).toContain('toolu_x (weather)');
      expect(sim.calls).toHaveLength(0);
    });
  }

  it('refuses bad tool-call arguments for a stream too, before any call', async () => {
    const error = await provider()
      .stream({
        modelId: MODEL,
        request: { messages: [{ role: 'assistant', content: [{ type: 'tool-call', id: 't', name: 'f', arguments: 'nope' }] }] },
      })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'invalid_request' });
    expect(sim.calls).toHaveLength(0);
  });
});

describe('anthropic request: tools', () => {
  const tools = [
    {
      name: 'weather',
      description: 'Current weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      strict: true,
    },
    { name: 'noop', parameters: {} },
  ];

  it('sends name, description, input_schema (always an object schema) and strict', async () => {
    const body = await sentBody({ tools });
    expect(body.tools).toEqual([
      {
        name: 'weather',
        description: 'Current weather',
        input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        strict: true,
      },
      { name: 'noop', input_schema: { type: 'object' } },
    ]);
    expect(body.tool_choice).toBeUndefined();
  });

  const choices: Array<[Partial<GenerationRequest>, unknown]> = [
    [{ toolChoice: 'auto' }, { type: 'auto' }],
    [{ toolChoice: 'required' }, { type: 'any' }],
    [{ toolChoice: 'none' }, { type: 'none' }],
    [{ toolChoice: { type: 'tool', name: 'weather' } }, { type: 'tool', name: 'weather' }],
    [{ parallelToolCalls: false }, { type: 'auto', disable_parallel_tool_use: true }],
    [
      { toolChoice: 'required', parallelToolCalls: false },
      { type: 'any', disable_parallel_tool_use: true },
    ],
    [
      { toolChoice: { type: 'tool', name: 'noop' }, parallelToolCalls: false },
      { type: 'tool', name: 'noop', disable_parallel_tool_use: true },
    ],
    [{ toolChoice: 'none', parallelToolCalls: false }, { type: 'none' }],
    [{ toolChoice: 'auto', parallelToolCalls: true }, { type: 'auto' }],
  ];
  for (const [settings, expected] of choices) {
    it(`maps ${JSON.stringify(settings)} to tool_choice ${JSON.stringify(expected)}`, async () => {
      expect((await sentBody({ tools, ...settings })).tool_choice).toEqual(expected);
    });
  }

  it('sends no tool_choice without tools', async () => {
    const body = await sentBody({ toolChoice: 'required', parallelToolCalls: false });
    expect(body).not.toHaveProperty('tool_choice');
    expect(body).not.toHaveProperty('tools');
  });
});

describe('anthropic request: settings', () => {
  it('maps max tokens, stop sequences and the end-user id', async () => {
    const body = await sentBody({ maxOutputTokens: 300, stopSequences: ['END', '###'], user: 'user-42' });
    expect(body).toMatchObject({ max_tokens: 300, stop_sequences: ['END', '###'], metadata: { user_id: 'user-42' } });
  });

  it('drops sampling settings and unsupported penalties with one warning each', async () => {
    const settings = { temperature: 0.2, topP: 0.9, topK: 40, seed: 7, presencePenalty: 0.5, frequencyPenalty: 0.5 };
    const result = await provider().generate({ modelId: MODEL, request: { messages: [user('hi')], ...settings } });
    const body = sim.calls[0]!.body as Record<string, unknown>;
    for (const key of ['temperature', 'top_p', 'top_k', 'seed', 'presence_penalty', 'frequency_penalty'])
      expect(body).not.toHaveProperty(key);
    expect(result.warnings.map((warning) => warning.setting)).toEqual([
      'temperature',
      'topP',
      'topK',
      'seed',
      'presencePenalty',
      'frequencyPenalty',
    ]);
    expect(result.warnings.every((warning) => warning.type === 'unsupported-setting')).toBe(true);
  });

  it('spreads providerOptions.anthropic last (a client pinned to an older API version can send temperature)', async () => {
    const body = await sentBody({
      maxOutputTokens: 100,
      providerOptions: { anthropic: { max_tokens: 777, temperature: 0.3, service_tier: 'standard_only' }, openai: { seed: 1 } },
    });
    expect(body).toMatchObject({ max_tokens: 777, temperature: 0.3, service_tier: 'standard_only' });
    expect(body).not.toHaveProperty('seed');
  });

  it('sends a JSON schema as native structured output (output_config.format)', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
    const result = await provider().generate({
      modelId: MODEL,
      request: { messages: [user('where?')], responseFormat: { type: 'json-schema', name: 'place', schema } },
    });
    expect((sim.calls[0]!.body as Record<string, unknown>).output_config).toEqual({ format: { type: 'json_schema', schema } });
    expect(JSON.parse((result.content[0] as { text: string }).text)).toEqual({ city: 'example' });
    expect(result.warnings).toEqual([]);
  });

  it('asks for free JSON through the system prompt, with a warning', async () => {
    const result = await provider().generate({
      modelId: MODEL,
      request: { messages: [{ role: 'system', content: 'Be helpful.' }, user('list colors')], responseFormat: { type: 'json' } },
    });
    const body = sim.calls[0]!.body as Record<string, unknown>;
    expect(body.system).toMatch(/^Be helpful\.\n\n.*JSON object/);
    expect(body).not.toHaveProperty('output_config');
    expect(result.warnings).toEqual([expect.objectContaining({ setting: 'responseFormat' })]);
  });

  it('sends nothing extra for a text response format', async () => {
    const body = await sentBody({ responseFormat: { type: 'text' } });
    expect(body).not.toHaveProperty('output_config');
    expect(body).not.toHaveProperty('system');
  });

  it('passes per-request maxRetries 0, so a client built with SDK retries still calls once', async () => {
    sim.enqueue(MODEL, { fault: { type: 'http', status: 500 } });
    const error = await createAnthropicProvider('anthropic', new Anthropic({ apiKey: 'sk-ant-test-0', baseURL: sim.anthropicBaseURL }))
      .generate({ modelId: MODEL, request: { messages: [user('hi')] } })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'server' });
    expect(sim.calls).toHaveLength(1);
    expect(sim.calls[0]!.headers['x-stainless-retry-count']).toBe('0');
  });
});

describe('anthropic request: thinking', () => {
  it('tells budget models from adaptive ones, also inside Vertex and Bedrock ids', () => {
    const adaptive = [
      'claude-opus-4-6',
      'claude-sonnet-4-6',
      'claude-opus-4-7',
      'claude-opus-4-8',
      'claude-opus-4-7@20260416',
      'anthropic.claude-opus-4-6-v1',
      'claude-sonnet-5',
      'claude-sonnet-5-5',
      'claude-fable-5-2',
      'claude-mythos-preview',
    ];
    const budget = [
      'claude-haiku-4-5',
      'claude-sonnet-4-5-20250929',
      'claude-sonnet-4-20250514',
      'claude-opus-4-1-20250805',
      'claude-3-7-sonnet-20250219',
      'claude-sonnet-4-5@20250929',
      'us.anthropic.claude-haiku-4-5-20251001-v1:0',
    ];
    for (const id of adaptive) expect(usesAdaptiveThinking(id), id).toBe(true);
    for (const id of budget) expect(usesAdaptiveThinking(id), id).toBe(false);
  });

  const budgets = [
    ['minimal', 1024],
    ['low', 2048],
    ['medium', 8192],
    ['high', 16384],
  ] as const;
  for (const [effort, budget] of budgets) {
    it(`maps effort ${effort} to a ${budget}-token budget with room for the answer`, async () => {
      const body = await sentBody({ reasoningEffort: effort });
      expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: budget });
      expect(body.max_tokens).toBe(budget + 4096);
    });
  }

  it('sends no thinking for effort none', async () => {
    const body = await sentBody({ reasoningEffort: 'none' });
    expect(body).not.toHaveProperty('thinking');
    expect(body.max_tokens).toBe(4096);
  });

  it('takes an explicit budget, keeps a larger caller max_tokens, and raises a too small one', async () => {
    expect(await sentBody({ reasoningBudgetTokens: 3000, maxOutputTokens: 10_000 })).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 3000 },
      max_tokens: 10_000,
    });
    const warnings = await warningsFor({ reasoningBudgetTokens: 3000, maxOutputTokens: 1000 });
    expect(sim.calls[1]!.body).toMatchObject({ thinking: { budget_tokens: 3000 }, max_tokens: 4000 });
    expect(warnings).toEqual([expect.objectContaining({ setting: 'maxOutputTokens' })]);
  });

  it('raises a budget below the 1024 minimum, with a warning', async () => {
    const warnings = await warningsFor({ reasoningBudgetTokens: 500 });
    expect(sim.calls[0]!.body).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 1024 }, max_tokens: 1024 + 4096 });
    expect(warnings).toEqual([expect.objectContaining({ setting: 'reasoningBudgetTokens' })]);
  });

  it('asks for the signature only when the caller does not want reasoning text', async () => {
    expect((await sentBody({ reasoningEffort: 'low', includeReasoning: false })).thinking).toEqual({
      type: 'enabled',
      budget_tokens: 2048,
      display: 'omitted',
    });
  });

  it('uses adaptive thinking with output_config.effort on adaptive models', async () => {
    const body = await sentBody({ reasoningEffort: 'minimal' }, 'claude-opus-4-7');
    expect(body).toMatchObject({ thinking: { type: 'adaptive' }, output_config: { effort: 'low' }, max_tokens: 16384 });
    expect(body.thinking).not.toHaveProperty('budget_tokens');
    expect(await sentBody({ reasoningEffort: 'high', maxOutputTokens: 5000 }, 'claude-sonnet-4-6')).toMatchObject({
      thinking: { type: 'adaptive' },
      output_config: { effort: 'high' },
      max_tokens: 5000,
    });
  });

  it('turns a budget into an effort on adaptive models, with a warning', async () => {
    const warnings = await warningsFor({ reasoningBudgetTokens: 8000 }, 'claude-opus-4-7');
    expect(sim.calls[0]!.body).toMatchObject({ thinking: { type: 'adaptive' }, output_config: { effort: 'medium' } });
    expect(warnings).toEqual([expect.objectContaining({ setting: 'reasoningBudgetTokens' })]);
  });

  it('keeps effort and the structured-output format together in output_config', async () => {
    const schema = { type: 'object', properties: {} };
    const body = await sentBody(
      { reasoningEffort: 'medium', responseFormat: { type: 'json-schema', name: 'x', schema } },
      'claude-opus-4-7',
    );
    expect(body.output_config).toEqual({ effort: 'medium', format: { type: 'json_schema', schema } });
  });

  it('turns thinking off when a tool call is forced, since the API refuses both', async () => {
    const tools = [{ name: 'f', parameters: { type: 'object' } }];
    const warnings = await warningsFor({ tools, toolChoice: 'required', reasoningEffort: 'high' });
    const body = sim.calls[0]!.body as Record<string, unknown>;
    expect(body).not.toHaveProperty('thinking');
    expect(body.max_tokens).toBe(4096);
    expect(warnings).toEqual([expect.objectContaining({ setting: 'reasoningEffort' })]);
    // Budget warnings of the dropped thinking are not reported.
    expect(await warningsFor({ tools, toolChoice: { type: 'tool', name: 'f' }, reasoningBudgetTokens: 500 })).toEqual([
      expect.objectContaining({ setting: 'reasoningEffort' }),
    ]);
    expect(sim.calls[1]!.body).not.toHaveProperty('thinking');
  });

  it('reports warnings in stream-start too', async () => {
    const stream = await provider().stream({ modelId: MODEL, request: { messages: [user('hi')], temperature: 1 } });
    const parts = [];
    for await (const part of stream) parts.push(part);
    expect(parts[0]).toMatchObject({ type: 'stream-start', warnings: [expect.objectContaining({ setting: 'temperature' })] });
    expect(sim.calls[0]!.body).toMatchObject({ stream: true });
  });
});
