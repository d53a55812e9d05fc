import { configurationError } from '../core/errors.js';
import { registerClientSecrets } from '../core/secrets.js';
import { announceSdkWarnings, sdkVersionWarning, type SdkVersionWarning } from './sdk-version.js';
import type { ProviderFamily } from '../core/request.js';
import type { ProviderInfo } from '../policy/catalog.js';
import type { ProviderAdapter } from '../providers/types.js';
import { createOpenAIProvider } from '../providers/openai/index.js';
import { createAnthropicProvider } from '../providers/anthropic/index.js';
import { createGoogleProvider } from '../providers/google/index.js';
import { createVertexAIProvider } from '../providers/vertexai/index.js';

/** An SDK client instance: `OpenAI`, `Anthropic` (incl. Vertex/Bedrock variants), `GoogleGenAI` or `VertexAI`. */
export type SdkClient = object;

/** A provider as configured: an SDK client, or a client with what it serves spelled out. */
export type ProviderConfig =
  | SdkClient
  | {
      client: SdkClient;
      /** Vendors whose models it serves; `*` for any (OpenRouter). Default: read from the name and base URL. */
      vendors?: string[];
      /** Extra model ids it serves (self-hosted models: vLLM, Ollama). */
      models?: string[];
    };

export interface ConfiguredProvider {
  info: ProviderInfo;
  adapter: ProviderAdapter;
}

/** OpenAI-compatible hosts → the vendor they serve. */
const COMPATIBLE_HOSTS: ReadonlyArray<[RegExp, string]> = [
  [/(^|\.)openai\.com$/, 'openai'],
  [/(^|\.)deepseek\.com$/, 'deepseek'],
  [/(^|\.)x\.ai$/, 'xai'],
  [/(^|\.)moonshot\.(cn|ai)$/, 'moonshotai'],
  [/(^|\.)dashscope(-intl)?\.aliyuncs\.com$/, 'alibaba'],
  [/(^|\.)volces\.com$/, 'bytedance'],
  [/(^|\.)minimax(i)?\.(chat|io|com)$/, 'minimax'],
  [/(^|\.)baidubce\.com$/, 'baidu'],
  [/(^|\.)mistral\.ai$/, 'mistral'],
  [/(^|\.)openrouter\.ai$/, '*'],
  [/(^|\.)groq\.com$/, '*'],
  [/(^|\.)together\.(xyz|ai)$/, '*'],
];

/** Provider names that say which vendor they serve. */
const NAME_VENDORS: Record<string, string> = {
  openai: 'openai',
  azure: 'openai',
  anthropic: 'anthropic',
  claude: 'anthropic',
  google: 'google',
  gemini: 'google',
  vertex: 'google',
  deepseek: 'deepseek',
  xai: 'xai',
  grok: 'xai',
  moonshot: 'moonshotai',
  moonshotai: 'moonshotai',
  kimi: 'moonshotai',
  qwen: 'alibaba',
  alibaba: 'alibaba',
  dashscope: 'alibaba',
  doubao: 'bytedance',
  bytedance: 'bytedance',
  volcengine: 'bytedance',
  minimax: 'minimax',
  baidu: 'baidu',
  qianfan: 'baidu',
  ernie: 'baidu',
  mistral: 'mistral',
  openrouter: '*',
};

function hasFunction(value: unknown, ...path: string[]): boolean {
  let current: unknown = value;
  for (const key of path) {
    if (current === null || (typeof current !== 'object' && typeof current !== 'function')) return false;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'function';
}

/** Recognises an SDK client by its shape, so that no SDK is imported to check `instanceof`. */
export function detectFamily(client: unknown): ProviderFamily | undefined {
  if (hasFunction(client, 'chat', 'completions', 'create')) return 'openai';
  if (hasFunction(client, 'messages', 'create')) return 'anthropic';
  if (hasFunction(client, 'models', 'generateContent')) return 'google';
  if (hasFunction(client, 'getGenerativeModel')) return 'vertexai';
  return undefined;
}

function isWrapped(config: ProviderConfig): config is Extract<ProviderConfig, { client: SdkClient }> {
  return typeof config === 'object' && config !== null && 'client' in config && detectFamily(config) === undefined;
}

function defaultVendors(name: string, family: ProviderFamily, client: unknown): string[] {
  if (family === 'anthropic') return ['anthropic'];
  if (family === 'google' || family === 'vertexai') return ['google'];
  const baseURL = (client as { baseURL?: unknown }).baseURL;
  if (typeof baseURL === 'string') {
    try {
      const host = new URL(baseURL).hostname;
      for (const [pattern, vendor] of COMPATIBLE_HOSTS) if (pattern.test(host)) return [vendor];
    } catch {
      // not a URL; fall through to the name
    }
  }
  const byName = NAME_VENDORS[name.toLowerCase()];
  return byName ? [byName] : [];
}

export function createAdapter(name: string, family: ProviderFamily, client: unknown): ProviderAdapter {
  switch (family) {
    case 'openai':
      return createOpenAIProvider(name, client as Parameters<typeof createOpenAIProvider>[1]);
    case 'anthropic':
      return createAnthropicProvider(name, client as Parameters<typeof createAnthropicProvider>[1]);
    case 'google':
      return createGoogleProvider(name, client as Parameters<typeof createGoogleProvider>[1]);
    case 'vertexai':
      return createVertexAIProvider(name, client as Parameters<typeof createVertexAIProvider>[1]);
  }
}

/**
 * Turns the `providers` option into adapters, with clear errors for anything that is not an SDK
 * client. A client of an unsupported SDK major is reported once through `warnings` (ZenClient's
 * `warning` event).
 */
export function configureProviders(
  providers: Record<string, ProviderConfig | undefined>,
  warnings?: Parameters<typeof announceSdkWarnings>[1],
): ConfiguredProvider[] {
  const configured: ConfiguredProvider[] = [];
  const found: SdkVersionWarning[] = [];
  for (const [name, config] of Object.entries(providers)) {
    if (config === undefined) continue;
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
      throw configurationError(
        `Provider name "${name}" may only hold letters, digits, '_', '.' and '-' (it is used in channel ids like "vendor/model:${name}").`,
      );
    }
    const client = isWrapped(config) ? config.client : config;
    const family = detectFamily(client);
    if (!family) {
      const kind = client === null ? 'null' : typeof client === 'object' ? (client.constructor?.name ?? 'object') : typeof client;
      throw configurationError(
        `Provider "${name}" is not an SDK client (got ${kind}). Pass an instance of OpenAI (openai), Anthropic (@anthropic-ai/sdk), GoogleGenAI (@google/genai) or VertexAI (@google-cloud/vertexai).`,
      );
    }
    // Its keys are redacted wherever text leaves, whatever their format (core/secrets.ts).
    registerClientSecrets(client);
    const vendors = isWrapped(config) && config.vendors ? config.vendors : defaultVendors(name, family, client);
    const models = isWrapped(config) && config.models ? config.models : [];
    const vertex = family === 'vertexai' || (family === 'google' && (client as { vertexai?: unknown }).vertexai === true);
    configured.push({ info: { name, family, vendors, models, vertex }, adapter: createAdapter(name, family, client) });
    const warning = sdkVersionWarning(name, family, client);
    if (warning) found.push(warning);
  }
  if (warnings) announceSdkWarnings(found, warnings);
  return configured;
}
