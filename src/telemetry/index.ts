export type { OpenTelemetryApi } from "./load-open-telemetry.js";
export { type OpenTelemetry, openTelemetry } from "./open-telemetry.js";
export type { RouterReadings, SinkEnvironment } from "./sink-environment.js";
export type { OpenTelemetryMeter, OpenTelemetryTracer, TelemetryOptions } from "./telemetry-options.js";
