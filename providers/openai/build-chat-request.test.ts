import { describe, expect, it } from "vitest";
import { type CallOptions, InvalidRequestError } from "../../src/core/index.js";
import { buildChatRequest } from "./build-chat-request.js";
import { testChatSettings } from "./fixtures/test-chat-settings.js";

function options(overrides: Partial<CallOptions> = {}): CallOptions {
  return {
    messages: [{ role: "user", content: "Weather in Paris?" }],
    maxTokens: 128,
    signal: new AbortController().signal,
    ...overrides,
  };
}

function invalidField(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (InvalidRequestError.isInstance(error)) return error.field;
    throw error;
  }
  throw new Error("expected an InvalidRequestError");
}

describe("buildChatRequest", () => {
  it("maps every message role, assistant tool calls included", () => {
    const { body } = buildChatRequest(
      options({
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Weather in Paris?" },
          {
            role: "assistant",
            content: "",
            toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }],
          },
          { role: "tool", toolCallId: "call_1", content: '{"temperatureC":21}' },
          { role: "assistant", content: "21 °C." },
        ],
      }),
      testChatSettings(),
      "generate",
    );
    expect(body.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Weather in Paris?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "call_1",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: '{"temperatureC":21}' },
      { role: "assistant", content: "21 °C." },
    ]);
  });

  it("sends max_completion_tokens to OpenAI and max_tokens to hosts that only read that", () => {
    expect(buildChatRequest(options(), testChatSettings(), "generate").body).toMatchObject({
      max_completion_tokens: 128,
    });
    const legacy = buildChatRequest(
      options(),
      testChatSettings({ maxTokensParam: "max_tokens" }),
      "generate",
    ).body;
    expect(legacy).toMatchObject({ max_tokens: 128 });
    expect(legacy).not.toHaveProperty("max_completion_tokens");
  });

  it("passes sampling settings, stop sequences and seed through", () => {
    const { body, warnings } = buildChatRequest(
      options({ temperature: 0.2, topP: 0.9, stop: ["\n\n"], seed: 7 }),
      testChatSettings(),
      "generate",
    );
    expect(body).toMatchObject({ temperature: 0.2, top_p: 0.9, stop: ["\n\n"], seed: 7 });
    expect(warnings).toEqual([]);
  });

  it("maps tools and a named tool choice", () => {
    const { body } = buildChatRequest(
      options({
        tools: [
          { name: "get_weather", description: "Weather.", parameters: { type: "object", properties: {} } },
        ],
        toolChoice: { name: "get_weather" },
      }),
      testChatSettings(),
      "generate",
    );
    expect(body.tools).toEqual([
      {
        type: "function",
        function: {
          name: "get_weather",
          description: "Weather.",
          parameters: { type: "object", properties: {} },
        },
      },
    ]);
    expect(body.tool_choice).toEqual({ type: "function", function: { name: "get_weather" } });
  });

  it("refuses a tool choice without tools, naming toolChoice", () => {
    expect(
      invalidField(() =>
        buildChatRequest(options({ toolChoice: "required" }), testChatSettings(), "generate"),
      ),
    ).toBe("toolChoice");
  });

  it("names a JSON schema 'response' by default and passes strict only when given", () => {
    const schema = { type: "object", properties: { city: { type: "string" } } };
    const plain = buildChatRequest(
      options({ responseFormat: { type: "json_schema", schema } }),
      testChatSettings(),
      "generate",
    );
    expect(plain.body.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "response", schema },
    });
    const strict = buildChatRequest(
      options({ responseFormat: { type: "json_schema", schema, name: "city", strict: true } }),
      testChatSettings(),
      "generate",
    );
    expect(strict.body.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "city", schema, strict: true },
    });
  });

  it("maps json_object and sends nothing for a text response format", () => {
    expect(
      buildChatRequest(options({ responseFormat: { type: "json_object" } }), testChatSettings(), "generate")
        .body.response_format,
    ).toEqual({ type: "json_object" });
    expect(
      buildChatRequest(options({ responseFormat: { type: "text" } }), testChatSettings(), "generate").body,
    ).not.toHaveProperty("response_format");
  });

  it("asks for log-probs with top_logprobs, or as an integer top-k on the integer wire", () => {
    expect(buildChatRequest(options({ logprobs: 5 }), testChatSettings(), "generate").body).toMatchObject({
      logprobs: true,
      top_logprobs: 5,
    });
    const integer = buildChatRequest(
      options({ logprobs: 5 }),
      testChatSettings({ logprobsWire: "integer" }),
      "generate",
    );
    expect(integer.body.logprobs).toBe(5);
    expect(integer.body).not.toHaveProperty("top_logprobs");
  });

  it("refuses more log-prob alternatives than the target returns", () => {
    expect(
      invalidField(() =>
        buildChatRequest(options({ logprobs: 8 }), testChatSettings({ maxTopLogprobs: 5 }), "generate"),
      ),
    ).toBe("logprobs");
  });

  it("asks streams for usage with stream_options", () => {
    expect(buildChatRequest(options(), testChatSettings(), "stream").body.stream_options).toEqual({
      include_usage: true,
    });
    expect(buildChatRequest(options(), testChatSettings(), "generate").body).not.toHaveProperty(
      "stream_options",
    );
  });

  it("drops an optional parameter the target does not accept, with a warning naming it", () => {
    const { body, warnings } = buildChatRequest(
      options({ temperature: 0.3 }),
      testChatSettings({ dropParams: new Set(["temperature"]) }),
      "generate",
    );
    expect(body).not.toHaveProperty("temperature");
    expect(warnings).toEqual(["temperature was not sent: the test target does not accept temperature"]);
  });

  it("refuses a dropped need instead of silently sending the call without it", () => {
    const settings = testChatSettings({ dropParams: new Set(["logprobs", "tools", "response_format"]) });
    expect(invalidField(() => buildChatRequest(options({ logprobs: 2 }), settings, "generate"))).toBe(
      "logprobs",
    );
    expect(
      invalidField(() =>
        buildChatRequest(
          options({ tools: [{ name: "f", parameters: { type: "object" } }] }),
          settings,
          "generate",
        ),
      ),
    ).toBe("tools");
    expect(
      invalidField(() =>
        buildChatRequest(options({ responseFormat: { type: "json_object" } }), settings, "generate"),
      ),
    ).toBe("responseFormat");
  });

  it("passes valid provider options and warns about parallel_tool_calls without tools", () => {
    const { body, warnings } = buildChatRequest(
      options({ providerOptions: { user: "user-42", service_tier: "flex", parallel_tool_calls: false } }),
      testChatSettings(),
      "generate",
    );
    expect(body).toMatchObject({ user: "user-42", service_tier: "flex" });
    expect(body).not.toHaveProperty("parallel_tool_calls");
    expect(warnings).toEqual([
      "providerOptions.openai.parallel_tool_calls was not sent: it applies only to calls with tools",
    ]);
  });

  it("refuses an invalid provider option value, naming providerOptions.openai.<key>", () => {
    const run = () =>
      buildChatRequest(
        options({ providerOptions: { service_tier: "turbo" } }),
        testChatSettings(),
        "generate",
      );
    expect(invalidField(run)).toBe("providerOptions.openai.service_tier");
  });

  it("refuses an unknown provider option, naming it and listing the known ones", () => {
    try {
      buildChatRequest(
        options({ providerOptions: { reasoningEffort: "low" } }),
        testChatSettings(),
        "generate",
      );
      expect.unreachable();
    } catch (error) {
      expect(InvalidRequestError.isInstance(error)).toBe(true);
      expect((error as InvalidRequestError).field).toBe("providerOptions.openai.reasoningEffort");
      expect((error as Error).message).toContain("reasoning_effort");
    }
  });
});
