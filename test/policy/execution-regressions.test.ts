import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { ZenClient } from '../../src/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { gate, inVirtualTime } from '../helpers/virtual-time.js';
import { attemptsOf, ch, HAIKU, MINI, NANO, recordEvents, run, sleep, UP, zenClient } from './execution-helpers.js';

/** Router bugs that users of other routers keep reporting, each through real SDK calls. */

const sim = useSimulator();
const FAIL = { fault: { type: 'http', status: 500 } } as const;
const MODES = [
  ['stream', true],
  ['non-stream', false],
] as const;

describe.each(MODES)('%s', (_mode, stream) => {
  it('a channel that fails during a fallback attempt is still cooled down', async () => {
    const zen = zenClient(sim, { breaker: { allowedFailures: 0, cooldownMs: 60_000 }, routing: { retry: { retries: 0 } } });
    const events = recordEvents(zen);
    sim.enqueue(UP[MINI], FAIL);
    sim.enqueue(UP[NANO], FAIL); // the fallback fails too
    sim.enqueue(UP[HAIKU], { text: 'third time lucky' });
    const first = await run(zen, { model: [MINI, NANO, HAIKU] }, stream);
    expect(first.text).toBe('third time lucky');
    expect(events.breaker.map((event) => [event.channel, event.to])).toEqual([
      [ch(MINI), 'open'],
      [ch(NANO), 'open'],
    ]);
    // The fallback channel is skipped by the next call, even where it comes first.
    const second = await run(zen, { model: [NANO, HAIKU] }, stream);
    expect(attemptsOf(second.zen)).toEqual([
      [ch(NANO), 'skipped', undefined, 0],
      [ch(HAIKU), 'success', undefined, 0],
    ]);
    expect(sim.callsFor(UP[NANO])).toHaveLength(1);
    expect(sim.callsFor(UP[MINI])).toHaveLength(1);
  });

  it('a second failure never shortens a running cooldown', () =>
    inVirtualTime(async (time) => {
      const zen = zenClient(sim, { breaker: { allowedFailures: 0, cooldownMs: 60_000 }, routing: { retry: { retries: 0 } } });
      const events = recordEvents(zen);
      // Two calls in flight: the first fails at once and opens the breaker for 60 s; the second
      // comes back later (once the first has opened the breaker) with a 429 asking for only 50 ms.
      const later = gate();
      sim.enqueue(UP[MINI], FAIL, { hold: later.promise, fault: { type: 'http', status: 429, retryAfter: 0.05 } });
      const both = Promise.all([run(zen, { model: [MINI, HAIKU] }, stream), run(zen, { model: [MINI, HAIKU] }, stream)]);
      await time.until(() => sim.callsFor(UP[MINI]).length === 2 && events.breaker.length === 1, 'both calls, and the breaker open');
      later.open();
      const [a, b] = await both;
      expect([a.zen.channel, b.zen.channel]).toEqual([ch(HAIKU), ch(HAIKU)]);
      expect(sim.callsFor(UP[MINI])).toHaveLength(2);
      const opened = events.breaker.filter((event) => event.channel === ch(MINI));
      expect(opened[0]).toMatchObject({ from: 'closed', to: 'open' });
      for (const next of opened.slice(1)) expect(next.openUntil).toBeGreaterThanOrEqual(opened[0]!.openUntil!);
      await time.advance(120); // well past the 429's 50 ms
      const third = await run(zen, { model: [MINI, HAIKU] }, stream);
      expect(third.zen.attempts[0]).toMatchObject({ channel: ch(MINI), outcome: 'skipped' });
      expect(sim.callsFor(UP[MINI])).toHaveLength(2);
    }));

  it('a threshold of 0 allowed failures opens on the first failure; 2 opens on the third', async () => {
    const strict = zenClient(sim, { breaker: { allowedFailures: 0, cooldownMs: 60_000 }, routing: { retry: { retries: 0 } } });
    sim.enqueue(UP[MINI], FAIL);
    await run(strict, { model: [MINI, HAIKU] }, stream);
    expect((await run(strict, { model: [MINI, HAIKU] }, stream)).zen.attempts[0]!.outcome).toBe('skipped');
    expect(sim.callsFor(UP[MINI])).toHaveLength(1);

    sim.reset();
    const lenient = zenClient(sim, { breaker: { allowedFailures: 2, cooldownMs: 60_000 }, routing: { retry: { retries: 0 } } });
    sim.enqueue(UP[MINI], FAIL, FAIL, FAIL);
    for (let call = 0; call < 3; call += 1)
      expect((await run(lenient, { model: [MINI, HAIKU] }, stream)).zen.attempts[0]!.outcome).toBe('error');
    expect((await run(lenient, { model: [MINI, HAIKU] }, stream)).zen.attempts[0]!.outcome).toBe('skipped');
    expect(sim.callsFor(UP[MINI])).toHaveLength(3);
  });

  it('a fallback model with a smaller context window is skipped, not called', async () => {
    const zen = zenClient(sim, { models: { 'openai/small': { contextWindow: 1_000, price: { inputPerMTok: 0.1, outputPerMTok: 0.4 } } } });
    const long = 'The quick brown fox jumps over the lazy dog. '.repeat(300); // ~3000 tokens
    sim.enqueue(UP[MINI], FAIL, FAIL);
    sim.enqueue(UP[HAIKU], { text: 'from the big window' });
    const out = await run(zen, { model: [MINI, 'openai/small', HAIKU], messages: [{ role: 'user', content: long }] }, stream);
    expect(out.text).toBe('from the big window');
    expect(out.zen.plan).toEqual([ch(MINI), ch(HAIKU)]);
    expect(out.zen.rejected).toEqual([
      expect.objectContaining({ channel: 'openai/small:openai', reason: expect.stringMatching(/context window/) }),
    ]);
    expect(out.zen.attempts.map((attempt) => attempt.channel)).not.toContain('openai/small:openai');
    expect(sim.callsFor('small')).toHaveLength(0);
    // A short prompt fits, so the same model is used then: the skip was for the window only.
    sim.enqueue('small', { text: 'small is fine' });
    expect((await run(zen, { model: ['openai/small', HAIKU] }, stream)).text).toBe('small is fine');
  });
});

describe('streams', () => {
  it('a stream cut before its first content fails over; the caller sees only the second channel', async () => {
    const zen = zenClient(sim, { routing: { retry: { retries: 0 } } });
    sim.enqueue(UP[MINI], { text: 'never shown', fault: { type: 'cut', afterChunks: 1 } });
    sim.enqueue(UP[HAIKU], { text: 'Only Haiku speaks here.' });
    const out = await run(zen, { model: [MINI, HAIKU] }, true);
    expect(out.error).toBeUndefined();
    expect(out.text).toBe('Only Haiku speaks here.');
    expect(attemptsOf(out.zen)).toEqual([
      [ch(MINI), 'error', 'stream_interrupted', 0],
      [ch(HAIKU), 'success', undefined, 0],
    ]);
  });

  it('a stream cut after content reached the caller is not replayed elsewhere: it fails, typed', async () => {
    const zen = zenClient(sim, { routing: { retry: { retries: 1 } } });
    sim.enqueue(UP[MINI], { text: 'one two three four five six', fault: { type: 'cut', afterChunks: 3 } });
    const out = await run(zen, { model: [MINI, HAIKU] }, true);
    expect(out.error?.kind).toBe('stream_interrupted');
    expect(out.text.length).toBeGreaterThan(0);
    expect('one two three four five six'.startsWith(out.text)).toBe(true);
    expect(sim.callsFor(UP[HAIKU])).toHaveLength(0);
    expect(sim.callsFor(UP[MINI])).toHaveLength(1);
    expect(attemptsOf(out.zen)).toEqual([[ch(MINI), 'error', 'stream_interrupted', 0]]);
  });

  it.each([
    ['an OpenAI error frame', MINI, HAIKU, 'server'],
    ["Anthropic's overloaded_error event", HAIKU, MINI, 'overloaded'],
  ] as const)('%s inside a 200 stream fails over', async (_label, primary, fallback, kind) => {
    const zen = zenClient(sim, { routing: { retry: { retries: 0 } } });
    sim.enqueue(UP[primary], {
      text: 'never shown',
      fault: { type: 'error-frame', message: kind === 'server' ? 'The server had an error.' : 'Overloaded' },
    });
    sim.enqueue(UP[fallback], { text: 'The fallback answers.' });
    const out = await run(zen, { model: [primary, fallback] }, true);
    expect(out.text).toBe('The fallback answers.');
    expect(attemptsOf(out.zen)).toEqual([
      [ch(primary), 'error', kind, 0],
      [ch(fallback), 'success', undefined, 0],
    ]);
  });
});

describe('SDK-level retries never stack on ZenClient', () => {
  const clients = {
    openai: () => ({ openai: new OpenAI({ apiKey: 'sk-test-openai-key-000000000000', baseURL: sim.openaiBaseURL, maxRetries: 5 }) }),
    anthropic: () => ({
      anthropic: new Anthropic({ apiKey: 'sk-ant-test-key-0000000000000', baseURL: sim.anthropicBaseURL, maxRetries: 5 }),
    }),
    google: () => ({
      google: new GoogleGenAI({
        apiKey: 'AIza-simulator-000000000000000000000',
        httpOptions: { baseUrl: sim.googleBaseURL, retryOptions: { attempts: 5 } },
      }),
    }),
  };
  const models = {
    openai: [MINI, UP[MINI]],
    anthropic: [HAIKU, UP[HAIKU]],
    google: ['google/gemini-2.5-flash', 'gemini-2.5-flash'],
  } as const;

  it.each(Object.keys(clients) as Array<keyof typeof clients>)(
    '%s client built with retries: exactly retries+1 calls reach the server',
    async (family) => {
      const [model, upstream] = models[family];
      for (const [stream, retries] of [
        [false, 2],
        [true, 1],
        [false, 0],
      ] as const) {
        sim.reset();
        const zen = new ZenClient({ providers: clients[family](), routing: { retry: { retries, minDelayMs: 5, maxDelayMs: 10 } } });
        sim.setDefault(upstream, FAIL);
        const out = await inVirtualTime(async (time) => {
          const result = await time.settle(run(zen, { model }, stream));
          await time.advance(120_000); // any SDK retry timer (seconds of backoff) would fire here
          return result;
        });
        expect(out.error?.kind).toBe('all_attempts_failed');
        await sleep(30); // and its request would land here
        expect(sim.callsFor(upstream), `${family}, stream ${stream}, retries ${retries}`).toHaveLength(retries + 1);
      }
    },
  );
});
