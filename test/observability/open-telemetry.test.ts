import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { AggregationTemporality, MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import {
  AbortedError,
  AllTargetsFailedError,
  createRouter,
  InvalidOptionsError,
  InvalidRequestError,
  type LocalProviderConfig,
  type ProviderFactory,
} from "../../index.js";
import { reasoningReply } from "../ai-sdk/openai-replies.js";
import { startHarness } from "../faults/support/fault-harness.js";
import { openaiShape } from "../faults/support/provider-shapes.js";
import { replicatedProvider } from "../faults/support/replicated-provider.js";
import { answer, fail, frames, hang, timed } from "../faults/support/replies.js";
import { leakedSecrets } from "../faults/support/secret-scan.js";
import { Upstream } from "../faults/support/upstream.js";
import { useMswServer } from "../support/msw-server.js";
import { count, pointsOf, total, useOtelSdk } from "./support/otel-sdk.js";

useMswServer();
const sdk = useOtelSdk();

const messages = [{ role: "user" as const, content: "hi" }];
const named = (spans: ReadableSpan[], name: string) => spans.filter((span) => span.name === name);
const callSpan = (spans: ReadableSpan[]) => {
  const calls = spans.filter((span) => span.kind !== SpanKind.CLIENT && span.name.startsWith("chat"));
  expect(calls).toHaveLength(1);
  return calls[0] as ReadableSpan;
};
const attemptSpans = (spans: ReadableSpan[]) => spans.filter((span) => span.kind === SpanKind.CLIENT);
/** Reports only what was observed since the last collection. */
class DeltaReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe("OpenTelemetry spans", () => {
  it("makes a call span under the caller's active span and a CLIENT attempt span under it, in the GenAI conventions", {
    timeout: 20_000,
  }, async () => {
    const a = new Upstream("a", openaiShape).replies(answer("from a", { inputTokens: 12, outputTokens: 3 }));
    const { router } = await startHarness({ targets: { a } });
    const tracer = trace.getTracer("the-app");
    const result = await tracer.startActiveSpan("handle request", async (parent) => {
      try {
        return await router.chat({ messages, maxTokens: 20, temperature: 0.3, tags: ["checkout"] });
      } finally {
        parent.end();
      }
    });
    const spans = sdk.spans();
    const [parent] = named(spans, "handle request");
    const call = callSpan(spans);
    expect(call.name).toBe("chat default");
    expect(parentOf(call)).toBe(parent?.spanContext().spanId);
    expect(call.spanContext().traceId).toBe(parent?.spanContext().traceId);
    expect(call.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": openaiShape.model,
      "gen_ai.response.model": openaiShape.model,
      "gen_ai.request.max_tokens": 20,
      "gen_ai.request.temperature": 0.3,
      "gen_ai.usage.input_tokens": 12,
      "gen_ai.usage.output_tokens": 3,
      "gen_ai.response.finish_reasons": ["stop"],
      "switchyard.route": "default",
      "switchyard.target": "a",
      "switchyard.call_id": result.route.callId,
      "switchyard.cost_usd": result.costUsd,
      "switchyard.outcome": "success",
      "switchyard.attempts": 1,
      "switchyard.tags": ["checkout"],
    });
    expect(call.status.code).toBe(SpanStatusCode.UNSET);
    const [attempt] = attemptSpans(spans);
    expect(attempt?.name).toBe(`chat ${openaiShape.model}`);
    expect(parentOf(attempt as ReadableSpan)).toBe(call.spanContext().spanId);
    expect(attempt?.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": openaiShape.model,
      "gen_ai.usage.input_tokens": 12,
      "gen_ai.usage.output_tokens": 3,
      "switchyard.target": "a",
      "switchyard.attempt": 1,
      "switchyard.outcome": "success",
    });
    // The call's span covers its attempt.
    expect(call.endTime[0] * 1e9 + call.endTime[1]).toBeGreaterThanOrEqual(
      (attempt?.endTime[0] ?? 0) * 1e9 + (attempt?.endTime[1] ?? 0),
    );
    await router.close();
  });

  it("runs the provider call inside the attempt span's context, so its HTTP spans nest under it", async () => {
    const seen: (string | undefined)[] = [];
    const a = new Upstream("a", openaiShape).replies((call, shape) => {
      seen.push(trace.getSpan(context.active())?.spanContext().spanId);
      return answer()(call, shape);
    });
    const { router } = await startHarness({ targets: { a } });
    await router.chat({ messages });
    const [attempt] = attemptSpans(sdk.spans());
    expect(seen).toEqual([attempt?.spanContext().spanId]);
    await router.close();
  });

  it("ends a stream's span when the stream ends, with the time to first token", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("streamed"));
    const { router } = await startHarness({ targets: { a } });
    const stream = router.stream({ messages });
    let text = "";
    for await (const part of stream) if (part.type === "text-delta") text += part.text;
    expect(text).toBe("streamed");
    await stream.result;
    const spans = sdk.spans();
    const call = callSpan(spans);
    expect(call.attributes["gen_ai.request.stream"]).toBe(true);
    expect(call.attributes["gen_ai.response.time_to_first_chunk"]).toBeGreaterThan(0);
    expect(attemptSpans(spans)[0]?.attributes["gen_ai.response.time_to_first_chunk"]).toBeGreaterThan(0);
    await router.close();
  });

  it("ends the span of an aborted stream and of an abandoned one, as aborted and not as errors", async () => {
    const a = new Upstream("a", openaiShape).replies(
      hang(),
      frames((wire) => wire.opening(["Hel"]), { hang: true }),
    );
    const { router } = await startHarness({ targets: { a } });
    const controller = new AbortController();
    const stream = router.stream({ messages, signal: controller.signal });
    setTimeout(() => controller.abort(new Error("user left")), 20);
    expect(AbortedError.isInstance(await stream.result.catch((error: unknown) => error))).toBe(true);
    const abandoned = router.stream({ messages });
    for await (const part of abandoned) if (part.type === "text-delta") break;
    await abandoned.result.catch(() => {});
    const calls = sdk.spans().filter((span) => span.name === "chat default");
    expect(calls).toHaveLength(2);
    for (const span of calls) {
      expect(span.attributes).toMatchObject({ "switchyard.outcome": "aborted" });
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.ended).toBe(true);
    }
    // Every attempt span ended too, with the call.
    expect(attemptSpans(sdk.spans())).toHaveLength(2);
    await router.close();
  });

  it("records retries and the fallback as events of the call span, one attempt span each", async () => {
    const a = new Upstream("a", openaiShape).replies(fail("server"), fail("server"));
    const b = new Upstream("b", openaiShape).replies(answer("from b"));
    const { router } = await startHarness({
      targets: { a: { upstream: a, maxAttempts: 2 }, b },
      routes: { default: { targets: ["a"], fallback: "spare" }, spare: { targets: ["b"] } },
    });
    await router.chat({ messages });
    const spans = sdk.spans();
    const call = callSpan(spans);
    expect(call.events.map((event) => event.name)).toEqual(["switchyard.retry", "switchyard.fallback"]);
    expect(call.events[1]?.attributes).toMatchObject({
      "switchyard.fallback.from": "default",
      "switchyard.fallback.to": "spare",
      "switchyard.fallback.reason": expect.stringContaining("exhausted"),
    });
    expect(call.attributes["switchyard.fallbacks"]).toEqual(["default→spare"]);
    const attempts = attemptSpans(spans);
    expect(
      attempts.map((span) => [
        span.attributes["switchyard.target"],
        span.attributes["switchyard.attempt"],
        span.attributes["error.type"],
        span.status.code,
      ]),
    ).toEqual([
      ["a", 1, "server", SpanStatusCode.ERROR],
      ["a", 2, "server", SpanStatusCode.ERROR],
      ["b", 1, undefined, SpanStatusCode.UNSET],
    ]);
    expect(attempts[0]?.attributes["http.response.status_code"]).toBe(500);
    await router.close();
  });

  it("marks a call served from the route's response cache, with no attempt span", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("remembered"));
    const { router } = await startHarness({
      targets: { a },
      routes: { default: { targets: ["a"], cache: { ttlMs: 60_000 } } },
    });
    await router.chat({ messages, temperature: 0 });
    const before = sdk.spans().length;
    const hit = await router.chat({ messages, temperature: 0 });
    expect(hit.route.cache).toBe("hit");
    const spans = sdk.spans().slice(before);
    expect(callSpan(spans).attributes["switchyard.cache"]).toBe("hit");
    expect(attemptSpans(spans)).toEqual([]);
    expect(a.count).toBe(1);
    await router.close();
  });

  it("notes a 429-paused target the call skipped as an event, and the prompt tokens a cache served", async () => {
    const a = new Upstream("a", openaiShape).replies(fail("rate-limit", { headers: { "retry-after": "5" } }));
    const b = new Upstream("b", openaiShape).replies((_call, shape) => {
      const body = shape.answer("cached", { inputTokens: 40, outputTokens: 2 }) as {
        usage: Record<string, unknown>;
      };
      body.usage.prompt_tokens_details = { cached_tokens: 32 };
      return HttpResponse.json(body);
    });
    const { router } = await startHarness({ targets: { a, b } });
    await router.chat({ messages });
    const call = callSpan(sdk.spans());
    expect(call.events.find((event) => event.name === "switchyard.paused")?.attributes).toMatchObject({
      "switchyard.target": "a",
      "switchyard.paused.reason": "retry-after",
      "switchyard.paused.action": "skipped",
    });
    expect(call.attributes["gen_ai.usage.cache_read.input_tokens"]).toBe(32);
    const answered = attemptSpans(sdk.spans()).find((span) => span.attributes["switchyard.target"] === "b");
    expect(answered?.attributes["gen_ai.usage.cache_read.input_tokens"]).toBe(32);
    await router.close();
  });

  it("marks a failed call's span as an error with its type, and an invalid request's too", async () => {
    const a = new Upstream("a", openaiShape).replies(fail("server"));
    const { router } = await startHarness({ targets: { a: { upstream: a, maxAttempts: 1 } } });
    expect(
      AllTargetsFailedError.isInstance(await router.chat({ messages }).catch((error: unknown) => error)),
    ).toBe(true);
    expect(
      InvalidRequestError.isInstance(await router.chat({ messages: [] }).catch((error: unknown) => error)),
    ).toBe(true);
    const spans = sdk.spans();
    const failed = named(spans, "chat default")[0];
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed?.attributes).toMatchObject({
      "error.type": "AllTargetsFailedError",
      "switchyard.attempts": 1,
    });
    // Validation failed before a route was chosen: the span keeps its bare name and has no attempt.
    const invalid = named(spans, "chat")[0];
    expect(invalid?.attributes["error.type"]).toBe("InvalidRequestError");
    expect(invalid?.status.code).toBe(SpanStatusCode.ERROR);
    expect(attemptSpans(spans)).toHaveLength(1);
    await router.close();
  });

  it("lists the targets a policy rejected, with the policy and its reason, on the call span", async () => {
    const a = new Upstream("a", openaiShape).replies(answer());
    const b = { upstream: new Upstream("b", openaiShape).replies(answer()), tools: false };
    const { router } = await startHarness({ targets: { b, a } });
    const tools = [{ name: "t", description: "d", parameters: { type: "object", properties: {} } }];
    await router.chat({ messages, tools });
    const call = callSpan(sdk.spans());
    expect(call.attributes["switchyard.rejected.targets"]).toEqual(["b"]);
    expect(call.attributes["switchyard.rejected.reasons"]).toEqual([
      expect.stringMatching(/^b \(capabilities\): .*tool/),
    ]);
    expect(call.attributes["switchyard.target"]).toBe("a");
    await router.close();
  });

  it("spans a hedge: an event on the call, the hedged attempt marked, the loser's span ended", async () => {
    const slow = timed((wire) =>
      [...wire.opening(["slow"]), ...wire.closing({ inputTokens: 9, outputTokens: 2 })].map((frame) => ({
        atMs: 3000,
        frame,
      })),
    );
    const a = new Upstream("a", openaiShape).replies(slow);
    const b = new Upstream("b", openaiShape).replies(answer("fast"));
    const { router } = await startHarness({
      targets: { a, b },
      routes: { default: { targets: ["a", "b"], hedge: { enabled: true, delayMs: 30 } } },
    });
    const result = await router.chat({ messages });
    expect(result.route.target).toBe("b");
    const spans = sdk.spans();
    const call = callSpan(spans);
    expect(call.events.map((event) => [event.name, event.attributes?.["switchyard.hedge.target"]])).toEqual([
      ["switchyard.hedge", "b"],
    ]);
    const attempts = attemptSpans(spans);
    expect(
      attempts.map((span) => [span.attributes["switchyard.target"], span.attributes["switchyard.hedge"]]),
    ).toEqual(
      expect.arrayContaining([
        ["a", undefined],
        ["b", true],
      ]),
    );
    const loser = attempts.find((span) => span.attributes["switchyard.target"] === "a");
    expect(loser?.attributes["switchyard.outcome"]).toBe("aborted");
    expect(loser?.status.code).toBe(SpanStatusCode.UNSET);
    expect(loser?.ended).toBe(true);
    await router.close();
  });

  it("records prompts and answers only when recordContent is on, and only the listed metadata keys", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("the answer"));
    const request = { messages, metadata: { tenant: "acme", user: "u-123" } };
    const quiet = await startHarness({ targets: { a } });
    await quiet.router.chat(request);
    await quiet.router.close();
    const loud = await startHarness({
      targets: { a },
      telemetry: { recordContent: true, metadataKeys: ["tenant"] },
    });
    await loud.router.chat(request);
    await loud.router.close();
    const [without, withContent] = sdk.spans().filter((span) => span.name === "chat default");
    const [attemptWithout, attemptWith] = attemptSpans(sdk.spans());
    expect(JSON.stringify([without?.attributes, attemptWithout?.attributes])).not.toMatch(
      /the answer|"hi"|acme|u-123/,
    );
    expect(JSON.parse(String(withContent?.attributes["gen_ai.input.messages"]))).toEqual(messages);
    expect(JSON.parse(String(attemptWith?.attributes["gen_ai.output.messages"]))).toEqual([
      { role: "assistant", content: "the answer" },
    ]);
    expect(withContent?.attributes["switchyard.metadata.tenant"]).toBe("acme");
    expect(JSON.stringify(withContent?.attributes)).not.toContain("u-123");
  });

  it("records the answer's reasoning on the attempt span's output messages when recordContent is on", {
    timeout: 30_000,
  }, async () => {
    const a = new Upstream("a", openaiShape).replies(reasoningReply(["Think."], "Done."));
    const { router } = await startHarness({ targets: { a }, telemetry: { recordContent: true } });
    await router.chat({ messages });
    await router.close();
    const [attempt] = attemptSpans(sdk.spans());
    expect(JSON.parse(String(attempt?.attributes["gen_ai.output.messages"]))).toEqual([
      { role: "assistant", content: "Done.", reasoning: "Think." },
    ]);
  });

  it("makes no span when tracing is off, and none when no tracer provider is registered", async () => {
    const a = new Upstream("a", openaiShape).replies(answer());
    const off = await startHarness({ targets: { a }, telemetry: { tracing: false } });
    await off.router.chat({ messages });
    await off.router.close();
    expect(sdk.spans()).toEqual([]);
    trace.disable();
    try {
      const bare = await startHarness({ targets: { a } });
      await bare.router.chat({ messages });
      await bare.router.close();
      expect(sdk.spans()).toEqual([]);
    } finally {
      trace.setGlobalTracerProvider(sdk.tracerProvider);
    }
    // The same router traces as soon as a provider is registered: the check is made per call.
    const later = await startHarness({ targets: { a } });
    await later.router.chat({ messages });
    await later.router.close();
    expect(sdk.spans()).toHaveLength(2);
  });

  it("uses the tracer it is given instead of the global one", async () => {
    const a = new Upstream("a", openaiShape).replies(answer());
    const tracer = sdk.tracerProvider.getTracer("my-own-scope");
    const { router } = await startHarness({ targets: { a }, telemetry: { tracing: { tracer } } });
    await router.chat({ messages });
    await router.close();
    expect(sdk.spans().map((span) => span.instrumentationScope.name)).toEqual([
      "my-own-scope",
      "my-own-scope",
    ]);
  });
});

describe("OpenTelemetry metrics", () => {
  it("records token usage, durations, cost and attempts in the conventions' names, units and attributes", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("x", { inputTokens: 12, outputTokens: 3 }));
    const { router } = await startHarness({ targets: { a } });
    const first = await router.chat({ messages });
    const second = await router.chat({ messages, metadata: { user: "u-1" } });
    const collected = await sdk.collect();
    const tokens = collected.get("gen_ai.client.token.usage");
    expect(tokens?.descriptor.unit).toBe("{token}");
    const labels = {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": openaiShape.model,
      "switchyard.route": "default",
      "switchyard.target": "a",
    };
    expect(total(tokens, { ...labels, "gen_ai.token.type": "input" })).toBe(24);
    expect(total(tokens, { ...labels, "gen_ai.token.type": "output" })).toBe(6);
    const duration = collected.get("gen_ai.client.operation.duration");
    expect(duration?.descriptor.unit).toBe("s");
    expect(count(duration, labels)).toBe(2);
    expect(count(collected.get("switchyard.call.duration"), { "switchyard.outcome": "success" })).toBe(2);
    expect(total(collected.get("switchyard.cost"), labels)).toBeCloseTo(first.costUsd + second.costUsd, 12);
    expect(total(collected.get("switchyard.attempts"), { ...labels, "switchyard.outcome": "success" })).toBe(
      2,
    );
    // Bounded cardinality: no call id, request id or metadata value is ever an attribute.
    const attributes = JSON.stringify([...collected.values()].map((metric) => metric.dataPoints));
    expect(attributes).not.toContain(first.route.callId);
    expect(attributes).not.toContain("u-1");
    await router.close();
  });

  it("records time to first chunk for a stream and error types for failed attempts", async () => {
    const a = new Upstream("a", openaiShape).replies(fail("server"), answer("ok"));
    const { router } = await startHarness({ targets: { a: { upstream: a, maxAttempts: 2 } } });
    const stream = router.stream({ messages });
    for await (const _ of stream) {
      // drain
    }
    await stream.result;
    const collected = await sdk.collect();
    expect(count(collected.get("gen_ai.client.operation.time_to_first_chunk"))).toBe(1);
    expect(count(collected.get("gen_ai.client.operation.duration"), { "error.type": "server" })).toBe(1);
    expect(
      total(collected.get("switchyard.attempts"), { "switchyard.outcome": "error", "error.type": "server" }),
    ).toBe(1);
    await router.close();
  });

  it("counts fallbacks and failed calls by route, and aborted calls apart from errors", async () => {
    const a = new Upstream("a", openaiShape).replies(fail("server"));
    const b = new Upstream("b", openaiShape).replies(answer(), hang());
    const { router } = await startHarness({
      targets: { a: { upstream: a, maxAttempts: 1 }, b },
      routes: { default: { targets: ["a"], fallback: "spare" }, spare: { targets: ["b"] } },
    });
    await router.chat({ messages });
    const controller = new AbortController();
    const aborted = router.chat({ messages, signal: controller.signal, route: "spare" });
    setTimeout(() => controller.abort(new Error("user left")), 20);
    await aborted.catch(() => {});
    const collected = await sdk.collect();
    expect(
      total(collected.get("switchyard.fallbacks"), {
        "switchyard.route": "default",
        "switchyard.fallback.to": "spare",
        "switchyard.fallback.reason": "exhausted",
      }),
    ).toBe(1);
    const calls = collected.get("switchyard.call.duration");
    expect(count(calls, { "switchyard.route": "default", "switchyard.outcome": "success" })).toBe(1);
    expect(
      count(calls, {
        "switchyard.route": "spare",
        "switchyard.outcome": "aborted",
        "error.type": "AbortedError",
      }),
    ).toBe(1);
    await router.close();
  });

  it("counts a hedged call's attempts, winner and loser", async () => {
    const slow = timed((wire) => wire.opening(["slow"]).map((frame) => ({ atMs: 3000, frame })));
    const a = new Upstream("a", openaiShape).replies(slow);
    const b = new Upstream("b", openaiShape).replies(answer("fast"));
    const { router } = await startHarness({
      targets: { a, b },
      routes: { default: { targets: ["a", "b"], hedge: { enabled: true, delayMs: 30 } } },
    });
    await router.chat({ messages });
    const attempts = (await sdk.collect()).get("switchyard.attempts");
    expect(total(attempts, { "switchyard.target": "b", "switchyard.outcome": "success" })).toBe(1);
    expect(total(attempts, { "switchyard.target": "a", "switchyard.outcome": "aborted" })).toBe(1);
    await router.close();
  });

  it("observes each target's breaker state as a gauge, and it opens after a quota error", async () => {
    const a = new Upstream("a", openaiShape).replies(fail("quota"));
    const b = new Upstream("b", openaiShape).replies(answer());
    const { router } = await startHarness({ targets: { a, b } });
    const before = (await sdk.collect()).get("switchyard.target.breaker");
    expect(
      pointsOf(before, { "switchyard.target": "a", "switchyard.breaker.state": "closed" })[0]?.value,
    ).toBe(1);
    await router.chat({ messages });
    const after = (await sdk.collect()).get("switchyard.target.breaker");
    expect(pointsOf(after, { "switchyard.target": "a", "switchyard.breaker.state": "open" })[0]?.value).toBe(
      1,
    );
    expect(
      pointsOf(after, { "switchyard.target": "a", "switchyard.breaker.state": "closed" })[0]?.value,
    ).toBe(0);
    expect(
      pointsOf(after, { "switchyard.target": "b", "switchyard.breaker.state": "closed" })[0]?.value,
    ).toBe(1);
    await router.close();
  });

  it("observes each local engine's slots and queue once per replica, however many targets it serves", async () => {
    const replicated = replicatedProvider([]);
    const load = {
      gpu0: { busySlots: 3, slots: 4, queueDepth: 2 },
      gpu1: { busySlots: 0, slots: 4, queueDepth: 0 },
    };
    const engine: ProviderFactory<LocalProviderConfig> = {
      ...replicated,
      async create(id, config, providerContext) {
        const provider = await replicated.create(id, config, providerContext);
        return { ...provider, metrics: (replica) => load[replica as keyof typeof load] };
      },
    };
    const a = new Upstream("a", openaiShape).replies(answer());
    const { router } = await startHarness({
      targets: { a },
      extraProviders: { engine: { type: "local", model: "./models/tiny-llama.gguf" } },
      extraTargets: {
        small: { provider: "engine", model: "tiny-llama" },
        small2: { provider: "engine", model: "tiny-llama" },
      },
      providers: [engine],
    });
    const collected = await sdk.collect();
    const busy = collected.get("switchyard.engine.busy_slots");
    expect(
      pointsOf(busy, { "switchyard.provider": "engine" }).map((point) => [
        point.attributes["switchyard.replica"],
        point.value,
      ]),
    ).toEqual([
      ["gpu0", 3],
      ["gpu1", 0],
    ]);
    expect(
      pointsOf(collected.get("switchyard.engine.slots"), { "switchyard.replica": "gpu1" })[0]?.value,
    ).toBe(4);
    expect(
      pointsOf(collected.get("switchyard.engine.queue_depth"), { "switchyard.replica": "gpu0" })[0]?.value,
    ).toBe(2);
    // The remote target has no engine: nothing is reported for it.
    expect(pointsOf(busy, { "switchyard.provider": "a-provider" })).toEqual([]);
    await router.close();
  });

  it("uses the meter it is given, and stops observing once the router is closed", async () => {
    const reader = new DeltaReader();
    const provider = new MeterProvider({ readers: [reader] });
    const a = new Upstream("a", openaiShape).replies(answer());
    const { router } = await startHarness({
      targets: { a },
      telemetry: { metrics: { meter: provider.getMeter("my-meter") } },
    });
    await router.chat({ messages });
    const gauges = async () => {
      const { resourceMetrics } = await reader.collect();
      return resourceMetrics.scopeMetrics.flatMap((scope) =>
        scope.metrics.filter((metric) => metric.descriptor.name === "switchyard.target.breaker"),
      );
    };
    const open = await gauges();
    expect(open.flatMap((metric) => pointsOf(metric))).toHaveLength(3);
    expect(count((await sdk.collect()).get("switchyard.call.duration"))).toBe(0);
    await router.close();
    expect((await gauges()).flatMap((metric) => pointsOf(metric))).toEqual([]);
    await provider.shutdown();
  });

  it("adds the metadata keys configured for metrics, and only those", async () => {
    const a = new Upstream("a", openaiShape).replies(answer());
    const { router } = await startHarness({
      targets: { a },
      telemetry: { metrics: { metadataKeys: ["plan"] } },
    });
    await router.chat({ messages, metadata: { plan: "pro", user: "u-9" } });
    const collected = await sdk.collect();
    expect(count(collected.get("switchyard.call.duration"), { "switchyard.metadata.plan": "pro" })).toBe(1);
    expect(JSON.stringify([...collected.values()].map((metric) => metric.dataPoints))).not.toContain("u-9");
    await router.close();
  });

  it("records nothing when metrics are off", async () => {
    const a = new Upstream("a", openaiShape).replies(answer());
    const { router } = await startHarness({ targets: { a }, telemetry: { metrics: false } });
    await router.chat({ messages });
    await router.close();
    expect([...(await sdk.collect()).keys()]).toEqual([]);
  });
});

describe("OpenTelemetry and secrets", () => {
  it("never puts a configured key into a span or a metric, even with content capture on", async () => {
    const canary = "test-canary-not-a-real-key-otel-7d1e4b";
    const a = new Upstream("a", openaiShape, canary).replies(
      fail("auth", { message: `Incorrect API key provided: ${canary}` }),
    );
    const b = new Upstream("b", openaiShape).replies((call, shape) => answer(`echo ${canary}`)(call, shape));
    const { router } = await startHarness({
      targets: { a, b },
      telemetry: { recordContent: true },
    });
    await router.chat({ messages: [{ role: "user", content: `my key is ${canary}` }] });
    const spans = sdk.spans();
    expect(spans.length).toBeGreaterThanOrEqual(3);
    const exported = spans.map((span) => ({
      name: span.name,
      attributes: span.attributes,
      events: span.events,
      status: span.status,
    }));
    expect(JSON.stringify(exported)).toContain("[REDACTED]");
    expect(leakedSecrets(exported, [canary])).toEqual([]);
    expect(leakedSecrets([...(await sdk.collect()).values()], [canary])).toEqual([]);
    await router.close();
  });
});

describe("the telemetry option", () => {
  const policy = {
    providers: {
      p: {
        type: "openai" as const,
        apiKey: "test-canary-not-a-real-key-options",
        baseURL: "http://127.0.0.1:9/v1",
      },
    },
    targets: { t: { provider: "p", model: "gpt-4o-mini", price: { input: 1, output: 1 } } },
    routes: { default: { targets: ["t"] } },
  };
  const refusal = async (telemetry: unknown) => {
    const error = await createRouter({ policy, telemetry } as never).catch((caught: unknown) => caught);
    expect(InvalidOptionsError.isInstance(error)).toBe(true);
    return (error as InvalidOptionsError).message;
  };

  it("refuses a malformed value, naming the field that is wrong", async () => {
    expect(await refusal(true)).toContain("telemetry: expected an object");
    expect(await refusal({ tracng: false })).toContain("telemetry.tracng is not an option");
    expect(await refusal({ tracing: "yes" })).toContain("telemetry.tracing expected a boolean or an object");
    expect(await refusal({ tracing: { tracer: {} } })).toContain(
      "telemetry.tracing.tracer expected an OpenTelemetry Tracer",
    );
    expect(await refusal({ tracing: { tracer: " " } })).toContain(
      "telemetry.tracing.tracer is an empty name",
    );
    expect(await refusal({ metrics: { meter: 3 } })).toContain(
      "telemetry.metrics.meter expected an OpenTelemetry Meter",
    );
    expect(await refusal({ metrics: { metadataKeys: ["plan", ""] } })).toContain(
      "telemetry.metrics.metadataKeys[1] must be a non-empty string",
    );
    expect(await refusal({ recordContent: "no" })).toContain("telemetry.recordContent expected a boolean");
    expect(await refusal({ metadataKeys: "tenant" })).toContain("telemetry.metadataKeys expected an array");
  });

  it("accepts every documented shape", async () => {
    const tracer = sdk.tracerProvider.getTracer("x");
    for (const telemetry of [
      {},
      { tracing: false, metrics: false },
      { tracing: { tracer }, metrics: { meter: "my-meter", metadataKeys: ["plan"] } },
      { tracing: { tracer: "my-tracer" }, recordContent: true, metadataKeys: ["tenant"] },
    ]) {
      const router = await createRouter({ policy, telemetry });
      await router.close();
    }
  });
});
