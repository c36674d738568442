import type { TelemetryOptions } from "./telemetry-options.js";

export type OpenTelemetryApi = typeof import("@opentelemetry/api");

/** Where every copy of `@opentelemetry/api` 1.x keeps the providers an application registered. */
const globalKey = Symbol.for("opentelemetry.js.api.1");

/**
 * True once the application has registered anything with OpenTelemetry (a tracer or meter
 * provider, a context manager, a diagnostic logger): until then there is nothing to report to,
 * and the API need not even be imported.
 */
export function openTelemetryRegistered(): boolean {
  return (globalThis as Record<symbol, unknown>)[globalKey] !== undefined;
}

/** The options hand the router a tracer or a meter of their own. */
export function givesInstruments(options: TelemetryOptions | undefined): boolean {
  return (
    (typeof options?.tracing === "object" && typeof options.tracing.tracer === "object") ||
    (typeof options?.metrics === "object" && typeof options.metrics.meter === "object")
  );
}

/**
 * `@opentelemetry/api`, only if the application has it installed (it is an optional peer
 * dependency): without it the router runs with no spans and no metrics, and importing Switchyard
 * never needs it.
 */
export async function loadOpenTelemetry(): Promise<OpenTelemetryApi | undefined> {
  try {
    return await import("@opentelemetry/api");
  } catch {
    // Not installed: the application has no OpenTelemetry SDK either, so there is nothing to report to.
    return undefined;
  }
}
