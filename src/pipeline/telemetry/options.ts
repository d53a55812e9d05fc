import type * as OpenTelemetryModule from '@opentelemetry/api';
import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import type { CaptureContent } from '../../insurance/options.js';

/** The `@opentelemetry/api` module, as `import * as api from '@opentelemetry/api'` gives it. */
export type OpenTelemetryApi = typeof OpenTelemetryModule;

/**
 * `ZenClientOptions.telemetry`: OpenTelemetry spans and metrics (GenAI semantic conventions).
 * `@opentelemetry/api` is an optional peer: it is loaded (bundler-safely) only when this option is
 * set, and a call pays for telemetry only while a tracer or a meter is registered.
 */
export interface TelemetryOptions {
  /** Where spans go. Default: the global one the OpenTelemetry SDK registers (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProvider;
  /** Where metrics go. Default: the global one (`metrics.getMeterProvider()`). */
  meterProvider?: MeterProvider;
  /**
   * The `@opentelemetry/api` module (`import * as api from '@opentelemetry/api'`), for runtimes that
   * cannot load a package at run time (edge functions, Workers). Default: loaded on the first call.
   */
  api?: OpenTelemetryApi;
  /**
   * Prompts and answers on the call span (`gen_ai.system_instructions`, `gen_ai.input.messages`,
   * `gen_ai.output.messages`): `none` (default), `redacted` (PII and credentials replaced, as the
   * ledger's redacted capture does) or `full` (credentials removed, nothing else).
   */
  captureContent?: CaptureContent;
  /** A span per attempt under the call's span (default true). */
  attemptSpans?: boolean;
}
