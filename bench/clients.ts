import OpenAI from 'openai';
import { ZenClient } from '../src/index.js';

/** What every bench sends: one short prompt. */
export const MESSAGES = [{ role: 'user' as const, content: 'Summarise the plot of Hamlet in one sentence.' }];

/** An openai SDK client for the simulator at `baseURL`, with the SDK's own retries off. */
export function benchSdk(baseURL: string): OpenAI {
  return new OpenAI({ apiKey: 'sk-bench-000000000000000000', baseURL, maxRetries: 0 });
}

/** The ZenClient every bench measures: `auto` over three OpenAI models, through `openai` (an SDK client or an object of its shape). */
export function benchZen(openai: unknown): ZenClient {
  return new ZenClient({
    providers: { openai: openai as never },
    routing: { models: ['openai/gpt-5-mini', 'openai/gpt-5-nano', 'openai/gpt-4.1-mini'] },
  });
}
