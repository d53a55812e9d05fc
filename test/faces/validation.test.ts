import { describe, expect, it } from 'vitest';
import { ZenClient, ZenError, type ZenClientOptions } from '../../src/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { zenOver } from './helpers.js';

/**
 * Every malformed call named in issue 10 gets a typed ZenError that names the field, before any
 * provider is called: no request reaches the simulator, no attempt is made, no breaker moves.
 */

const sim = useSimulator();
const MODEL = 'openai/gpt-5-mini';
const MESSAGES = [{ role: 'user', content: 'Hi' }];

function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let level = 0; level < depth; level++) value = [value];
  return value;
}

function deepSchema(depth: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'string' };
  for (let level = 0; level < depth; level++) schema = { type: 'object', properties: { a: schema } };
  return schema;
}

function circular(): Record<string, unknown> {
  const schema: Record<string, unknown> = { type: 'object' };
  schema.properties = { self: schema };
  return schema;
}

const chatTool = (fn: Record<string, unknown>) => [{ type: 'function', function: { name: 'f', ...fn } }];
type Call = (zen: ZenClient) => Promise<unknown>;
const chat =
  (body: Record<string, unknown>, options?: unknown): Call =>
  (zen) =>
    zen.chat.completions.create({ model: MODEL, messages: MESSAGES, ...body } as never, options as never);
const chatStream = (body: Record<string, unknown>, options?: unknown): Call => chat({ ...body, stream: true }, options);

const CASES: Array<[string, Call, string]> = [
  ['zen.exclude given a string', chat({ model: 'auto', zen: { exclude: 'openai/*' } }), 'zen.exclude'],
  ['zen.models given a string', chat({ model: 'auto', zen: { models: 'openai/gpt-5-mini' } }), 'zen.models'],
  ['zen.policy: {}', chat({ zen: { policy: {} } }), 'zen.policy'],
  ['{ signal: {} }', chat({}, { signal: {} }), 'signal'],
  ['{ signal: {} } on a stream', chatStream({}, { signal: {} }), 'signal'],
  ['tools: 5', chat({ tools: 5 }), 'tools'],
  ['tools: [undefined]', chat({ tools: [undefined] }), 'tools[0]'],
  ['content: [null]', chat({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }, null] }] }), 'messages[0].content[1]'],
  ['a Symbol role', chat({ messages: [{ role: Symbol('user'), content: 'Hi' }] }), 'messages[0].role'],
  ['a null-prototype object role', chat({ messages: [{ role: Object.create(null), content: 'Hi' }] }), 'messages[0].role'],
  ['response_format: { type: Symbol() }', chat({ response_format: { type: Symbol('json') } }), 'response_format.type'],
  ['a circular tool schema', chat({ tools: chatTool({ parameters: circular() }) }), 'tools[0].function.parameters'],
  [
    'a tool schema holding a BigInt',
    chat({ tools: chatTool({ parameters: { type: 'object', maximum: 10n } }) }),
    'tools[0].function.parameters',
  ],
  [
    'a tool schema holding a Symbol',
    chat({ tools: chatTool({ parameters: { type: 'object', title: Symbol('t') } }) }),
    'tools[0].function.parameters',
  ],
  [
    'a tool schema 10,000 deep',
    chat({ model: 'auto', tools: chatTool({ parameters: deepSchema(10_000) }) }),
    'tools[0].function.parameters',
  ],
  [
    'a tool schema 10,000 deep on a stream',
    chatStream({ model: 'auto', tools: chatTool({ parameters: deepSchema(10_000) }) }),
    'tools[0].function.parameters',
  ],
  ["preference: 'cheap'", chat({ model: 'auto', zen: { preference: 'cheap' } }), 'zen.preference'],
  ["preference: 'Price'", chat({ model: 'auto', zen: { preference: 'Price' } }), 'zen.preference'],
  ['preference: NaN', chat({ model: 'auto', zen: { preference: Number.NaN } }), 'zen.preference'],
  ['retries: -1', chat({ zen: { retry: { retries: -1 } } }), 'zen.retry.retries'],
  ['hedge: 5', chat({ zen: { hedge: 5 } }), 'zen.hedge'],
  ['totalMs: -1', chat({ zen: { timeouts: { totalMs: -1 } } }), 'zen.timeouts.totalMs'],
  ['totalMs: NaN', chat({ zen: { timeouts: { totalMs: Number.NaN } } }), 'zen.timeouts.totalMs'],
  ['totalMs: Infinity', chat({ zen: { timeouts: { totalMs: Number.POSITIVE_INFINITY } } }), 'zen.timeouts.totalMs'],
  ["totalMs: 'x'", chat({ zen: { timeouts: { totalMs: 'x' } } }), 'zen.timeouts.totalMs'],
  ['user as a 10,000-deep array', chat({ user: nested(10_000, 'u') }), 'user'],
  ['a circular tool description', chat({ tools: chatTool({ description: circular() }) }), 'tools[0].function.description'],
  ['the call options: timeout NaN', chat({}, { timeout: Number.NaN }), 'timeout'],
  ['the call options: zen.hedge 5', chat({}, { zen: { hedge: 5 } }), 'zen.hedge'],
  // The other faces.
  [
    'messages.create: content [null]',
    (zen) => zen.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: [null] }] } as never),
    'messages[0].content[0]',
  ],
  [
    'messages.create: a Symbol role',
    (zen) => zen.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: Symbol('user'), content: 'Hi' }] } as never),
    'messages[0].role',
  ],
  [
    'messages.create: a circular tool_use input',
    (zen) =>
      zen.messages.create({
        model: MODEL,
        max_tokens: 10,
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: circular() }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'ok' }] },
        ],
      } as never),
    'messages[1].content[0].input',
  ],
  [
    'messages.create: a 10,000-deep input_schema',
    (zen) =>
      zen.messages.create({
        model: 'auto',
        max_tokens: 10,
        messages: MESSAGES,
        tools: [{ name: 'f', input_schema: deepSchema(10_000) }],
      } as never),
    'tools[0].input_schema',
  ],
  [
    'messages.create: zen.preference cheap',
    (zen) => zen.messages.create({ model: 'auto', max_tokens: 10, messages: MESSAGES, zen: { preference: 'cheap' } } as never),
    'zen.preference',
  ],
  [
    'messages.create stream: { signal: {} }',
    (zen) => zen.messages.create({ model: MODEL, max_tokens: 10, messages: MESSAGES, stream: true } as never, { signal: {} } as never),
    'signal',
  ],
  [
    'messages.stream: { signal: {} }',
    (zen) => zen.messages.stream({ model: MODEL, max_tokens: 10, messages: MESSAGES } as never, { signal: {} } as never).finalMessage(),
    'signal',
  ],
  [
    'messages.stream: tools 5',
    (zen) => zen.messages.stream({ model: MODEL, max_tokens: 10, messages: MESSAGES, tools: 5 } as never).finalMessage(),
    'tools',
  ],
  [
    'generateContent: a Symbol role',
    (zen) => zen.models.generateContent({ model: MODEL, contents: [{ role: Symbol('user'), parts: [{ text: 'Hi' }] }] } as never),
    'contents[0].role',
  ],
  [
    'generateContent: a circular parameters schema',
    (zen) =>
      zen.models.generateContent({
        model: MODEL,
        contents: 'Hi',
        config: { tools: [{ functionDeclarations: [{ name: 'f', parameters: circular() }] }] },
      } as never),
    'config.tools[0].functionDeclarations[0].parameters',
  ],
  [
    'generateContent: a BigInt in functionCall args',
    (zen) =>
      zen.models.generateContent({
        model: MODEL,
        contents: [
          { role: 'model', parts: [{ functionCall: { name: 'f', args: { n: 1n } } }] },
          { role: 'user', parts: [{ text: 'go' }] },
        ],
      } as never),
    'contents[0].parts[0].functionCall.args',
  ],
  [
    'generateContentStream: zen.timeouts.totalMs Infinity',
    (zen) =>
      zen.models.generateContentStream({ model: MODEL, contents: 'Hi', zen: { timeouts: { totalMs: Number.POSITIVE_INFINITY } } } as never),
    'zen.timeouts.totalMs',
  ],
  [
    'generateContentStream: { signal: {} }',
    (zen) => zen.models.generateContentStream({ model: MODEL, contents: 'Hi' } as never, { signal: {} } as never),
    'signal',
  ],
  [
    'images.generate: zen.retry.retries -1',
    (zen) => zen.images.generate({ model: 'openai/gpt-image-1', prompt: 'A cat', zen: { retry: { retries: -1 } } } as never),
    'zen.retry.retries',
  ],
  ['images.generate: n as a string', (zen) => zen.images.generate({ model: 'openai/gpt-image-1', prompt: 'A cat', n: '2' } as never), 'n'],
  [
    'images.edit: { signal: {} }',
    (zen) => zen.images.edit({ model: 'openai/gpt-image-1', prompt: 'A cat', image: 'aGVsbG8=' } as never, { signal: {} } as never),
    'signal',
  ],
  [
    'images.generate: models given a string',
    (zen) => zen.images.generate({ models: 'openai/gpt-image-1', prompt: 'A cat' } as never),
    'models',
  ],
];

describe('every malformed call is an invalid_request ZenError naming the field, before any provider is called', () => {
  it.each(CASES)('%s', async (_label, call, path) => {
    const zen = await zenOver(sim);
    const transitions: unknown[] = [];
    const attempts: unknown[] = [];
    zen.on('breaker', (transition) => transitions.push(transition));
    zen.on('attempt', (attempt) => attempts.push(attempt));
    const error = await call(zen).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(ZenError.isInstance(error), String(error)).toBe(true);
    const zenError = error as ZenError;
    expect({ kind: zenError.kind, code: zenError.code, retryable: zenError.retryable }).toEqual({
      kind: 'invalid_request',
      code: path,
      retryable: false,
    });
    expect(zenError.message).toContain(path);
    expect(zenError.message).toMatch(/must be|must not|needs|expected/);
    expect(sim.calls).toHaveLength(0);
    expect(attempts).toHaveLength(0);
    expect(transitions).toHaveLength(0);
    // A valid call still goes through afterwards.
    sim.enqueue('gpt-5-mini', { text: 'Fine.' });
    const completion = await zen.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }] });
    expect(completion.choices[0]!.message.content).toBe('Fine.');
  });
});

const CONSTRUCTOR_CASES: Array<[string, ZenClientOptions, string]> = [
  ["routing.preference: 'cheap'", { routing: { preference: 'cheap' as never } }, 'routing.preference'],
  ['routing.preference: NaN', { routing: { preference: Number.NaN } }, 'routing.preference'],
  ['routing.retry.retries: -1', { routing: { retry: { retries: -1 } } }, 'routing.retry.retries'],
  ['routing.hedge: 5', { routing: { hedge: 5 as never } }, 'routing.hedge'],
  ['routing.timeouts.totalMs: Infinity', { routing: { timeouts: { totalMs: Number.POSITIVE_INFINITY } } }, 'routing.timeouts.totalMs'],
  ['routing.exclude as a string', { routing: { exclude: 'openai/*' as never } }, 'routing.exclude'],
  ['routing.policy: {}', { routing: { policy: {} as never } }, 'routing.policy'],
  ['breaker.cooldownMs: -1', { breaker: { cooldownMs: -1 } }, 'breaker.cooldownMs'],
  ['breaker.failureRate: 2', { breaker: { failureRate: 2 } }, 'breaker.failureRate'],
  ['retryBudget.capacity: NaN', { retryBudget: { capacity: Number.NaN } }, 'retryBudget.capacity'],
  ['policies holding a non-policy', { policies: { mine: 5 as never } }, 'policies.mine'],
  ['routing as a string', { routing: 'pareto' as never }, 'routing'],
];

describe('bad constructor options are configuration ZenErrors naming the option', () => {
  it.each(CONSTRUCTOR_CASES)('%s', (_label, options, path) => {
    let error: unknown;
    try {
      new ZenClient({ providers: {}, ...options });
    } catch (failure) {
      error = failure;
    }
    expect(ZenError.isInstance(error), String(error)).toBe(true);
    expect({ kind: (error as ZenError).kind, code: (error as ZenError).code }).toEqual({ kind: 'configuration', code: path });
    expect((error as ZenError).message).toContain(path);
  });

  it('accepts every documented option shape', () => {
    expect(
      () =>
        new ZenClient({
          providers: {},
          routing: {
            preference: 0.3,
            models: ['openai/*'],
            exclude: ['openai/gpt-5'],
            providers: ['openai'],
            maxCost: 0.01,
            minQuality: 0.5,
            maxLatencyMs: 2_000,
            session: 's',
            policy: 'pareto',
            maxChannels: 3,
            timeouts: { totalMs: 1_000, attemptMs: 500, firstTokenMs: 200, idleMs: 100 },
            retry: { retries: 0, minDelayMs: 0, maxDelayMs: 10, maxRetryAfterMs: 100 },
            hedge: { enabled: true, quantile: 0.9, fallbackDelayMs: 100, maxRate: 0.2, minDelayMs: 10 },
          },
          breaker: { allowedFailures: 0, failureRate: 0.5, windowSize: 10, minimumCalls: 4, cooldownMs: 1_000 },
          retryBudget: { capacity: 100, retryCost: 5, timeoutCost: 10, successRefill: 1 },
          policies: { mine: { name: 'mine', decide: (context) => ({ order: context.candidates, explanation: 'mine' }) } },
        }),
    ).not.toThrow();
  });
});
