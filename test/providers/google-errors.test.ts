import { GoogleGenAI } from '@google/genai';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ZenError } from '../../src/core/errors.js';
import type { Message } from '../../src/core/request.js';
import { createGoogleProvider } from '../../src/providers/google/index.js';
import { providerErrors } from '../helpers/provider-errors.js';
import { useSimulator } from '../helpers/simulator.js';

/** Every simulated failure → the right ZenError kind, for generate and stream, through @google/genai. */

const sim = useSimulator();
const MODEL = 'gemini-2.5-pro';
const API_KEY = 'AIzaSyD-simulated-key-0123456789abcdefXYZ';
const request = { messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }] as Message[] };

function provider(client = new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: sim.googleBaseURL } })) {
  return createGoogleProvider('gemini', client);
}

const { generateError, streamError } = providerErrors(sim, MODEL, request, () => provider());

const HTTP_CASES: Array<[number, string, string]> = [
  [400, 'invalid_request', 'INVALID_ARGUMENT'],
  [401, 'auth', 'UNAUTHENTICATED'],
  [403, 'permission', 'PERMISSION_DENIED'],
  [404, 'not_found', 'NOT_FOUND'],
  [429, 'rate_limited', 'RESOURCE_EXHAUSTED'],
  [500, 'server', 'INTERNAL'],
  [503, 'overloaded', 'UNAVAILABLE'],
  [504, 'timeout', 'DEADLINE_EXCEEDED'],
];

describe('google map-error: generate', () => {
  it.each(HTTP_CASES)('maps HTTP %i to %s', async (status, kind, code) => {
    const error = await generateError({ fault: { type: 'http', status, message: `simulated ${status}` } });
    expect(error).toMatchObject({ kind, status, code, provider: 'gemini', model: MODEL });
    expect(error.message).toContain(`simulated ${status}`);
    expect(error.message).toContain('gemini');
    expect(error.message).toContain(MODEL);
  });

  it('reads RetryInfo of a 429 into retryAfterMs', async () => {
    const error = await generateError({ fault: { type: 'http', status: 429, retryAfter: 7 } });
    expect(error).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000, retryable: true });
    const precise = await generateError({ fault: { type: 'http', status: 429, retryAfterMs: 1500 } });
    expect(precise.retryAfterMs).toBe(1500);
  });

  it('tells a bad API key (400 INVALID_ARGUMENT) and an exhausted billing quota apart', async () => {
    expect(
      (await generateError({ fault: { type: 'http', status: 400, message: 'API key not valid. Please pass a valid API key.' } })).kind,
    ).toBe('auth');
    expect(
      (
        await generateError({
          fault: { type: 'http', status: 429, message: 'You exceeded your current quota, please check your plan and billing details.' },
        })
      ).kind,
    ).toBe('quota_exhausted');
    expect(
      (
        await generateError({
          fault: {
            type: 'http',
            status: 400,
            message: 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).',
          },
        })
      ).kind,
    ).toBe('context_length');
  });

  it('maps a reset connection to network', async () => {
    const error = await generateError({ fault: { type: 'reset' } });
    expect(error).toMatchObject({ kind: 'network', retryable: true });
  });

  it('maps a body that is not JSON to server', async () => {
    expect((await generateError({ fault: { type: 'malformed' } })).kind).toBe('server');
    expect((await generateError({ fault: { type: 'cut' } })).kind).toBe('server');
  });

  it('aborts a stalled call when the signal fires', async () => {
    // Aborted once the simulator holds the request: the same path at any load.
    const controller = new AbortController();
    const pending = generateError({ fault: { type: 'stall' } }, controller.signal);
    while (sim.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    controller.abort();
    const error = await pending;
    expect(error).toMatchObject({ kind: 'aborted', retryable: false });
  });

  it('does not call at all with an aborted signal', async () => {
    const error = await generateError({ text: 'never' }, AbortSignal.abort());
    expect(error.kind).toBe('aborted');
  });

  it('never retries inside the SDK, even when the client was built with retryOptions', async () => {
    const client = new GoogleGenAI({
      apiKey: API_KEY,
      httpOptions: { baseUrl: sim.googleBaseURL, retryOptions: { attempts: 5, initialDelay: 0.01, maxDelay: 0.02 } },
    });
    for (const fault of [{ type: 'http', status: 503 } as const, { type: 'http', status: 429 } as const, { type: 'reset' } as const]) {
      sim.reset();
      sim.setDefault(MODEL, { fault });
      await expect(provider(client).generate({ modelId: MODEL, request })).rejects.toSatisfy(ZenError.isInstance);
      await expect(provider(client).stream({ modelId: MODEL, request })).rejects.toSatisfy(ZenError.isInstance);
      expect(sim.calls).toHaveLength(2);
    }
  });
});

describe('google map-error: stream', () => {
  it.each(HTTP_CASES)('rejects stream() on HTTP %i with %s', async (status, kind, code) => {
    const { error, accepted } = await streamError({ fault: { type: 'http', status } });
    expect(accepted).toBe(false);
    expect(error).toMatchObject({ kind, status, code, provider: 'gemini', model: MODEL });
  });

  it('rejects stream() on a reset connection with network', async () => {
    const { error, accepted } = await streamError({ fault: { type: 'reset' } });
    expect(accepted).toBe(false);
    expect(error.kind).toBe('network');
  });

  it('turns a cut stream into stream_interrupted after the content it had', async () => {
    const { error, parts, accepted } = await streamError({ text: 'one two three four five', fault: { type: 'cut', afterChunks: 2 } });
    expect(accepted).toBe(true);
    expect(error).toMatchObject({ kind: 'stream_interrupted', retryable: true, provider: 'gemini', model: MODEL });
    expect(parts.filter((part) => part.type === 'text-delta')).toHaveLength(2);
    expect(parts.some((part) => part.type === 'finish')).toBe(false);
  });

  it('raises an error frame inside the stream with its Google status', async () => {
    const overloaded = await streamError({
      text: 'a b c',
      fault: { type: 'error-frame', afterChunks: 1, message: 'The model is overloaded.' },
    });
    expect(overloaded.accepted).toBe(true);
    expect(overloaded.error).toMatchObject({ kind: 'overloaded', status: 503, code: 'UNAVAILABLE' });
    expect(overloaded.error.message).toContain('in the stream');
    const exhausted = await streamError({
      text: 'a b c',
      fault: { type: 'error-frame', afterChunks: 1, code: 'RESOURCE_EXHAUSTED', message: 'Quota' },
    });
    expect(exhausted.error).toMatchObject({ kind: 'rate_limited', status: 429 });
  });

  it('maps a broken data line to stream_interrupted', async () => {
    const { error, accepted } = await streamError({ text: 'a b c', fault: { type: 'malformed' } });
    expect(accepted).toBe(true);
    expect(error.kind).toBe('stream_interrupted');
  });

  it('aborts a stalled stream when the signal fires', async () => {
    const controller = new AbortController();
    // Aborted once the first words are in, at any load.
    const { error, parts, accepted } = await streamError(
      { text: 'a b c', fault: { type: 'stall', afterChunks: 1 } },
      controller.signal,
      undefined,
      (part) => {
        if (part.type === 'text-delta') controller.abort();
      },
    );
    expect(accepted).toBe(true);
    expect(parts.filter((part) => part.type === 'text-delta')).toHaveLength(1);
    expect(error.kind).toBe('aborted');
  });
});

describe('google map-error: secrets', () => {
  it('never lets the API key out, even when the server echoes it in a URL', async () => {
    const echoed = `Request to https://generativelanguage.googleapis.com/v1beta/models/${MODEL}:generateContent?key=${API_KEY} was rejected`;
    const error = await generateError({ fault: { type: 'http', status: 400, message: echoed } });
    expect(error.message).toContain('key=[redacted]');
    for (const text of [error.message, JSON.stringify(error), String(error), inspect(error, { depth: 10 })]) {
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain('0123456789abcdef');
    }
  });

  it('keeps the key out of stream errors and network errors', async () => {
    const { error } = await streamError({ text: 'a b', fault: { type: 'error-frame', afterChunks: 1, message: `bad key ${API_KEY}` } });
    expect(inspect(error, { depth: 10 })).not.toContain(API_KEY);
    const network = await generateError({ fault: { type: 'reset' } });
    expect(inspect(network, { depth: 10 })).not.toContain(API_KEY);
  });
});
