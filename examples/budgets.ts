/**
 * Spending and rate limits per key: a user's USD per day (a soft warning at 80 %, a hard stop at
 * 100 %), requests per minute, and tokens per day for a project. A refused call is a typed
 * `budget_exceeded` error and never reaches a provider; `auto` moves to cheaper models as a budget
 * runs low. With REDIS_URL the counters live in Redis and hold across every process that shares it.
 *
 *   npx tsx examples/budgets.ts
 *   REDIS_URL=redis://127.0.0.1:6379 npx tsx examples/budgets.ts   # shared through Redis (npm i redis)
 */
import { MemoryStateStore, RedisStateStore, ZenClient, ZenError, type StateStore } from 'zenrouter';
import { simulatorProviders, startSimulator } from 'zenrouter/testing';

async function openStore(): Promise<{ store: StateStore; close: () => Promise<void> }> {
  const url = process.env.REDIS_URL;
  if (!url) return { store: new MemoryStateStore(), close: async () => {} };
  const { createClient } = await import('redis');
  const client = await createClient({ url }).connect();
  return { store: new RedisStateStore({ client, prefix: `zenrouter-budgets-example-${Date.now()}:` }), close: () => client.close() };
}

export async function main(): Promise<void> {
  const sim = await startSimulator();
  const { store, close } = await openStore();
  console.log(`store: ${store.constructor.name}`);
  // Every answer costs the same, so that the budget's arithmetic is easy to follow.
  sim.setDefault('*', { text: 'Paris.', usage: { input: 400, output: 100 } });
  const zen = new ZenClient({
    providers: await simulatorProviders(sim),
    sharedState: { store },
    budgets: {
      // Users get dollars and a rate limit; projects get tokens.
      limits: (key) =>
        key.startsWith('user:')
          ? [
              { usd: 0.001, per: 'day', soft: true },
              { usd: 0.00125, per: 'day' },
              { requests: 20, per: 'minute' },
            ]
          : key.startsWith('project:')
            ? [{ tokens: 2_000, per: 'day' }]
            : key.startsWith('team:')
              ? [{ usd: 0.01, per: 'day' }]
              : undefined,
      // Besides `zen: { budgetKey }`, a call tagged with a project counts against the project too.
      key: (call) => (call.options.tags?.project ? `project:${call.options.tags.project}` : undefined),
    },
  });
  const amount = (unit: string, value: number): string => (unit === 'usd' ? `$${value.toFixed(6)}` : `${value} ${unit}`);
  zen.on('budget', (event) =>
    console.log(
      `  [budget] ${event.event} on ${event.key}: ${amount(event.unit, event.spent)} spent of ${amount(event.unit, event.limit)} per ${event.window}`,
    ),
  );
  const ask = (budgetKey: string, tags: Record<string, string> = {}) =>
    zen.chat.completions.create({
      model: 'openai/gpt-5-mini',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Capital of France?' }],
      zen: { budgetKey, tags },
    });

  try {
    console.log('1. user:42 spends until the hard limit refuses a call');
    for (let i = 1; i <= 10; i++) {
      try {
        const answer = await ask('user:42');
        console.log(`  call ${i}: $${answer.zen.cost.total.toFixed(6)}`);
      } catch (error) {
        if (!ZenError.isInstance(error) || error.kind !== 'budget_exceeded') throw error;
        console.log(
          `  call ${i}: refused, budget_exceeded (${error.budget?.key} ${error.budget?.unit} per ${error.budget?.window}); retry after ${Math.round((error.retryAfterMs ?? 0) / 3_600_000)} h`,
        );
        break;
      }
    }
    const usd = (await zen.budget('user:42')).find((state) => state.unit === 'usd')!;
    console.log(`  user:42 today: spent $${usd.spent.toFixed(6)} of $${usd.limit}, remaining $${usd.remaining.toFixed(6)}`);
    console.log(`  provider calls: ${sim.calls.length}`);

    console.log('2. project:atlas has 2,000 tokens a day, whoever calls');
    let answered = 0;
    for (let i = 0; i < 5; i++) {
      try {
        await ask(`user:${100 + i}`, { project: 'atlas' });
        answered++;
      } catch (error) {
        if (!ZenError.isInstance(error) || error.kind !== 'budget_exceeded') throw error;
        console.log(`  refused: ${error.message}`);
        break;
      }
    }
    const tokens = (await zen.budget('project:atlas'))[0]!;
    console.log(`  project:atlas: ${answered} calls answered, ${tokens.spent} of ${tokens.limit} tokens`);

    console.log('3. auto on a team budget of $0.01 a day: cheaper picks for a hard problem as it runs low');
    const problem = 'Find all positive integers n such that n^2 + 3n + 7 is divisible by 13, and prove that your list is complete.';
    for (let i = 1; i <= 12; i++) {
      try {
        const answer = await zen.chat.completions.create({
          model: 'auto',
          max_tokens: 100,
          messages: [{ role: 'user', content: problem }],
          zen: { budgetKey: 'team:math' },
        });
        const usd = (await zen.budget('team:math')).find((state) => state.unit === 'usd')!;
        console.log(`  call ${i}: ${answer.zen.model} $${answer.zen.cost.total.toFixed(6)}, remaining $${usd.remaining.toFixed(6)}`);
      } catch (error) {
        if (!ZenError.isInstance(error) || error.kind !== 'budget_exceeded') throw error;
        console.log(`  call ${i}: refused (budget_exceeded)`);
        break;
      }
    }

    await zen.flush();
    let records = 0;
    for await (const record of zen.ledger.query({ types: ['budget'] })) if (record.type === 'budget') records++;
    console.log(`ledger: ${records} budget records (the dashboard's budget panel reads them)`);
  } finally {
    await zen.close();
    await close();
    await sim.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
