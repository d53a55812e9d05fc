/**
 * One call from a separate Node process, for the cross-process shared-state test: a ZenClient
 * with its own live state, sharing breaker cooldowns and session pins through Redis.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { createClient } from 'redis';
import { RedisStateStore, ZenClient } from '../../../src/index.js';

const { OPENAI_URL, ANTHROPIC_URL, REDIS_URL, PREFIX, SESSION } = process.env;
const redis = await createClient({ url: REDIS_URL }).connect();
const zen = new ZenClient({
  providers: {
    openai: new OpenAI({ apiKey: 'sk-test-openai-key-000000000000', baseURL: OPENAI_URL, maxRetries: 0 }),
    anthropic: new Anthropic({ apiKey: 'sk-ant-test-key-0000000000000', baseURL: ANTHROPIC_URL, maxRetries: 0 }),
  },
  sharedState: { store: new RedisStateStore({ client: redis, prefix: PREFIX }), refreshMs: 0 },
  routing: { retry: { retries: 0 } },
});
const answer = await zen.chat.completions.create({
  model: ['openai/gpt-5-mini', 'anthropic/claude-haiku-4-5'],
  messages: [{ role: 'user', content: 'Name a prime number.' }],
  zen: { session: SESSION },
});
// The cooldown and the pin are written in the background: give them time before the process ends.
await new Promise((resolve) => setTimeout(resolve, 100));
console.log(
  JSON.stringify({
    channel: answer.zen.channel,
    attempts: answer.zen.attempts.map((attempt) => [attempt.channel, attempt.outcome, attempt.errorKind ?? null]),
  }),
);
await redis.close();
