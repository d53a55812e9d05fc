/**
 * Runs an example offline: when no provider key is set, it starts the protocol simulator and points
 * the SDKs' own environment variables at it (OPENAI_BASE_URL, ANTHROPIC_BASE_URL,
 * GOOGLE_GEMINI_BASE_URL), so the example's `new ZenClient()` takes its usual code path.
 *
 *   npx tsx examples/run.ts examples/openai-script.ts
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { startSimulator } from 'zenrouter/testing';

const target = process.argv[2];
if (!target) {
  console.error('usage: tsx examples/run.ts <example.ts>');
  process.exit(2);
}

const hasKeys = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_API_KEY'].some((key) => process.env[key]);
const simulator = hasKeys ? undefined : await startSimulator();
if (simulator) {
  Object.assign(process.env, {
    OPENAI_API_KEY: 'sk-simulator-000000000000000000',
    OPENAI_BASE_URL: simulator.openaiBaseURL,
    ANTHROPIC_API_KEY: 'sk-ant-simulator-0000000000000',
    ANTHROPIC_BASE_URL: simulator.anthropicBaseURL,
    GEMINI_API_KEY: 'AIza-simulator-00000000000000000000000',
    GOOGLE_GEMINI_BASE_URL: simulator.googleBaseURL,
  });
  console.log(`(no API keys: providers are the simulator at ${simulator.url})\n`);
}

try {
  const example = (await import(pathToFileURL(resolve(target)).href)) as { main?: () => Promise<void> };
  if (example.main) await example.main();
} finally {
  await simulator?.close();
}
