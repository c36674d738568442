import { fanOut, type TelemetrySink } from "./call-observer.js";
import { eventSink } from "./event-sink.js";
import type { CreateRouterOptions } from "./router-options.js";
import type { RouterEvent } from "./routing-context.js";

/** The sinks a router's options ask for (and `extra`, built by the host: logger, call log), as one. */
export function buildTelemetry(
  options: CreateRouterOptions,
  emit: (event: RouterEvent) => void,
  /** Sinks built elsewhere (OpenTelemetry's, which need the API loaded first). */
  extra: readonly TelemetrySink[] = [],
): TelemetrySink {
  const sinks: TelemetrySink[] = [...extra];
  if (options.onEvent) sinks.push(eventSink(emit));
  return fanOut(sinks);
}
