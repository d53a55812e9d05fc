import { validateChatParams } from '../src/faces/validation/chat-params.js';
import { validateGenerateParams } from '../src/faces/validation/generate-params.js';
import { validateMessagesParams } from '../src/faces/validation/messages-params.js';
import { validateCallOptions } from '../src/faces/validation/zen-options.js';
import { MESSAGES } from './clients.js';

/**
 * CPU per call of the input validation each face runs before routing, on typical requests: the
 * benches' one-message body, and bodies with a conversation, a tool, sampling fields and `zen`
 * options. `npx tsx bench/validation.ts`.
 */

const tool = { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1 } }, required: ['city'] };
const zen = { preference: 'balanced', timeouts: { totalMs: 30_000 }, retry: { retries: 1 } };

const BODIES: Array<[string, () => void]> = [
  ["chat: one message (the benches' body)", () => validateChatParams({ model: 'auto', messages: MESSAGES })],
  [
    'chat: 4 messages, a tool, sampling, zen',
    () =>
      validateChatParams({
        model: 'auto',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
          },
          { role: 'tool', tool_call_id: 'c1', content: 'Sunny' },
        ],
        tools: [{ type: 'function', function: { name: 'weather', description: 'Weather for a city', parameters: tool } }],
        temperature: 0.2,
        max_tokens: 200,
        zen,
      }),
  ],
  [
    'messages: 2 messages, a tool, zen',
    () =>
      validateMessagesParams({
        model: 'auto',
        max_tokens: 200,
        system: 'Be brief.',
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }] },
        ],
        tools: [{ name: 'weather', description: 'Weather for a city', input_schema: tool }],
        zen,
      }),
  ],
  [
    'generateContent: contents, config with a tool, zen',
    () =>
      validateGenerateParams({
        model: 'auto',
        contents: [{ role: 'user', parts: [{ text: 'Weather in Paris?' }] }],
        config: {
          systemInstruction: 'Be brief.',
          temperature: 0.2,
          tools: [{ functionDeclarations: [{ name: 'weather', parametersJsonSchema: tool }] }],
        },
        zen,
      }),
  ],
  ['call options: { timeout, maxRetries, zen }', () => validateCallOptions({ timeout: 10_000, maxRetries: 1, zen })],
];

function cpuPerCall(run: () => void, calls: number): number {
  for (let index = 0; index < calls / 10; index++) run(); // warm up the JIT
  const start = process.cpuUsage();
  for (let index = 0; index < calls; index++) run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / calls;
}

export function benchValidation(calls = 100_000): Array<{ body: string; cpuUs: number }> {
  return BODIES.map(([body, run]) => ({ body, cpuUs: Number(cpuPerCall(run, calls).toFixed(2)) }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(benchValidation());
}
