import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AllTargetsFailedError,
  createRouter,
  InvalidOutputError,
  NoEligibleTargetError,
  type Router,
  type ToolDefinition,
} from "../../index.js";
import { ensureLlamaModel } from "../../local-engine/gguf/index.js";
import { ensureCompiledBuild } from "../../test/support/ensure-compiled-build.js";

const toolsModel = fileURLToPath(new URL("../../models/tiny-llama-tools.gguf", import.meta.url));
const plainModel = fileURLToPath(new URL("../../models/tiny-llama.gguf", import.meta.url));

const weather: ToolDefinition = {
  name: "get_weather",
  description: "Current weather for a city",
  parameters: {
    type: "object",
    // Bounded strings: a random-weight model would otherwise never close one.
    properties: {
      city: { type: "string", maxLength: 16 },
      unit: { type: "string", enum: ["celsius", "fahrenheit"] },
    },
    required: ["city", "unit"],
  },
};
const time: ToolDefinition = {
  name: "get_time",
  description: "Current time in a time zone",
  parameters: { type: "object", properties: { zone: { type: "string", maxLength: 16 } }, required: ["zone"] },
};
const ask = {
  messages: [{ role: "user" as const, content: "What is the weather in Oslo?" }],
  maxTokens: 96,
  temperature: 0,
};

/** The tiny random model with a Qwen2.5-style template that takes tools (Hermes `<tool_call>` syntax). */
describe("tool calls on the local engine", () => {
  let router: Router;
  beforeAll(async () => {
    await ensureLlamaModel({ path: toolsModel, template: "hermes" });
    router = await createRouter({
      policy: {
        providers: {
          tools: { type: "local", model: toolsModel, slots: 2, threads: 1 },
          plain: { type: "local", model: plainModel, slots: 1, threads: 1 },
        },
        targets: {
          hermes: { provider: "tools", model: "tiny-tools" },
          "hermes-again": { provider: "tools", model: "tiny-tools" },
          chatml: { provider: "plain", model: "tiny" },
        },
        routes: {
          default: { targets: ["chatml", "hermes"] },
          plain: { targets: ["chatml"] },
          tools: { targets: ["hermes"] },
          "two-engines": { targets: ["hermes", "hermes-again"] },
        },
      },
    });
  }, 120_000);
  afterAll(() => router?.close());

  it("forces a call with valid arguments when the tool choice is required", async () => {
    const result = await router.chat({ ...ask, tools: [weather, time], toolChoice: "required" });
    expect(result.route.target).toBe("hermes");
    expect(result.finishReason).toBe("tool-calls");
    const calls = result.message.toolCalls ?? [];
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      expect(call.id).toMatch(/^call_[0-9a-f]{24}$/);
      expect(["get_weather", "get_time"]).toContain(call.name);
      const args = JSON.parse(call.arguments) as Record<string, unknown>;
      if (call.name === "get_weather") {
        expect(typeof args.city).toBe("string");
        expect(["celsius", "fahrenheit"]).toContain(args.unit);
      } else {
        expect(typeof args.zone).toBe("string");
      }
    }
  });

  it("calls the named tool, and streams the call as a tool-call part", async () => {
    const stream = router.stream({ ...ask, tools: [weather, time], toolChoice: { name: "get_time" } });
    const calls = [];
    for await (const part of stream) if (part.type === "tool-call") calls.push(part);
    const result = await stream.result;
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((call) => call.name === "get_time")).toBe(true);
    expect(result.message.toolCalls?.map((call) => call.id)).toEqual(calls.map((call) => call.id));
  });

  it("continues a conversation that holds a call and its result", async () => {
    const result = await router.chat({
      messages: [
        { role: "user", content: "What is the weather in Oslo?" },
        {
          role: "assistant",
          content: "",
          toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Oslo","unit":"celsius"}' }],
        },
        { role: "tool", toolCallId: "call_1", content: '{"temperature": -3}' },
      ],
      tools: [weather],
      maxTokens: 8,
      temperature: 0,
    });
    expect(result.route.target).toBe("hermes");
    expect(["stop", "length", "tool-calls"]).toContain(result.finishReason);
    expect(result.usage.inputTokens).toBeGreaterThan(40);
  });

  it("sends tool requests only to a model whose template supports tools, and says why for the others", async () => {
    const result = await router.chat({ ...ask, tools: [weather], toolChoice: "required" });
    expect(result.route.target).toBe("hermes");
    expect(result.route.rejected).toContainEqual(
      expect.objectContaining({ target: "chatml", policy: "capabilities" }),
    );
    const refused = await router
      .chat({ ...ask, route: "plain", tools: [weather] })
      .catch((error: unknown) => error);
    expect(NoEligibleTargetError.isInstance(refused)).toBe(true);
  });

  it("reports a call cut off by maxTokens as a length outcome with the partial call, never as text", async () => {
    const error = await router
      .chat({ ...ask, route: "tools", tools: [weather], toolChoice: "required", maxTokens: 12 })
      .catch((caught: unknown) => caught);
    const failure = AllTargetsFailedError.isInstance(error) ? error.errors.at(-1) : error;
    expect(InvalidOutputError.isInstance(failure)).toBe(true);
    const invalid = failure as InvalidOutputError;
    expect(invalid).toMatchObject({ reason: "length", finishReason: "length", text: "" });
    expect(invalid.toolCalls).toHaveLength(1);
    expect(invalid.toolCall?.arguments).not.toContain("<tool_call>");
    expect(["", "get_weather"]).toContain(invalid.toolCall?.name);

    const stream = router.stream({
      ...ask,
      route: "tools",
      tools: [weather],
      toolChoice: "required",
      maxTokens: 12,
    });
    stream.result.catch(() => {});
    const parts = [];
    for await (const part of stream) parts.push(part);
    // The engine reports whole calls only: the cut one is held back, so the stream shows no call.
    expect(parts.map((part) => part.type)).toEqual(["error"]);
    const last = parts.at(-1);
    const streamed = last?.type === "error" ? last.error : undefined;
    const cause = AllTargetsFailedError.isInstance(streamed) ? streamed.errors.at(-1) : streamed;
    expect(cause).toMatchObject({ reason: "length" });
  });

  it("falls over from a stream whose only output was a cut-off call, since nothing reached the caller", async () => {
    const stream = router.stream({
      ...ask,
      route: "two-engines",
      tools: [weather],
      toolChoice: "required",
      maxTokens: 12,
    });
    stream.result.catch(() => {});
    for await (const part of stream) void part;
    const result = await stream.result.catch((error: unknown) => error);
    const attempts = AllTargetsFailedError.isInstance(result) ? result.trace.attempts : [];
    expect(attempts.map((attempt) => [attempt.target, attempt.errorKind])).toEqual([
      ["hermes", "invalid_output"],
      ["hermes-again", "invalid_output"],
    ]);
  });

  it("answers in text when the tool choice is none", async () => {
    const result = await router
      .chat({ ...ask, route: "plain", tools: [weather], toolChoice: "none" })
      .catch((error: unknown) => error);
    // "none" still needs a tool-capable target: the request names tools (the capability filter's rule).
    expect(NoEligibleTargetError.isInstance(result)).toBe(true);
    const text = await router.chat({ ...ask, tools: [weather], toolChoice: "none", maxTokens: 8 });
    expect(text.route.target).toBe("hermes");
    expect(text.message.toolCalls ?? []).toEqual([]);
    expect(text.finishReason).not.toBe("tool-calls");
  });
});

describe("tool calls through an engine in a child process", () => {
  it("renders the tools and parses the call there too", async () => {
    await Promise.all([ensureLlamaModel({ path: toolsModel, template: "hermes" }), ensureCompiledBuild()]);
    const router = await createRouter({
      policy: {
        providers: {
          tools: { type: "local", model: toolsModel, slots: 1, threads: 1, isolation: "process" },
        },
        targets: { hermes: { provider: "tools", model: "tiny-tools" } },
        routes: { default: { targets: ["hermes"] } },
      },
    });
    try {
      const result = await router.chat({ ...ask, tools: [weather], toolChoice: "required" });
      expect(result.finishReason).toBe("tool-calls");
      expect(result.message.toolCalls?.[0]?.name).toBe("get_weather");
      expect(JSON.parse(result.message.toolCalls?.[0]?.arguments ?? "").unit).toMatch(
        /^(celsius|fahrenheit)$/,
      );
    } finally {
      await router.close();
    }
  }, 180_000);
});
