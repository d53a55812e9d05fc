import { ZenClient, type ZenClientOptions } from '../../src/index.js';
import { simulatorProviders, type SimulatorClientOptions } from '../../src/testing/index.js';
import type { Simulator } from '../../src/testing/index.js';

/** One model of each family, as the drop-in tests serve them. */
export const FAMILIES = ['openai/gpt-5-mini', 'anthropic/claude-haiku-4-5', 'google/gemini-2.5-flash'] as const;

/** The simulator's model name for a routed id (`anthropic/claude-haiku-4-5` → `claude-haiku-4-5`). */
export function upstream(model: string): string {
  return model.split('/')[1]!.split(':')[0]!;
}

/** A ZenClient over real SDK clients of all three families pointed at the simulator. */
export async function zenOver(sim: Simulator, options: ZenClientOptions = {}, clients: SimulatorClientOptions = {}): Promise<ZenClient> {
  return new ZenClient({ providers: await simulatorProviders(sim, clients), ...options });
}

/** Collects an async iterable. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
