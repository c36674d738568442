import { fanOut, noCall, type TelemetrySink } from "../router/call-observer.js";
import { givesInstruments, loadOpenTelemetry, openTelemetryRegistered } from "./load-open-telemetry.js";
import { metricSink } from "./metric-sink.js";
import type { SinkEnvironment } from "./sink-environment.js";
import type { TelemetryOptions } from "./telemetry-options.js";
import { traceSink } from "./trace-sink.js";

/** The spans and metrics a router's `telemetry` options ask for, and how to stop them. */
export interface OpenTelemetry {
  sink: TelemetrySink;
  /** Unregisters the router's observable gauges from the meter. */
  close(): void;
}

/**
 * OpenTelemetry for a router, or nothing when both signals are off. `@opentelemetry/api` is
 * imported at once when the application registered something before `createRouter` (the
 * documented order) or handed in a tracer or meter; otherwise only when a call first finds
 * something registered, so an application without OpenTelemetry never loads it, and the calls
 * made while the import runs are not reported.
 */
export async function openTelemetry(
  options: TelemetryOptions | undefined,
  environment: SinkEnvironment,
): Promise<OpenTelemetry | undefined> {
  const settings = options ?? {};
  if (settings.tracing === false && settings.metrics === false) return undefined;
  const build = async (): Promise<OpenTelemetry | undefined> => {
    const api = await loadOpenTelemetry();
    if (!api) return undefined;
    const sinks: TelemetrySink[] = [];
    if (settings.tracing !== false) sinks.push(traceSink(api, settings, environment));
    const metrics = settings.metrics === false ? undefined : metricSink(api, settings, environment);
    if (metrics) sinks.push(metrics);
    return { sink: fanOut(sinks), close: () => metrics?.close() };
  };
  if (openTelemetryRegistered() || givesInstruments(settings)) return build();
  let built: OpenTelemetry | undefined;
  let loading: Promise<unknown> | undefined;
  let closed = false;
  return {
    sink: {
      begin(call) {
        if (built) return built.sink.begin(call);
        if (!loading && openTelemetryRegistered()) {
          loading = build().then((ready) => {
            if (closed) ready?.close();
            else built = ready;
          });
        }
        return noCall;
      },
    },
    close() {
      closed = true;
      built?.close();
    },
  };
}
