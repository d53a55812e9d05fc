import type { ProviderFamily } from '../core/request.js';

/**
 * Where the credentials of a provider come from, in the words an auth error should use to say what
 * to check: the environment variable the SDK reads and the option of `providers.<name>` that
 * overrides it. Read from the client's shape only (no SDK is imported).
 */
export function credentialsHint(name: string, family: ProviderFamily, client: unknown): string {
  const option = (key: string) => `the ${key} of providers.${name}`;
  const shape = (client ?? {}) as Record<string, unknown>;
  const constructorName = (client as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  const googleCloud = `Google Cloud credentials (GOOGLE_APPLICATION_CREDENTIALS or \`gcloud auth application-default login\`, or ${option(family === 'anthropic' ? 'googleAuth' : 'googleAuthOptions')})`;
  switch (family) {
    case 'openai':
      if (constructorName === 'AzureOpenAI') return `AZURE_OPENAI_API_KEY or ${option('apiKey')} (or its azureADTokenProvider)`;
      return name === 'openai' ? `OPENAI_API_KEY or ${option('apiKey')}` : option('apiKey');
    case 'anthropic':
      if (constructorName === 'AnthropicBedrock' || 'awsRegion' in shape) {
        return `AWS credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or the awsAccessKey and awsSecretKey of providers.${name})`;
      }
      if (constructorName === 'AnthropicVertex' || 'projectId' in shape) return googleCloud;
      return name === 'anthropic' ? `ANTHROPIC_API_KEY or ${option('apiKey')}` : option('apiKey');
    case 'google':
      if (shape.vertexai === true) return googleCloud;
      return name === 'google' ? `GEMINI_API_KEY (or GOOGLE_API_KEY) or ${option('apiKey')}` : option('apiKey');
    case 'vertexai':
      return googleCloud;
  }
}
