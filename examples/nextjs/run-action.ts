/**
 * Calls the server action the way Next.js does (previous state + FormData), outside Next.js.
 * Run offline: npx tsx examples/run.ts examples/nextjs/run-action.ts
 */
import { summarize } from './app/actions';

export async function main(): Promise<void> {
  const form = new FormData();
  form.set(
    'text',
    'zenrouter routes each LLM call inside the app process, fails over between providers and keeps a ledger of cost and quality.',
  );
  const state = await summarize({}, form);
  console.log(state);
  if (state.error) process.exitCode = 1;
}
