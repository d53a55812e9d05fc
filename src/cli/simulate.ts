import type { ProviderConfig } from '../client/providers.js';
import { ZenError } from '../core/errors.js';
import type { EvalItem } from '../eval/types.js';
import { Simulator } from '../testing/server.js';
import { simulatorProviders } from '../testing/sdk-clients.js';
import { scriptHleAnswers } from '../testing/hle-answers.js';

/** Channels `--simulate` evaluates when none are named: one model at two hosts, and two other models. */
export const SIMULATED_CHANNELS = [
  'openai/gpt-5-mini:openai',
  'openai/gpt-5-mini:budget-host',
  'anthropic/claude-haiku-4-5:anthropic',
  'google/gemini-2.5-flash:google',
];
export const SIMULATED_JUDGE = 'google/gemini-2.5-flash:google';

/**
 * The built-in simulator as providers, with scripted answers: the primary host answers as the
 * real models might (gpt-5-mini 75 %, claude-haiku-4-5 65 %, gemini-2.5-flash 60 %), and a second
 * OpenAI-compatible host, `budget-host`, serves a worse build of gpt-5-mini (35 %) that says it is
 * another model: what a comparison and the identity probe are there to catch.
 */
export async function simulatedProviders(
  items: EvalItem[],
  options: { latencyMs: number; degradeAfter?: number },
): Promise<{ providers: Record<string, ProviderConfig>; close(): Promise<void> }> {
  await requireSdks();
  const primary = await new Simulator().start();
  const budget = await new Simulator().start();
  const pace = {
    ttftMs: (_model: string, _call: number) => Math.round(options.latencyMs * (0.6 + Math.random() * 0.8)),
    tokensPerSecond: 400,
  };
  scriptHleAnswers(primary, items, {
    accuracy: { 'gpt-5-mini': 0.75, 'claude-haiku-4-5': 0.65, 'gemini-2.5-flash': 0.6 },
    seed: 3,
    ...pace,
  });
  const degradeAfter = options.degradeAfter;
  scriptHleAnswers(budget, items, {
    accuracy: degradeAfter === undefined ? 0.35 : (_model, call) => (call > degradeAfter ? 0.05 : 0.75),
    seed: 5,
    identity: { 'gpt-5-mini': 'I am Llama 3.1 70B Instruct.' },
    ...pace,
  });
  const { default: OpenAI } = await import('openai');
  const providers: Record<string, ProviderConfig> = {
    ...(await simulatorProviders(primary)),
    'budget-host': {
      client: new OpenAI({ apiKey: 'sk-simulator-budget-000000', baseURL: budget.openaiBaseURL, maxRetries: 0 }),
      vendors: ['openai'],
    },
  };
  return { providers, close: async () => void (await Promise.all([primary.close(), budget.close()])) };
}

/** --simulate talks to the simulator through the official SDKs, as every real call does: they must be installed. */
async function requireSdks(): Promise<void> {
  const missing: string[] = [];
  for (const name of ['openai', '@anthropic-ai/sdk', '@google/genai']) {
    try {
      await import(name);
    } catch {
      missing.push(name);
    }
  }
  if (missing.length > 0) {
    throw new ZenError({
      kind: 'configuration',
      retryable: false,
      message: `--simulate runs the official SDKs against the built-in simulator; install them first: npm install ${missing.join(' ')}`,
    });
  }
}
