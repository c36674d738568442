import type { TelemetryOptions } from "./telemetry-options.js";

export type OpenTelemetryApi = typeof import("@opentelemetry/api");

/**
 * `@opentelemetry/api`, imported only when some signal is on and only if the application has it
 * installed (it is an optional peer dependency): without it the router runs with no spans and no
 * metrics, and importing Switchyard never needs it.
 */
export async function loadOpenTelemetry(
  options: TelemetryOptions | undefined,
): Promise<OpenTelemetryApi | undefined> {
  if (options?.tracing === false && options.metrics === false) return undefined;
  try {
    return await import("@opentelemetry/api");
  } catch {
    // Not installed: the application has no OpenTelemetry SDK either, so there is nothing to report to.
    return undefined;
  }
}
