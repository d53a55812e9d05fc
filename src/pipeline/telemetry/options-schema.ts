import { boolean, functionType, isObject, lazily, object, optional, picklist, variants } from '../../core/validate/schemas.js';

/** The schema of `ZenClientOptions.telemetry` (options.ts): `true`, `false` or TelemetryOptions. */
const TELEMETRY = 'true, false or telemetry options ({ tracerProvider, meterProvider, api, captureContent, attemptSpans })';

export const telemetryOptionsEntry = lazily(() => {
  const options = object(
    {
      tracerProvider: optional(object({ getTracer: functionType }, 'a TracerProvider ({ getTracer(name) })')),
      meterProvider: optional(object({ getMeter: functionType }, 'a MeterProvider ({ getMeter(name) })')),
      api: optional(
        object(
          { trace: object({}), metrics: object({}), context: object({}) },
          "the @opentelemetry/api module (import * as api from '@opentelemetry/api')",
        ),
      ),
      captureContent: optional(picklist(['none', 'redacted', 'full'])),
      attemptSpans: optional(boolean),
    },
    TELEMETRY,
  );
  return variants(TELEMETRY, (input) => (typeof input === 'boolean' ? boolean : isObject(input) ? options : undefined));
});
