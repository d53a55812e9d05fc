import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { expect } from 'vitest';
import { ZenClient, ZenError, type ZenClientOptions, type ZenMetadata } from '../../src/index.js';
import type { ZenChatCompletionCreateParams } from '../../src/faces/openai-chat.js';
import type { ZenCallOptions } from '../../src/faces/call-options.js';
import type { Simulator } from '../../src/testing/index.js';
import type { PolicyEvents } from '../../src/policy/events.js';

/** Shared set-up of the execution tests: real SDK clients pointed at the simulator. */

export const MINI = 'openai/gpt-5-mini';
export const NANO = 'openai/gpt-5-nano';
export const HAIKU = 'anthropic/claude-haiku-4-5';
export const FLASH = 'google/gemini-2.5-flash';
/** The ids the simulator sees (it scripts and records by upstream model id). */
export const UP = { [MINI]: 'gpt-5-mini', [NANO]: 'gpt-5-nano', [HAIKU]: 'claude-haiku-4-5', [FLASH]: 'gemini-2.5-flash' } as const;
export const ch = (model: string, provider = model.split('/')[0]!): string => `${model}:${provider}`;

export function openaiClient(sim: Simulator, options: { apiKey?: string; maxRetries?: number } = {}): OpenAI {
  return new OpenAI({
    apiKey: options.apiKey ?? 'sk-test-openai-key-000000000000',
    baseURL: sim.openaiBaseURL,
    maxRetries: options.maxRetries ?? 0,
  });
}

/** Upstream HTTP requests an OpenAI client made, with the signal that cancels each (to see it was cancelled). */
export interface TracedRequest {
  model: string;
  stream: boolean;
  signal: AbortSignal | undefined;
}

/** An OpenAI client whose every request is recorded, through the SDK's own `fetch` option. */
export function tracedOpenAI(sim: Simulator, requests: TracedRequest[], options: { apiKey?: string } = {}): OpenAI {
  return new OpenAI({
    apiKey: options.apiKey ?? 'sk-test-openai-key-000000000000',
    baseURL: sim.openaiBaseURL,
    maxRetries: 0,
    fetch: (url: string | URL | Request, init?: RequestInit) => {
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { model?: string; stream?: boolean }) : {};
      requests.push({ model: body.model ?? '', stream: body.stream === true, signal: init?.signal ?? undefined });
      return fetch(url, init);
    },
  });
}

export function anthropicClient(sim: Simulator): Anthropic {
  return new Anthropic({ apiKey: 'sk-ant-test-key-0000000000000', baseURL: sim.anthropicBaseURL, maxRetries: 0 });
}

export function googleClient(sim: Simulator): GoogleGenAI {
  return new GoogleGenAI({ apiKey: 'AIza-simulator-000000000000000000000', httpOptions: { baseUrl: sim.googleBaseURL } });
}

/**
 * A ZenClient over `openai`, `anthropic` and `google` with quick retry backoff (the defaults would make the
 * tests wait hundreds of ms per retry); insurance stays on, as in production.
 */
export function zenClient(sim: Simulator, options: ZenClientOptions = {}): ZenClient {
  const routing = options.routing ?? {};
  return new ZenClient({
    providers: { openai: openaiClient(sim), anthropic: anthropicClient(sim), google: googleClient(sim) },
    ...options,
    routing: { ...routing, retry: { minDelayMs: 5, maxDelayMs: 20, ...routing.retry } },
  });
}

type Body = Omit<ZenChatCompletionCreateParams, 'stream' | 'messages'> & { messages?: ZenChatCompletionCreateParams['messages'] };

export interface Outcome {
  text: string;
  /** Content pieces in the order the caller received them. */
  pieces: string[];
  zen: ZenMetadata;
  error?: ZenError;
}

/**
 * One call, streamed or not, read to its end. Failures are returned, not thrown, with the metadata
 * the error (or the stream) carries.
 */
export async function run(zen: ZenClient, body: Body, stream: boolean, options?: ZenCallOptions): Promise<Outcome> {
  const params = { messages: [{ role: 'user' as const, content: 'Say something.' }], ...body } as ZenChatCompletionCreateParams;
  if (!stream) {
    try {
      const completion = await zen.chat.completions.create({ ...params, stream: false }, options);
      const text = completion.choices[0]!.message.content ?? '';
      return { text, pieces: [text], zen: completion.zen };
    } catch (error) {
      return failure(error);
    }
  }
  let response;
  try {
    response = await zen.chat.completions.create({ ...params, stream: true }, options);
  } catch (error) {
    return failure(error);
  }
  const pieces: string[] = [];
  try {
    for await (const chunk of response) {
      const piece = chunk.choices[0]?.delta.content;
      if (piece) pieces.push(piece);
    }
  } catch (error) {
    expect(ZenError.isInstance(error), `a stream failed with a non-ZenError: ${String(error)}`).toBe(true);
    return { text: pieces.join(''), pieces, zen: await response.metadata(), error: error as ZenError };
  }
  return { text: pieces.join(''), pieces, zen: await response.metadata() };
}

function failure(error: unknown): Outcome {
  if (!ZenError.isInstance(error)) throw error;
  return { text: '', pieces: [], zen: error.zen!, error };
}

/** The attempts as compact tuples, for readable assertions. */
export function attemptsOf(zen: ZenMetadata): Array<[channel: string, outcome: string, kind: string | undefined, retry: number]> {
  return zen.attempts.map((attempt) => [attempt.channel, attempt.outcome, attempt.errorKind, attempt.retry]);
}

/** Collects every policy event of a client. */
export function recordEvents(zen: ZenClient): { [K in keyof PolicyEvents]: Array<Parameters<PolicyEvents[K]>[0]> } {
  const seen = { route: [], attempt: [], failover: [], breaker: [], hedge: [] } as {
    [K in keyof PolicyEvents]: Array<Parameters<PolicyEvents[K]>[0]>;
  };
  for (const name of Object.keys(seen) as Array<keyof PolicyEvents>)
    zen.on(name, ((event: unknown) => void (seen[name] as unknown[]).push(event)) as never);
  return seen;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
