/**
 * OpenTelemetry through `@opentelemetry/api` (an optional peer dependency; no SDK is bundled):
 * spans and metrics in the GenAI semantic conventions, made whenever the application has
 * registered a tracer or meter provider. Nothing here is needed to turn them on.
 */
/**
 * An OpenTelemetry `Tracer` (`trace.getTracer(...)`), typed by shape so that Switchyard's types
 * compile without `@opentelemetry/api` installed.
 */
export interface OpenTelemetryTracer {
  startSpan(name: string, ...rest: never[]): unknown;
}

/** An OpenTelemetry `Meter` (`metrics.getMeter(...)`), typed by shape like `OpenTelemetryTracer`. */
export interface OpenTelemetryMeter {
  createHistogram(name: string, ...rest: never[]): unknown;
}

export interface TelemetryOptions {
  /**
   * One span per routed call and one CLIENT child span per attempt. `false` turns them off; a
   * `tracer` (or the name to get one by from the global provider) replaces the default one.
   * @default true (spans are made when a tracer provider is registered, none otherwise)
   */
  tracing?: boolean | { tracer?: OpenTelemetryTracer | string };
  /**
   * Token usage, durations, time to first token, cost, attempts, fallbacks, breaker state and
   * local-engine load. `false` turns them off; a `meter` (or the name to get one by) replaces the
   * default one; `metadataKeys` adds those request metadata keys as metric attributes (each
   * distinct value is a new time series: only list keys with few values).
   * @default true (recorded when a meter provider was registered before `createRouter`)
   */
  metrics?: boolean | { meter?: OpenTelemetryMeter | string; metadataKeys?: string[] };
  /**
   * Records prompts and answers on the spans (`gen_ai.input.messages`, `gen_ai.output.messages`),
   * redacted of every configured secret like everything else.
   * @default false
   */
  recordContent?: boolean;
  /**
   * Request metadata keys put on spans as `switchyard.metadata.<key>`; other keys never leave.
   * @default [] (no metadata on spans)
   */
  metadataKeys?: string[];
}
