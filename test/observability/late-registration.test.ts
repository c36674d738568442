import { trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, describe, expect, it } from "vitest";
import { startHarness } from "../faults/support/fault-harness.js";
import { openaiShape } from "../faults/support/provider-shapes.js";
import { answer } from "../faults/support/replies.js";
import { Upstream } from "../faults/support/upstream.js";
import { useMswServer } from "../support/msw-server.js";

useMswServer();
const messages = [{ role: "user" as const, content: "hi" }];
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

afterAll(async () => {
  trace.disable();
  await provider.shutdown();
});

describe("an application that registers OpenTelemetry after createRouter", () => {
  it("gets spans once a provider is registered, without having had to register one first", async () => {
    // Nothing in this process has registered anything with OpenTelemetry yet.
    expect((globalThis as Record<symbol, unknown>)[Symbol.for("opentelemetry.js.api.1")]).toBeUndefined();
    const a = new Upstream("a", openaiShape).replies(answer());
    const { router } = await startHarness({ targets: { a } });
    await router.chat({ messages });
    trace.setGlobalTracerProvider(provider);
    expect(exporter.getFinishedSpans()).toEqual([]);
    // The first call after the registration starts loading the API; a later one is traced.
    let traced: string | undefined;
    for (let call = 0; call < 5 && traced === undefined; call++) {
      const { route } = await router.chat({ messages });
      if (
        exporter.getFinishedSpans().some((span) => span.attributes["switchyard.call_id"] === route.callId)
      ) {
        traced = route.callId;
      }
    }
    expect(traced).toBeDefined();
    await router.close();
  });
});
