import { context, metrics, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  type DataPoint,
  type Histogram,
  MeterProvider,
  type MetricData,
  MetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, beforeEach } from "vitest";

/** A reader the test collects from when it wants, instead of on an interval. */
class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export interface OtelSdk {
  readonly spans: () => ReadableSpan[];
  /** Every metric the meter provider holds now, by name. */
  readonly collect: () => Promise<Map<string, MetricData>>;
  readonly tracerProvider: BasicTracerProvider;
}

/**
 * Registers the real SDK for the test file, as an application does at its start: a tracer
 * provider exporting to memory, the AsyncLocalStorage context manager (so the caller's active span
 * is seen inside the router), and before each test a fresh meter provider, so each test's metrics
 * start from zero (the router picks up a swapped provider on its next call).
 */
export function useOtelSdk(): OtelSdk {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let reader = new CollectingReader();
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(manager.enable());
    trace.setGlobalTracerProvider(tracerProvider);
  });
  beforeEach(() => {
    exporter.reset();
    metrics.disable();
    reader = new CollectingReader();
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  });
  afterAll(async () => {
    trace.disable();
    metrics.disable();
    context.disable();
    await tracerProvider.shutdown();
  });
  return {
    spans: () => exporter.getFinishedSpans(),
    collect: async () => {
      const { resourceMetrics } = await reader.collect();
      const byName = new Map<string, MetricData>();
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
      }
      return byName;
    },
    tracerProvider,
  };
}

/** The data points of a metric whose attributes include `match`. */
export function pointsOf<T = number>(
  metric: MetricData | undefined,
  match: Record<string, unknown> = {},
): DataPoint<T>[] {
  if (!metric) return [];
  return (metric.dataPoints as DataPoint<T>[]).filter((point) =>
    Object.entries(match).every(([key, value]) => point.attributes[key] === value),
  );
}

/** Sum of a counter's points, or of a histogram's recorded values, that match. */
export function total(metric: MetricData | undefined, match: Record<string, unknown> = {}): number {
  return pointsOf<number | Histogram>(metric, match).reduce(
    (sum, point) => sum + (typeof point.value === "number" ? point.value : (point.value.sum ?? 0)),
    0,
  );
}

/** How many values a histogram recorded among the matching points. */
export function count(metric: MetricData | undefined, match: Record<string, unknown> = {}): number {
  return pointsOf<Histogram>(metric, match).reduce((sum, point) => sum + point.value.count, 0);
}
