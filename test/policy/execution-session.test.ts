import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { Policy, ZenClient } from '../../src/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { anthropicClient, MINI, openaiClient, run, zenClient } from './execution-helpers.js';

/**
 * Session stickiness: a multi-turn tool session stays on its first channel even when the policy
 * would pick another, and moves only when that channel fails.
 */

const sim = useSimulator();
const A = 'openai/gpt-5-mini:a';
const B = 'openai/gpt-5-mini:b';
const UPSTREAM = { [A]: 'mini-at-a', [B]: 'mini-at-b' } as Record<string, string>;

/** A policy that changes its mind on every call: a, then b, then a... */
function alternating(): Policy {
  let calls = 0;
  return {
    name: 'alternate',
    decide(context) {
      const order = [...context.candidates].sort((x, y) => x.channel.id.localeCompare(y.channel.id));
      if (calls++ % 2 === 1) order.reverse();
      return { order, explanation: `${order[0]!.channel.id} by turns` };
    },
  };
}

function twoProviderClient(): ZenClient {
  return zenClient(sim, {
    providers: {
      a: { client: openaiClient(sim, { apiKey: 'sk-test-key-a-000000000000000' }), vendors: ['openai'] },
      b: { client: openaiClient(sim, { apiKey: 'sk-test-key-b-000000000000000' }), vendors: ['openai'] },
      anthropic: anthropicClient(sim),
    },
    channels: { [A]: { providerModelId: UPSTREAM[A] }, [B]: { providerModelId: UPSTREAM[B] } },
    policies: { alternate: alternating() },
    routing: { policy: 'alternate', retry: { retries: 0 } },
  });
}

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

/** One turn of a tool conversation: the assistant's reply is appended to `messages`. */
async function turn(zen: ZenClient, messages: OpenAI.Chat.ChatCompletionMessageParam[], stream: boolean, session?: string) {
  const out = await run(zen, { model: MINI, tools, messages: [...messages], ...(session ? { zen: { session } } : {}) }, stream);
  expect(out.error).toBeUndefined();
  // The conversation goes on: an answer after a tool result, else a tool call and its result.
  if (messages.at(-1)!.role === 'tool') {
    messages.push({ role: 'assistant', content: out.text });
  } else {
    const id = `call_${messages.length}`;
    messages.push({
      role: 'assistant',
      content: null,
      tool_calls: [{ id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
    });
    messages.push({ role: 'tool', tool_call_id: id, content: '{"temperature": 21}' });
  }
  return { channel: out.zen.channel!, sticky: out.zen.sticky, out };
}

describe.each([
  ['stream', true],
  ['non-stream', false],
] as const)('%s', (_mode, stream) => {
  it('without a session the policy moves the conversation around (the control)', async () => {
    const zen = twoProviderClient();
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const channels = [];
    for (let index = 0; index < 4; index += 1) channels.push((await turn(zen, messages, stream)).channel);
    expect(channels).toEqual([A, B, A, B]);
  });

  it('a multi-turn tool session stays on its first channel although the policy would pick another', async () => {
    const zen = twoProviderClient();
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const turns = [];
    for (let index = 0; index < 4; index += 1) {
      if (index === 2) messages.push({ role: 'user', content: 'And tomorrow?' });
      turns.push(await turn(zen, messages, stream, 's1'));
    }
    expect(turns.map((entry) => entry.channel)).toEqual([A, A, A, A]);
    expect(turns.map((entry) => entry.sticky)).toEqual([false, true, true, true]);
    expect(sim.callsFor(UPSTREAM[B]!)).toHaveLength(0);
    expect(sim.callsFor(UPSTREAM[A]!)).toHaveLength(4);
    // The second turn really was a tool turn: the simulator saw the tool result.
    expect(JSON.stringify(sim.callsFor(UPSTREAM[A]!)[1]!.body)).toContain('"role":"tool"');
  });

  it('moves only when its channel fails, and then stays where it moved', async () => {
    const zen = twoProviderClient();
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const first = await turn(zen, messages, stream, 's2');
    expect(first.channel).toBe(A);
    sim.enqueue(UPSTREAM[A]!, { fault: { type: 'http', status: 503 } });
    const second = await turn(zen, messages, stream, 's2');
    expect(second.channel).toBe(B);
    expect(second.out.zen.attempts.map((attempt) => [attempt.channel, attempt.outcome])).toEqual([
      [A, 'error'],
      [B, 'success'],
    ]);
    expect(second.sticky).toBe(true); // it started on the pinned channel
    messages.push({ role: 'user', content: 'And tomorrow?' });
    const later = [await turn(zen, messages, stream, 's2'), await turn(zen, messages, stream, 's2')];
    expect(later.map((entry) => entry.channel)).toEqual([B, B]);
    expect(sim.callsFor(UPSTREAM[A]!)).toHaveLength(2); // the first turn and the failure
  });

  it('sessions are kept apart', async () => {
    const zen = twoProviderClient();
    const one: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const two: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Rome?' }];
    const channels = [];
    channels.push((await turn(zen, one, stream, 'one')).channel, (await turn(zen, two, stream, 'two')).channel);
    channels.push((await turn(zen, one, stream, 'one')).channel, (await turn(zen, two, stream, 'two')).channel);
    expect(channels).toEqual([A, B, A, B]);
  });
});
