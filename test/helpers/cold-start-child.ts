/**
 * A fresh process's first minutes with zenrouter (run by test/client/cold-start.test.ts): import,
 * then the first routed call through the simulator. Prints what was loaded when, and the figures
 * the first call used, as one JSON line.
 */
import OpenAI from 'openai';

const baseURL = process.argv[2]!;
const modules = (globalThis as { __resolvedModules?: string[] }).__resolvedModules ?? [];
/** Resolution messages come from the loader thread: give them a turn to arrive. */
const settled = async (): Promise<string[]> => {
  await new Promise((resolve) => setTimeout(resolve, 50));
  return [...modules];
};

const { ZenClient } = await import('../../src/index.js');
const afterImport = await settled();
const models = ['openai/gpt-5-mini', 'openai/gpt-5-nano', 'openai/gpt-4.1-mini'];
const zen = new ZenClient({
  providers: { openai: new OpenAI({ apiKey: 'sk-test-00000000000000000000', baseURL, maxRetries: 0 }) },
  routing: { models },
});
const answer = await zen.chat.completions.create({
  model: 'auto',
  messages: [{ role: 'user', content: 'Summarise the plot of Hamlet in one sentence.' }],
});
const afterCall = await settled();
console.log(
  JSON.stringify({
    afterImport,
    afterCall,
    answer: answer.choices[0]!.message.content,
    model: answer.zen.model,
    cost: answer.zen.cost,
    facts: models.map((id) => ({ id, price: zen.catalog.model(id).price, contextWindow: zen.catalog.model(id).contextWindow })),
  }),
);
await zen.close();
