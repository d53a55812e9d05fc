import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { ZenError, type ZenErrorKind } from '../../src/core/errors.js';
import type { GenerationRequest } from '../../src/core/request.js';
import type { StreamPart } from '../../src/core/stream-part.js';
import { createAnthropicProvider } from '../../src/providers/anthropic/index.js';
import type { SimFault } from '../../src/testing/index.js';
import { useSimulator } from '../helpers/simulator.js';

const sim = useSimulator();
const MODEL = 'claude-haiku-4-5';
const API_KEY = 'sk-ant-api03-Zx9SECRETkeyMaterial0123456789abcdefXYZ';
const REQUEST: GenerationRequest = { messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] };

function provider(options: Partial<ConstructorParameters<typeof Anthropic>[0]> = {}) {
  return createAnthropicProvider(
    'claude-direct',
    new Anthropic({ apiKey: API_KEY, baseURL: sim.anthropicBaseURL, maxRetries: 0, ...options }),
  );
}

function expectZenError(error: unknown, kind: ZenErrorKind): ZenError {
  expect(ZenError.isInstance(error), String(error)).toBe(true);
  const zen = error as ZenError;
  expect(zen.kind).toBe(kind);
  expect(zen.provider).toBe('claude-direct');
  expect(zen.model).toBe(MODEL);
  expect(zen.message).not.toContain(API_KEY);
  expect(JSON.stringify(zen)).not.toContain(API_KEY);
  return zen;
}

async function generateError(
  fault: SimFault,
  options: Partial<ConstructorParameters<typeof Anthropic>[0]> = {},
  signal?: AbortSignal,
): Promise<unknown> {
  sim.enqueue(MODEL, { text: 'partial answer that never completes', fault });
  return provider(options)
    .generate({ modelId: MODEL, request: REQUEST, signal })
    .then(
      () => undefined,
      (error: unknown) => error,
    );
}

/** Starts a stream and reads it to the end; returns where it failed and the parts seen before. */
async function streamError(
  fault: SimFault,
  signal?: AbortSignal,
): Promise<{ phase: 'start' | 'iterate' | 'none'; error: unknown; parts: StreamPart[] }> {
  sim.enqueue(MODEL, { text: 'partial answer that never completes', fault });
  const parts: StreamPart[] = [];
  let stream: AsyncIterable<StreamPart>;
  try {
    stream = await provider().stream({ modelId: MODEL, request: REQUEST, signal });
  } catch (error) {
    return { phase: 'start', error, parts };
  }
  try {
    for await (const part of stream) parts.push(part);
  } catch (error) {
    return { phase: 'iterate', error, parts };
  }
  return { phase: 'none', error: undefined, parts };
}

const HTTP_CASES: Array<[number, ZenErrorKind, boolean, string]> = [
  [400, 'invalid_request', false, 'invalid_request_error'],
  [401, 'auth', false, 'authentication_error'],
  [403, 'permission', false, 'permission_error'],
  [404, 'not_found', false, 'not_found_error'],
  [413, 'context_length', false, 'request_too_large'],
  [429, 'rate_limited', true, 'rate_limit_error'],
  [500, 'server', true, 'api_error'],
  [529, 'overloaded', true, 'overloaded_error'],
];

describe('anthropic errors: generate', () => {
  for (const [status, kind, retryable, code] of HTTP_CASES) {
    it(`maps HTTP ${status} to ${kind}`, async () => {
      const zen = expectZenError(await generateError({ type: 'http', status, message: `simulated ${status}` }), kind);
      expect(zen).toMatchObject({ status, retryable, code });
      expect(zen.message).toContain(`simulated ${status}`);
      expect(zen.message).toMatch(/\[request req_/);
    });
  }

  it('carries retry-after (seconds) and retry-after-ms from a 429', async () => {
    expect(expectZenError(await generateError({ type: 'http', status: 429, retryAfter: 7 }), 'rate_limited').retryAfterMs).toBe(7000);
    expect(expectZenError(await generateError({ type: 'http', status: 429, retryAfterMs: 1500 }), 'rate_limited').retryAfterMs).toBe(1500);
  });

  it('reads the kind from the message and type when they say more than the status', async () => {
    expectZenError(
      await generateError({ type: 'http', status: 400, message: 'prompt is too long: 250000 tokens > 200000 maximum' }),
      'context_length',
    );
    expectZenError(
      await generateError({ type: 'http', status: 400, code: 'billing_error', message: 'Your credit balance is too low.' }),
      'quota_exhausted',
    );
  });

  it('maps a reset connection to network', async () => {
    expect(expectZenError(await generateError({ type: 'reset' }), 'network').retryable).toBe(true);
  });

  it('maps a stalled response aborted by the caller to aborted', async () => {
    const controller = new AbortController();
    const pending = generateError({ type: 'stall' }, {}, controller.signal);
    await waitForCall();
    controller.abort();
    expect(expectZenError(await pending, 'aborted').retryable).toBe(false);
  });

  it('maps the SDK timeout (no response in time) to timeout', async () => {
    sim.enqueue(MODEL, { text: 'late', ttftMs: 30_000 });
    const error = await provider({ timeout: 150 })
      .generate({ modelId: MODEL, request: REQUEST })
      .catch((caught: unknown) => caught);
    expect(expectZenError(error, 'timeout').retryable).toBe(true);
  });

  it('maps a 200 body that is not JSON to server', async () => {
    expectZenError(await generateError({ type: 'malformed' }), 'server');
  });

  it('maps a signal aborted before the call to aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    expectZenError(await generateError({ type: 'stall' }, {}, controller.signal), 'aborted');
    expect(sim.calls).toHaveLength(0);
  });

  it('maps the SDK refusing a long non-streamed call to invalid_request, before any call', async () => {
    const error = await provider()
      .generate({ modelId: MODEL, request: { ...REQUEST, maxOutputTokens: 64_000 } })
      .catch((caught: unknown) => caught);
    expect(expectZenError(error, 'invalid_request').message).toMatch(/Streaming is required/);
    expect(sim.calls).toHaveLength(0);
  });

  it('never puts the API key in a message, even when the vendor echoes it', async () => {
    const zen = expectZenError(await generateError({ type: 'http', status: 401, message: `invalid x-api-key: ${API_KEY}` }), 'auth');
    expect(zen.message).toContain('[redacted]');
  });
});

describe('anthropic errors: stream', () => {
  for (const [status, kind, retryable, code] of HTTP_CASES) {
    it(`rejects stream() on HTTP ${status} with ${kind}`, async () => {
      const { phase, error } = await streamError({ type: 'http', status });
      expect(phase).toBe('start');
      expect(expectZenError(error, kind)).toMatchObject({ status, retryable, code });
    });
  }

  it('carries retry-after from a 429 before the stream starts', async () => {
    const { error } = await streamError({ type: 'http', status: 429, retryAfter: 3 });
    expect(expectZenError(error, 'rate_limited').retryAfterMs).toBe(3000);
  });

  it('rejects stream() on a reset connection with network', async () => {
    const { phase, error } = await streamError({ type: 'reset' });
    expect(phase).toBe('start');
    expectZenError(error, 'network');
  });

  it('maps an overloaded_error event inside a 200 stream to a retryable overloaded error', async () => {
    const { phase, error, parts } = await streamError({ type: 'error-frame', afterChunks: 4 });
    expect(phase).toBe('iterate');
    expect(parts.some((part) => part.type === 'text-delta')).toBe(true);
    expect(parts.some((part) => part.type === 'finish')).toBe(false);
    expect(expectZenError(error, 'overloaded')).toMatchObject({ retryable: true, code: 'overloaded_error', status: undefined });
  });

  it('maps other error events by their type', async () => {
    expectZenError((await streamError({ type: 'error-frame', code: 'api_error', message: 'Internal server error' })).error, 'server');
    expectZenError((await streamError({ type: 'error-frame', code: 'rate_limit_error', message: 'Slow down' })).error, 'rate_limited');
  });

  it('maps a stream cut before message_stop to stream_interrupted, after the parts already sent', async () => {
    const { phase, error, parts } = await streamError({ type: 'cut', afterChunks: 5 });
    expect(phase).toBe('iterate');
    expect(parts[0]).toMatchObject({ type: 'stream-start' });
    expect(parts.some((part) => part.type === 'text-delta')).toBe(true);
    expect(expectZenError(error, 'stream_interrupted').retryable).toBe(true);
  });

  it('maps a broken data line to stream_interrupted', async () => {
    const { phase, error } = await streamError({ type: 'malformed' });
    expect(phase).toBe('iterate');
    expectZenError(error, 'stream_interrupted');
  });

  it('maps a named event whose data is not JSON to stream_interrupted', async () => {
    // The envelope names only JSON events, so the broken event is written with its own event line.
    const start =
      '{"type":"message_start","message":{"id":"msg_1","model":"m","type":"message","role":"assistant","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}}';
    sim.enqueue(MODEL, {
      raw: { chunks: [start, 'ignored\nevent: content_block_delta\ndata: {"type": "content_block_delta", "index": 0, "delta": {'] },
    });
    const stream = await provider({ logLevel: 'off' }).stream({ modelId: MODEL, request: REQUEST });
    const parts: StreamPart[] = [];
    const error = await (async () => {
      try {
        for await (const part of stream) parts.push(part);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(parts.map((part) => part.type)).toEqual(['stream-start']);
    expect(expectZenError(error, 'stream_interrupted').message).toMatch(/not valid JSON/);
  });

  it('maps a stall aborted by the caller to aborted, not to an interrupted stream', async () => {
    const controller = new AbortController();
    sim.enqueue(MODEL, { text: 'partial answer', fault: { type: 'stall', afterChunks: 4 } });
    const stream = await provider().stream({ modelId: MODEL, request: REQUEST, signal: controller.signal });
    const parts: StreamPart[] = [];
    const done = (async () => {
      for await (const part of stream) {
        parts.push(part);
        if (part.type === 'text-delta') controller.abort();
      }
    })();
    await expect(done).rejects.toSatisfy((error: unknown) => expectZenError(error, 'aborted').retryable === false);
    expect(parts.some((part) => part.type === 'text-delta')).toBe(true);
  });
});

async function waitForCall(): Promise<void> {
  for (let attempt = 0; attempt < 200 && sim.calls.length === 0; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 5));
}
