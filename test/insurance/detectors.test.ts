import { describe, expect, it } from 'vitest';
import type { QualityEvent } from '../../src/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { inVirtualTime } from '../helpers/virtual-time.js';
import { chat, insuredClient, MINI, records, user } from './helpers.js';

const sim = useSimulator();

const kinds = (events: QualityEvent[]) => events.map((event) => event.kind);

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  },
};

const personFormat = {
  type: 'json_schema' as const,
  json_schema: {
    name: 'person',
    strict: true,
    schema: {
      type: 'object',
      properties: { name: { type: 'string' }, age: { type: 'integer' } },
      required: ['name', 'age'],
      additionalProperties: false,
    },
  },
};

describe.each([false, true])('detectors (stream: %s)', (stream) => {
  it('a clean answer files no event', async () => {
    const zen = insuredClient(sim);
    sim.enqueue('gpt-5-mini', { text: 'Paris is the capital of France.' });
    const { zen: meta } = await chat(zen, { messages: user('Capital of France?') }, stream);
    expect(meta.events).toEqual([]);
    expect(meta.claims).toEqual([]);
  });

  it('latency: a first token over the absolute limit (streams), a total over the limit', async () => {
    const zen = insuredClient(sim, { insurance: { limits: { maxFirstTokenMs: 40, maxTotalMs: 40 } } });
    sim.enqueue('gpt-5-mini', { text: 'Slow but fine.', ttftMs: 150 });
    const { zen: meta } = await chat(zen, { messages: user('hi') }, stream);
    expect(kinds(meta.events)).toEqual(stream ? ['slow_first_token', 'slow_total'] : ['slow_total']);
    const slow = meta.events.find((event) => event.kind === 'slow_total')!;
    expect(slow).toMatchObject({ detector: 'latency', channel: `${MINI}:openai`, requestId: meta.requestId });
    expect(slow.detail).toMatchObject({ limitMs: 40, basis: 'absolute limit' });
    expect(slow.severity).toBeGreaterThan(0);
  });

  it('latency: per-request limits override the client', async () => {
    const zen = insuredClient(sim, { insurance: { limits: { maxTotalMs: 10_000 } } });
    sim.enqueue('gpt-5-mini', { text: 'Slow.', ttftMs: 120 });
    const { zen: meta } = await chat(zen, { messages: user('hi'), zen: { insurance: { maxTotalMs: 30 } } }, stream);
    expect(kinds(meta.events)).toContain('slow_total');
  });

  it("latency: relative to the channel's rolling p95", async () =>
    // In virtual time: the fast calls take 0 ms and the slow one exactly 250 ms, at any load.
    inVirtualTime(async (time) => {
      const zen = insuredClient(sim, { insurance: { limits: { p95Factor: 2, minRelativeMs: 60 } } });
      for (let index = 0; index < 6; index++) {
        sim.enqueue('gpt-5-mini', { text: 'fast' });
        const { zen: meta } = await chat(zen, { messages: user('hi') }, stream);
        expect(meta.events).toEqual([]);
      }
      // The reply waits (real time) until long after the clock was moved.
      sim.enqueue('gpt-5-mini', { text: 'slow', ttftMs: 1_500 });
      const pending = chat(zen, { messages: user('hi') }, stream);
      await time.until(() => sim.calls.length === 7, 'the slow call');
      await time.advance(250);
      const { zen: meta } = await pending;
      const event = meta.events.find((entry) => entry.kind === (stream ? 'slow_first_token' : 'slow_total'))!;
      expect(event).toBeDefined();
      expect(event.detail!.basis).toBe("2 × the channel's p95 of 0 ms");
      expect(event.detail!.limitMs).toBe(60);
      expect(event.detail![stream ? 'ttftMs' : 'durationMs']).toBe(250);
    }));

  it('throughput: output tokens per second below the floor', async () => {
    const zen = insuredClient(sim, { insurance: { limits: { minTokensPerSecond: 1000 } } });
    const text = 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen';
    sim.enqueue('gpt-5-mini', { text, tokensPerSecond: 100 });
    const { zen: meta } = await chat(zen, { messages: user('count') }, stream);
    const event = meta.events.find((entry) => entry.kind === 'slow_stream')!;
    expect(event).toMatchObject({ detector: 'throughput' });
    expect(event.detail).toMatchObject({ floor: 1000, measured: stream ? 'after first token' : 'whole call' });
    expect(event.detail!.tokensPerSecond as number).toBeLessThan(1000);
  });

  it('throughput: short answers are not judged', async () => {
    const zen = insuredClient(sim, { insurance: { limits: { minTokensPerSecond: 1000 } } });
    sim.enqueue('gpt-5-mini', { text: 'ok then', tokensPerSecond: 20 });
    const { zen: meta } = await chat(zen, { messages: user('hi') }, stream);
    expect(kinds(meta.events)).not.toContain('slow_stream');
  });

  it('empty answer', async () => {
    const zen = insuredClient(sim);
    sim.enqueue('gpt-5-mini', { text: '' });
    const { zen: meta } = await chat(zen, { messages: user('hi') }, stream);
    expect(kinds(meta.events)).toEqual(['empty_answer']);
    expect(meta.events[0]!.severity).toBe(1);
  });

  it('truncated answer: length stop without a caller limit; none when the caller set max_tokens', async () => {
    const zen = insuredClient(sim);
    sim.enqueue('gpt-5-mini', { text: 'A long story that was cut', finishReason: 'length' });
    const { zen: cut } = await chat(zen, { messages: user('story') }, stream);
    expect(kinds(cut.events)).toEqual(['truncated_answer']);
    sim.enqueue('gpt-5-mini', { text: 'A long story that was cut', finishReason: 'length' });
    const { zen: asked } = await chat(zen, { messages: user('story'), max_completion_tokens: 6 }, stream);
    expect(asked.events).toEqual([]);
  });

  it('refusal: a content-filter stop, and a refusal in words', async () => {
    const zen = insuredClient(sim);
    sim.enqueue('gpt-5-mini', { text: '', finishReason: 'content_filter' });
    const { zen: filtered } = await chat(zen, { messages: user('something') }, stream);
    expect(kinds(filtered.events)).toEqual(['refusal']);
    expect(filtered.events[0]!.detail).toMatchObject({ reason: 'content_filter' });
    sim.enqueue('gpt-5-mini', { text: "I'm sorry, but I can't help with that request." });
    const { zen: worded } = await chat(zen, { messages: user('something') }, stream);
    expect(kinds(worded.events)).toEqual(['refusal']);
    expect(worded.events[0]!.detail).toMatchObject({ reason: 'refusal_text' });
    // Evidence quotes the answer: kept only when content is captured.
    expect(worded.events[0]!.detail).not.toHaveProperty('evidence');
  });

  it('structured output: invalid JSON when JSON was asked for', async () => {
    const zen = insuredClient(sim);
    sim.enqueue('gpt-5-mini', { text: 'Here is your JSON: {"name": "Ann"' });
    const { zen: meta } = await chat(zen, { messages: user('a person as JSON'), response_format: { type: 'json_object' } }, stream);
    expect(kinds(meta.events)).toEqual(['invalid_json']);
    // The parse error names a position, never the text.
    expect(JSON.stringify(meta.events[0])).not.toContain('Here is your');
  });

  it('structured output: JSON that violates the requested schema (ajv)', async () => {
    const zen = insuredClient(sim);
    sim.enqueue('gpt-5-mini', { json: { name: 'Ann', age: 'forty' } });
    const { zen: meta } = await chat(zen, { messages: user('a person'), response_format: personFormat }, stream);
    expect(kinds(meta.events)).toEqual(['schema_violation']);
    expect(meta.events[0]!.detail).toMatchObject({ schema: 'person', problems: [{ path: '/age', message: 'must be integer' }] });
    sim.enqueue('gpt-5-mini', { json: { name: 'Ann', age: 40 } });
    const { zen: good } = await chat(zen, { messages: user('a person'), response_format: personFormat }, stream);
    expect(good.events).toEqual([]);
  });

  it('tool calls: a tool that was not offered', async () => {
    const zen = insuredClient(sim);
    sim.enqueue('gpt-5-mini', { toolCalls: [{ name: 'launch_rocket', arguments: { target: 'moon' } }] });
    const { zen: meta, toolCalls } = await chat(zen, { messages: user('weather?'), tools: [weatherTool] }, stream);
    expect(toolCalls).toBe(1);
    expect(kinds(meta.events)).toEqual(['unknown_tool']);
    expect(meta.events[0]!.detail).toEqual({ tool: 'launch_rocket', offered: ['get_weather'] });
  });

  it("tool calls: arguments that are not JSON, or violate the tool's schema", async () => {
    const zen = insuredClient(sim);
    sim.enqueue('gpt-5-mini', { toolCalls: [{ name: 'get_weather', arguments: '{"city": "Par' }] });
    const { zen: broken } = await chat(zen, { messages: user('weather?'), tools: [weatherTool] }, stream);
    expect(kinds(broken.events)).toEqual(['invalid_tool_arguments']);
    expect(broken.events[0]!.detail).toMatchObject({ tool: 'get_weather', parseError: expect.stringMatching(/invalid JSON/) });
    sim.enqueue('gpt-5-mini', { toolCalls: [{ name: 'get_weather', arguments: { city: 7, units: 'C' } }] });
    const { zen: wrong } = await chat(zen, { messages: user('weather?'), tools: [weatherTool] }, stream);
    expect(kinds(wrong.events)).toEqual(['invalid_tool_arguments']);
    expect((wrong.events[0]!.detail!.problems as Array<{ path: string }>).map((problem) => problem.path).sort()).toEqual(['', '/city']);
  });

  it('failover: the channel that failed before the answer', async () => {
    const zen = insuredClient(sim);
    sim.enqueue('gpt-5-mini', { fault: { type: 'http', status: 500 } }, { fault: { type: 'http', status: 500 } });
    sim.enqueue('claude-sonnet-4-5', { text: 'From the second channel.' });
    const { zen: meta } = await chat(
      zen,
      { model: [MINI, 'anthropic/claude-sonnet-4-5'], messages: user('hi'), zen: { retry: { minDelayMs: 1, maxDelayMs: 2 } } },
      stream,
    );
    expect(meta.channel).toBe('anthropic/claude-sonnet-4-5:anthropic');
    const failovers = meta.events.filter((event) => event.kind === 'failover');
    expect(failovers.length).toBeGreaterThanOrEqual(1);
    expect(failovers[0]).toMatchObject({ channel: `${MINI}:openai`, severity: 0 });
    expect(meta.claims).toEqual([]); // failovers are not covered by default
  });

  it('per request: only the named detectors run', async () => {
    const zen = insuredClient(sim);
    sim.enqueue('gpt-5-mini', { text: '' });
    const { zen: meta } = await chat(zen, { messages: user('hi'), zen: { insurance: { detectors: ['latency'] } } }, stream);
    expect(meta.events).toEqual([]);
  });

  it('events are recorded in the ledger and emitted as `quality`', async () => {
    const zen = insuredClient(sim);
    const emitted: QualityEvent[] = [];
    zen.on('quality', (event) => emitted.push(event));
    sim.enqueue('gpt-5-mini', { text: '' });
    const { zen: meta } = await chat(zen, { messages: user('hi') }, stream);
    expect(emitted).toEqual(meta.events);
    const ledger = await records(zen);
    expect(ledger.filter((record) => record.type === 'event').map((record) => record.type === 'event' && record.event)).toEqual(
      meta.events,
    );
  });
});

describe('host detectors', () => {
  it('a custom Detector with a stream observer sees parts as they flow', async () => {
    const seen: string[] = [];
    const zen = insuredClient(sim, {
      insurance: {
        detectors: [
          'empty',
          {
            name: 'no-shouting',
            scope: 'answer',
            inspectResult: (context) =>
              /[A-Z]{5,}/.test(context.result.content.map((part) => (part.type === 'text' ? part.text : '')).join(''))
                ? [{ kind: 'refusal', severity: 0.2, message: 'shouting' }]
                : [],
            observeStream: () => ({
              onPart: (part) => {
                if (part.type === 'text-delta') seen.push(part.delta);
              },
              onEnd: () => (seen.join('').includes('LOUD') ? [{ kind: 'refusal', severity: 0.2, message: 'shouting' }] : []),
            }),
          },
        ],
      },
    });
    sim.enqueue('gpt-5-mini', { text: 'A LOUD answer' }, { text: 'A LOUDER answer' });
    const streamed = await chat(zen, { messages: user('hi') }, true);
    expect(seen.join('')).toBe('A LOUD answer');
    expect(streamed.zen.events.map((event) => [event.detector, event.kind])).toEqual([['no-shouting', 'refusal']]);
    const plain = await chat(zen, { messages: user('hi') }, false);
    expect(plain.zen.events.map((event) => event.detector)).toEqual(['no-shouting']);
  });

  it('a detector that throws is reported as an `error` event and the call goes on', async () => {
    const zen = insuredClient(sim, {
      insurance: {
        detectors: [
          {
            name: 'broken',
            scope: 'answer',
            inspectResult: () => {
              throw new Error('bug');
            },
          },
        ],
      },
    });
    const errors: unknown[] = [];
    zen.on('error', (event) => errors.push(event));
    sim.enqueue('gpt-5-mini', { text: 'fine' });
    const { text, zen: meta } = await chat(zen, { messages: user('hi') }, false);
    expect(text).toBe('fine');
    expect(meta.events).toEqual([]);
    expect(errors).toEqual([expect.objectContaining({ source: 'detector', detector: 'broken', requestId: meta.requestId })]);
  });

  it('asynchronous detectors are awaited, filed in detector order, and a rejection is an `error` event', async () => {
    const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const zen = insuredClient(sim, {
      insurance: {
        detectors: [
          {
            name: 'slow',
            scope: 'answer',
            inspectResult: async () => {
              await later(30);
              return [{ kind: 'refusal' as const, severity: 0.5, message: 'slow says no' }];
            },
          },
          {
            name: 'sync',
            scope: 'answer',
            inspectResult: () => [{ kind: 'empty_answer' as const, severity: 0.2, message: 'sync says empty' }],
          },
          {
            name: 'rejects',
            scope: 'answer',
            inspectResult: async () => {
              await later(1);
              throw new Error('async bug');
            },
          },
        ],
      },
    });
    const errors: unknown[] = [];
    zen.on('error', (event) => errors.push(event));
    sim.enqueue('gpt-5-mini', { text: 'fine' });
    const { text, zen: meta } = await chat(zen, { messages: user('hi') }, false);
    expect(text).toBe('fine');
    expect(meta.events.map((event) => [event.detector, event.kind])).toEqual([
      ['slow', 'refusal'],
      ['sync', 'empty_answer'],
    ]);
    expect(errors).toEqual([expect.objectContaining({ source: 'detector', detector: 'rejects', requestId: meta.requestId })]);
  });
});
