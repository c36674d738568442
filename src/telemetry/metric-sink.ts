import type {
  Attributes,
  BatchObservableCallback,
  Counter,
  Histogram,
  Meter,
  MeterProvider,
  Observable,
} from "@opentelemetry/api";
import type { ChatRequest } from "../core/index.js";
import { noCall, type TelemetrySink } from "../router/call-observer.js";
import { traceOf } from "../router/event-sink.js";
import {
  durationBuckets,
  genAiProviderName,
  instrumentationScope,
  tokenBuckets,
} from "./gen-ai-attributes.js";
import type { OpenTelemetryApi } from "./load-open-telemetry.js";
import type { SinkEnvironment } from "./sink-environment.js";
import type { TelemetryOptions } from "./telemetry-options.js";
import { errorType } from "./trace-sink.js";

interface Instruments {
  tokens: Histogram;
  duration: Histogram;
  firstChunk: Histogram;
  callDuration: Histogram;
  cost: Counter;
  attempts: Counter;
  fallbacks: Counter;
  /** Unregisters the observable gauges' callback. */
  stop(): void;
}

const breakerStates = ["closed", "half-open", "open"] as const;

export interface MetricSink extends TelemetrySink {
  /** Unregisters the gauges (the router closed). */
  close(): void;
}

/**
 * Metrics in the GenAI semantic conventions (`gen_ai.client.token.usage`,
 * `gen_ai.client.operation.duration`, `gen_ai.client.operation.time_to_first_chunk`, per attempt)
 * plus Switchyard's own: call duration, cost, attempts, fallbacks, and observable gauges of breaker
 * state and local-engine load. Attributes are bounded: route, target, provider, model, outcome,
 * error kind, and only the metadata keys the options list. With no meter provider registered (the
 * API's no-op meter), a call costs one lookup.
 */
export function metricSink(
  api: OpenTelemetryApi,
  options: TelemetryOptions,
  environment: SinkEnvironment,
): MetricSink {
  const setting = typeof options.metrics === "object" ? options.metrics : {};
  const name = typeof setting.meter === "string" ? setting.meter : instrumentationScope;
  const given = typeof setting.meter === "object" ? (setting.meter as Meter) : undefined;
  const metadataKeys = setting.metadataKeys ?? [];
  const noopMeter = api.createNoopMeter();
  let provider: MeterProvider | undefined;
  let instruments: Instruments | undefined;
  let closed = false;

  /** The instruments of the meter provider registered now; rebuilt when the application swaps it. */
  const current = (): Instruments | undefined => {
    if (closed) return undefined;
    if (given) {
      instruments ??= build(given, environment);
      return instruments;
    }
    const registered = api.metrics.getMeterProvider();
    if (registered === provider) return instruments;
    instruments?.stop();
    provider = registered;
    const meter = registered.getMeter(name);
    instruments = meter === noopMeter ? undefined : build(meter, environment);
    return instruments;
  };
  current();

  return {
    close() {
      closed = true;
      instruments?.stop();
      instruments = undefined;
    },
    begin() {
      const meters = current();
      if (!meters) return noCall;
      let route: string | undefined;
      let labels: Attributes = {};
      return {
        started(start) {
          route = start.route.name;
          labels = metadataLabels(start.request, metadataKeys);
        },
        attempt(start) {
          const base: Attributes = {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": genAiProviderName(
              environment.providerType(start.target.provider),
              start.target.provider,
            ),
            "gen_ai.request.model": start.target.model,
            "switchyard.route": start.route.name,
            "switchyard.target": start.target.id,
            ...labels,
          };
          return {
            firstToken(ms) {
              meters.firstChunk.record(ms / 1000, base);
            },
            ended({ record, usage }) {
              const failed = record.outcome !== "success";
              const answered = { ...base, "gen_ai.response.model": record.model };
              meters.duration.record(record.ms / 1000, {
                ...answered,
                ...(failed ? { "error.type": record.errorKind ?? record.outcome } : {}),
              });
              meters.attempts.add(1, {
                ...base,
                "switchyard.outcome": record.outcome,
                ...(failed && record.errorKind ? { "error.type": record.errorKind } : {}),
              });
              if (usage) {
                meters.tokens.record(usage.inputTokens, { ...answered, "gen_ai.token.type": "input" });
                meters.tokens.record(usage.outputTokens, { ...answered, "gen_ai.token.type": "output" });
              }
              if (record.costUsd > 0) meters.cost.add(record.costUsd, base);
            },
            run: (work) => work(),
          };
        },
        event() {},
        ended(end) {
          const trace = end.outcome === "success" ? end.result.route : traceOf(end.error);
          // From the trace rather than the events: its reasons are a closed set.
          for (const fallback of trace?.fallbacks ?? []) {
            meters.fallbacks.add(1, {
              "switchyard.route": fallback.from,
              "switchyard.fallback.to": fallback.to,
              "switchyard.fallback.reason": fallback.reason,
              ...labels,
            });
          }
          const target = trace?.target;
          meters.callDuration.record(end.durationMs / 1000, {
            "gen_ai.operation.name": "chat",
            "switchyard.outcome": end.outcome,
            ...(route ? { "switchyard.route": route } : {}),
            ...(target ? { "switchyard.target": target } : {}),
            ...(trace?.cache ? { "switchyard.cache": trace.cache } : {}),
            ...(end.outcome === "success" ? {} : { "error.type": errorType(end.error) }),
            ...labels,
          });
        },
      };
    },
  };
}

function metadataLabels(request: ChatRequest, keys: readonly string[]): Attributes {
  const labels: Attributes = {};
  for (const key of keys) {
    const value = request.metadata?.[key];
    if (value !== undefined) labels[`switchyard.metadata.${key}`] = value;
  }
  return labels;
}

function build(meter: Meter, environment: SinkEnvironment): Instruments {
  const seconds = (name: string, description: string) =>
    meter.createHistogram(name, {
      description,
      unit: "s",
      advice: { explicitBucketBoundaries: durationBuckets },
    });
  const breaker = meter.createObservableGauge("switchyard.target.breaker", {
    description: "1 for the state each target's circuit breaker is in, 0 for the others.",
    unit: "{state}",
  });
  const busy = meter.createObservableGauge("switchyard.engine.busy_slots", {
    description: "Slots of a local engine generating now.",
    unit: "{slot}",
  });
  const slots = meter.createObservableGauge("switchyard.engine.slots", {
    description: "Slots a local engine has.",
    unit: "{slot}",
  });
  const queued = meter.createObservableGauge("switchyard.engine.queue_depth", {
    description: "Requests waiting for a slot of a local engine.",
    unit: "{request}",
  });
  const observables: Observable[] = [breaker, busy, slots, queued];
  const observe: BatchObservableCallback = async (result) => {
    const readings = await environment.readings();
    for (const { target, provider, breaker: state } of readings.targets) {
      for (const candidate of breakerStates) {
        result.observe(breaker, candidate === state ? 1 : 0, {
          "switchyard.target": target,
          "switchyard.provider": provider,
          "switchyard.breaker.state": candidate,
        });
      }
    }
    for (const engine of readings.engines) {
      const attributes = {
        "switchyard.provider": engine.provider,
        ...(engine.replica ? { "switchyard.replica": engine.replica } : {}),
      };
      result.observe(busy, engine.busySlots, attributes);
      result.observe(slots, engine.slots, attributes);
      result.observe(queued, engine.queueDepth, attributes);
    }
  };
  meter.addBatchObservableCallback(observe, observables);
  return {
    tokens: meter.createHistogram("gen_ai.client.token.usage", {
      description: "Number of input and output tokens used.",
      unit: "{token}",
      advice: { explicitBucketBoundaries: tokenBuckets },
    }),
    duration: seconds("gen_ai.client.operation.duration", "GenAI operation duration (one attempt)."),
    firstChunk: seconds(
      "gen_ai.client.operation.time_to_first_chunk",
      "Time from sending an attempt to its first part.",
    ),
    callDuration: seconds(
      "switchyard.call.duration",
      "A routed call, from chat()/stream() to its end, every retry and fallback included.",
    ),
    cost: meter.createCounter("switchyard.cost", {
      description: "Spend of billed or possibly billed attempts, in US dollars.",
      unit: "{USD}",
    }),
    attempts: meter.createCounter("switchyard.attempts", {
      description: "Attempts sent to targets, by outcome.",
      unit: "{attempt}",
    }),
    fallbacks: meter.createCounter("switchyard.fallbacks", {
      description: "Moves of a call to its route's fallback route.",
      unit: "{fallback}",
    }),
    stop: () => meter.removeBatchObservableCallback(observe, observables),
  };
}
