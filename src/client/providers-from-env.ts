import { configurationError, ZenError } from '../core/errors.js';
import { importUnbundled, isModuleNotFound, optionalPeerError } from '../core/optional-peer.js';
import type { ProviderConfig } from './providers.js';

type Env = Record<string, string | undefined>;

/** `process.env`, or null where the runtime has none (Cloudflare Workers without nodejs_compat, browsers). */
function readEnv(): Env | null {
  return (globalThis as { process?: { env?: Env } }).process?.env ?? null;
}

type Constructor = new (options: Record<string, unknown>) => object;
type ImportModule = (specifier: string) => Promise<unknown>;

interface Skipped {
  key: string;
  specifier: string;
  error: unknown;
}

/**
 * The SDK's client class, loaded at run time (the SDKs are optional peers; see importUnbundled).
 * An SDK the app did not install is skipped (and noted): a key in a shared environment does not
 * make every call fail. A runtime that cannot load modules at all (an edge function) is a
 * configuration error.
 */
async function sdkClass(
  load: ImportModule,
  skipped: Skipped[],
  specifier: string,
  exportName: string,
  key: string,
): Promise<Constructor | undefined> {
  try {
    const module = (await load(specifier)) as Record<string, unknown>;
    return module[exportName] as Constructor;
  } catch (error) {
    if (!isModuleNotFound(error)) throw optionalPeerError(specifier, `Building a provider from ${key}`, error);
    skipped.push({ key, specifier, error });
    return undefined;
  }
}

/**
 * Builds SDK clients from the usual environment variables, for whichever are set and whose SDK is
 * installed. SDKs are loaded only here, only when their key is present. Clients get
 * `maxRetries: 0`: ZenClient owns retries. `load` is for tests.
 */
export async function providersFromEnv(
  env: Env | null = readEnv(),
  load: ImportModule = importUnbundled,
): Promise<Record<string, ProviderConfig>> {
  if (!env) {
    throw configurationError(
      'new ZenClient() without `providers` builds SDK clients from process.env, which this runtime does not have. Pass the clients: new ZenClient({ providers: { openai: new OpenAI({ apiKey: env.OPENAI_API_KEY }) } }).',
    );
  }
  const providers: Record<string, ProviderConfig> = {};
  const skipped: Skipped[] = [];
  if (env.OPENAI_API_KEY) {
    const OpenAI = await sdkClass(load, skipped, 'openai', 'default', 'OPENAI_API_KEY');
    if (OpenAI) providers.openai = new OpenAI({ apiKey: env.OPENAI_API_KEY, maxRetries: 0 });
  }
  if (env.ANTHROPIC_API_KEY) {
    const Anthropic = await sdkClass(load, skipped, '@anthropic-ai/sdk', 'default', 'ANTHROPIC_API_KEY');
    if (Anthropic) providers.anthropic = new Anthropic({ apiKey: env.ANTHROPIC_API_KEY, maxRetries: 0 });
  }
  const geminiKey = env.GEMINI_API_KEY ?? env.GOOGLE_API_KEY;
  if (geminiKey) {
    const GoogleGenAI = await sdkClass(
      load,
      skipped,
      '@google/genai',
      'GoogleGenAI',
      env.GEMINI_API_KEY ? 'GEMINI_API_KEY' : 'GOOGLE_API_KEY',
    );
    if (GoogleGenAI) providers.google = new GoogleGenAI({ apiKey: geminiKey });
  }
  if (env.GOOGLE_CLOUD_PROJECT && env.GOOGLE_CLOUD_LOCATION) {
    const GoogleGenAI = await sdkClass(load, skipped, '@google/genai', 'GoogleGenAI', 'GOOGLE_CLOUD_PROJECT');
    if (GoogleGenAI)
      providers.vertex = new GoogleGenAI({ vertexai: true, project: env.GOOGLE_CLOUD_PROJECT, location: env.GOOGLE_CLOUD_LOCATION });
  }
  if (Object.keys(providers).length === 0 && skipped.length > 0) {
    // Keys but no SDK at all: say which, rather than "no providers are configured".
    const list = skipped.map(
      ({ key, specifier, error }) =>
        `${key} is set but '${specifier}' could not be loaded (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
    );
    throw new ZenError({
      kind: 'configuration',
      retryable: false,
      cause: skipped[0]!.error,
      message: `No provider could be built from the environment: ${list.join('; ')}. Install the SDKs you use (npm install ${[...new Set(skipped.map((entry) => entry.specifier))].join(' ')}) or pass \`providers\`.`,
    });
  }
  return providers;
}
