import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { http, passthrough } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness } from "../faults/support/fault-harness.js";
import { openaiShape } from "../faults/support/provider-shapes.js";
import { answer, fail } from "../faults/support/replies.js";
import { Upstream } from "../faults/support/upstream.js";
import { useMswServer } from "../support/msw-server.js";

const msw = useMswServer();

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: number | string; doubleValue?: number; boolValue?: boolean };
}
interface OtlpSpan {
  name: string;
  kind: number;
  spanId: string;
  parentSpanId?: string;
  attributes: OtlpAttribute[];
  events?: { name: string }[];
}

/** A loopback OTLP/HTTP receiver: keeps every request body it is sent. */
const bodies: { path: string; contentType: string; text: string }[] = [];
const receiver = createServer((request: IncomingMessage, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    bodies.push({
      path: request.url ?? "",
      contentType: String(request.headers["content-type"]),
      text: Buffer.concat(chunks).toString("utf8"),
    });
    response.writeHead(200, { "content-type": "application/json" });
    response.end("{}");
  });
});
let url = "";
let provider: BasicTracerProvider;

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/traces`;
  provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  trace.setGlobalTracerProvider(provider);
});

afterAll(async () => {
  trace.disable();
  await provider.shutdown();
  await new Promise((resolve) => receiver.close(resolve));
});

const value = (span: OtlpSpan, key: string) => {
  const found = span.attributes.find((attribute) => attribute.key === key)?.value;
  if (!found) return undefined;
  return found.stringValue ?? found.boolValue ?? found.doubleValue ?? Number(found.intValue);
};

describe("OTLP/HTTP export", () => {
  it("sends the call and attempt spans to a collector, with their attributes and parenting", {
    timeout: 20_000,
  }, async () => {
    // The exporter's request goes to the real loopback receiver, not to a mock.
    msw.use(http.post(url, () => passthrough()));
    const canary = "test-canary-not-a-real-key-otlp-93b2";
    const a = new Upstream("a", openaiShape, canary).replies(fail("server", { message: `bad ${canary}` }));
    const b = new Upstream("b", openaiShape).replies(answer("hi", { inputTokens: 7, outputTokens: 2 }));
    const { router } = await startHarness({
      targets: { a: { upstream: a, maxAttempts: 1 }, b },
      telemetry: { recordContent: true },
    });
    const result = await router.chat({ messages: [{ role: "user", content: "hello" }] });
    await provider.forceFlush();
    await router.close();
    const traces = bodies.filter((body) => body.path === "/v1/traces");
    expect(traces.length).toBeGreaterThan(0);
    expect(traces[0]?.contentType).toContain("application/json");
    const spans: OtlpSpan[] = traces.flatMap((body) =>
      (
        JSON.parse(body.text) as {
          resourceSpans: { scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[] }[];
        }
      ).resourceSpans.flatMap((resource) =>
        resource.scopeSpans
          .filter((scope) => scope.scope.name === "switchyard-ai")
          .flatMap((scope) => scope.spans),
      ),
    );
    const call = spans.find((span) => span.name === "chat default") as OtlpSpan;
    expect(call).toBeDefined();
    expect(value(call, "switchyard.call_id")).toBe(result.route.callId);
    expect(value(call, "switchyard.target")).toBe("b");
    expect(value(call, "gen_ai.usage.input_tokens")).toBe(7);
    const attempts = spans.filter((span) => span.kind === 3); // SPAN_KIND_CLIENT
    expect(
      attempts.map((span) => [value(span, "switchyard.target"), value(span, "switchyard.outcome")]),
    ).toEqual([
      ["a", "error"],
      ["b", "success"],
    ]);
    for (const attempt of attempts) expect(attempt.parentSpanId).toBe(call.spanId);
    // What went over the wire never holds the key, even with content capture on.
    for (const body of traces) expect(body.text).not.toContain(canary);
  });
});
