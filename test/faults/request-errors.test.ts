import { HttpResponse, http } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AllTargetsFailedError,
  type ChatRequest,
  InvalidRequestError,
  ProviderCallError,
  type Router,
} from "../../index.js";
import { mswServer, useMswServer } from "../support/msw-server.js";
import { startHarness, track } from "./support/fault-harness.js";
import { llamaServerTokenizer } from "./support/llama-server-tokenizer.js";
import { llamaServerShape, openaiShape, providerShapes } from "./support/provider-shapes.js";
import { answer, fail, type Reply, refusal } from "./support/replies.js";
import { Upstream } from "./support/upstream.js";

useMswServer();

const messages = [{ role: "user" as const, content: "hi" }];

const objectSchema = (properties: Record<string, unknown>) => ({ type: "object", properties });
const tool = (name: string, parameters: Record<string, unknown> = objectSchema({})) => ({ name, parameters });
const schemaFormat = (schema: unknown) => ({ type: "json_schema", schema });
const user = { role: "user", content: "What is the weather in Paris?" };
const callWeather = {
  role: "assistant",
  content: "",
  toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }],
};
const nested = (depth: number): Record<string, unknown> =>
  depth === 0 ? { type: "string" } : objectSchema({ a: nested(depth - 1) });

/** [what is wrong, the request (messages default to one user message), the field named, the message]. */
const invalidRequests: [string, Record<string, unknown>, string, RegExp][] = [
  ["empty user content", { messages: [{ role: "user", content: "" }] }, "messages[0].content", /: is empty$/],
  [
    "whitespace-only user content",
    { messages: [{ role: "user", content: " \n\t" }] },
    "messages[0].content",
    /only whitespace/,
  ],
  [
    "an empty system prompt",
    { messages: [{ role: "system", content: "" }, user] },
    "messages[0].content",
    /is empty/,
  ],
  [
    "a system-only conversation",
    { messages: [{ role: "system", content: "Be brief." }] },
    "messages",
    /no user or tool message/,
  ],
  [
    "system then assistant only",
    {
      messages: [
        { role: "system", content: "Be brief." },
        { role: "assistant", content: "Hi" },
      ],
    },
    "messages",
    /no user or tool message/,
  ],
  [
    "an empty assistant message without tool calls",
    { messages: [user, { role: "assistant", content: "" }, user] },
    "messages[1].content",
    /is empty/,
  ],
  [
    "a tool result that answers no tool call",
    { messages: [user, { role: "tool", toolCallId: "call_9", content: "18°C" }] },
    "messages[1].toolCallId",
    /answers no tool call/,
  ],
  [
    "a tool result for a call answered already",
    {
      messages: [
        user,
        callWeather,
        { role: "tool", toolCallId: "call_1", content: "18°C" },
        { role: "tool", toolCallId: "call_1", content: "18°C" },
      ],
    },
    "messages[3].toolCallId",
    /already answered/,
  ],
  [
    "a tool call left unanswered",
    { messages: [user, callWeather, user] },
    "messages[1].toolCalls[0].id",
    /no tool message answering it before messages\[2\]/,
  ],
  [
    "a conversation ending on an unanswered tool call",
    { messages: [user, callWeather] },
    "messages[1].toolCalls[0].id",
    /before the conversation ends/,
  ],
  [
    "two tool calls with one id",
    { messages: [user, { ...callWeather, toolCalls: [...callWeather.toolCalls, ...callWeather.toolCalls] }] },
    "messages[1].toolCalls[1].id",
    /repeats the id of messages\[1\]\.toolCalls\[0\]/,
  ],
  [
    "an unknown message field",
    { messages: [{ role: "user", content: "hi", name: "bob" }] },
    "messages[0].name",
    /not a field of a user message/,
  ],
  [
    "an unknown role",
    { messages: [{ role: "developer", content: "hi" }] },
    "messages[0].role",
    /must be one of/,
  ],
  [
    "duplicate tool names",
    { tools: [tool("get_weather"), tool("get_weather")] },
    "tools[1].name",
    /repeats tools\[0\]\.name/,
  ],
  ["a tool name providers refuse", { tools: [tool("get weather")] }, "tools[0].name", /letters, digits/],
  [
    "toolChoice naming no tool",
    { tools: [tool("get_weather")], toolChoice: { name: "get_time" } },
    "toolChoice.name",
    /not one of the request's tools \(get_weather\)/,
  ],
  ["toolChoice without tools", { toolChoice: "required" }, "toolChoice", /needs tools/],
  [
    "a dangling local $ref",
    { responseFormat: schemaFormat(objectSchema({ a: { $ref: "#/$defs/missing" } })) },
    "responseFormat.schema.properties.a.$ref",
    /points to nothing/,
  ],
  [
    "a $ref to a schema nobody can fetch",
    { tools: [tool("t", objectSchema({ a: { $ref: "https://example.com/city.json" } }))] },
    "tools[0].parameters.properties.a.$ref",
    /points to nothing/,
  ],
  [
    "an unknown type",
    { tools: [tool("t", objectSchema({ a: { type: "strin" } }))] },
    "tools[0].parameters.properties.a.type",
    /"strin" is not a JSON type/,
  ],
  [
    "an invalid pattern",
    { responseFormat: schemaFormat(objectSchema({ a: { type: "string", pattern: "([a-z]" } })) },
    "responseFormat.schema.properties.a.pattern",
    /not a valid regular expression/,
  ],
  [
    "an invalid patternProperties key",
    { responseFormat: schemaFormat({ type: "object", patternProperties: { "(": {} } }) },
    'responseFormat.schema.patternProperties["("]',
    /not a valid regular expression/,
  ],
  [
    "a keyword ajv refuses",
    { responseFormat: schemaFormat(objectSchema({ a: { type: "string", minLength: -1 } })) },
    "responseFormat.schema.properties.a.minLength",
    /ajv cannot compile it: must be >= 0/,
  ],
  [
    "required that is not a list",
    { tools: [tool("t", { type: "object", required: "a" })] },
    "tools[0].parameters.required",
    /ajv cannot compile it: must be array/,
  ],
  [
    "an empty enum",
    { tools: [tool("t", objectSchema({ a: { enum: [] } }))] },
    "tools[0].parameters.properties.a.enum",
    /empty enum/,
  ],
  [
    "an empty anyOf",
    { tools: [tool("t", objectSchema({ a: { anyOf: [] } }))] },
    "tools[0].parameters.properties.a.anyOf",
    /at least one schema/,
  ],
  [
    "a non-object root",
    { responseFormat: schemaFormat({ type: "array", items: { type: "string" } }) },
    "responseFormat.schema.type",
    /must be "object"/,
  ],
  [
    "a root without a type",
    { tools: [tool("t", { properties: {} })] },
    "tools[0].parameters.type",
    /must be "object"/,
  ],
  [
    "a boolean root",
    { responseFormat: schemaFormat(true) },
    "responseFormat.schema",
    /must be an object schema/,
  ],
  [
    "an unsupported draft",
    { responseFormat: schemaFormat({ $schema: "http://json-schema.org/draft-04/schema#", type: "object" }) },
    "responseFormat.schema.$schema",
    /no supported draft/,
  ],
  [
    "absurd schema depth",
    { responseFormat: schemaFormat(nested(40)) },
    `responseFormat.schema${".properties.a".repeat(32)}`,
    /nests deeper than 64 levels/,
  ],
  [
    "a huge enum",
    {
      tools: [tool("t", objectSchema({ a: { enum: Array.from({ length: 60_000 }, (_, index) => index) } }))],
    },
    "tools[0].parameters.properties.a.enum",
    /takes the document past 20000 values/,
  ],
  [
    "NaN in a schema",
    { responseFormat: schemaFormat(objectSchema({ a: { type: "number", maximum: Number.NaN } })) },
    "responseFormat.schema.properties.a.maximum",
    /NaN: not a finite number/,
  ],
  [
    "a Date in a schema",
    { responseFormat: schemaFormat(objectSchema({ a: { type: "string", default: new Date(0) } })) },
    "responseFormat.schema.properties.a.default",
    /Date instance: not JSON data/,
  ],
  [
    "providerOptions for an unknown provider",
    { providerOptions: { opnai: { user: "u1" } } },
    "providerOptions.opnai",
    /neither a provider id nor a provider type of the policy \(did you mean `openai`\?\) \(known: a-provider, anthropic, b-provider, openai\)/,
  ],
  [
    "Infinity in providerOptions",
    { providerOptions: { openai: { logit_bias: { "50256": Number.POSITIVE_INFINITY } } } },
    "providerOptions.openai.logit_bias.50256",
    /not a finite number/,
  ],
  [
    "a function in providerOptions",
    { providerOptions: { "a-provider": { user: () => "u1" } } },
    "providerOptions.a-provider.user",
    /a function: not JSON data/,
  ],
  [
    "an unknown request field",
    { maxToken: 64 },
    "maxToken",
    /not a field of a request \(did you mean `maxTokens`\?\)/,
  ],
  [
    "a lone surrogate in content",
    { messages: [{ role: "user", content: "broken \uD83D emoji" }] },
    "messages[0].content",
    /lone surrogate \(U\+D83D\) at index 7/,
  ],
  [
    "a lone surrogate in a tool description",
    { tools: [{ ...tool("t"), description: "\uDE00" }] },
    "tools[0].description",
    /lone surrogate/,
  ],
  [
    "a lone surrogate in a schema key",
    { tools: [tool("t", objectSchema({ "\uD800": { type: "string" } }))] },
    'tools[0].parameters.properties["\\ud800"]',
    /has a key that contains a lone surrogate/,
  ],
  [
    "a NUL in content",
    { messages: [{ role: "user", content: "a\u0000b" }] },
    "messages[0].content",
    /NUL character \(U\+0000\) at index 1/,
  ],
  [
    "a NUL in a tool call's arguments",
    {
      messages: [
        user,
        { ...callWeather, toolCalls: [{ id: "c", name: "get_weather", arguments: "{\u0000}" }] },
        { role: "tool", toolCallId: "c", content: "" },
      ],
    },
    "messages[1].toolCalls[0].arguments",
    /NUL/,
  ],
  ["an empty stop sequence", { stop: ["END", ""] }, "stop[1]", /must not be empty/],
  [
    "too many tags",
    { tags: Array.from({ length: 33 }, (_, index) => `t${index}`) },
    "tags",
    /33 entries; the limit is 32/,
  ],
  ["a repeated tag", { tags: ["chat", "chat"] }, "tags[1]", /repeats the tag "chat"/],
  ["a tag with a control character", { tags: ["chat\n"] }, "tags[0]", /control character U\+000A/],
  ["a tag that is too long", { tags: ["t".repeat(129)] }, "tags[0]", /at most 128 characters/],
  [
    "too many metadata entries",
    { metadata: Object.fromEntries(Array.from({ length: 17 }, (_, index) => [`k${index}`, "v"])) },
    "metadata",
    /17 entries; the limit is 16/,
  ],
  [
    "a metadata value that is too long",
    { metadata: { session: "v".repeat(513) } },
    "metadata.session",
    /at most 512 characters/,
  ],
  ["a metadata value that is not a string", { metadata: { count: 3 } }, "metadata.count", /must be a string/],
  ["a NaN temperature", { temperature: Number.NaN }, "temperature", /finite number \(got NaN\)/],
  ["an infinite maxTokens", { maxTokens: Number.POSITIVE_INFINITY }, "maxTokens", /finite number/],
  ["a fractional maxTokens", { maxTokens: 10.5 }, "maxTokens", /integer/],
  ["a negative budget", { budget: { maxCostUsd: -1 } }, "budget.maxCostUsd", /at least 0/],
  ["a negative seed", { seed: -1 }, "seed", /at least 0/],
  ["a negative SLO", { slo: { ttftMs: -5 } }, "slo.ttftMs", /greater than 0/],
  ["topK past 20", { logprobs: { topK: 21 } }, "logprobs.topK", /at most 20/],
  ["a signal that is not an AbortSignal", { signal: { aborted: false } }, "signal", /must be an AbortSignal/],
  ["a zero timeoutMs", { timeoutMs: 0 }, "timeoutMs", /at least 1/],
  ["a negative timeoutMs", { timeoutMs: -1 }, "timeoutMs", /at least 1/],
  ["an absurd timeoutMs", { timeoutMs: 1e12 }, "timeoutMs", /at most 3600000/],
  [
    "an unknown route",
    { route: "defualt" },
    "route",
    /unknown route "defualt" \(routes: default\) \(did you mean `default`\?\)/,
  ],
];

describe.each(providerShapes)("scenario 14 ($name): 400 context length exceeded", (shape) => {
  const small = (id: string) => ({
    upstream: new Upstream(id, shape).replies(fail("context-length")),
    contextWindow: 8192,
  });

  it("does not retry the target and routes once to a larger-context target", async () => {
    const a = small("a");
    const b = small("b");
    const large = { upstream: new Upstream("large", shape).replies(answer("fits")), contextWindow: 128_000 };
    const { router } = await startHarness({ targets: { a, b, large } });
    const result = await router.chat({ messages });
    expect(result.text).toBe("fits");
    expect([a.upstream.count, b.upstream.count, large.upstream.count]).toEqual([1, 0, 1]);
    expect(result.route.attempts.map((attempt) => [attempt.target, attempt.errorKind])).toEqual([
      ["a", "context_length"],
      ["large", undefined],
    ]);
    expect(result.route.rejected).toContainEqual(
      expect.objectContaining({ target: "b", policy: "context-length" }),
    );
    await router.close();
  });

  it("reroutes only once: a second overflow ends the call with the context-length error", async () => {
    const a = small("a");
    const large = {
      upstream: new Upstream("large", shape).replies(fail("context-length")),
      contextWindow: 128_000,
    };
    const huge = { upstream: new Upstream("huge", shape).replies(answer("fits")), contextWindow: 1_000_000 };
    const { router } = await startHarness({ targets: { a, large, huge } });
    const error = await track(router.chat({ messages })).error();
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: "context_length", target: "large" });
    expect((error as ProviderCallError).trace?.attempts.map((attempt) => attempt.target)).toEqual([
      "a",
      "large",
    ]);
    expect(huge.upstream.count).toBe(0);
    await router.close();
  });

  it("ends with a clear context-length error when no larger target exists", async () => {
    const a = small("a");
    const b = small("b");
    const { router } = await startHarness({ targets: { a, b } });
    const error = await track(router.chat({ messages })).error();
    expect(ProviderCallError.isInstance(error)).toBe(true);
    const overflow = error as ProviderCallError;
    expect(overflow.kind).toBe("context_length");
    expect(overflow.target).toBe("a");
    expect(overflow.trace?.rejected).toContainEqual(
      expect.objectContaining({ target: "b", policy: "context-length" }),
    );
    expect(b.upstream.count).toBe(0);
    await router.close();
  });

  it("keeps failing over normally when the larger target fails for another reason", async () => {
    const a = small("a");
    const large = { upstream: new Upstream("large", shape).replies(fail("auth")), contextWindow: 128_000 };
    const { router } = await startHarness({ targets: { a, large } });
    const error = await track(router.chat({ messages })).error();
    expect(AllTargetsFailedError.isInstance(error)).toBe(true);
    expect((error as AllTargetsFailedError).errors.map((entry) => (entry as ProviderCallError).kind)).toEqual(
      ["context_length", "auth"],
    );
    await router.close();
  });
});

/** llama-server's answer to a prompt over its `--ctx-size` (test/fixtures/context-length). */
const llamaContextOverflow: Reply = () =>
  HttpResponse.json(
    {
      error: {
        code: 400,
        message: "request (826 tokens) exceeds the available context size (512 tokens), try increasing it",
        type: "exceed_context_size_error",
        n_prompt_tokens: 826,
        n_ctx: 512,
      },
    },
    { status: 400 },
  );

describe("scenario 14 (llama.cpp server): its own context-overflow 400", () => {
  it("falls over to the larger-context target when llama-server says the request exceeds its context size", async () => {
    const small = {
      upstream: new Upstream("small", llamaServerShape).replies(llamaContextOverflow),
      contextWindow: 8192,
    };
    const large = {
      upstream: new Upstream("large", llamaServerShape).replies(answer("fits")),
      contextWindow: 128_000,
    };
    // What llama-server reports for a Qwen2.5 template, read when the router builds its targets.
    const props = () =>
      HttpResponse.json({ chat_template_caps: { supports_tools: true, supports_tool_calls: true } });
    mswServer.use(
      http.get("http://small.llama.test:8080/props", props),
      http.get("http://large.llama.test:8080/props", props),
    );
    const { router } = await startHarness({ targets: { small, large } });
    // Each server counts priced prompts for the estimate with its own tokenizer (4 bytes a token here).
    const tokens = (prompt: string) => Math.ceil(prompt.length / 4);
    mswServer.use(
      ...llamaServerTokenizer(small.upstream, tokens),
      ...llamaServerTokenizer(large.upstream, tokens),
    );
    const result = await router.chat({ messages });
    expect(result.text).toBe("fits");
    expect(result.route.attempts.map((attempt) => [attempt.target, attempt.errorKind])).toEqual([
      ["small", "context_length"],
      ["large", undefined],
    ]);
    expect(small.upstream.count).toBe(1);
    await router.close();
  });
});

describe("scenario 15 (openai): content-policy refusal as an error", () => {
  it("is not retried and ends the call with a typed error and its trace when the route disallows fallback", async () => {
    const a = new Upstream("a", openaiShape).replies(fail("content-filter"));
    const b = new Upstream("b", openaiShape).replies(answer("from b"));
    const { router } = await startHarness({ targets: { a, b } });
    const error = await track(router.chat({ messages })).error();
    expect(ProviderCallError.isInstance(error)).toBe(true);
    const refused = error as ProviderCallError;
    expect(refused.kind).toBe("content_filter");
    expect(refused.target).toBe("a");
    expect(refused.trace?.attempts).toEqual([
      expect.objectContaining({ target: "a", outcome: "error", errorKind: "content_filter" }),
    ]);
    expect(JSON.parse(JSON.stringify(refused))).toMatchObject({
      kind: "content_filter",
      route: { route: "default" },
    });
    expect(a.count).toBe(1);
    expect(b.count).toBe(0);
    await router.close();
  });

  it("falls back when the route allows it, recording who refused", async () => {
    const a = new Upstream("a", openaiShape).replies(fail("content-filter"));
    const b = new Upstream("b", openaiShape).replies(answer("from b"));
    const { router } = await startHarness({
      targets: { a, b },
      routes: { default: { targets: ["a", "b"], fallbackOnContentFilter: true } },
    });
    const result = await router.chat({ messages });
    expect(result.text).toBe("from b");
    expect(a.count).toBe(1);
    expect(result.route.attempts.map((attempt) => [attempt.target, attempt.errorKind])).toEqual([
      ["a", "content_filter"],
      ["b", undefined],
    ]);
    await router.close();
  });
});

describe.each(providerShapes)("scenario 15 ($name): content-filter finish", (shape) => {
  it("answers with the refusal and records who refused when the route disallows fallback", async () => {
    const a = new Upstream("a", shape).replies(refusal("I can't help with that."));
    const b = new Upstream("b", shape).replies(answer("from b"));
    const { router } = await startHarness({ targets: { a, b } });
    const result = await router.chat({ messages });
    expect(result.finishReason).toBe("content-filter");
    expect(result.route.target).toBe("a");
    expect(result.route.attempts).toEqual([
      expect.objectContaining({ target: "a", errorKind: "content_filter", possiblyBilled: true }),
    ]);
    expect(a.count).toBe(1);
    expect(b.count).toBe(0);
    await router.close();
  });

  it("falls back without retrying when the route allows it, and charges the refusal", async () => {
    const a = new Upstream("a", shape).replies(refusal("I can't help with that."));
    const b = new Upstream("b", shape).replies(answer("from b"));
    const { router } = await startHarness({
      targets: { a, b },
      routes: { default: { targets: ["a", "b"], fallbackOnContentFilter: true } },
    });
    const result = await router.chat({ messages });
    expect(result.text).toBe("from b");
    expect(result.finishReason).toBe("stop");
    expect(a.count).toBe(1);
    const [refused, answered] = result.route.attempts;
    expect(refused).toMatchObject({ target: "a", errorKind: "content_filter" });
    expect(refused?.costUsd).toBeGreaterThan(0);
    expect(result.costUsd).toBeCloseTo((refused?.costUsd ?? 0) + (answered?.costUsd ?? 0), 15);
    await router.close();
  });

  it("cannot fall back once the refusal's text reached a stream's reader", async () => {
    const a = new Upstream("a", shape).replies(refusal("I can't help with that."));
    const b = new Upstream("b", shape).replies(answer("from b"));
    const { router } = await startHarness({
      targets: { a, b },
      routes: { default: { targets: ["a", "b"], fallbackOnContentFilter: true } },
    });
    const result = await router.stream({ messages }).result;
    expect(result.finishReason).toBe("content-filter");
    expect(b.count).toBe(0);
    await router.close();
  });
});

describe("invalid requests: an InvalidRequestError naming the field, and no provider called", () => {
  const a = new Upstream("a", openaiShape).replies(answer("should never be sent"));
  const b = new Upstream("b", providerShapes[1] ?? openaiShape).replies(answer("should never be sent"));
  let router: Router;
  beforeAll(async () => {
    ({ router } = await startHarness({ targets: { a, b } }));
  });
  afterAll(() => router.close());

  /** The error each entry point ends with; chat, stream and explain must agree. */
  async function errorsOf(request: ChatRequest): Promise<unknown[]> {
    const stream = router.stream(request);
    const parts = [];
    for await (const part of stream) parts.push(part);
    const last = parts.at(-1);
    return [
      await track(router.chat(request)).error(),
      await track(stream.result).error(),
      last?.type === "error" ? last.error : last,
      await track(router.explain(request)).error(),
    ];
  }

  it.each(invalidRequests)("rejects %s", async (_name, fields, field, message) => {
    const request = { messages: [user], ...fields } as unknown as ChatRequest;
    const errors = await errorsOf(request);
    for (const error of errors) {
      expect(InvalidRequestError.isInstance(error)).toBe(true);
      expect((error as InvalidRequestError).field).toBe(field);
      expect((error as InvalidRequestError).message).toMatch(message);
    }
    expect(new Set(errors.map((error) => (error as Error).message)).size).toBe(1);
    expect([a.count, b.count]).toEqual([0, 0]);
  });

  it("rejects what is not a request at all", async () => {
    for (const request of [null, "hi", [], { messages: "hi" }]) {
      const error = await track(router.chat(request as unknown as ChatRequest)).error();
      expect(InvalidRequestError.isInstance(error)).toBe(true);
    }
    expect(a.count).toBe(0);
  });
});

describe("200 requests in flight, half of them invalid", () => {
  it("answers each valid one and rejects each invalid one with its own field, sending none of those", async () => {
    const a = new Upstream("a", openaiShape).replies(answer("fine"));
    const { router } = await startHarness({ targets: { a } });
    const requests = Array.from({ length: 200 }, (_, index) => ({
      messages: [user],
      tools: [
        tool(
          `tool_${index}`,
          objectSchema({ [`field_${index}`]: { type: index % 2 === 0 ? "string" : "strin" } }),
        ),
      ],
    }));
    const outcomes = await Promise.allSettled(requests.map((request) => router.chat(request as ChatRequest)));
    for (const [index, outcome] of outcomes.entries()) {
      if (index % 2 === 0) expect(outcome).toMatchObject({ status: "fulfilled", value: { text: "fine" } });
      else {
        expect(outcome).toMatchObject({
          status: "rejected",
          reason: { field: `tools[0].parameters.properties.field_${index}.type` },
        });
      }
    }
    expect(a.count).toBe(100);
    await router.close();
  });
});

describe("valid requests that look close to invalid ones reach the provider", () => {
  it.each<[string, Record<string, unknown>]>([
    [
      "an assistant message with tool calls and empty content",
      { messages: [user, callWeather, { role: "tool", toolCallId: "call_1", content: "18°C" }] },
    ],
    [
      "an empty tool result (a tool that printed nothing)",
      { messages: [user, callWeather, { role: "tool", toolCallId: "call_1", content: "" }] },
    ],
    ["toolChoice none without tools", { toolChoice: "none" }],
    [
      "providerOptions keyed by provider id and by provider type",
      { providerOptions: { "a-provider": { user: "u1" }, openai: { user: "u2" } } },
    ],
    [
      "a schema with local references, tuples of draft-07 and unknown keywords",
      {
        tools: [
          tool("t", {
            $schema: "http://json-schema.org/draft-07/schema#",
            type: "object",
            definitions: { city: { type: "string", "x-order": 1 } },
            properties: {
              a: { $ref: "#/definitions/city" },
              pair: { type: "array", items: [{ type: "string" }, { type: "number" }] },
            },
          }),
        ],
      },
    ],
    [
      "a schema of draft 2020-12 with $defs and prefixItems",
      {
        responseFormat: schemaFormat({
          type: "object",
          $defs: { n: { type: "number" } },
          properties: {
            p: { prefixItems: [{ $ref: "#/$defs/n" }] },
            e: { enum: ["x"], pattern: "^\\p{L}+$" },
          },
        }),
      },
    ],
    [
      "a stop sequence of whitespace, emoji in content, optional fields set to undefined",
      {
        messages: [{ role: "user", content: "Hi 👋" }],
        stop: ["\n\n"],
        maxTokens: undefined,
        tags: ["chat"],
      },
    ],
  ])("accepts %s", async (_name, fields) => {
    // A JSON answer where the request asks for one: the router validates it.
    const reply = "responseFormat" in fields ? "{}" : "fine";
    const a = new Upstream("a", openaiShape).replies(answer(reply));
    const { router } = await startHarness({ targets: { a } });
    const request = { messages: [user], ...fields } as unknown as ChatRequest;
    expect((await router.explain(request)).ranked.map((candidate) => candidate.target.id)).toEqual(["a"]);
    expect((await router.chat(request)).text).toBe(reply);
    expect(a.count).toBe(1);
    await router.close();
  });
});
