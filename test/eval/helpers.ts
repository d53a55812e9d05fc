import OpenAI from 'openai';
import { afterAll, beforeAll } from 'vitest';
import { ZenClient, type ZenClientOptions } from '../../src/index.js';
import { Simulator, simulatorProviders } from '../../src/testing/index.js';
import { readDataset } from '../../src/eval/read-dataset.js';
import type { EvalItem } from '../../src/eval/types.js';

export const SAMPLE_PATH = new URL('../../data/hle-sample.jsonl', import.meta.url).pathname;

export async function sampleItems(): Promise<EvalItem[]> {
  const items: EvalItem[] = [];
  for await (const item of readDataset(SAMPLE_PATH)) items.push(item);
  return items;
}

/**
 * Two simulators: `primary` behind the openai, anthropic and google providers, `second` behind an
 * OpenAI-compatible provider named `azure` (so `openai/gpt-5-mini` has two channels that can be
 * scripted apart).
 */
export function useTwoHosts(): { primary: Simulator; second: Simulator; client(options?: ZenClientOptions): Promise<ZenClient> } {
  const primary = new Simulator();
  const second = new Simulator();
  beforeAll(async () => {
    await Promise.all([primary.start(), second.start()]);
  });
  afterAll(async () => {
    await Promise.all([primary.close(), second.close()]);
  });
  return {
    primary,
    second,
    async client(options: ZenClientOptions = {}) {
      const providers = {
        ...(await simulatorProviders(primary)),
        azure: new OpenAI({ apiKey: 'sk-simulator-azure-000000', baseURL: second.openaiBaseURL, maxRetries: 0 }),
      };
      return new ZenClient({ providers, ...options });
    },
  };
}

export const A = 'openai/gpt-5-mini:openai';
export const B = 'openai/gpt-5-mini:azure';
