/**
 * Quality insurance, worked through on the simulator: a slow channel, an invalid JSON answer,
 * the claims and credits they become, a repaired answer, feedback, the ledger summary and the
 * anonymized export of the failing cases.
 *
 *   npx tsx examples/insurance.ts
 */
import { ZenClient } from 'zenrouter';
import { simulatorProviders, startSimulator } from 'zenrouter/testing';

export async function main(): Promise<void> {
  const sim = await startSimulator();
  const zen = new ZenClient({
    providers: await simulatorProviders(sim),
    insurance: {
      limits: { maxFirstTokenMs: 300 }, // slower than this is a `slow_first_token` event
      policy: {
        cover: {
          slow_first_token: { percent: 25 }, // 25 % of the call's cost back
          invalid_json: { percent: 100 }, // the whole call back
          user_feedback: { fixedUsd: 0.0005 }, // a fixed credit per bad rating
        },
        dailyCapUsd: 1,
      },
      repair: true, // a covered bad answer is re-run on the next candidate
    },
  });
  zen.on('quality', (event) => console.log(`  [quality] ${event.kind} on ${event.channel}: ${event.message}`));
  zen.on('claim', (claim) => console.log(`  [claim] ${claim.eventKind}: $${claim.amountUsd.toFixed(9)} (${claim.rule}, ${claim.status})`));

  try {
    console.log('1. A slow channel: the first token comes after 600 ms');
    sim.enqueue('claude-haiku-4-5', { ttftMs: 600, text: 'Slow but fine.', usage: { input: 2_000, output: 400 } });
    const slow = await zen.chat.completions.create({
      model: 'anthropic/claude-haiku-4-5',
      messages: [{ role: 'user', content: 'Explain circuit breakers briefly.' }],
      stream: true,
    });
    for await (const _chunk of slow) {
      // read the stream
    }
    const slowMeta = await slow.metadata();
    console.log(`   cost $${slowMeta.cost.total.toFixed(9)}, events: ${slowMeta.events.map((event) => event.kind).join(', ')}`);

    console.log('2. An invalid JSON answer: repaired on the next model, the claim stays');
    sim.enqueue('gpt-5-mini', { text: '{"name": "Ada", "age": ', usage: { input: 1_500, output: 300 } });
    const repaired = await zen.chat.completions.create({
      model: ['openai/gpt-5-mini', 'google/gemini-2.5-flash'],
      messages: [{ role: 'user', content: 'Invent a person. My e-mail is ada@example.com if you need it.' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'person',
          schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'] },
        },
      },
    });
    console.log(`   answer from ${repaired.zen.channel} (repaired: ${repaired.zen.repaired}): ${repaired.choices[0]!.message.content}`);

    console.log('3. Feedback after the fact');
    const fine = await zen.chat.completions.create({
      model: 'google/gemini-2.5-flash',
      messages: [{ role: 'user', content: 'Capital of Australia?' }],
    });
    await zen.feedback(fine.zen.requestId, { rating: 'bad', comment: 'It said Sydney.' });

    await zen.flush();
    console.log('4. The ledger');
    const totals = await zen.ledger.totals();
    const claims = await zen.ledger.claimsSummary();
    console.log(`   ${totals.requests} requests, cost $${totals.costUsd.toFixed(9)}, credits $${totals.creditsUsd.toFixed(9)}`);
    console.log(`   claims by kind: ${JSON.stringify(claims.byKind)}`);
    for (const row of await zen.ledger.costByModelByDay())
      console.log(`   ${row.day} ${row.model}: ${row.requests} requests, $${row.costUsd.toFixed(9)}`);
    console.log(`   balance: $${(await zen.balance()).toFixed(9)}`);

    console.log('5. Failing cases, anonymized, as OpenAI evals JSONL');
    for await (const line of zen.exportCases({ format: 'evals' })) console.log(`   ${line.trim().slice(0, 160)}…`);
  } finally {
    await zen.close();
    await sim.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
