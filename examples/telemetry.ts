/**
 * OpenTelemetry: a span per call and per attempt with the GenAI semantic-convention attributes, the
 * client metrics (operation duration, token usage, time to first chunk) and zenrouter's cost, sent
 * where the app's OpenTelemetry SDK sends them. Here the SDK's in-memory exporters print what was
 * recorded; in an app, register the SDK (NodeSDK, OTLP exporters) and pass `telemetry: true`.
 *
 *   npx tsx examples/telemetry.ts      (npm i @opentelemetry/api @opentelemetry/sdk-trace-base @opentelemetry/sdk-metrics)
 */
import { MeterProvider, MetricReader, type HistogramMetricData } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ZenClient } from 'zenrouter';
import { simulatorProviders, startSimulator } from 'zenrouter/testing';

/** A metric reader that collects when asked (an app would use PeriodicExportingMetricReader and OTLP). */
class OnDemandReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

function show(span: ReadableSpan, indent: string): void {
  const pick = Object.entries(span.attributes).filter(
    ([key]) => !key.startsWith('zenrouter.plan') && !key.startsWith('zenrouter.explanation'),
  );
  console.log(`${indent}span "${span.name}"${span.status.code === 2 ? ' (error)' : ''}`);
  for (const [key, value] of pick) console.log(`${indent}  ${key} = ${JSON.stringify(value)}`);
  for (const event of span.events) console.log(`${indent}  event ${event.name}: ${JSON.stringify(event.attributes)}`);
}

export async function main(): Promise<void> {
  const sim = await startSimulator();
  const spans = new InMemorySpanExporter();
  const reader = new OnDemandReader();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const zen = new ZenClient({
    providers: await simulatorProviders(sim),
    routing: { retry: { retries: 0 } },
    // `true` uses the global providers the app's SDK registered; here they are passed in.
    // captureContent: 'redacted' would add the prompt and answer, PII and credentials replaced.
    telemetry: { tracerProvider, meterProvider },
  });
  try {
    // OpenAI fails once: the call fails over to Anthropic, and each attempt has its span.
    sim.enqueue('gpt-5-mini', { fault: { type: 'http', status: 503 } });
    sim.enqueue('claude-haiku-4-5', { text: 'Paris.', usage: { input: 14, output: 3 } });
    const answer = await zen.chat.completions.create({
      model: ['openai/gpt-5-mini', 'anthropic/claude-haiku-4-5'],
      messages: [{ role: 'user', content: 'Capital of France?' }],
      temperature: 0.2,
    });
    console.log(`answer: ${answer.choices[0]!.message.content} (${answer.zen.channel})`);
    // A streamed call that asked for JSON and got none: a detector verdict and a claim on its span.
    sim.enqueue('gpt-5-mini', { text: 'not json', usage: { input: 20, output: 4 } });
    const stream = await zen.chat.completions.create({
      model: 'openai/gpt-5-mini',
      stream: true,
      response_format: { type: 'json_object' },
      messages: [{ role: 'user', content: 'A city as JSON.' }],
    });
    for await (const chunk of stream) void chunk;
    await zen.flush();

    const finished = spans.getFinishedSpans();
    for (const call of finished.filter((span) => span.parentSpanContext === undefined)) {
      show(call, '');
      for (const attempt of finished.filter((span) => span.parentSpanContext?.spanId === call.spanContext().spanId)) show(attempt, '    ');
    }
    const { resourceMetrics } = await reader.collect();
    console.log('metrics:');
    for (const metric of resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics)) {
      for (const point of metric.dataPoints) {
        const value =
          typeof point.value === 'number'
            ? point.value
            : `count ${(point as HistogramMetricData['dataPoints'][number]).value.count}, sum ${(point as HistogramMetricData['dataPoints'][number]).value.sum}`;
        console.log(`  ${metric.descriptor.name} ${JSON.stringify(point.attributes)}: ${value}`);
      }
    }
  } finally {
    await zen.close();
    await sim.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
