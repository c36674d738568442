import type { TelemetrySink } from "../router/call-observer.js";
import type { OpenTelemetryApi } from "./load-open-telemetry.js";
import { metricSink } from "./metric-sink.js";
import type { SinkEnvironment } from "./sink-environment.js";
import type { TelemetryOptions } from "./telemetry-options.js";
import { traceSink } from "./trace-sink.js";

/** The spans and metrics a router's `telemetry` options ask for, and how to stop them. */
export interface OpenTelemetry {
  sinks: TelemetrySink[];
  /** Unregisters the router's observable gauges from the meter. */
  close(): void;
}

export function openTelemetry(
  api: OpenTelemetryApi,
  options: TelemetryOptions,
  environment: SinkEnvironment,
): OpenTelemetry {
  const sinks: TelemetrySink[] = [];
  if (options.tracing !== false) sinks.push(traceSink(api, options, environment));
  const metrics = options.metrics === false ? undefined : metricSink(api, options, environment);
  if (metrics) sinks.push(metrics);
  return { sinks, close: () => metrics?.close() };
}
