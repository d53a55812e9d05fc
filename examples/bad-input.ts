/**
 * Malformed calls get a ZenError that names the field, before anything is sent: nothing is
 * retried, no provider is called, no breaker moves, and the next valid call goes through.
 * Run offline: npx tsx examples/run.ts examples/bad-input.ts
 */
import { ZenClient, ZenError } from 'zenrouter';

const client = new ZenClient();

const circular: Record<string, unknown> = { type: 'object' };
circular.properties = { self: circular };

const MISTAKES: Array<[string, () => Promise<unknown>]> = [
  [
    'a timeout of -1',
    () =>
      client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }], zen: { timeouts: { totalMs: -1 } } }),
  ],
  [
    'an unknown preference',
    () =>
      client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }], zen: { preference: 'cheap' as never } }),
  ],
  [
    'a circular tool schema',
    () =>
      client.chat.completions.create({
        model: 'gpt-5-mini',
        messages: [{ role: 'user', content: 'Hi' }],
        tools: [{ type: 'function', function: { name: 'f', parameters: circular } }],
      }),
  ],
  [
    'a null content part',
    () => client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: [null as never] }] }),
  ],
  [
    'a signal that is not an AbortSignal',
    () => client.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' }, { signal: {} as AbortSignal }),
  ],
];

export async function main(): Promise<void> {
  const attempts: string[] = [];
  client.on('attempt', (event) => attempts.push(event.requestId));
  for (const [mistake, call] of MISTAKES) {
    try {
      await call();
    } catch (error) {
      if (!ZenError.isInstance(error)) throw error;
      console.log(`${mistake}: ${error.kind} at ${error.code}\n  ${error.message}`);
    }
  }
  console.log(`attempts made for them: ${attempts.length}`);
  const completion = await client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Hi' }] });
  console.log(`a valid call afterwards: ${completion.choices[0]?.message.content}`);
}
