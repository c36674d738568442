import { delay, HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import {
  type CallOptions,
  InvalidRequestError,
  type LanguageModel,
  type Message,
  ProviderCallError,
} from "../../src/core/index.js";
import {
  collectStream,
  conformanceFixture as fixture,
  runConformanceSuite,
} from "../../test/conformance/index.js";
import { useMswServer } from "../../test/support/msw-server.js";
import { sseEvent } from "../../test/support/sse-frames.js";
import { createTestProviderContext } from "../../test/support/test-provider-context.js";
import type { AnthropicProviderConfig } from "./anthropic-config-schema.js";
import { anthropicAdapter } from "./anthropic-provider.js";
import { anthropicConformanceSpec, unknownEvent } from "./test/anthropic-conformance-spec.js";
import {
  apiError,
  baseURL,
  blockStop,
  errorEvent,
  messageBody,
  messageDelta,
  messageStart,
  messageStop,
  messagesURL,
  model,
  ping,
  respondWith,
  responseHeaders,
  streamWith,
  textBlockStart,
  textDelta,
  textMessage,
  textStreamFrames,
  wireUsage,
} from "./test/anthropic-wire.js";
import { capturePost } from "./test/capture-requests.js";

runConformanceSuite(anthropicConformanceSpec);

const legacyModel = "claude-3-7-sonnet-20250219";
const config = { type: "anthropic", apiKey: fixture.canaryKey, baseURL } satisfies AnthropicProviderConfig;

function languageModel(
  name = model,
  overrides: Partial<typeof config> & { headers?: Record<string, string> } = {},
) {
  return anthropicAdapter
    .create("anthropic", { ...config, ...overrides }, createTestProviderContext())
    .languageModel(name);
}

function callOptions(overrides: Partial<CallOptions> = {}): CallOptions {
  return {
    messages: [{ role: "user", content: "Say hello." }],
    maxTokens: 64,
    signal: new AbortController().signal,
    ...overrides,
  };
}

async function sentBody(options: CallOptions, name = model, headers?: Record<string, string>) {
  const capture = capturePost(messagesURL, () =>
    HttpResponse.json(textMessage, { headers: responseHeaders }),
  );
  server.use(capture.handler);
  const result = await languageModel(name, headers ? { headers } : {}).doGenerate(options);
  const [request] = capture.requests;
  if (!request) throw new Error("no request reached the server");
  return { body: request.body, headers: request.headers, result };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error,
  );
}

const server = useMswServer();

describe("anthropic request mapping", () => {
  it("sends every system message as the top-level system prompt, in order", async () => {
    const messages: Message[] = [
      { role: "system", content: "You are terse." },
      { role: "user", content: "Hi." },
      { role: "system", content: "Answer in French." },
    ];
    const { body } = await sentBody(callOptions({ messages }));
    expect(body.system).toBe("You are terse.\n\nAnswer in French.");
    expect(body.messages).toEqual([{ role: "user", content: [{ type: "text", text: "Hi." }] }]);
  });

  it("maps tool calls to tool_use blocks and tool results to a user turn that leads with tool_result", async () => {
    const messages: Message[] = [
      { role: "user", content: "Weather in Paris and Rome?" },
      {
        role: "assistant",
        content: "Checking.",
        toolCalls: [
          { id: "toolu_1", name: "get_weather", arguments: '{"city":"Paris"}' },
          { id: "toolu_2", name: "get_weather", arguments: '{"city":"Rome"}' },
        ],
      },
      { role: "tool", toolCallId: "toolu_1", content: "21°C" },
      { role: "tool", toolCallId: "toolu_2", content: "25°C" },
      { role: "user", content: "Which is warmer?" },
    ];
    const { body } = await sentBody(callOptions({ messages }));
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Weather in Paris and Rome?" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Checking." },
          { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
          { type: "tool_use", id: "toolu_2", name: "get_weather", input: { city: "Rome" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_1", content: "21°C" },
          { type: "tool_result", tool_use_id: "toolu_2", content: "25°C" },
          { type: "text", text: "Which is warmer?" },
        ],
      },
    ]);
  });

  it("moves tool results ahead of user text that came before them in the merged turn", async () => {
    const messages: Message[] = [
      { role: "user", content: "Weather?" },
      {
        role: "assistant",
        content: "",
        toolCalls: [{ id: "toolu_1", name: "get_weather", arguments: "{}" }],
      },
      { role: "user", content: "In Celsius, please." },
      { role: "tool", toolCallId: "toolu_1", content: "21°C" },
    ];
    const { body } = await sentBody(callOptions({ messages }));
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Weather?" }] },
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input: {} }] },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_1", content: "21°C" },
          { type: "text", text: "In Celsius, please." },
        ],
      },
    ]);
  });

  it("merges consecutive turns of one role and drops empty text", async () => {
    const messages: Message[] = [
      { role: "user", content: "One." },
      { role: "user", content: "" },
      { role: "user", content: "Two." },
      { role: "assistant", content: "" },
    ];
    const { body } = await sentBody(callOptions({ messages }));
    expect(body.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "One." },
          { type: "text", text: "Two." },
        ],
      },
    ]);
  });

  it("sends max_tokens, stop_sequences, tools with input_schema and each tool choice in the API's form", async () => {
    const choices = [
      ["auto", { type: "auto" }],
      ["none", { type: "none" }],
      ["required", { type: "any" }],
      [{ name: "get_weather" }, { type: "tool", name: "get_weather" }],
    ] as const;
    for (const [toolChoice, wire] of choices) {
      server.resetHandlers();
      const { body } = await sentBody(
        callOptions({ tools: [fixture.tool], toolChoice, stop: ["\n\nHuman:"] }),
      );
      expect(body).toMatchObject({
        model,
        max_tokens: 64,
        stop_sequences: ["\n\nHuman:"],
        tools: [
          {
            name: fixture.tool.name,
            description: fixture.tool.description,
            input_schema: fixture.tool.parameters,
          },
        ],
        tool_choice: wire,
      });
    }
  });

  it("sends the key as a bearer token under API version 2026-10-21", async () => {
    const { headers } = await sentBody(callOptions());
    expect(headers.get("authorization")).toBe(`Bearer ${fixture.canaryKey}`);
    expect(headers.get("anthropic-version")).toBe("2026-10-21");
  });

  it("leaves out temperature, top_p and seed, which API version 2026-10-21 rejects, and warns", async () => {
    const { body, result } = await sentBody(callOptions({ temperature: 0.2, topP: 0.9, seed: 7 }));
    expect(body).not.toHaveProperty("temperature");
    expect(body).not.toHaveProperty("top_p");
    expect(result.warnings).toEqual([
      "temperature was not sent: Anthropic API version 2026-10-21 rejects sampling parameters",
      "topP was not sent: Anthropic API version 2026-10-21 rejects sampling parameters",
      "seed was not sent: Anthropic does not support seeded sampling",
    ]);
  });

  it("sends temperature, top_p and top_k when the provider pins anthropic-version 2023-06-01", async () => {
    const options = callOptions({ temperature: 0.2, topP: 0.9, providerOptions: { top_k: 40 } });
    const { body, headers, result } = await sentBody(options, model, { "Anthropic-Version": "2023-06-01" });
    expect(headers.get("anthropic-version")).toBe("2023-06-01");
    expect(body).toMatchObject({ temperature: 0.2, top_p: 0.9, top_k: 40 });
    expect(result.warnings).toEqual([]);
  });

  it("passes metadata.user_id, thinking, effort and service_tier through", async () => {
    const providerOptions = {
      metadata: { user_id: "u-42" },
      thinking: { type: "enabled", budget_tokens: 2048 },
      effort: "low",
      service_tier: "standard_only",
    };
    const { body } = await sentBody(callOptions({ providerOptions }));
    expect(body).toMatchObject({
      metadata: { user_id: "u-42" },
      thinking: { type: "enabled", budget_tokens: 2048 },
      output_config: { effort: "low" },
      service_tier: "standard_only",
    });
  });

  it.each([
    [{ top_k: 40 }, "providerOptions.anthropic.top_k"],
    [{ topK: 40 }, "providerOptions.anthropic.topK"],
    [
      { thinking: { type: "enabled", budget_tokens: 512 } },
      "providerOptions.anthropic.thinking.budget_tokens",
    ],
    [{ metadata: { user_id: 42 } }, "providerOptions.anthropic.metadata.user_id"],
  ])("rejects providerOptions %j before sending, naming %s", async (providerOptions, field) => {
    const error = await failure(languageModel().doGenerate(callOptions({ providerOptions })));
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as InvalidRequestError).field).toBe(field);
  });

  it("rejects a tool call whose arguments are not JSON, naming the message", async () => {
    const messages: Message[] = [
      { role: "user", content: "Weather?" },
      {
        role: "assistant",
        content: "",
        toolCalls: [{ id: "toolu_1", name: "get_weather", arguments: "{city:" }],
      },
    ];
    const error = await failure(languageModel().doGenerate(callOptions({ messages })));
    expect((error as InvalidRequestError).field).toBe("messages[1].toolCalls[0].arguments");
  });

  it("declares no log-probs and refuses a call that asks for them rather than dropping the need", async () => {
    const claude = languageModel();
    expect(claude.capabilities).toMatchObject({
      logprobs: 0,
      tools: true,
      jsonSchema: true,
      contextWindow: 200_000,
    });
    const error = await failure(claude.doGenerate(callOptions({ logprobs: 5 })));
    expect((error as InvalidRequestError).field).toBe("logprobs");
  });
});

describe("anthropic JSON output", () => {
  it("asks for structured output through output_config.format on models that support it", async () => {
    const { body } = await sentBody(callOptions({ responseFormat: fixture.responseFormat }));
    expect(body.output_config).toEqual({
      format: { type: "json_schema", schema: fixture.responseFormat.schema },
    });
    expect(body).not.toHaveProperty("tools");
  });

  it("answers through a forced tool call on models without structured outputs, returning its input as text", async () => {
    const capture = capturePost(messagesURL, () =>
      HttpResponse.json(
        messageBody({
          content: [{ type: "tool_use", id: "toolu_01", name: "weather", input: fixture.json }],
          stopReason: "tool_use",
          usage: wireUsage(fixture.usage),
        }),
        { headers: responseHeaders },
      ),
    );
    server.use(capture.handler);
    const result = await languageModel(legacyModel).doGenerate(
      callOptions({ responseFormat: fixture.responseFormat }),
    );
    expect(capture.requests[0]?.body).toMatchObject({
      tools: [{ name: "weather", input_schema: fixture.responseFormat.schema }],
      tool_choice: { type: "tool", name: "weather" },
    });
    expect(capture.requests[0]?.body).not.toHaveProperty("output_config");
    expect(JSON.parse(result.text)).toEqual(fixture.json);
    expect(result.finishReason).toBe("stop");
    expect(result.toolCalls).toEqual([]);
  });

  it("streams the forced tool's input as text deltas", async () => {
    const arguments_ = JSON.stringify(fixture.json);
    server.use(
      streamWith([
        messageStart(fixture.usage),
        sseEvent("content_block_start", {
          type: "content_block_start",
          index: 0,
          content_block: { type: "tool_use", id: "toolu_01", name: "json_response", input: {} },
        }),
        ...[arguments_.slice(0, 10), arguments_.slice(10)].map((partial) =>
          sseEvent("content_block_delta", {
            type: "content_block_delta",
            index: 0,
            delta: { type: "input_json_delta", partial_json: partial },
          }),
        ),
        blockStop(0),
        messageDelta("tool_use", fixture.usage.outputTokens),
        messageStop,
      ]),
    );
    const { parts, error } = await collectStream(() =>
      languageModel(legacyModel).doStream(callOptions({ responseFormat: { type: "json_object" } })),
    );
    expect(error).toBeUndefined();
    expect(parts.map((part) => part.type)).toEqual(["text-delta", "text-delta", "finish"]);
    expect(parts.map((part) => (part.type === "text-delta" ? part.text : "")).join("")).toBe(arguments_);
    expect(parts.at(-1)).toMatchObject({ finishReason: "stop" });
  });

  it("rejects tools combined with a JSON format that needs the forced tool", async () => {
    const options = callOptions({ tools: [fixture.tool], responseFormat: fixture.responseFormat });
    const error = await failure(languageModel(legacyModel).doGenerate(options));
    expect((error as InvalidRequestError).field).toBe("responseFormat");
  });
});

describe("anthropic streams", () => {
  it("yields no part for pings and skips unknown event types", async () => {
    const [start, blockStart, ...rest] = textStreamFrames();
    server.use(streamWith([start ?? "", ping, unknownEvent, blockStart ?? "", ping, ...rest]));
    const { parts, error } = await collectStream(() => languageModel().doStream(callOptions()));
    expect(error).toBeUndefined();
    expect(parts.map((part) => part.type)).toEqual([...fixture.textDeltas.map(() => "text-delta"), "finish"]);
  });

  it("streams thinking as reasoning parts, kept out of the answer, and skips redacted thinking", async () => {
    server.use(
      streamWith([
        messageStart(fixture.usage),
        sseEvent("content_block_start", {
          type: "content_block_start",
          index: 0,
          content_block: { type: "thinking", thinking: "", signature: "" },
        }),
        sseEvent("content_block_delta", {
          type: "content_block_delta",
          index: 0,
          delta: { type: "thinking_delta", thinking: "The user wants a greeting." },
        }),
        sseEvent("content_block_delta", {
          type: "content_block_delta",
          index: 0,
          delta: {
            type: "signature_delta",
            signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds",
          },
        }),
        blockStop(0),
        sseEvent("content_block_start", {
          type: "content_block_start",
          index: 1,
          content_block: {
            type: "redacted_thinking",
            data: "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr",
          },
        }),
        blockStop(1),
        textBlockStart(2),
        textDelta(2, fixture.text),
        blockStop(2),
        messageDelta("end_turn", fixture.usage.outputTokens),
        messageStop,
      ]),
    );
    const { parts } = await collectStream(() => languageModel().doStream(callOptions()));
    expect(parts).toEqual([
      { type: "reasoning-delta", text: "The user wants a greeting." },
      { type: "text-delta", text: fixture.text },
      { type: "finish", finishReason: "stop", usage: fixture.usage, requestId: fixture.requestId },
    ]);
  });

  it("throws a mid-stream overloaded_error as a retryable overloaded error, possibly billed", async () => {
    server.use(
      streamWith([
        messageStart(fixture.usage),
        textBlockStart(0),
        textDelta(0, "Hel"),
        errorEvent("overloaded_error", "Overloaded"),
      ]),
    );
    const { parts, error } = await collectStream(() => languageModel().doStream(callOptions()));
    expect(parts).toEqual([{ type: "text-delta", text: "Hel" }]);
    expect(error).toBeInstanceOf(ProviderCallError);
    expect(error).toMatchObject({
      kind: "overloaded",
      retryable: true,
      possiblyBilled: true,
      requestId: fixture.requestId,
      status: undefined,
    });
  });

  it("takes the input token count from message_delta when it carries one", async () => {
    server.use(
      streamWith([
        messageStart({ inputTokens: 3 }),
        textBlockStart(0),
        textDelta(0, "Hi"),
        blockStop(0),
        sseEvent("message_delta", {
          type: "message_delta",
          delta: { stop_reason: "max_tokens", stop_sequence: null },
          usage: {
            input_tokens: 21,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
            output_tokens: 64,
          },
        }),
        messageStop,
      ]),
    );
    const { parts } = await collectStream(() => languageModel().doStream(callOptions()));
    expect(parts.at(-1)).toMatchObject({
      finishReason: "length",
      usage: { inputTokens: 21, outputTokens: 64 },
    });
  });
});

describe("anthropic results", () => {
  it("returns thinking blocks as the result's reasoning, apart from the text", async () => {
    server.use(
      respondWith(
        messageBody({
          content: [
            {
              type: "thinking",
              thinking: "A greeting is wanted. ",
              signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds",
            },
            {
              type: "redacted_thinking",
              data: "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr",
            },
            {
              type: "thinking",
              thinking: "Keep it short.",
              signature: "EuYBCkQYAiJAgCs1le6/Pol5Z4/JMomVOouGrWdhYNsH3ukzUECbB6iWrSQtsQuRHJID6lWV",
            },
            { type: "text", text: fixture.text },
          ],
          stopReason: "end_turn",
          usage: wireUsage(fixture.usage),
        }),
      ),
    );
    const result = await languageModel().doGenerate(callOptions());
    expect(result.reasoning).toBe("A greeting is wanted. Keep it short.");
    expect(result.text).toBe(fixture.text);
  });

  it("has no reasoning when the answer has no thinking block", async () => {
    server.use(respondWith(textMessage));
    expect(await languageModel().doGenerate(callOptions())).not.toHaveProperty("reasoning");
  });

  it.each([
    ["max_tokens", "length"],
    ["stop_sequence", "stop"],
    ["refusal", "content-filter"],
    ["pause_turn", "other"],
  ])("maps stop_reason %s to finish reason %s", async (stopReason, finishReason) => {
    server.use(
      respondWith(
        messageBody({ content: [{ type: "text", text: "…" }], stopReason, usage: wireUsage(fixture.usage) }),
      ),
    );
    const result = await languageModel().doGenerate(callOptions());
    expect(result.finishReason).toBe(finishReason);
  });

  it("counts cache reads and writes as input tokens and reports cache reads as cached", async () => {
    const usage = {
      input_tokens: 5,
      cache_creation_input_tokens: 100,
      cache_read_input_tokens: 2000,
      output_tokens: 9,
    };
    server.use(
      respondWith(messageBody({ content: [{ type: "text", text: "ok" }], stopReason: "end_turn", usage })),
    );
    const result = await languageModel().doGenerate(callOptions());
    expect(result.usage).toEqual({ inputTokens: 2105, outputTokens: 9, cachedInputTokens: 2000 });
  });
});

describe("anthropic reliability", () => {
  it("sends exactly one request when the API answers 529: the router is the only retry layer", async () => {
    const capture = capturePost(messagesURL, () =>
      HttpResponse.json(apiError("overloaded_error", "Overloaded"), {
        status: 529,
        headers: responseHeaders,
      }),
    );
    server.use(capture.handler);
    const error = await failure(languageModel().doGenerate(callOptions()));
    expect(error).toMatchObject({ kind: "overloaded", retryable: true, status: 529 });
    expect(capture.requests).toHaveLength(1);
  });

  it("maps a dropped connection to a retryable network error that may have been billed", async () => {
    server.use(http.post(messagesURL, () => HttpResponse.error()));
    const error = await failure(languageModel().doGenerate(callOptions()));
    expect(error).toMatchObject({ kind: "network", retryable: true, possiblyBilled: true });
  });

  it("knows a refused connection was never billed", async () => {
    const refused = Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), { code: "ECONNREFUSED" }),
    });
    const refusing = anthropicAdapter
      .create("anthropic", config, createTestProviderContext({ fetch: () => Promise.reject(refused) }))
      .languageModel(model);
    const error = await failure(refusing.doGenerate(callOptions()));
    expect(error).toMatchObject({ kind: "network", retryable: true, possiblyBilled: false });
  });

  it("ends an in-flight request with kind aborted when the signal aborts", async () => {
    server.use(
      http.post(messagesURL, async () => {
        await delay("infinite");
        return HttpResponse.json(textMessage);
      }),
    );
    const controller = new AbortController();
    const call = languageModel().doGenerate(callOptions({ signal: controller.signal }));
    setTimeout(() => controller.abort(), 20);
    const error = await failure(call);
    expect(error).toMatchObject({ kind: "aborted", retryable: false });
  });

  it("uses the request-id header of the response as the result's request id", async () => {
    server.use(respondWith(textMessage));
    const model_: LanguageModel = languageModel();
    expect((await model_.doGenerate(callOptions())).requestId).toBe(fixture.requestId);
  });
});
