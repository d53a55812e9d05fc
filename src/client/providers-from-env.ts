import type { ProviderConfig } from './providers.js';

type Env = Record<string, string | undefined>;

function readEnv(): Env {
  const process = (globalThis as { process?: { env?: Env } }).process;
  return process?.env ?? {};
}

/**
 * Builds SDK clients from the usual environment variables, for whichever are set. SDKs are loaded
 * only here, only when their key is present. Clients get `maxRetries: 0`: ZenClient owns retries.
 */
export async function providersFromEnv(env: Env = readEnv()): Promise<Record<string, ProviderConfig>> {
  const providers: Record<string, ProviderConfig> = {};
  if (env.OPENAI_API_KEY) {
    const { default: OpenAI } = await import('openai');
    providers.openai = new OpenAI({ apiKey: env.OPENAI_API_KEY, maxRetries: 0 });
  }
  if (env.ANTHROPIC_API_KEY) {
    const { default: Anthropic } = await import('@anthropic-ai/sdk');
    providers.anthropic = new Anthropic({ apiKey: env.ANTHROPIC_API_KEY, maxRetries: 0 });
  }
  const geminiKey = env.GEMINI_API_KEY ?? env.GOOGLE_API_KEY;
  if (geminiKey) {
    const { GoogleGenAI } = await import('@google/genai');
    providers.google = new GoogleGenAI({ apiKey: geminiKey });
  }
  if (env.GOOGLE_CLOUD_PROJECT && env.GOOGLE_CLOUD_LOCATION) {
    const { GoogleGenAI } = await import('@google/genai');
    providers.vertex = new GoogleGenAI({ vertexai: true, project: env.GOOGLE_CLOUD_PROJECT, location: env.GOOGLE_CLOUD_LOCATION });
  }
  return providers;
}
