import { ZenClient } from 'zenrouter';

/**
 * One client per server process: its circuit breakers, latency statistics and ledger live as
 * long as the process. Providers come from OPENAI_API_KEY, ANTHROPIC_API_KEY and GEMINI_API_KEY
 * (and the SDKs' own *_BASE_URL variables), for whichever SDKs the app installs.
 */
export const zen = new ZenClient({
  routing: { preference: 'balanced', timeouts: { totalMs: 30_000, firstTokenMs: 8_000 } },
});
