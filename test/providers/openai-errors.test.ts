import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { ZenError, type ZenErrorKind } from '../../src/core/errors.js';
import type { GenerationRequest } from '../../src/core/request.js';
import type { StreamPart } from '../../src/core/stream-part.js';
import { createOpenAIProvider } from '../../src/providers/openai/index.js';
import type { SimFault } from '../../src/testing/index.js';
import { useSimulator } from '../helpers/simulator.js';

const sim = useSimulator();
const SECRET_KEY = 'sk-proj-THISISASECRETabcdef0123456789xyz';

function provider(options: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}) {
  return createOpenAIProvider(
    'openai',
    new OpenAI({ apiKey: SECRET_KEY, baseURL: sim.openaiBaseURL, maxRetries: 0, logLevel: 'off', ...options }),
  );
}

const request: GenerationRequest = { messages: [{ role: 'user', content: [{ type: 'text', text: 'Tell me a story about the sea' }] }] };

async function generateError(signal?: AbortSignal, options: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}): Promise<ZenError> {
  return provider(options)
    .generate({ modelId: 'gpt-sim', request, ...(signal ? { signal } : {}) })
    .then(
      () => expect.fail('generate should have failed'),
      (error: unknown) => error as ZenError,
    );
}

/** Runs a stream to its end; returns the parts before the error and the error (from stream() or the iterator). */
async function streamError(
  signal?: AbortSignal,
  onPart?: (part: StreamPart) => void,
): Promise<{ parts: StreamPart[]; error: ZenError; phase: 'start' | 'iterate' }> {
  const parts: StreamPart[] = [];
  let stream: AsyncIterable<StreamPart>;
  try {
    stream = await provider().stream({ modelId: 'gpt-sim', request, ...(signal ? { signal } : {}) });
  } catch (error) {
    return { parts, error: error as ZenError, phase: 'start' };
  }
  try {
    for await (const part of stream) {
      parts.push(part);
      onPart?.(part);
    }
  } catch (error) {
    return { parts, error: error as ZenError, phase: 'iterate' };
  }
  return expect.fail(`the stream should have failed, got ${parts.map((part) => part.type).join(', ')}`);
}

function expectZen(error: ZenError, kind: ZenErrorKind): void {
  expect(ZenError.isInstance(error)).toBe(true);
  expect({ kind: error.kind, provider: error.provider, model: error.model }).toEqual({ kind, provider: 'openai', model: 'gpt-sim' });
  expect(error.message).not.toContain('THISISASECRET');
}

describe('HTTP errors', () => {
  it.each<[SimFault, ZenErrorKind, Partial<ZenError>]>([
    [
      { type: 'http', status: 400, message: "Invalid value for 'temperature'." },
      'invalid_request',
      { status: 400, retryable: false, code: 'invalid_request_error' },
    ],
    [{ type: 'http', status: 401 }, 'auth', { status: 401, retryable: false, code: 'invalid_api_key' }],
    [{ type: 'http', status: 403 }, 'permission', { status: 403, retryable: false }],
    [
      { type: 'http', status: 404, message: 'The model `gpt-sim` does not exist or you do not have access to it.' },
      'not_found',
      { status: 404, code: 'model_not_found' },
    ],
    [
      { type: 'http', status: 429, retryAfter: 7 },
      'rate_limited',
      { status: 429, retryable: true, retryAfterMs: 7000, code: 'rate_limit_exceeded' },
    ],
    [{ type: 'http', status: 429, retryAfter: 7, retryAfterMs: 1500 }, 'rate_limited', { retryAfterMs: 1500 }],
    [
      {
        type: 'http',
        status: 429,
        code: 'insufficient_quota',
        message: 'You exceeded your current quota, please check your plan and billing details.',
      },
      'quota_exhausted',
      { status: 429, retryable: false, code: 'insufficient_quota' },
    ],
    [
      { type: 'http', status: 400, message: "This model's maximum context length is 128000 tokens.", code: 'context_length_exceeded' },
      'context_length',
      { status: 400 },
    ],
    [{ type: 'http', status: 500 }, 'server', { status: 500, retryable: true, code: 'server_error' }],
    [{ type: 'http', status: 503 }, 'overloaded', { status: 503, retryable: true }],
  ])('%o → %s, for generate and before a stream starts', async (fault, kind, fields) => {
    sim.enqueue('gpt-sim', { fault }, { fault });
    const error = await generateError();
    expectZen(error, kind);
    expect(error).toMatchObject(fields);
    if (fault.type === 'http' && fault.message) expect(error.message).toContain(fault.message);

    const streamed = await streamError();
    expect(streamed.phase).toBe('start');
    expectZen(streamed.error, kind);
    expect(streamed.error).toMatchObject(fields);
  });

  it('keeps the API key out of messages even when the vendor echoes it', async () => {
    sim.enqueue('gpt-sim', {
      fault: {
        type: 'http',
        status: 401,
        message: `Incorrect API key provided: ${SECRET_KEY}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      },
    });
    const error = await generateError();
    expectZen(error, 'auth');
    expect(error.message).toContain('Incorrect API key provided');
    expect(JSON.stringify(error.toJSON())).not.toContain('THISISASECRET');
    expect(String(error)).not.toContain('THISISASECRET');
    // Hosts log the cause chain too (console.error prints it, util.inspect walks it).
    const { inspect } = await import('node:util');
    expect(inspect(error, { depth: 6 })).not.toContain('THISISASECRET');
    expect(String((error.cause as Error).message)).not.toContain('THISISASECRET');
  });
});

describe('connection faults', () => {
  it('maps a reset connection to network, for generate and stream', async () => {
    sim.enqueue('gpt-sim', { fault: { type: 'reset' } }, { fault: { type: 'reset' } });
    expectZen(await generateError(), 'network');
    const streamed = await streamError();
    expect(streamed.phase).toBe('start');
    expectZen(streamed.error, 'network');
  });

  it("maps the SDK's own timeout before headers to timeout", async () => {
    // The answer never comes in the test's life: the SDK's timeout is the only way out.
    sim.enqueue('gpt-sim', { text: 'slow', ttftMs: 600_000 });
    const error = await generateError(undefined, { timeout: 100 });
    expectZen(error, 'timeout');
    expect(error.retryable).toBe(true);
  });

  it('maps a stalled body to timeout when an AbortSignal.timeout fires, and to aborted when the caller aborts', async () => {
    sim.enqueue('gpt-sim', { fault: { type: 'stall' } }, { fault: { type: 'stall' } });
    // What AbortSignal.timeout() fires with (a TimeoutError reason), once the simulator holds the request.
    const deadline = new AbortController();
    const pendingTimeout = generateError(deadline.signal);
    while (sim.calls.length < 1) await new Promise((resolve) => setTimeout(resolve, 1));
    deadline.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    const timedOut = await pendingTimeout;
    expectZen(timedOut, 'timeout');
    const controller = new AbortController();
    const pendingAbort = generateError(controller.signal);
    while (sim.calls.length < 2) await new Promise((resolve) => setTimeout(resolve, 1));
    controller.abort();
    const aborted = await pendingAbort;
    expectZen(aborted, 'aborted');
    expect(aborted.retryable).toBe(false);
  });

  it('maps a stalled stream to timeout or aborted from inside the iterator', async () => {
    sim.enqueue(
      'gpt-sim',
      { text: 'one two three', fault: { type: 'stall', afterChunks: 2 } },
      { text: 'one two three', fault: { type: 'stall', afterChunks: 2 } },
    );
    // Both fire once the first words are in: a deadline (TimeoutError, as AbortSignal.timeout) and a caller's abort.
    const deadline = new AbortController();
    const timedOut = await streamError(deadline.signal, (part) => {
      if (part.type === 'text-delta') deadline.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    });
    expect(timedOut.phase).toBe('iterate');
    expect(timedOut.parts.map((part) => part.type)).toEqual(['stream-start', 'text-delta']);
    expectZen(timedOut.error, 'timeout');

    const controller = new AbortController();
    const aborted = await streamError(controller.signal, (part) => {
      if (part.type === 'text-delta') controller.abort();
    });
    expect(aborted.phase).toBe('iterate');
    expectZen(aborted.error, 'aborted');
  });

  it('maps an already aborted signal to aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    expectZen(await generateError(controller.signal), 'aborted');
    expect(sim.calls).toHaveLength(0);
  });
});

describe('broken answers', () => {
  it('maps a stream cut before its finish chunk to stream_interrupted, after the text so far', async () => {
    sim.enqueue('gpt-sim', { text: 'one two three four', fault: { type: 'cut', afterChunks: 3 } });
    const { parts, error, phase } = await streamError();
    expect(phase).toBe('iterate');
    expect(parts.filter((part) => part.type === 'text-delta').map((part) => part.delta)).toEqual(['one', ' two']);
    expectZen(error, 'stream_interrupted');
    expect(error.retryable).toBe(true);
  });

  it('maps a stream cut right after the headers to stream_interrupted', async () => {
    sim.enqueue('gpt-sim', { fault: { type: 'cut', afterChunks: 0 } });
    const { parts, error } = await streamError();
    expect(parts).toEqual([]);
    expectZen(error, 'stream_interrupted');
  });

  it('maps a cut or malformed JSON body to server', async () => {
    sim.enqueue('gpt-sim', { fault: { type: 'cut' } }, { fault: { type: 'malformed' } });
    expectZen(await generateError(), 'server');
    const malformed = await generateError();
    expectZen(malformed, 'server');
    expect(malformed.message).toContain('not valid JSON');
  });

  it('maps a malformed SSE data line to stream_interrupted', async () => {
    sim.enqueue('gpt-sim', { text: 'a b c', fault: { type: 'malformed' } });
    const { parts, error } = await streamError();
    expect(parts[0]?.type).toBe('stream-start');
    expectZen(error, 'stream_interrupted');
  });

  it.each<[Partial<Extract<SimFault, { type: 'error-frame' }>>, ZenErrorKind]>([
    [{}, 'overloaded'],
    [{ message: 'The server had an error while processing your request.', code: 'server_error' }, 'server'],
    [{ message: 'Rate limit reached for requests.', code: 'rate_limit_exceeded' }, 'rate_limited'],
    [{ message: 'Invalid prompt.', code: 'invalid_request_error' }, 'invalid_request'],
  ])('maps an error frame %o inside a 200 stream to %s', async (frame, kind) => {
    sim.enqueue('gpt-sim', { text: 'a b c', fault: { type: 'error-frame', afterChunks: 2, ...frame } });
    const { parts, error, phase } = await streamError();
    expect(phase).toBe('iterate');
    expect(parts.map((part) => part.type)).toEqual(['stream-start', 'text-delta']);
    expectZen(error, kind);
    expect(error.status).toBeUndefined();
    expect(error.message).toContain(frame.message ?? 'Overloaded');
  });

  it('maps an error-frame fault on a non-streamed call (a 500) to server', async () => {
    sim.enqueue('gpt-sim', { fault: { type: 'error-frame' } });
    expectZen(await generateError(), 'server');
  });
});

describe('a wrapped client', () => {
  // Observability wrappers hand over a plain object with the SDK's resources, so the error
  // classes cannot be read from the constructor; errors are then recognised by their shape.
  function wrapped(options: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}) {
    const client = new OpenAI({ apiKey: SECRET_KEY, baseURL: sim.openaiBaseURL, maxRetries: 0, logLevel: 'off', ...options });
    return createOpenAIProvider('openai', { baseURL: client.baseURL, chat: client.chat, images: client.images } as unknown as OpenAI);
  }

  it('still maps HTTP errors, timeouts and resets', async () => {
    sim.enqueue(
      'gpt-sim',
      { fault: { type: 'http', status: 429, retryAfter: 4 } },
      { text: 'slow', ttftMs: 2_000 },
      { fault: { type: 'reset' } },
    );
    const call = (options: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}) =>
      wrapped(options)
        .generate({ modelId: 'gpt-sim', request })
        .catch((error: unknown) => error as ZenError);
    expect(await call()).toMatchObject({ kind: 'rate_limited', retryAfterMs: 4000 });
    expect(await call({ timeout: 100 })).toMatchObject({ kind: 'timeout' });
    expect(await call()).toMatchObject({ kind: 'network' });
  });
});
