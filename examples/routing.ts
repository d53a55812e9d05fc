/**
 * Routing and reliability, on the simulator so that slow and failing providers can be scripted:
 * `auto` with preferences and limits, fallback lists, retries with Retry-After, the circuit
 * breaker, first-token timeouts, hedging, and the events behind them.
 *
 *   npx tsx examples/routing.ts
 */
import { ZenClient } from 'zenrouter';
import { simulatorProviders, startSimulator } from 'zenrouter/testing';

export async function main(): Promise<void> {
  const sim = await startSimulator();
  const zen = new ZenClient({
    providers: await simulatorProviders(sim),
    // Host facts over the data packages: prior quality per task category (0..1).
    models: {
      'openai/gpt-5-mini': { quality: { code: 0.78, chat: 0.8 } },
      'anthropic/claude-haiku-4-5': { quality: { code: 0.8, chat: 0.82 } },
      'google/gemini-2.5-flash': { quality: { code: 0.74, chat: 0.8 } },
      'openai/gpt-5': { quality: { code: 0.9, chat: 0.86 } },
    },
    routing: {
      models: ['openai/gpt-5-mini', 'anthropic/claude-haiku-4-5', 'google/gemini-2.5-flash', 'openai/gpt-5'],
      retry: { retries: 1, minDelayMs: 50, maxRetryAfterMs: 2_000 },
      timeouts: { firstTokenMs: 1_000 },
    },
    breaker: { allowedFailures: 1, cooldownMs: 5_000 },
  });
  zen.on('failover', (event) => console.log(`  [failover] ${event.from} → ${event.to ?? '—'}: ${event.kind}`));
  zen.on('breaker', (event) => console.log(`  [breaker] ${event.channel}: ${event.from} → ${event.to} (${event.reason})`));
  zen.on('hedge', (event) =>
    console.log(
      `  [hedge] ${event.primary} slow after ${event.afterMs} ms → also ${event.hedge}${event.winner ? `; winner ${event.winner}` : ''}`,
    ),
  );
  const ask = { messages: [{ role: 'user' as const, content: 'Write a function that reverses a linked list in TypeScript.' }] };

  try {
    console.log('1. auto: the Pareto choice moves with the preference');
    for (const preference of ['price', 0.3, 'balanced', 'quality'] as const) {
      const answer = await zen.chat.completions.create({ model: 'auto', ...ask, zen: { preference } });
      console.log(`  ${String(preference).padEnd(8)} → ${answer.zen.model} (est. frontier: ${answer.zen.frontier?.join(', ')})`);
    }

    console.log('2. auto with limits: at most $0.0005 and quality ≥ 0.75');
    const limited = await zen.chat.completions.create({ model: 'auto', ...ask, zen: { maxCost: 0.0005, minQuality: 0.75 } });
    console.log(
      `  → ${limited.zen.model}; left out: ${limited.zen.rejected.map((entry) => `${entry.channel} (${entry.reason})`).join('; ')}`,
    );

    console.log('3. a fallback list: a 429 with Retry-After is retried once, then the next model serves');
    sim.enqueue('claude-haiku-4-5', { fault: { type: 'http', status: 429, retryAfter: 0.2 } }, { fault: { type: 'http', status: 529 } });
    const fallback = await zen.chat.completions.create({ model: ['anthropic/claude-haiku-4-5', 'google/gemini-2.5-flash'], ...ask });
    for (const attempt of fallback.zen.attempts)
      console.log(
        `  ${attempt.channel} #${attempt.retry}: ${attempt.outcome} ${attempt.errorKind ?? ''} ${Math.round(attempt.durationMs)} ms`,
      );

    console.log('4. the breaker: after the failures above, claude-haiku-4-5 is skipped until its cooldown ends');
    const skipped = await zen.chat.completions.create({ model: ['anthropic/claude-haiku-4-5', 'openai/gpt-5-mini'], ...ask });
    console.log(
      `  → ${skipped.zen.channel}; attempts: ${skipped.zen.attempts.map((attempt) => `${attempt.channel} ${attempt.outcome}`).join(', ')}`,
    );

    console.log('5. a stream with no first token within 1 s fails over before any byte reaches the caller');
    sim.enqueue('gemini-2.5-flash', { ttftMs: 3_000, text: 'too late' });
    const stream = await zen.chat.completions.create({ model: ['google/gemini-2.5-flash', 'openai/gpt-5-mini'], ...ask, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    console.log(`  → ${(await stream.metadata()).channel}: "${text.slice(0, 50)}…"`);

    console.log('6. hedging: when the first channel is slower than its p95, a second one starts; the first answer wins');
    sim.enqueue('gpt-5-mini', { ttftMs: 800 });
    const hedged = await zen.chat.completions.create({
      model: ['openai/gpt-5-mini', 'google/gemini-2.5-flash'],
      ...ask,
      zen: { hedge: { fallbackDelayMs: 100, maxRate: 1 } },
    });
    console.log(`  → ${hedged.zen.channel}; both paid for: $${hedged.zen.cost.total.toFixed(6)} (estimated: ${hedged.zen.cost.estimated})`);
  } finally {
    await sim.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
