import { HttpResponse, http } from "msw";
import { describe, expect, it, vi } from "vitest";
import {
  AllTargetsFailedError,
  type ChatRequest,
  InvalidOutputError,
  NoEligibleTargetError,
  type StreamPart,
  type ToolDefinition,
} from "../../index.js";
import { messageBody, wireUsage } from "../../providers/anthropic/test/anthropic-wire.js";
import { mswServer, useMswServer } from "../support/msw-server.js";
import { startHarness, track, useFakeClock } from "./support/fault-harness.js";
import { anthropicShape, llamaServerShape, providerShapes } from "./support/provider-shapes.js";
import { answer, toolAnswer } from "./support/replies.js";
import { Upstream } from "./support/upstream.js";

useMswServer();
useFakeClock();

const messages = [{ role: "user" as const, content: "The weather in Paris, as JSON" }];
const weatherSchema = {
  type: "object",
  properties: {
    city: { type: "string" },
    celsius: { type: "number", minimum: -90, maximum: 60 },
  },
  required: ["city", "celsius"],
  additionalProperties: false,
};
const asJson: Pick<ChatRequest, "responseFormat"> = {
  responseFormat: { type: "json_schema", name: "weather", schema: weatherSchema },
};
const weatherTool: ToolDefinition = {
  name: "get_weather",
  description: "Current weather for a city",
  parameters: {
    type: "object",
    properties: { city: { type: "string", minLength: 1 } },
    required: ["city"],
  },
};
const timeTool: ToolDefinition = {
  name: "get_time",
  parameters: { type: "object", properties: { zone: { type: "string" } }, required: ["zone"] },
};

/** The InvalidOutputError a call ended with, directly or as the last error of an exhausted chain. */
function invalidOutputOf(error: unknown): InvalidOutputError {
  const last = AllTargetsFailedError.isInstance(error) ? error.errors.at(-1) : error;
  if (!InvalidOutputError.isInstance(last))
    throw new Error(`expected an InvalidOutputError, got ${String(error)}`);
  return last;
}

async function readParts(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe.each(providerShapes)("structured output ($name)", (shape) => {
  it("returns the parsed object of an answer that matches the json_schema", async () => {
    const a = new Upstream("a", shape).replies(answer('{"city":"Paris","celsius":18.5}'));
    const { router } = await startHarness({ targets: { a } });
    const result = await track(router.chat({ messages, ...asJson })).promise;
    expect(result.object).toEqual({ city: "Paris", celsius: 18.5 });
    expect(result.text).toBe('{"city":"Paris","celsius":18.5}');
    expect(JSON.parse(JSON.stringify(result)).object).toEqual({ city: "Paris", celsius: 18.5 });
    await router.close();
  });

  it("moves to the next target when the answer does not match the schema, without retrying the first", async () => {
    const a = new Upstream("a", shape).replies(answer('{"city":"Paris","celsius":"warm"}'));
    const b = new Upstream("b", shape).replies(answer('{"city":"Paris","celsius":18}'));
    const { router } = await startHarness({ targets: { a, b } });
    const result = await track(router.chat({ messages, ...asJson })).promise;
    expect(result.route.target).toBe("b");
    expect(result.object).toEqual({ city: "Paris", celsius: 18 });
    expect(a.count).toBe(1);
    expect(result.route.attempts[0]).toMatchObject({
      target: "a",
      outcome: "error",
      errorKind: "invalid_output",
    });
    expect(result.route.attempts[0]?.costUsd).toBeGreaterThan(0);
    await router.close();
  });

  it("ends with an InvalidOutputError that keeps the raw text when the answer is not JSON", async () => {
    const a = new Upstream("a", shape).replies(answer("Sure! It is 18 degrees in Paris."));
    const { router } = await startHarness({ targets: { a } });
    const error = invalidOutputOf(await track(router.chat({ messages, ...asJson })).error());
    expect(error).toMatchObject({
      kind: "invalid_output",
      reason: "not_json",
      text: "Sure! It is 18 degrees in Paris.",
      retryable: false,
      target: "a",
    });
    expect(error.message).toMatch(/answered with invalid output: the answer is not JSON/);
    await router.close();
  });

  it("names each schema violation by its path in the value", async () => {
    const a = new Upstream("a", shape).replies(answer('{"celsius":400,"wind":3}'));
    const { router } = await startHarness({ targets: { a } });
    const error = invalidOutputOf(await track(router.chat({ messages, ...asJson })).error());
    expect(error.reason).toBe("schema_mismatch");
    expect(error.violations).toEqual(
      expect.arrayContaining([
        { pointer: "", message: "must have required property 'city'" },
        { pointer: "", message: "must NOT have additional properties" },
        { pointer: "/celsius", message: "must be <= 60" },
      ]),
    );
    expect(error.message).toContain("/celsius must be <= 60");
    await router.close();
  });

  it("retries the same target when the route's retryOn names invalid_output", {
    timeout: 30_000,
  }, async () => {
    const a = new Upstream("a", shape).replies(answer("{"), answer('{"city":"Oslo","celsius":-3}'));
    const { router } = await startHarness({
      targets: { a },
      routes: { default: { targets: ["a"], retryOn: ["invalid_output"] } },
    });
    const call = track(router.chat({ messages, ...asJson }));
    // Validation runs in a worker on real time: the clock moves until the retry's backoff is over.
    for (let step = 0; step < 200 && !call.settled; step++) await vi.advanceTimersByTimeAsync(50);
    const result = await call.promise;
    expect(result.object).toEqual({ city: "Oslo", celsius: -3 });
    expect(a.count).toBe(2);
    await router.close();
  });

  it("ends the call with the InvalidOutputError itself when the route's fallbackOn leaves the kind out", async () => {
    const a = new Upstream("a", shape).replies(answer("[]"));
    const b = new Upstream("b", shape).replies(answer('{"city":"Paris","celsius":18}'));
    const { router } = await startHarness({
      targets: { a, b },
      routes: { default: { targets: ["a", "b"], fallbackOn: ["server"] } },
    });
    const error = await track(router.chat({ messages, ...asJson })).error();
    expect(InvalidOutputError.isInstance(error)).toBe(true);
    expect((error as InvalidOutputError).trace?.attempts).toHaveLength(1);
    expect(b.count).toBe(0);
    await router.close();
  });

  it("holds a json_object answer to being a JSON object", async () => {
    const a = new Upstream("a", shape).replies(answer("[1, 2, 3]"));
    const b = new Upstream("b", shape).replies(answer(' {"ok": true} '));
    const { router } = await startHarness({ targets: { a, b } });
    const result = await track(router.chat({ messages, responseFormat: { type: "json_object" } })).promise;
    expect(result.object).toEqual({ ok: true });
    expect(result.route.attempts[0]?.errorMessage).toMatch(/the answer is JSON but not an object/);
    await router.close();
  });

  it("streams the text deltas as before and carries the validated object on the finish part", async () => {
    const a = new Upstream("a", shape).replies(answer('{"city":"Rome","celsius":24}'));
    const { router } = await startHarness({ targets: { a } });
    const parts = await readParts(router.stream({ messages, ...asJson }));
    const deltas = parts.filter((part) => part.type === "text-delta").map((part) => part.text);
    expect(deltas.join("")).toBe('{"city":"Rome","celsius":24}');
    expect(deltas.length).toBeGreaterThan(1);
    const finish = parts.at(-1);
    expect(finish?.type === "finish" && finish.result.object).toEqual({ city: "Rome", celsius: 24 });
    await router.close();
  });

  it("ends a stream whose whole text fails validation with the error, without falling back after its deltas", async () => {
    const a = new Upstream("a", shape).replies(answer('{"city":"Rome"}'));
    const b = new Upstream("b", shape).replies(answer('{"city":"Rome","celsius":24}'));
    const { router } = await startHarness({ targets: { a, b } });
    const stream = router.stream({ messages, ...asJson });
    stream.result.catch(() => {});
    const parts = await readParts(stream);
    expect(parts.filter((part) => part.type === "text-delta").length).toBeGreaterThan(0);
    const last = parts.at(-1);
    expect(last?.type).toBe("error");
    const error = last?.type === "error" ? last.error : undefined;
    expect(InvalidOutputError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: "schema_mismatch", text: '{"city":"Rome"}' });
    expect(b.count).toBe(0);
    await router.close();
  });
});

describe.each(providerShapes)("tool calls that never pass silently ($name)", (shape) => {
  const tools = [weatherTool, timeTool];

  it('fails over when toolChoice "required" is answered in text, and never returns that text as a success', async () => {
    const a = new Upstream("a", shape).replies(answer("It is sunny in Paris."));
    const b = new Upstream("b", shape).replies(
      toolAnswer({ name: "get_weather", arguments: '{"city":"Paris"}' }),
    );
    const { router } = await startHarness({ targets: { a, b } });
    const result = await track(router.chat({ messages, tools, toolChoice: "required" })).promise;
    expect(result.route.target).toBe("b");
    expect(result.message.toolCalls?.[0]).toMatchObject({
      name: "get_weather",
      arguments: '{"city":"Paris"}',
    });
    expect(result.route.attempts[0]?.errorMessage).toMatch(
      /toolChoice is "required" but the answer calls no tool/,
    );
    await router.close();
  });

  it("refuses an answer that calls another tool than the one toolChoice names", async () => {
    const a = new Upstream("a", shape).replies(
      toolAnswer({ name: "get_weather", arguments: '{"city":"Paris"}' }),
    );
    const { router } = await startHarness({ targets: { a } });
    const error = invalidOutputOf(
      await track(router.chat({ messages, tools, toolChoice: { name: "get_time" } })).error(),
    );
    expect(error.reason).toBe("missing_tool_call");
    expect(error.toolCalls.map((call) => call.name)).toEqual(["get_weather"]);
    await router.close();
  });

  it("validates a call's arguments against the tool's parameters schema", async () => {
    const a = new Upstream("a", shape).replies(toolAnswer({ name: "get_weather", arguments: '{"city":""}' }));
    const { router } = await startHarness({ targets: { a } });
    const error = invalidOutputOf(await track(router.chat({ messages, tools })).error());
    expect(error.reason).toBe("invalid_tool_arguments");
    expect(error.toolCall?.name).toBe("get_weather");
    expect(error.violations).toEqual([
      { pointer: "/city", message: "must NOT have fewer than 1 characters" },
    ]);
    await router.close();
  });

  it("refuses a call of a tool the request does not define", async () => {
    const a = new Upstream("a", shape).replies(
      toolAnswer({ name: "delete_files", arguments: '{"path":"/"}' }),
    );
    const { router } = await startHarness({ targets: { a } });
    const error = invalidOutputOf(await track(router.chat({ messages, tools })).error());
    expect(error.reason).toBe("unknown_tool");
    expect(error.message).toContain("delete_files, not a tool of the request (get_weather, get_time)");
    await router.close();
  });

  it("reports a tool call cut off by maxTokens as a length outcome with the partial call", async () => {
    const a = new Upstream("a", shape).replies(
      toolAnswer({ name: "get_weather", arguments: '{"city":' }, { cut: true }),
    );
    const { router } = await startHarness({ targets: { a } });
    const error = invalidOutputOf(await track(router.chat({ messages, tools, maxTokens: 12 })).error());
    expect(error).toMatchObject({ reason: "length", finishReason: "length", text: "" });
    expect(error.toolCall?.name).toBe("get_weather");
    await router.close();
  });

  it("ends a stream whose tool call is cut off by maxTokens with the length outcome and the partial call", async () => {
    const a = new Upstream("a", shape).replies(
      toolAnswer({ name: "get_weather", arguments: '{"city":' }, { cut: true }),
    );
    const { router } = await startHarness({ targets: { a } });
    const stream = router.stream({ messages, tools, maxTokens: 12 });
    stream.result.catch(() => {});
    const parts = await readParts(stream);
    expect(parts.some((part) => part.type === "text-delta")).toBe(false);
    // The argument deltas streamed, but no whole `tool-call` part for a call that failed its checks.
    expect(parts.some((part) => part.type === "tool-call-delta")).toBe(true);
    expect(parts.some((part) => part.type === "tool-call")).toBe(false);
    const last = parts.at(-1);
    const error = invalidOutputOf(last?.type === "error" ? last.error : undefined);
    expect(error.reason).toBe("length");
    expect(error.toolCall).toMatchObject({ name: "get_weather", arguments: '{"city":' });
    await router.close();
  });
});

describe("a llama.cpp server (openai-compatible, host llamacpp)", () => {
  /** `/props` of llama-server for a plain ChatML template: it renders no tools. */
  const chatmlProps = (id: string) =>
    http.get(`http://${id}.llama.test:8080/props`, () =>
      HttpResponse.json({
        model_alias: "qwen2.5-0.5b-instruct",
        chat_template_caps: { supports_tools: false, supports_tool_calls: false, supports_system_role: true },
        build_info: "b6423-8f35a8d4",
      }),
    );

  it("is not eligible for tools when /props says its template takes none, unless the target declares tools", async () => {
    mswServer.use(chatmlProps("a"));
    const a = new Upstream("a", llamaServerShape).replies(answer("no tools here"));
    const { router } = await startHarness({ targets: { a } });
    const refused = await track(router.chat({ messages, tools: [weatherTool] })).error();
    expect(NoEligibleTargetError.isInstance(refused)).toBe(true);
    expect((refused as NoEligibleTargetError).rejected).toContainEqual(
      expect.objectContaining({ target: "a", reason: expect.stringContaining("does not support tools") }),
    );
    expect(a.count).toBe(0);
    await router.close();

    mswServer.use(chatmlProps("b"));
    const b = new Upstream("b", llamaServerShape).replies(
      toolAnswer({ name: "get_weather", arguments: '{"city":"Paris"}' }),
    );
    const declared = await startHarness({ targets: { b: { upstream: b, tools: true } } });
    const result = await track(declared.router.chat({ messages, tools: [weatherTool] })).promise;
    expect(result.message.toolCalls?.[0]?.name).toBe("get_weather");
    await declared.router.close();
  });

  it("asks for json_object as the schema { type: object } and still validates the answer", async () => {
    mswServer.use(chatmlProps("a"));
    const a = new Upstream("a", llamaServerShape).replies(answer('{"answer": 42}'));
    const { router } = await startHarness({ targets: { a } });
    const result = await track(router.chat({ messages, responseFormat: { type: "json_object" } })).promise;
    expect(a.calls[0]?.body.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "response", schema: { type: "object" } },
    });
    expect(result.object).toEqual({ answer: 42 });
    await router.close();
  });
});

describe("JSON through Anthropic's forced tool (json_object, or json_schema before structured outputs)", () => {
  const jsonTool = (name: string, input: unknown) => () =>
    HttpResponse.json(
      messageBody({
        content: [{ type: "tool_use", id: "toolu_01D7FLrfh4GYq7yT1ULFeyMV", name, input }],
        stopReason: "tool_use",
        usage: wireUsage({ inputTokens: 31, outputTokens: 18 }),
      }),
    );

  it("returns the forced tool's input as the object of a json_object call", async () => {
    const a = new Upstream("a", anthropicShape).replies(jsonTool("json_response", { city: "Paris" }));
    const { router } = await startHarness({ targets: { a } });
    const result = await track(router.chat({ messages, responseFormat: { type: "json_object" } })).promise;
    expect(a.calls[0]?.body.tool_choice).toEqual({ type: "tool", name: "json_response" });
    expect(result.object).toEqual({ city: "Paris" });
    expect(result.message.toolCalls).toBeUndefined();
    await router.close();
  });

  it("validates the forced tool's input against the schema and falls over when it does not match", async () => {
    const older = "claude-3-5-haiku-20241022";
    const a = new Upstream("a", anthropicShape).replies(
      jsonTool("weather", { city: "Paris", celsius: "warm" }),
    );
    const b = new Upstream("b", anthropicShape).replies(jsonTool("weather", { city: "Paris", celsius: 18 }));
    const { router } = await startHarness({
      targets: { a: { upstream: a, model: older }, b: { upstream: b, model: older } },
    });
    const result = await track(router.chat({ messages, ...asJson })).promise;
    expect(a.calls[0]?.body.tool_choice).toEqual({ type: "tool", name: "weather" });
    expect(result.route.target).toBe("b");
    expect(result.object).toEqual({ city: "Paris", celsius: 18 });
    expect(result.route.attempts[0]?.errorMessage).toContain("/celsius must be number");
    await router.close();
  });
});
