/**
 * One ledger for every instance of an app: PostgresLedgerStore. Two ZenClients stand for two
 * instances (two servers, two serverless functions), each with its own connection to the same
 * table; the daily claim cap holds across both, and the balance and summaries, computed in SQL,
 * count the calls of both.
 *
 *   npx tsx examples/shared-ledger.ts                                          # embedded PGlite
 *   DATABASE_URL=postgres://user@127.0.0.1:5432/app npx tsx examples/shared-ledger.ts  # PostgreSQL (npm i pg)
 */
import { PGlite } from '@electric-sql/pglite';
import { ZenClient } from 'zenrouter';
import { PostgresLedgerStore } from 'zenrouter/node';
import { simulatorProviders, startSimulator, type Simulator } from 'zenrouter/testing';

// A table per run of this example, so that runs do not add up.
const table = `zen_ledger_example_${Date.now()}`;

async function openLedger(pglite: PGlite | undefined): Promise<PostgresLedgerStore> {
  const url = process.env.DATABASE_URL;
  // With a connection string the store opens its own pg Pool; PGlite is Postgres inside this process.
  return url ? PostgresLedgerStore.open({ connectionString: url, table }) : PostgresLedgerStore.open({ pool: pglite!, table });
}

async function instance(name: string, sim: Simulator, ledger: PostgresLedgerStore): Promise<ZenClient> {
  const zen = new ZenClient({
    providers: await simulatorProviders(sim),
    ledger,
    // An empty answer is refunded with a fixed $0.001, at most $0.003 a day across all instances.
    insurance: { policy: { cover: { empty_answer: { fixedUsd: 0.001 } }, dailyCapUsd: 0.003 } },
  });
  zen.on('claim', (claim) => console.log(`  [${name} claim] ${claim.eventKind}: ${claim.status}${claim.note ? ` (${claim.note})` : ''}`));
  return zen;
}

export async function main(): Promise<void> {
  const sim = await startSimulator();
  const pglite = process.env.DATABASE_URL ? undefined : new PGlite();
  console.log(`ledger: ${process.env.DATABASE_URL ? 'PostgreSQL at DATABASE_URL' : 'PGlite (embedded)'}, table ${table}`);
  const ledgers = [await openLedger(pglite), await openLedger(pglite)];
  try {
    const first = await instance('first', sim, ledgers[0]!);
    const second = await instance('second', sim, ledgers[1]!);
    const messages = [{ role: 'user' as const, content: 'Say something.' }];

    console.log('1. six empty answers, three on each instance, at the same time');
    sim.enqueue('gpt-5-mini', ...Array.from({ length: 6 }, () => ({ text: '' })));
    await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        (index % 2 ? second : first).chat.completions.create({ model: 'openai/gpt-5-mini', messages }),
      ),
    );
    await Promise.all([first.flush(), second.flush()]);

    console.log('2. what each instance reads back from the shared ledger');
    console.log(`  balance seen by first: $${await first.balance()}, by second: $${await second.balance()}`);
    const totals = await first.ledger.totals();
    console.log(`  totals: ${totals.requests} requests, $${totals.costUsd} cost, $${totals.creditsUsd} credits`);
    const claims = await second.ledger.claimsSummary();
    console.log(`  claims: ${claims.claims} (${claims.byStatus.credited} credited, ${claims.byStatus.capped} capped)`);
    for (const row of await first.ledger.costByModelByDay())
      console.log(`  ${row.day} ${row.model}: ${row.requests} requests, $${row.costUsd}`);
  } finally {
    for (const ledger of ledgers) await ledger.close();
    await pglite?.close();
    await sim.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
