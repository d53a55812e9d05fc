/**
 * One of two processes racing for one budget in Redis (test/pipeline/budget-race.test.ts): a
 * ZenClient with its own memory, `CALLS` concurrent calls (streamed with STREAM=1) once the parent
 * writes `go`. Prints `ready`, a `refused` line per refusal as it happens, then a JSON summary.
 */
import { createInterface } from 'node:readline';
import OpenAI from 'openai';
import { createClient } from 'redis';
import { RedisStateStore, ZenClient, ZenError } from '../../../src/index.js';

const { OPENAI_URL, REDIS_URL, PREFIX, LIMIT_USD, CALLS, STREAM, MAX_TOKENS } = process.env;
const redis = await createClient({ url: REDIS_URL }).connect();
const zen = new ZenClient({
  providers: { openai: new OpenAI({ apiKey: 'sk-test-openai-key-000000000000', baseURL: OPENAI_URL, maxRetries: 0 }) },
  routing: { retry: { retries: 0 } },
  sharedState: { store: new RedisStateStore({ client: redis, prefix: PREFIX }) },
  budgets: { limits: [{ usd: Number(LIMIT_USD), per: 'day' }] },
});
const messages = [{ role: 'user' as const, content: 'Summarise the plot of Hamlet in one sentence.' }];
const body = { model: 'openai/gpt-5-mini', messages, max_tokens: Number(MAX_TOKENS), zen: { budgetKey: 'race' } };

const lines = createInterface({ input: process.stdin });
console.log('ready');
await new Promise<void>((resolve) => lines.once('line', () => resolve()));

async function one(): Promise<{ cost?: number; refused?: string }> {
  try {
    if (STREAM === '1') {
      const stream = await zen.chat.completions.create({ ...body, stream: true });
      for await (const _chunk of stream) {
        // read to the end: the cost arrives with the last chunk
      }
      return { cost: (await stream.metadata()).cost.total };
    }
    return { cost: (await zen.chat.completions.create(body)).zen.cost.total };
  } catch (error) {
    if (!ZenError.isInstance(error)) throw error;
    console.log('refused');
    return { refused: error.kind };
  }
}

const results = await Promise.all(Array.from({ length: Number(CALLS) }, one));
await zen.flush();
console.log(
  JSON.stringify({
    costs: results.flatMap((result) => (result.cost === undefined ? [] : [result.cost])),
    refused: results.flatMap((result) => (result.refused ? [result.refused] : [])),
  }),
);
lines.close();
await redis.close();
