/**
 * What OpenTelemetry costs a call: ZenClient's own CPU per call (as bench/intrinsic.ts measures it:
 * an instant provider with the openai SDK's shape, `auto` over three models, concurrency 64) without
 * `telemetry`, with `telemetry: true` and no SDK registered, and with the real SDK recording every
 * span and metric (a batch span processor into an exporter that drops spans, a metric reader).
 * Rounds alternate between the set-ups so that machine load hits each alike; the median is printed.
 *
 *   npx tsx bench/telemetry.ts [calls per round, default 20000] [rounds, default 5]
 */
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ZenClient, type ZenClientOptions } from '../src/index.js';
import { MESSAGES } from './clients.js';
import { runAtConcurrency } from './concurrent.js';
import { instantProvider } from './intrinsic.js';

class Reader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** Counts the spans it is given and keeps none, as an exporter sending them away would. */
class DroppingExporter implements SpanExporter {
  spans = 0;
  export(spans: ReadableSpan[], done: (result: { code: 0 }) => void): void {
    this.spans += spans.length;
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

const instant = instantProvider();

const exporter = new DroppingExporter();
const setups: Array<[string, ZenClientOptions['telemetry']]> = [
  ['telemetry off', undefined],
  ['telemetry: true, no SDK registered', true],
  [
    'telemetry with the SDK recording',
    {
      tracerProvider: new BasicTracerProvider({
        spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 100_000, maxExportBatchSize: 4_096, scheduledDelayMillis: 50 })],
      }),
      meterProvider: new MeterProvider({ readers: [new Reader()] }),
    },
  ],
];

const calls = Number(process.argv[2] ?? 20_000);
const rounds = Number(process.argv[3] ?? 5);
const clients = setups.map(
  ([, telemetry]) =>
    new ZenClient({
      providers: { openai: instant as never },
      routing: { models: ['openai/gpt-5-mini', 'openai/gpt-5-nano', 'openai/gpt-4.1-mini'] },
      ...(telemetry === undefined ? {} : { telemetry }),
    }),
);
const alone = () => instant.chat.completions.create();
const samples: number[][] = setups.map(() => []);
for (const zen of clients) await runAtConcurrency(() => zen.chat.completions.create({ model: 'auto', messages: MESSAGES }), 5_000); // warm up
await runAtConcurrency(alone, 5_000);
for (let round = 0; round < rounds; round++) {
  const provider = await runAtConcurrency(alone, calls);
  for (const [index, zen] of clients.entries()) {
    const total = await runAtConcurrency(() => zen.chat.completions.create({ model: 'auto', messages: MESSAGES }), calls);
    samples[index]!.push(total.cpuUs - provider.cpuUs);
  }
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const base = median(samples[0]!);
for (const [index, [name]] of setups.entries()) {
  const us = median(samples[index]!);
  console.log(
    `${name.padEnd(38)} ${us.toFixed(1).padStart(7)} µs own CPU per call (median of ${rounds} × ${calls}; ${index === 0 ? 'baseline' : `${us - base >= 0 ? '+' : ''}${(us - base).toFixed(1)} µs`})`,
  );
}
for (const zen of clients) await zen.close();
await new Promise((resolve) => setTimeout(resolve, 200));
console.log(`spans exported by the recording set-up: ${exporter.spans} (2 per call: the call and its attempt)`);
