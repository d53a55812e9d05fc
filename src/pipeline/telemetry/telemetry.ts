import type { Counter, Histogram, Meter, MeterProvider, Tracer } from '@opentelemetry/api';
import { importUnbundled, optionalPeerError } from '../../core/optional-peer.js';
import type { ZenError } from '../../core/errors.js';
import type { OpenTelemetryApi, TelemetryOptions } from './options.js';

const SCOPE = 'zenrouter';

/** The GenAI client metrics (semantic conventions), and zenrouter's cost. */
export interface Instruments {
  duration: Histogram;
  tokens: Histogram;
  firstChunk: Histogram;
  cost: Counter;
}

/** What a call records to, when anything listens: a recording tracer, instruments of a real meter, or both. */
export interface Recorders {
  api: OpenTelemetryApi;
  tracer: Tracer | undefined;
  metrics: Instruments | undefined;
}

/**
 * The client's link to OpenTelemetry. `@opentelemetry/api` is loaded when the first call needs it
 * (or given as `api`); a failed load is reported once and telemetry stays off. Each call asks
 * `recorders()`: undefined while nothing is registered (the API's no-op globals), so that a call then
 * costs two property reads and no span, attribute or measurement.
 */
export class Telemetry {
  readonly captureContent: TelemetryOptions['captureContent'];
  readonly attemptSpans: boolean;
  private api: OpenTelemetryApi | undefined;
  private loading: Promise<void> | undefined;
  private failed = false;
  private tracer: Tracer | undefined;
  private meterProvider: MeterProvider | undefined;
  private instruments: Instruments | undefined;
  private noopMeter: Meter | undefined;

  constructor(
    private readonly options: TelemetryOptions,
    private readonly onError: (error: ZenError) => void,
    /** Holds `zen.flush()` until a span that ends after its call (content being redacted) has ended. */
    readonly track: (ending: Promise<void>) => void = () => {},
  ) {
    this.captureContent = options.captureContent ?? 'none';
    this.attemptSpans = options.attemptSpans ?? true;
    if (options.api) this.use(options.api);
  }

  /** The call's recorders; a promise only while the API loads (the first calls). */
  recorders(): Recorders | undefined | Promise<Recorders | undefined> {
    const api = this.api;
    if (!api) {
      if (this.failed) return undefined;
      this.loading ??= importUnbundled('@opentelemetry/api').then(
        (module) => this.use(module as OpenTelemetryApi),
        (error: unknown) => {
          this.failed = true;
          this.onError(optionalPeerError('@opentelemetry/api', 'telemetry', error));
        },
      );
      return this.loading.then(() => this.recorders());
    }
    const tracer = this.recordingTracer(api);
    const metrics = this.metrics(api);
    return tracer || metrics ? { api, tracer, metrics } : undefined;
  }

  private use(api: OpenTelemetryApi): void {
    this.api = api;
    this.tracer = (this.options.tracerProvider ?? api.trace).getTracer(SCOPE);
    this.noopMeter = api.createNoopMeter();
  }

  /** The tracer, unless it is the global one and no SDK has registered a provider behind it. */
  private recordingTracer(api: OpenTelemetryApi): Tracer | undefined {
    if (this.options.tracerProvider) return this.tracer;
    const global = api.trace.getTracerProvider();
    if (global instanceof api.ProxyTracerProvider && global.getDelegateTracer(SCOPE) === undefined) return undefined;
    return this.tracer;
  }

  /** The instruments of the configured or global meter provider; undefined while it is the no-op one. */
  private metrics(api: OpenTelemetryApi): Instruments | undefined {
    const provider = this.options.meterProvider ?? api.metrics.getMeterProvider();
    if (provider === this.meterProvider) return this.instruments;
    this.meterProvider = provider;
    const meter = provider.getMeter(SCOPE);
    this.instruments = meter === this.noopMeter ? undefined : createInstruments(meter);
    return this.instruments;
  }
}

/** The GenAI client metrics with the bucket boundaries the semantic conventions advise. */
function createInstruments(meter: Meter): Instruments {
  return {
    duration: meter.createHistogram('gen_ai.client.operation.duration', {
      description: 'GenAI operation duration.',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92] },
    }),
    tokens: meter.createHistogram('gen_ai.client.token.usage', {
      description: 'Number of input and output tokens used.',
      unit: '{token}',
      advice: { explicitBucketBoundaries: [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864] },
    }),
    firstChunk: meter.createHistogram('gen_ai.client.operation.time_to_first_chunk', {
      description: 'Time to receive the first chunk of a streamed response.',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92] },
    }),
    cost: meter.createCounter('zenrouter.client.cost', {
      description: 'What calls cost, failed, hedged and judge attempts included.',
      unit: 'USD',
    }),
  };
}
