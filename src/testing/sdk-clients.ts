import { simulatorGoogleAuth } from './google-auth.js';
import type { Simulator } from './server.js';

/** Which SDK clients to build against the simulator, by provider name. */
export interface SimulatorClientOptions {
  /** Provider names for each family (default `openai`, `anthropic`, `google`). Set one to false to leave it out. */
  openai?: string | false;
  anthropic?: string | false;
  google?: string | false;
  /** Also a Vertex AI mode GoogleGenAI client under this name (real OAuth flow against the simulator). */
  vertex?: string | false;
}

/**
 * Real SDK clients (`OpenAI`, `Anthropic`, `GoogleGenAI`) pointed at the simulator, ready for
 * `new ZenClient({ providers })`. The SDKs are loaded here, on demand: install the ones you use.
 * Test keys are fake; SDK retries are off because ZenClient owns retries.
 */
export async function simulatorProviders(simulator: Simulator, options: SimulatorClientOptions = {}): Promise<Record<string, object>> {
  const providers: Record<string, object> = {};
  const name = (value: string | false | undefined, fallback: string): string | undefined =>
    value === false ? undefined : (value ?? fallback);
  const openai = name(options.openai, 'openai');
  if (openai) {
    const { default: OpenAI } = await import('openai');
    providers[openai] = new OpenAI({ apiKey: 'sk-simulator-0000000000000000', baseURL: simulator.openaiBaseURL, maxRetries: 0 });
  }
  const anthropic = name(options.anthropic, 'anthropic');
  if (anthropic) {
    const { default: Anthropic } = await import('@anthropic-ai/sdk');
    providers[anthropic] = new Anthropic({ apiKey: 'sk-ant-simulator-000000000000', baseURL: simulator.anthropicBaseURL, maxRetries: 0 });
  }
  const google = name(options.google, 'google');
  const vertex = options.vertex === undefined ? undefined : name(options.vertex, 'vertex');
  if (google || vertex) {
    const { GoogleGenAI } = await import('@google/genai');
    if (google)
      providers[google] = new GoogleGenAI({
        apiKey: 'AIza-simulator-000000000000000000000',
        httpOptions: { baseUrl: simulator.googleBaseURL },
      });
    if (vertex) {
      providers[vertex] = new GoogleGenAI({
        vertexai: true,
        project: 'simulator-project',
        location: 'us-central1',
        googleAuthOptions: simulatorGoogleAuth(simulator),
        httpOptions: { baseUrl: simulator.googleBaseURL },
      });
    }
  }
  return providers;
}
