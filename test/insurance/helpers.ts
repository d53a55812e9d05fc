import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { ZenClient, type ZenClientOptions, type ZenMetadata } from '../../src/index.js';
import type { ZenChatCompletionCreateParams } from '../../src/faces/openai-chat.js';
import type { Simulator } from '../../src/testing/index.js';
import type { LedgerRecord } from '../../src/insurance/types.js';

/** Looks like an OpenAI project key; must never reach a ledger record, an event or an export. */
export const FAKE_KEY = 'sk-proj-Zx81QpLmN4vB7tR2wY6uK0sD3fG5hJ9aE1cX8zV4bN7mQ2pL';
export const OPENAI_KEY = 'sk-test-openai-key-000000000000';

export const MINI = 'openai/gpt-5-mini';
export const SONNET = 'anthropic/claude-sonnet-4-5';
export const NANO = 'openai/gpt-5-nano';

export function insuredClient(sim: Simulator, options: Omit<ZenClientOptions, 'providers'> = {}): ZenClient {
  return new ZenClient({
    providers: {
      openai: new OpenAI({ apiKey: OPENAI_KEY, baseURL: sim.openaiBaseURL, maxRetries: 0 }),
      anthropic: new Anthropic({ apiKey: 'sk-ant-test-key-0000000000000', baseURL: sim.anthropicBaseURL, maxRetries: 0 }),
    },
    ...options,
  });
}

type Body = Omit<ZenChatCompletionCreateParams, 'stream' | 'model'> & { model?: string | string[] };

/** One chat call, streamed or not, read to its end: the text and the final metadata. */
export async function chat(zen: ZenClient, body: Body, stream: boolean): Promise<{ text: string; zen: ZenMetadata; toolCalls: number }> {
  const params = { model: MINI, ...body } as ZenChatCompletionCreateParams;
  if (!stream) {
    const completion = await zen.chat.completions.create({ ...params, stream: false });
    return {
      text: completion.choices[0]!.message.content ?? '',
      zen: completion.zen,
      toolCalls: completion.choices[0]!.message.tool_calls?.length ?? 0,
    };
  }
  const response = await zen.chat.completions.create({ ...params, stream: true });
  let text = '';
  const calls = new Set<number>();
  for await (const chunk of response) {
    text += chunk.choices[0]?.delta.content ?? '';
    for (const call of chunk.choices[0]?.delta.tool_calls ?? []) calls.add(call.index);
  }
  return { text, zen: await response.metadata(), toolCalls: calls.size };
}

export async function records(zen: ZenClient): Promise<LedgerRecord[]> {
  await zen.flush();
  const out: LedgerRecord[] = [];
  for await (const record of zen.ledger.query()) out.push(record);
  return out;
}

export const user = (text: string) => [{ role: 'user' as const, content: text }];
