import { describe, expect, it } from 'vitest';
import {
  ZenError,
  type AttemptStart,
  type AttemptRecord,
  type GenerationResult,
  type RequestRecord,
  type Step,
  type StreamPart,
  type ZenClient,
} from '../../src/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { ch, HAIKU, MINI, UP, zenClient } from '../policy/execution-helpers.js';

/**
 * Host steps (`zen.use`): a cache that answers without a provider call, a guardrail that refuses
 * with a typed error, several steps in order, and the hooks a telemetry step needs. The official
 * SDKs talk to the simulator throughout.
 */

const sim = useSimulator();
const ask = (content: string) => [{ role: 'user' as const, content }];

/** A cache of answers by model and messages: plain answers as they are, streams as their parts. */
function cacheStep(): Step & { hits: number } {
  const answers = new Map<string, GenerationResult>();
  const streams = new Map<string, StreamPart[]>();
  const step = (async (call, next) => {
    if (call.operation !== 'text') return next();
    const key = JSON.stringify([call.model, call.request.messages]);
    const parts = call.stream ? streams.get(key) : undefined;
    const answer = call.stream ? undefined : answers.get(key);
    if (parts || answer) {
      step.hits += 1;
      call.record.explanation = 'served from the cache';
      if (parts) return { type: 'stream', parts: replay(parts), done: Promise.resolve(undefined) };
      return { type: 'text', result: answer! };
    }
    const outcome = await next();
    if (outcome.type === 'text') answers.set(key, outcome.result);
    if (outcome.type !== 'stream') return outcome;
    const seen: StreamPart[] = [];
    return { ...outcome, parts: capture(outcome.parts, seen, () => streams.set(key, seen)) };
  }) as Step & { hits: number };
  step.hits = 0;
  return step;
}

async function* replay(parts: readonly StreamPart[]): AsyncGenerator<StreamPart> {
  yield* parts;
}

/** The parts as they pass to the reader; `complete` once the stream ended with its finish. */
async function* capture(parts: AsyncIterable<StreamPart>, seen: StreamPart[], complete: () => void): AsyncGenerator<StreamPart> {
  for await (const part of parts) {
    seen.push(part);
    yield part;
  }
  if (seen.at(-1)?.type === 'finish') complete();
}

async function readStream(zen: ZenClient, content: string): Promise<{ text: string; requestId: string }> {
  const stream = await zen.chat.completions.create({ model: MINI, messages: ask(content), stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return { text, requestId: stream.zen.requestId };
}

async function requestRecords(zen: ZenClient): Promise<RequestRecord[]> {
  await zen.flush();
  const out: RequestRecord[] = [];
  for await (const record of zen.ledger.query({ types: ['request'] })) if (record.type === 'request') out.push(record);
  return out;
}

describe('a cache step', () => {
  it("leaves the call's usage, cost and attempts read-only when the call returns, answered by the provider or by the step", async () => {
    const zen = zenClient(sim).use(cacheStep());
    sim.enqueue(UP[MINI], { text: 'Paris is the capital.' });
    const first = await zen.chat.completions.create({ model: MINI, messages: ask('Capital of Paris?') });
    // The cached call is one the insurance does not watch: its facts are frozen at once too, not
    // only when the ledger writer gets to its record.
    const second = await zen.chat.completions.create({ model: MINI, messages: ask('Capital of Paris?') });
    for (const zenFacts of [first.zen, second.zen]) {
      expect(Object.isFrozen(zenFacts.usage) && Object.isFrozen(zenFacts.usage.input) && Object.isFrozen(zenFacts.cost)).toBe(true);
      expect(zenFacts.attempts.every((attempt) => Object.isFrozen(attempt))).toBe(true);
      expect(() => {
        zenFacts.usage.input.total = 1;
      }).toThrow(TypeError);
    }
    expect(first.zen.attempts).toHaveLength(1);
    await zen.close();
  });

  it('serves a second identical call without a provider call', async () => {
    const cache = cacheStep();
    const zen = zenClient(sim).use(cache);
    sim.enqueue(UP[MINI], { text: 'Paris is the capital.' });
    const first = await zen.chat.completions.create({ model: MINI, messages: ask('Capital of France?') });
    const second = await zen.chat.completions.create({ model: MINI, messages: ask('Capital of France?') });
    expect(second.choices[0]!.message.content).toBe('Paris is the capital.');
    expect(first.choices[0]!.message.content).toBe('Paris is the capital.');
    expect(sim.callsFor(UP[MINI])).toHaveLength(1);
    expect(cache.hits).toBe(1);
    expect(first.zen.channel).toBe(ch(MINI));
    expect(second.zen).toMatchObject({ channel: undefined, attempts: [], explanation: 'served from the cache' });
    expect(second.zen.requestId).not.toBe(first.zen.requestId);
    // Both calls are in the ledger: the cached one as a success without attempts.
    const records = await requestRecords(zen);
    expect(records.map((record) => [record.requestId, record.outcome, record.attempts.length])).toEqual([
      [first.zen.requestId, 'success', 1],
      [second.zen.requestId, 'success', 0],
    ]);
    // A different question still goes to the provider.
    sim.enqueue(UP[MINI], { text: 'Berlin.' });
    const other = await zen.chat.completions.create({ model: MINI, messages: ask('Capital of Germany?') });
    expect(other.choices[0]!.message.content).toBe('Berlin.');
    expect(sim.callsFor(UP[MINI])).toHaveLength(2);
  });

  it('serves a second identical streamed call from the parts of the first, without a provider call', async () => {
    const cache = cacheStep();
    const zen = zenClient(sim).use(cache);
    sim.enqueue(UP[MINI], { text: 'one two three four' });
    const first = await readStream(zen, 'Count to four.');
    const second = await zen.chat.completions.create({
      model: MINI,
      messages: ask('Count to four.'),
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage = 0;
    for await (const chunk of second) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage += chunk.usage?.completion_tokens ?? 0;
    }
    expect(first.text).toBe('one two three four');
    expect(text).toBe('one two three four');
    expect(usage).toBeGreaterThan(0);
    expect(sim.callsFor(UP[MINI])).toHaveLength(1);
    expect(cache.hits).toBe(1);
    const metadata = await second.metadata();
    expect(metadata).toMatchObject({ explanation: 'served from the cache', attempts: [] });
    const records = await requestRecords(zen);
    expect(records.map((record) => [record.requestId, record.stream, record.outcome])).toEqual([
      [first.requestId, true, 'success'],
      [metadata.requestId, true, 'success'],
    ]);
  });
});

describe('a guardrail step', () => {
  const guardrail: Step = async (call, next) => {
    const text =
      call.operation === 'text'
        ? JSON.stringify(call.request.messages)
        : call.operation === 'image'
          ? call.request.prompt
          : JSON.stringify(call.request.inputs);
    if (text.includes('forbidden')) {
      throw new ZenError({ kind: 'content_filter', code: 'guardrail', retryable: false, message: 'The prompt names a forbidden topic.' });
    }
    return next();
  };

  it.each([false, true])(
    'refuses with a typed error before any provider call, and the refusal is recorded (stream: %s)',
    async (stream) => {
      const zen = zenClient(sim).use(guardrail);
      const error = await zen.chat.completions.create({ model: MINI, messages: ask('Tell me the forbidden thing.'), stream }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(ZenError.isInstance(error)).toBe(true);
      const zenError = error as ZenError;
      expect(zenError).toMatchObject({
        kind: 'content_filter',
        code: 'guardrail',
        retryable: false,
        message: 'The prompt names a forbidden topic.',
      });
      expect(zenError.zen).toMatchObject({ attempts: [], channel: undefined, plan: [] });
      expect(typeof zenError.zen!.requestId).toBe('string');
      expect(sim.calls).toHaveLength(0);
      const records = await requestRecords(zen);
      expect(records).toEqual([
        expect.objectContaining({ requestId: zenError.zen!.requestId, outcome: 'error', errorKind: 'content_filter', stream }),
      ]);
      // Allowed prompts pass.
      sim.enqueue(UP[MINI], { text: 'Fine.' });
      const allowed = await zen.chat.completions.create({ model: MINI, messages: ask('Tell me a joke.') });
      expect(allowed.choices[0]!.message.content).toBe('Fine.');
    },
  );

  it('guards the images face too: image calls run through the same steps', async () => {
    const seen: string[] = [];
    const zen = zenClient(sim).use(async (call, next) => {
      seen.push(`${call.operation}:${call.face}`);
      return next();
    }, guardrail);
    const error = await zen.images
      .generate({ model: 'openai/gpt-image-1', prompt: 'a forbidden lighthouse' })
      .catch((caught: unknown) => caught);
    expect((error as ZenError).kind).toBe('content_filter');
    const image = await zen.images.generate({ model: 'openai/gpt-image-1', prompt: 'a lighthouse' });
    expect(image.data).toHaveLength(1);
    expect(seen).toEqual(['image:openai-images', 'image:openai-images']);
  });
});

describe('several steps', () => {
  it('run in the order they were added, each around the next, with the plan and record filled in after next()', async () => {
    const log: string[] = [];
    const named =
      (name: string): Step =>
      async (call, next) => {
        log.push(`${name}> routed: ${call.route !== undefined}`);
        const outcome = await next();
        log.push(`<${name} ${call.record.channel ?? '-'} ${call.route?.order[0]?.channel.id ?? '-'}`);
        return outcome;
      };
    const zen = zenClient(sim).use(named('a')).use(named('b'), named('c'));
    sim.enqueue(UP[MINI], { text: 'hi' });
    await zen.chat.completions.create({ model: MINI, messages: ask('hi') });
    expect(log).toEqual([
      'a> routed: false',
      'b> routed: false',
      'c> routed: false',
      `<c ${ch(MINI)} ${ch(MINI)}`,
      `<b ${ch(MINI)} ${ch(MINI)}`,
      `<a ${ch(MINI)} ${ch(MINI)}`,
    ]);
  });

  it('a step may change the request before it is routed and sent', async () => {
    const zen = zenClient(sim).use(async (call, next) => {
      if (call.operation === 'text')
        call.request = { ...call.request, messages: [{ role: 'system', content: 'Be brief.' }, ...call.request.messages] };
      return next();
    });
    sim.enqueue(UP[MINI], { text: 'ok' });
    await zen.chat.completions.create({ model: MINI, messages: ask('hi') });
    const sent = sim.callsFor(UP[MINI])[0]!.body as { messages: Array<{ role: string; content: unknown }> };
    expect(sent.messages.map((message) => message.role)).toEqual(['system', 'user']);
  });

  it('refuses what would break a call: a step that is not a function, next() twice, an outcome of the wrong kind', async () => {
    const zen = zenClient(sim);
    expect(() => zen.use('cache' as unknown as Step)).toThrowError(expect.objectContaining({ kind: 'configuration', code: 'use' }));

    sim.enqueue(UP[MINI], { text: 'once' });
    const twice = zenClient(sim).use(async (_call, next) => {
      await next();
      return next();
    });
    const error = await twice.chat.completions.create({ model: MINI, messages: ask('hi') }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'configuration', code: 'pipeline', message: 'A pipeline step called next() more than once.' });
    expect(sim.callsFor(UP[MINI])).toHaveLength(1);

    const wrong = zenClient(sim).use(async () => ({ type: 'image', result: { images: [], warnings: [] } }));
    const mismatch = (await wrong.chat.completions
      .create({ model: MINI, messages: ask('hi') })
      .catch((caught: unknown) => caught)) as ZenError;
    expect(mismatch.kind).toBe('configuration');
    expect(mismatch.message).toContain('returned a "image" outcome for a non-streamed text call');
    expect(mismatch.zen?.requestId).toMatch(/^zen_/);
    expect((await requestRecords(wrong)).map((record) => [record.outcome, record.errorKind])).toEqual([['error', 'configuration']]);
  });

  it('a non-ZenError thrown by a step leaves as a typed server error with its cause', async () => {
    const failure = new Error('the cache is down');
    const zen = zenClient(sim).use(async () => {
      throw failure;
    });
    const error = (await zen.chat.completions.create({ model: MINI, messages: ask('hi') }).catch((caught: unknown) => caught)) as ZenError;
    expect(ZenError.isInstance(error)).toBe(true);
    expect(error.kind).toBe('server');
    expect(error.cause).toBe(failure);
    expect(error.zen?.requestId).toMatch(/^zen_/);
  });
});

describe("the insurance's own calls", () => {
  it('run through host steps too, marked internal, and their cost lands on the call they serve', async () => {
    const seen: Array<[boolean, string]> = [];
    const zen = zenClient(sim, { insurance: { judge: { model: 'openai/gpt-5-nano' } } }).use(async (call, next) => {
      seen.push([call.internal, String(call.model)]);
      return next();
    });
    sim.enqueue(UP[MINI], { text: 'Paris has 2.1 million inhabitants.' });
    sim.enqueue('gpt-5-nano', { json: { claims_checked: 1, unsupported_claims: [] } });
    const answer = await zen.chat.completions.create({
      model: MINI,
      messages: ask('How many people live in Paris?'),
      zen: { insurance: { groundingDocuments: ['Paris has 2.1 million inhabitants.'] } },
    });
    expect(seen).toEqual([
      [false, MINI],
      [true, 'openai/gpt-5-nano'],
    ]);
    expect(answer.zen.attempts.map((attempt) => attempt.purpose)).toEqual([undefined, 'judge']);
    expect((await requestRecords(zen)).map((record) => record.requestId)).toEqual([answer.zen.requestId]);
  });
});

describe("hooks into a call's execution (for telemetry)", () => {
  it.each([false, true])('attempt start and end, and the execution end, in order, across a failover (stream: %s)', async (stream) => {
    const events: string[] = [];
    const starts: AttemptStart[] = [];
    const ends: AttemptRecord[] = [];
    const zen = zenClient(sim, { routing: { retry: { retries: 0 } } }).use(async (call, next) => {
      call.observe({
        attemptStart: (attempt) => {
          starts.push(attempt);
          events.push(`start ${attempt.channel}`);
        },
        attemptEnd: (attempt) => {
          ends.push(attempt);
          events.push(`end ${attempt.channel} ${attempt.outcome}`);
        },
        executionEnd: (error) => events.push(`execution end ${error?.kind ?? 'ok'}`),
      });
      return next();
    });
    sim.enqueue(UP[MINI], { fault: { type: 'http', status: 500 } });
    sim.enqueue(UP[HAIKU], { text: 'from haiku' });
    const request = { model: [MINI, HAIKU], messages: ask('hi') };
    let metadataAttempts: AttemptRecord[];
    if (stream) {
      const response = await zen.chat.completions.create({ ...request, stream: true });
      for await (const _chunk of response);
      metadataAttempts = (await response.metadata()).attempts;
    } else {
      metadataAttempts = (await zen.chat.completions.create(request)).zen.attempts;
    }
    expect(events).toEqual([
      `start ${ch(MINI)}`,
      `end ${ch(MINI)} error`,
      `start ${ch(HAIKU)}`,
      `end ${ch(HAIKU)} success`,
      'execution end ok',
    ]);
    expect(starts.map((start) => [start.provider, start.model, start.retry, start.hedge])).toEqual([
      ['openai', MINI, 0, false],
      ['anthropic', HAIKU, 0, false],
    ]);
    expect(starts.every((start) => typeof start.startedAt === 'number')).toBe(true);
    // The records the hooks saw are the call's own.
    expect(ends).toEqual(metadataAttempts);
  });
});
