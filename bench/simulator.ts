import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Starts the simulator in a child process (so that its work does not count against the client
 * measured), answering every call after `latencyMs` (with `words` words when given). Resolves
 * with its OpenAI base URL.
 */
export async function forkSimulator(latencyMs: number, words = 0): Promise<{ baseURL: string; stop: () => void }> {
  const child = fork(fileURLToPath(new URL('./simulator-process.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, SIM_LATENCY_MS: String(latencyMs), SIM_WORDS: String(words) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const baseURL = await new Promise<string>((resolve) => child.once('message', (message: { url: string }) => resolve(message.url)));
  return { baseURL, stop: () => child.disconnect() };
}
