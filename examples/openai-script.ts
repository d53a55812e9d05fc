/**
 * A script written for the openai SDK. The only change for zenrouter is the client line:
 *
 *   - const client = new OpenAI();
 *   + const client = new ZenClient();
 *
 * The same calls now run on OpenAI, Anthropic or Gemini models, with failover and a ledger.
 * Run offline: npx tsx examples/run.ts examples/openai-script.ts
 */
import { ZenClient } from 'zenrouter';

const client = new ZenClient();

export async function main(): Promise<void> {
  for (const model of ['gpt-5-mini', 'claude-haiku-4-5', 'gemini-2.5-flash']) {
    const completion = await client.chat.completions.create({
      model,
      messages: [
        { role: 'developer', content: 'Talk like a pirate.' },
        { role: 'user', content: 'Are semicolons optional in JavaScript?' },
      ],
    });
    console.log(`${model}: ${completion.choices[0]?.message.content}`);
  }
}
