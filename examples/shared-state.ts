/**
 * Several processes, one picture of the providers: breaker cooldowns and session pins shared
 * through a StateStore. Two ZenClients stand for two instances of an app (two servers, two
 * serverless functions); each routes on its own, and the store tells each what the other learned.
 *
 *   npx tsx examples/shared-state.ts                               # MemoryStateStore
 *   REDIS_URL=redis://127.0.0.1:6379 npx tsx examples/shared-state.ts  # RedisStateStore (npm i redis)
 */
import { MemoryStateStore, RedisStateStore, ZenClient, type StateStore } from 'zenrouter';
import { simulatorProviders, startSimulator, type Simulator } from 'zenrouter/testing';

async function openStore(): Promise<{ store: StateStore; close: () => Promise<void> }> {
  const url = process.env.REDIS_URL;
  if (!url) return { store: new MemoryStateStore(), close: async () => {} };
  const { createClient } = await import('redis');
  const client = await createClient({ url }).connect();
  // One prefix per app sharing the Redis; a run of this example gets its own.
  return { store: new RedisStateStore({ client, prefix: `zenrouter-example-${Date.now()}:` }), close: () => client.close() };
}

async function instance(name: string, sim: Simulator, store: StateStore): Promise<ZenClient> {
  const zen = new ZenClient({
    providers: await simulatorProviders(sim),
    // refreshMs: how stale this instance's copy of the shared cooldowns may get (default 1 s).
    sharedState: { store, refreshMs: 0 },
    routing: { retry: { retries: 0 } },
  });
  zen.on('breaker', (event) => console.log(`  [${name} breaker] ${event.channel}: ${event.from} → ${event.to} (${event.reason})`));
  zen.on('error', (event) => console.log(`  [${name} error] ${event.source}: ${event.error.message}`));
  return zen;
}

export async function main(): Promise<void> {
  const sim = await startSimulator();
  const { store, close } = await openStore();
  console.log(`store: ${store.constructor.name}`);
  try {
    const first = await instance('first', sim, store);
    const second = await instance('second', sim, store);
    const plan = ['openai/gpt-5-mini', 'anthropic/claude-haiku-4-5'];
    const messages = [{ role: 'user' as const, content: 'Name a prime number.' }];

    console.log('1. the first instance is rate limited by OpenAI for 30 s and fails over');
    sim.enqueue('gpt-5-mini', { fault: { type: 'http', status: 429, retryAfter: 30 } });
    const failedOver = await first.chat.completions.create({ model: plan, messages });
    console.log(
      `  → ${failedOver.zen.channel}; attempts: ${failedOver.zen.attempts.map((attempt) => `${attempt.channel} ${attempt.outcome}`).join(', ')}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 20)); // the cooldown is written in the background

    console.log('2. the second instance has never called OpenAI, yet skips it: the cooldown is shared');
    const skipped = await second.chat.completions.create({ model: plan, messages });
    console.log(
      `  → ${skipped.zen.channel}; attempts: ${skipped.zen.attempts.map((attempt) => `${attempt.channel} ${attempt.outcome}`).join(', ')}`,
    );
    console.log(`  upstream calls to gpt-5-mini: ${sim.callsFor('gpt-5-mini').length}`);

    console.log('3. a tool session started on one instance continues on the same channel on the other');
    const session = 'conversation-42';
    const turn1 = await first.chat.completions.create({
      model: ['anthropic/claude-haiku-4-5', 'google/gemini-2.5-flash'],
      messages,
      zen: { session },
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const turn2 = await second.chat.completions.create({
      model: ['google/gemini-2.5-flash', 'anthropic/claude-haiku-4-5'],
      messages,
      zen: { session },
    });
    console.log(`  turn 1 on first: ${turn1.zen.channel}; turn 2 on second: ${turn2.zen.channel} (sticky: ${turn2.zen.sticky})`);
  } finally {
    await close();
    await sim.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
