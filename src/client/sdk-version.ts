import type { ProviderFamily } from '../core/request.js';

/**
 * SDK majors zenrouter is tested with: the package's `peerDependencies` (a test keeps the two in
 * step). A client of another major usually works, but its errors, streams or options may differ:
 * the host hears about it once per provider and client instead of meeting odd failures later.
 */
export const SUPPORTED_SDK_MAJORS: Readonly<Record<string, readonly number[]>> = {
  openai: [6, 7],
  '@anthropic-ai/sdk': [1],
  '@google/genai': [2, 3],
  '@google-cloud/vertexai': [1],
};

/** Emitted as ZenClient's `warning` event (or printed with console.warn when nobody listens). */
export interface SdkVersionWarning {
  source: 'sdk-version';
  provider: string;
  sdk: string;
  version: string;
  supported: readonly number[];
  message: string;
}

function call(target: unknown, ...path: string[]): unknown {
  let owner: unknown;
  let current: unknown = target;
  for (const key of path) {
    if (current === null || (typeof current !== 'object' && typeof current !== 'function')) return undefined;
    owner = current;
    current = (current as Record<string, unknown>)[key];
  }
  if (typeof current !== 'function') return undefined;
  try {
    return (current as (this: unknown) => unknown).call(owner);
  } catch {
    return undefined;
  }
}

/**
 * The SDK package and version of a client, from what the SDK itself sends as its user agent:
 * `OpenAI/JS 6.49.0`, `Anthropic/JS 1.14.0`, `google-genai-sdk/2.32.0`. The deprecated
 * @google-cloud/vertexai exposes no version on its instances (and has only major 1): undefined.
 */
export function sdkVersionOf(family: ProviderFamily, client: unknown): { sdk: string; version: string } | undefined {
  switch (family) {
    case 'openai':
    case 'anthropic': {
      const agent = call(client, 'getUserAgent');
      const version = typeof agent === 'string' ? /\/JS (\d+\.\d+\.\d+\S*)/.exec(agent)?.[1] : undefined;
      return version ? { sdk: family === 'openai' ? 'openai' : '@anthropic-ai/sdk', version } : undefined;
    }
    case 'google': {
      const headers = call(client, 'apiClient', 'getDefaultHeaders') as Record<string, unknown> | undefined;
      const agent = headers?.['User-Agent'] ?? headers?.['user-agent'];
      const version = typeof agent === 'string' ? /google-genai-sdk\/(\d+\.\d+\.\d+\S*)/.exec(agent)?.[1] : undefined;
      return version ? { sdk: '@google/genai', version } : undefined;
    }
    case 'vertexai':
      return undefined;
  }
}

/** The warning for a client whose SDK major is outside the supported range, if it is. */
export function sdkVersionWarning(provider: string, family: ProviderFamily, client: unknown): SdkVersionWarning | undefined {
  const found = sdkVersionOf(family, client);
  if (!found) return undefined;
  const supported = SUPPORTED_SDK_MAJORS[found.sdk] ?? [];
  const major = Number(found.version.split('.')[0]);
  if (supported.includes(major)) return undefined;
  return {
    source: 'sdk-version',
    provider,
    sdk: found.sdk,
    version: found.version,
    supported,
    message: `Provider "${provider}" uses ${found.sdk} ${found.version}; zenrouter supports ${found.sdk} ${supported.map((value) => `${value}.x`).join(' and ')}. Calls may fail in ways zenrouter does not map; install a supported major.`,
  };
}

interface WarningEmitter {
  emit(event: 'warning', warning: SdkVersionWarning): boolean;
  listenerCount(event: 'warning'): number;
}

/**
 * Reports each warning once, after the current task, so that a listener attached right after
 * `new ZenClient()` hears it; with no `warning` listener it goes to console.warn, never nowhere.
 */
export function announceSdkWarnings(warnings: readonly SdkVersionWarning[], emitter: WarningEmitter): void {
  if (warnings.length === 0) return;
  queueMicrotask(() => {
    for (const warning of warnings) {
      if (emitter.listenerCount('warning') > 0) emitter.emit('warning', warning);
      else console.warn(`zenrouter: ${warning.message}`);
    }
  });
}
