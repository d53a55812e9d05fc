import { ZenClient } from 'zenrouter';
import { JsonlLedgerStore } from 'zenrouter/node';

/**
 * A route handler whose client keeps its ledger in a JSONL file (zenrouter/node, Node runtime):
 * POST {"prompt": "..."} answers and returns the ledger's totals so far. better-sqlite3 is not
 * installed, and nothing asks for it.
 */
const zen = JsonlLedgerStore.open({ path: process.env.ZEN_LEDGER_PATH ?? '.data/ledger.jsonl' }).then(
  (ledger) => new ZenClient({ ledger }),
);

export async function POST(request: Request): Promise<Response> {
  const { prompt } = (await request.json()) as { prompt?: unknown };
  if (typeof prompt !== 'string' || !prompt.trim()) return Response.json({ error: 'prompt must be a non-empty string' }, { status: 400 });
  const client = await zen;
  const completion = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: prompt }] });
  await client.flush(); // the record is in the file before we read the totals
  return Response.json({
    content: completion.choices[0]?.message.content,
    model: completion.zen.model,
    requestId: completion.zen.requestId,
    totals: await client.ledger.totals(),
  });
}
