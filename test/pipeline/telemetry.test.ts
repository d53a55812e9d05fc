import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, metrics, trace, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  MeterProvider,
  MetricReader,
  PeriodicExportingMetricReader,
  type HistogramMetricData,
  type MetricData,
  type SumMetricData,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import type { ZenClient, ZenClientOptions, ZenErrorEvent } from '../../src/index.js';
import { useSimulator } from '../helpers/simulator.js';
import { ch, HAIKU, MINI, NANO, run, UP, zenClient } from '../policy/execution-helpers.js';

/**
 * OpenTelemetry through the official SDKs and the simulator, recorded by the real OpenTelemetry SDK
 * (in-memory exporters, and the OTLP/HTTP exporters sending to a receiver the test starts): a span
 * per call and per attempt with the GenAI semantic-convention attributes, the client metrics,
 * quality events and claims as `gen_ai.evaluation.result`, content only when opted in.
 */

const sim = useSimulator();
const OPENAI_KEY = 'sk-test-openai-key-000000000000';
const FAIL = { fault: { type: 'http', status: 500 } } as const;

/** A metric reader the test collects from on demand (the SDK's own reader, no timer). */
class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
  async metrics(): Promise<MetricData[]> {
    const { resourceMetrics } = await this.collect();
    return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  }
}

interface Otel {
  spans: InMemorySpanExporter;
  reader: CollectingReader;
  tracerProvider: BasicTracerProvider;
  meterProvider: MeterProvider;
}

function otel(): Otel {
  const spans = new InMemorySpanExporter();
  const reader = new CollectingReader();
  return {
    spans,
    reader,
    tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }),
    meterProvider: new MeterProvider({ readers: [reader] }),
  };
}

function client(
  o: Otel,
  telemetry: Exclude<ZenClientOptions['telemetry'], boolean | undefined> = {},
  options: ZenClientOptions = {},
): ZenClient {
  return zenClient(sim, {
    routing: { retry: { retries: 0 } },
    ...options,
    telemetry: { tracerProvider: o.tracerProvider, meterProvider: o.meterProvider, ...telemetry },
  });
}

/** The call span (no parent) and its attempt spans, in start order. */
function tree(spans: readonly ReadableSpan[]): { call: ReadableSpan; attempts: ReadableSpan[] } {
  const calls = spans.filter((span) => span.parentSpanContext === undefined);
  expect(calls).toHaveLength(1);
  const call = calls[0]!;
  const attempts = spans
    .filter((span) => span.parentSpanContext?.spanId === call.spanContext().spanId)
    .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
  for (const attempt of attempts) expect(attempt.spanContext().traceId).toBe(call.spanContext().traceId);
  return { call, attempts };
}

function metric<T extends MetricData>(all: MetricData[], name: string): T {
  const found = all.find((data) => data.descriptor.name === name);
  expect(found, `metric ${name}`).toBeDefined();
  return found as T;
}

/** Everything a span exports, as text: to check what must never be in it. */
function exported(spans: readonly ReadableSpan[]): string {
  return JSON.stringify(
    spans.map((span) => ({
      name: span.name,
      attributes: span.attributes,
      events: span.events.map((event) => ({ name: event.name, attributes: event.attributes })),
      status: span.status,
    })),
  );
}

describe('telemetry: spans', () => {
  it('a call span and an attempt span with the GenAI attributes; usage, cost and channel on the call', async () => {
    const o = otel();
    const zen = client(o);
    sim.enqueue(UP[MINI], { text: 'A prince avenges his father.', usage: { input: 120, output: 9 } });
    const out = await run(zen, { model: MINI, temperature: 0.3, max_tokens: 40 }, false);
    expect(out.error).toBeUndefined();
    const { call, attempts } = tree(o.spans.getFinishedSpans());
    expect(call.name).toBe(`chat ${MINI}`);
    expect(call.kind).toBe(2); // SpanKind.CLIENT
    expect(call.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': MINI,
      'gen_ai.response.model': 'gpt-5-mini',
      'gen_ai.request.temperature': 0.3,
      'gen_ai.request.max_tokens': 40,
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 9,
      'gen_ai.output.type': 'text',
      'zenrouter.request_id': out.zen.requestId,
      'zenrouter.channel': ch(MINI),
      'zenrouter.plan': out.zen.plan,
      'zenrouter.attempts': 1,
      'zenrouter.retries': 0,
      'zenrouter.hedged': false,
      'zenrouter.failover': false,
      'zenrouter.stream': false,
      'zenrouter.face': 'openai-chat',
    });
    expect(call.attributes['zenrouter.cost.usd']).toBeCloseTo(out.zen.cost.total, 12);
    expect(out.zen.cost.total).toBeGreaterThan(0);
    expect(call.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
    expect(call.attributes['error.type']).toBeUndefined();
    expect(call.status.code).toBe(0);
    // No prompt or answer unless opted in.
    expect(Object.keys(call.attributes).filter((key) => key.includes('messages') || key.includes('instructions'))).toEqual([]);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.name).toBe('chat gpt-5-mini');
    expect(attempts[0]!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-5-mini',
      'gen_ai.response.model': 'gpt-5-mini',
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 9,
      'zenrouter.channel': ch(MINI),
      'zenrouter.retry': 0,
      'zenrouter.hedge': false,
      'zenrouter.attempt.outcome': 'success',
    });
    expect(exported(o.spans.getFinishedSpans())).not.toContain(OPENAI_KEY);
  });

  it('failover: a failed attempt span with error.type and status ERROR, the winner on the call span', async () => {
    const o = otel();
    const zen = client(o);
    sim.enqueue(UP[MINI], FAIL);
    sim.enqueue(UP[HAIKU], { text: 'From Anthropic.', usage: { input: 30, output: 4 } });
    const out = await run(zen, { model: [MINI, HAIKU] }, false);
    expect(out.error).toBeUndefined();
    const { call, attempts } = tree(o.spans.getFinishedSpans());
    expect(
      attempts.map((span) => [span.attributes['zenrouter.channel'], span.attributes['zenrouter.attempt.outcome'], span.status.code]),
    ).toEqual([
      [ch(MINI), 'error', 2],
      [ch(HAIKU), 'success', 0],
    ]);
    expect(attempts[0]!.attributes['error.type']).toBe(out.zen.attempts[0]!.errorKind);
    expect(attempts[1]!.attributes['gen_ai.provider.name']).toBe('anthropic');
    expect(call.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.response.model': 'claude-haiku-4-5',
      'zenrouter.channel': ch(HAIKU),
      'zenrouter.failover': true,
      'zenrouter.attempts': 2,
    });
    expect(call.attributes['error.type']).toBeUndefined();
  });

  it('a call that fails everywhere: error.type on the call span, status ERROR, and retries counted', async () => {
    const o = otel();
    const zen = client(o, {}, { routing: { retry: { retries: 1 } } });
    sim.enqueue(UP[MINI], FAIL, FAIL);
    const out = await run(zen, { model: MINI }, false);
    expect(out.error?.kind).toBe('all_attempts_failed');
    const { call, attempts } = tree(o.spans.getFinishedSpans());
    expect(attempts.map((span) => [span.attributes['zenrouter.retry'], span.attributes['error.type']])).toEqual([
      [0, 'server'],
      [1, 'server'],
    ]);
    expect(call.attributes).toMatchObject({ 'error.type': 'all_attempts_failed', 'zenrouter.attempts': 2, 'zenrouter.retries': 1 });
    expect(call.status.code).toBe(2);
  });

  it('hedging: the hedge attempt is marked, the lost primary ends with error.type hedge_lost', async () => {
    const o = otel();
    const zen = client(o, {}, { routing: { hedge: { fallbackDelayMs: 20, maxRate: 1 } } });
    sim.enqueue(UP[MINI], { text: 'The slow primary.', ttftMs: 60_000 });
    sim.enqueue(UP[NANO], { text: 'The quick hedge.', usage: { input: 10, output: 3 } });
    const out = await run(zen, { model: [MINI, NANO] }, false);
    expect(out.text).toBe('The quick hedge.');
    const { call, attempts } = tree(o.spans.getFinishedSpans());
    expect(
      attempts.map((span) => [
        span.attributes['zenrouter.channel'],
        span.attributes['zenrouter.hedge'],
        span.attributes['zenrouter.attempt.outcome'],
      ]),
    ).toEqual([
      [ch(MINI), false, 'hedge_lost'],
      [ch(NANO), true, 'success'],
    ]);
    expect(attempts[0]!.attributes['error.type']).toBe('aborted');
    expect(call.attributes).toMatchObject({ 'zenrouter.hedged': true, 'zenrouter.channel': ch(NANO) });
  });

  it('a streamed call: the span ends when the stream does, with usage and time to first chunk', async () => {
    const o = otel();
    const zen = client(o);
    sim.enqueue(UP[MINI], { text: 'Streamed words arrive one by one.', usage: { input: 50, output: 7 } });
    const out = await run(zen, { model: MINI }, true);
    expect(out.error).toBeUndefined();
    const { call, attempts } = tree(o.spans.getFinishedSpans());
    expect(call.attributes).toMatchObject({ 'zenrouter.stream': true, 'gen_ai.usage.input_tokens': 50, 'gen_ai.usage.output_tokens': 7 });
    expect(call.attributes['gen_ai.response.time_to_first_chunk']).toBeCloseTo(out.zen.ttftMs! / 1000, 9);
    expect(attempts).toHaveLength(1);
  });

  it('detector verdicts and claims are gen_ai.evaluation.result events on the call span', async () => {
    const o = otel();
    const zen = client(o);
    sim.enqueue(UP[MINI], { text: 'not json at all', usage: { input: 100, output: 50 } });
    const out = await run(zen, { model: MINI, response_format: { type: 'json_object' } }, false);
    expect(out.zen.claims).toHaveLength(1);
    const { call } = tree(o.spans.getFinishedSpans());
    const evaluations = call.events.filter((event) => event.name === 'gen_ai.evaluation.result');
    expect(evaluations.map((event) => event.attributes?.['gen_ai.evaluation.name'])).toEqual(['invalid_json', 'claim.invalid_json']);
    expect(evaluations[1]!.attributes).toMatchObject({
      'gen_ai.evaluation.score.label': 'credited',
      'zenrouter.claim.amount_usd': out.zen.claims[0]!.amountUsd,
    });
    expect(call.attributes['zenrouter.claims']).toBe(1);
  });

  it('every face and kind of call: Anthropic messages, Gemini generateContent and images get the same spans', async () => {
    const o = otel();
    const zen = client(o);
    sim.enqueue(UP[HAIKU], { text: 'From the Anthropic face.', usage: { input: 20, output: 5 } });
    const message = await zen.messages.create({ model: HAIKU, max_tokens: 64, messages: [{ role: 'user', content: 'Say hi.' }] });
    sim.enqueue('gemini-2.5-flash', { text: 'From the Gemini face.', usage: { input: 21, output: 6 } });
    await zen.models.generateContent({ model: 'google/gemini-2.5-flash', contents: 'Say hi.' });
    await zen.images.generate({ model: 'openai/gpt-image-1', prompt: 'A lighthouse at dusk', n: 2 });
    const calls = o.spans.getFinishedSpans().filter((span) => span.parentSpanContext === undefined);
    expect(calls.map((span) => [span.name, span.attributes['zenrouter.face'], span.attributes['gen_ai.provider.name']])).toEqual([
      [`chat ${HAIKU}`, 'anthropic-messages', 'anthropic'],
      ['chat google/gemini-2.5-flash', 'gemini-generate', 'gcp.gemini'],
      ['generate_content openai/gpt-image-1', 'openai-images', 'openai'],
    ]);
    expect(calls[0]!.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 20,
      'gen_ai.usage.output_tokens': 5,
      'zenrouter.request_id': message.zen.requestId,
    });
    expect(calls[1]!.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 21, 'gen_ai.usage.output_tokens': 6 });
    expect(calls[2]!.attributes).toMatchObject({ 'gen_ai.output.type': 'image', 'gen_ai.request.choice.count': 2 });
    expect(o.spans.getFinishedSpans()).toHaveLength(6);
  });

  it('an embedding call: operation embeddings, its input tokens, the dimensions asked for', async () => {
    const o = otel();
    const zen = client(o);
    const result = await zen.embeddings.create({
      model: 'openai/text-embedding-3-small',
      input: ['first passage', 'second passage'],
      dimensions: 256,
    });
    const calls = o.spans.getFinishedSpans().filter((span) => span.parentSpanContext === undefined);
    expect(calls.map((span) => span.name)).toEqual(['embeddings openai/text-embedding-3-small']);
    expect(calls[0]!.attributes).toMatchObject({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.provider.name': 'openai',
      'gen_ai.embeddings.dimension.count': 256,
      'zenrouter.embedding.inputs': 2,
      'gen_ai.usage.input_tokens': result.usage.prompt_tokens,
      'zenrouter.face': 'openai-embeddings',
    });
    expect(result.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('attemptSpans: false keeps only the call span', async () => {
    const o = otel();
    const zen = client(o, { attemptSpans: false });
    sim.enqueue(UP[MINI], { text: 'ok' });
    await run(zen, { model: MINI }, false);
    expect(o.spans.getFinishedSpans()).toHaveLength(1);
  });
});

describe('telemetry: content capture', () => {
  const secret = 'sk-proj-Zx81QpLmN4vB7tR2wY6uK0sD3fG5hJ9aE1cX8zV4bN7mQ2pL';
  const prompt = `My email is jane.doe@example.com and my key is ${secret}. Say hi.`;

  it.each(['redacted', 'full'] as const)(
    'captureContent %s: prompt and answer as gen_ai messages, credentials always removed',
    async (mode) => {
      const o = otel();
      const zen = client(o, { captureContent: mode });
      sim.enqueue(UP[MINI], { text: 'Hi! I will write to jane.doe@example.com.' });
      await run(
        zen,
        {
          model: MINI,
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: prompt },
          ],
        },
        false,
      );
      // Redaction may end the span a little after the call returned: flush waits for it.
      await zen.flush();
      const { call } = tree(o.spans.getFinishedSpans());
      const input = JSON.parse(String(call.attributes['gen_ai.input.messages'])) as Array<{
        role: string;
        parts: Array<{ type: string; content: string }>;
      }>;
      const output = JSON.parse(String(call.attributes['gen_ai.output.messages'])) as Array<{
        role: string;
        parts: Array<{ content: string }>;
        finish_reason: string;
      }>;
      expect(JSON.parse(String(call.attributes['gen_ai.system_instructions']))).toEqual([{ type: 'text', content: 'Be brief.' }]);
      expect(input).toHaveLength(1);
      expect(input[0]!.role).toBe('user');
      expect(output[0]).toMatchObject({ role: 'assistant', finish_reason: 'stop' });
      expect(exported(o.spans.getFinishedSpans())).not.toContain(secret);
      if (mode === 'redacted') {
        expect(input[0]!.parts[0]!.content).toContain('[EMAIL]');
        expect(output[0]!.parts[0]!.content).toContain('[EMAIL]');
        expect(exported(o.spans.getFinishedSpans())).not.toContain('jane.doe@example.com');
      } else {
        expect(input[0]!.parts[0]!.content).toContain('jane.doe@example.com');
      }
    },
  );

  it('a streamed answer is captured as the reader saw it', async () => {
    const o = otel();
    const zen = client(o, { captureContent: 'full' });
    sim.enqueue(UP[MINI], { text: 'Streamed and assembled.' });
    const out = await run(zen, { model: MINI }, true);
    await zen.flush();
    const { call } = tree(o.spans.getFinishedSpans());
    const output = JSON.parse(String(call.attributes['gen_ai.output.messages'])) as Array<{ parts: Array<{ content: string }> }>;
    expect(output[0]!.parts[0]!.content).toBe(out.text);
  });
});

describe('telemetry: metrics', () => {
  it('operation duration, token usage, time to first chunk and cost, with the GenAI attributes', async () => {
    const o = otel();
    const zen = client(o);
    sim.enqueue(UP[MINI], { text: 'one', usage: { input: 100, output: 10 } }, { text: 'two', usage: { input: 200, output: 20 } });
    sim.enqueue(UP[MINI], FAIL);
    const first = await run(zen, { model: MINI }, false);
    const second = await run(zen, { model: MINI }, true);
    const failed = await run(zen, { model: MINI }, false);
    expect(failed.error?.kind).toBe('all_attempts_failed');
    const all = await o.reader.metrics();
    const duration = metric<HistogramMetricData>(all, 'gen_ai.client.operation.duration');
    expect(duration.descriptor.unit).toBe('s');
    const ok = duration.dataPoints.find((point) => point.attributes['error.type'] === undefined)!;
    const bad = duration.dataPoints.find((point) => point.attributes['error.type'] === 'all_attempts_failed')!;
    expect(ok.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': MINI,
      'gen_ai.provider.name': 'openai',
      'gen_ai.response.model': 'gpt-5-mini',
    });
    expect(ok.value.count).toBe(2);
    expect(bad.value.count).toBe(1);
    const tokens = metric<HistogramMetricData>(all, 'gen_ai.client.token.usage');
    const byType = (type: string): number =>
      tokens.dataPoints
        .filter((point) => point.attributes['gen_ai.token.type'] === type && point.attributes['error.type'] === undefined)
        .reduce((sum, point) => sum + point.value.sum!, 0);
    expect(byType('input')).toBe(300);
    expect(byType('output')).toBe(30);
    const firstChunk = metric<HistogramMetricData>(all, 'gen_ai.client.operation.time_to_first_chunk');
    expect(firstChunk.dataPoints.reduce((count, point) => count + point.value.count, 0)).toBe(1);
    expect(firstChunk.dataPoints[0]!.value.sum).toBeCloseTo(second.zen.ttftMs! / 1000, 9);
    const cost = metric<SumMetricData>(all, 'zenrouter.client.cost');
    expect(cost.dataPoints.reduce((sum, point) => sum + point.value, 0)).toBeCloseTo(first.zen.cost.total + second.zen.cost.total, 12);
  });

  it('metrics without a tracer: no span is made, the metrics are recorded', async () => {
    const o = otel();
    const zen = zenClient(sim, { telemetry: { meterProvider: o.meterProvider } });
    sim.enqueue(UP[MINI], { text: 'ok', usage: { input: 10, output: 2 } });
    await run(zen, { model: MINI }, false);
    expect(o.spans.getFinishedSpans()).toHaveLength(0);
    const duration = metric<HistogramMetricData>(await o.reader.metrics(), 'gen_ai.client.operation.duration');
    expect(duration.dataPoints[0]!.value.count).toBe(1);
  });
});

describe('telemetry: the global providers', () => {
  afterEach(() => {
    trace.disable();
    metrics.disable();
  });

  it('`telemetry: true` records nothing while no SDK is registered, and records once one is', async () => {
    const zen = zenClient(sim, { telemetry: true });
    sim.enqueue(UP[MINI], { text: 'before' }, { text: 'after' });
    const before = await run(zen, { model: MINI }, false);
    expect(before.error).toBeUndefined();
    const o = otel();
    trace.setGlobalTracerProvider(o.tracerProvider);
    metrics.setGlobalMeterProvider(o.meterProvider);
    const after = await run(zen, { model: MINI }, false);
    const spans = o.spans.getFinishedSpans();
    // The attempt span, then the call span: only the call after the registration.
    expect(spans.map((span) => span.attributes['zenrouter.request_id'])).toEqual([undefined, after.zen.requestId]);
    expect(spans[0]!.parentSpanContext?.spanId).toBe(spans[1]!.spanContext().spanId);
    const duration = metric<HistogramMetricData>(await o.reader.metrics(), 'gen_ai.client.operation.duration');
    expect(duration.dataPoints[0]!.value.count).toBe(1);
  });

  it('with a context manager, host steps and the spans they make run inside the call span', async () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    try {
      const o = otel();
      trace.setGlobalTracerProvider(o.tracerProvider);
      const zen = zenClient(sim, { telemetry: true });
      const seen: Array<string | undefined> = [];
      zen.use(async (_call, next) => {
        seen.push(trace.getActiveSpan()?.spanContext().spanId);
        // A span of the host's own (a cache lookup, an HTTP call), made with the global tracer.
        return trace.getTracer('host').startActiveSpan('cache lookup', (span) => next().finally(() => span.end()));
      });
      sim.enqueue(UP[MINI], { text: 'inside' });
      await run(zen, { model: MINI }, false);
      const spans = o.spans.getFinishedSpans();
      const call = spans.find((span) => span.parentSpanContext === undefined)!;
      const host = spans.find((span) => span.name === 'cache lookup')!;
      expect(seen).toEqual([call.spanContext().spanId]);
      expect(host.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
      expect(spans).toHaveLength(3);
    } finally {
      context.disable();
      manager.disable();
    }
  });

  it('a bad telemetry option is a typed configuration error', async () => {
    const { ZenClient, ZenError } = await import('../../src/index.js');
    const attempt = (): unknown => new ZenClient({ providers: {}, telemetry: { captureContent: 'everything' } as never });
    expect(attempt).toThrow(ZenError);
    expect(attempt).toThrow(/telemetry/);
  });

  it('no listener is needed: telemetry never turns into an error event on a working setup', async () => {
    const o = otel();
    const zen = client(o);
    const errors: ZenErrorEvent[] = [];
    zen.on('error', (event) => errors.push(event));
    sim.enqueue(UP[MINI], { text: 'ok' });
    await run(zen, { model: MINI }, false);
    expect(errors).toEqual([]);
  });
});

describe('telemetry: OTLP/HTTP to a local receiver', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('the OTLP/HTTP exporters deliver the call span, the attempt span and the metrics with their attributes', async () => {
    const received: Record<string, unknown[]> = { '/v1/traces': [], '/v1/metrics': [] };
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        expect(request.headers['content-type']).toMatch(/application\/json/);
        received[request.url ?? '']?.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${base}/v1/traces` }))],
    });
    const meterReader = new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: `${base}/v1/metrics` }),
      exportIntervalMillis: 3_600_000,
    });
    const meterProvider = new MeterProvider({ readers: [meterReader] });
    const zen = zenClient(sim, { telemetry: { tracerProvider, meterProvider } });
    sim.enqueue(UP[MINI], { text: 'Over the wire.', usage: { input: 64, output: 4 } });
    const out = await run(zen, { model: MINI }, false);
    await tracerProvider.forceFlush();
    await meterProvider.forceFlush();
    await tracerProvider.shutdown();
    await meterProvider.shutdown();

    type OtlpValue = {
      stringValue?: string;
      intValue?: string | number;
      doubleValue?: number;
      boolValue?: boolean;
      arrayValue?: { values: OtlpValue[] };
    };
    type OtlpAttribute = { key: string; value: OtlpValue };
    const plain = (attributes: OtlpAttribute[]): Attributes =>
      Object.fromEntries(
        attributes.map(({ key, value }) => [
          key,
          value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : undefined) ?? value.doubleValue ?? value.boolValue,
        ]),
      );
    type TraceBody = {
      resourceSpans: Array<{
        scopeSpans: Array<{ scope: { name: string }; spans: Array<{ name: string; parentSpanId?: string; attributes: OtlpAttribute[] }> }>;
      }>;
    };
    const spans = (received['/v1/traces'] as TraceBody[]).flatMap((body) =>
      body.resourceSpans.flatMap((resource) =>
        resource.scopeSpans.flatMap((scope) => scope.spans.map((span) => ({ ...span, scope: scope.scope.name }))),
      ),
    );
    expect(spans).toHaveLength(2);
    const call = spans.find((span) => !span.parentSpanId)!;
    const attempt = spans.find((span) => span.parentSpanId)!;
    expect(call.scope).toBe('zenrouter');
    expect(plain(call.attributes)).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': MINI,
      'gen_ai.response.model': 'gpt-5-mini',
      'gen_ai.usage.input_tokens': 64,
      'gen_ai.usage.output_tokens': 4,
      'zenrouter.channel': ch(MINI),
      'zenrouter.request_id': out.zen.requestId,
    });
    expect(plain(attempt.attributes)).toMatchObject({ 'zenrouter.attempt.outcome': 'success', 'gen_ai.usage.input_tokens': 64 });
    type MetricBody = {
      resourceMetrics: Array<{
        scopeMetrics: Array<{
          metrics: Array<{
            name: string;
            unit: string;
            histogram?: { dataPoints: Array<{ count: string | number; sum: number; attributes: OtlpAttribute[] }> };
          }>;
        }>;
      }>;
    };
    const sent = (received['/v1/metrics'] as MetricBody[]).flatMap((body) =>
      body.resourceMetrics.flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics)),
    );
    const tokens = sent.find((data) => data.name === 'gen_ai.client.token.usage')!;
    expect(tokens.unit).toBe('{token}');
    const input = tokens.histogram!.dataPoints.find((point) => plain(point.attributes)['gen_ai.token.type'] === 'input')!;
    expect(Number(input.count)).toBe(1);
    expect(input.sum).toBe(64);
    expect(sent.map((data) => data.name)).toEqual(
      expect.arrayContaining(['gen_ai.client.operation.duration', 'gen_ai.client.token.usage', 'zenrouter.client.cost']),
    );
    expect(JSON.stringify(received)).not.toContain(OPENAI_KEY);
  });
});
