import { getEventListeners } from "node:events";
import { delay, HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import {
  type CallOptions,
  InvalidRequestError,
  PolicyFileError,
  ProviderCallError,
} from "../../src/core/index.js";
import { collectStream } from "../../test/conformance/index.js";
import { useMswServer } from "../../test/support/msw-server.js";
import { sseData, sseDone } from "../../test/support/sse-frames.js";
import { sseResponse } from "../../test/support/sse-response.js";
import { createTestProviderContext } from "../../test/support/test-provider-context.js";
import {
  chunk,
  completion,
  errorBodies,
  finishChunk,
  roleChunk,
  textChunk,
  usageChunk,
  wireUsage,
} from "./fixtures/openai-wire.js";
import { openaiAdapter } from "./openai-provider.js";

const baseURL = "https://api.openai.test/v1";
const url = `${baseURL}/chat/completions`;
const apiKey = "sk-unit-0123456789abcdef";

function model(name = "gpt-4o-mini", fetch?: typeof globalThis.fetch) {
  const context = createTestProviderContext(fetch ? { fetch } : {});
  return openaiAdapter.create("openai", { type: "openai", apiKey, baseURL }, context).languageModel(name);
}

function options(overrides: Partial<CallOptions> = {}): CallOptions {
  return {
    messages: [{ role: "user", content: "Hi" }],
    maxTokens: 16,
    signal: new AbortController().signal,
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<ProviderCallError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(ProviderCallError.isInstance(error), String(error)).toBe(true);
  return error as ProviderCallError;
}

describe("openaiAdapter", () => {
  const server = useMswServer();

  it("refuses a config without an API key with a config error naming the field", () => {
    expect(() =>
      openaiAdapter.create("openai", { type: "openai", apiKey: " " }, createTestProviderContext()),
    ).toThrowError(PolicyFileError);
    try {
      openaiAdapter.create("openai", { type: "openai", apiKey: "" }, createTestProviderContext());
    } catch (error) {
      expect((error as PolicyFileError).issues[0]?.path).toBe("providers.openai.apiKey");
    }
  });

  it("sends the key as a bearer token and organization and project headers when configured", async () => {
    let headers: Headers | undefined;
    server.use(
      http.post(url, ({ request }) => {
        headers = request.headers;
        return HttpResponse.json(
          completion(
            { message: { content: "ok" }, finish_reason: "stop" },
            wireUsage({ inputTokens: 1, outputTokens: 1 }),
          ),
        );
      }),
    );
    const provider = openaiAdapter.create(
      "openai",
      { type: "openai", apiKey, baseURL, organization: "org-1", project: "proj-1" },
      createTestProviderContext(),
    );
    await provider.languageModel("gpt-4o-mini").doGenerate(options());
    expect(headers?.get("authorization")).toBe(`Bearer ${apiKey}`);
    expect(headers?.get("openai-organization")).toBe("org-1");
    expect(headers?.get("openai-project")).toBe("proj-1");
  });

  it("formats errors as '<provider>:<model> returned <status> <kind>: <provider message>'", async () => {
    server.use(
      http.post(url, () =>
        HttpResponse.json(errorBodies.rateLimit, { status: 429, headers: { "retry-after": "2" } }),
      ),
    );
    const error = await rejection(model().doGenerate(options()));
    expect(error.message).toBe(
      `openai:gpt-4o-mini returned 429 rate_limit: ${errorBodies.rateLimit.error.message}`,
    );
    expect(error.body).toBe(JSON.stringify(errorBodies.rateLimit));
  });

  it("reads a retry-after HTTP date as milliseconds from now", async () => {
    const at = new Date(Date.now() + 30_000).toUTCString();
    server.use(
      http.post(url, () =>
        HttpResponse.json(errorBodies.rateLimit, { status: 429, headers: { "retry-after": at } }),
      ),
    );
    const error = await rejection(model().doGenerate(options()));
    expect(error.retryAfterMs).toBeGreaterThan(27_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it("keeps the message of error bodies that are not OpenAI-shaped and cuts the excerpt at 500 characters", async () => {
    const message = `This model's maximum context length is 4096 tokens. ${"x".repeat(700)}`;
    server.use(
      http.post(url, () =>
        HttpResponse.json({ object: "error", message, type: "BadRequestError", code: 400 }, { status: 400 }),
      ),
    );
    const error = await rejection(model().doGenerate(options()));
    expect(error.kind).toBe("context_length");
    expect(error.message).toContain("maximum context length is 4096 tokens");
    expect(error.body?.length).toBe(500);
  });

  it("keeps a plain-text error body from a proxy", async () => {
    server.use(
      http.post(
        url,
        () => new HttpResponse("upstream connect error or disconnect/reset before headers", { status: 503 }),
      ),
    );
    const error = await rejection(model().doGenerate(options()));
    expect(error).toMatchObject({ kind: "server", retryable: true, status: 503 });
    expect(error.message).toContain("upstream connect error");
  });

  it("classifies a dropped connection as a retryable, possibly billed network error", async () => {
    server.use(http.post(url, () => HttpResponse.error()));
    const error = await rejection(model().doGenerate(options()));
    expect(error).toMatchObject({ kind: "network", retryable: true, possiblyBilled: true });
  });

  it("knows a refused connection was never billed", async () => {
    const refused = Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), { code: "ECONNREFUSED" }),
    });
    const error = await rejection(model("gpt-4o-mini", () => Promise.reject(refused)).doGenerate(options()));
    expect(error).toMatchObject({ kind: "network", retryable: true, possiblyBilled: false });
  });

  it("maps a 200 answer whose body is not JSON to invalid_response, possibly billed", async () => {
    server.use(
      http.post(url, () => new HttpResponse('{"id":', { headers: { "content-type": "application/json" } })),
    );
    const error = await rejection(model().doGenerate(options()));
    expect(error).toMatchObject({ kind: "invalid_response", possiblyBilled: true });
  });

  it("reports cached prompt tokens from usage details", async () => {
    server.use(
      http.post(url, () =>
        HttpResponse.json(
          completion(
            { message: { content: "ok" }, finish_reason: "length" },
            wireUsage({ inputTokens: 2048, outputTokens: 5 }, 1024),
          ),
        ),
      ),
    );
    const result = await model().doGenerate(options());
    expect(result.usage).toEqual({ inputTokens: 2048, outputTokens: 5, cachedInputTokens: 1024 });
    expect(result.finishReason).toBe("length");
  });

  it("reports a reasoning model's reasoning tokens from usage details, with no reasoning text", async () => {
    const usage = wireUsage({ inputTokens: 40, outputTokens: 300 });
    const details = usage.completion_tokens_details as Record<string, unknown>;
    server.use(
      http.post(url, () =>
        HttpResponse.json(
          completion(
            { message: { content: "42" }, finish_reason: "stop" },
            { ...usage, completion_tokens_details: { ...details, reasoning_tokens: 256 } },
          ),
        ),
      ),
    );
    const result = await model().doGenerate(options());
    expect(result.usage).toEqual({ inputTokens: 40, outputTokens: 300, reasoningTokens: 256 });
    expect(result).not.toHaveProperty("reasoning");
  });

  it("maps a refusal to its text with a content-filter finish reason", async () => {
    server.use(
      http.post(url, () =>
        HttpResponse.json(
          completion(
            { message: { content: null, refusal: "I can't help with that." }, finish_reason: "stop" },
            wireUsage({ inputTokens: 9, outputTokens: 6 }),
          ),
        ),
      ),
    );
    const result = await model().doGenerate(options());
    expect(result).toMatchObject({ text: "I can't help with that.", finishReason: "content-filter" });
  });

  it("drops temperature for a reasoning model with a warning and refuses log-probs there", async () => {
    let body: Record<string, unknown> = {};
    server.use(
      http.post(url, async ({ request }) => {
        body = (await request.json()) as Record<string, unknown>;
        return HttpResponse.json(
          completion(
            { message: { content: "ok" }, finish_reason: "stop" },
            wireUsage({ inputTokens: 1, outputTokens: 1 }),
          ),
        );
      }),
    );
    const result = await model("o4-mini").doGenerate(options({ temperature: 0.1 }));
    expect(body).not.toHaveProperty("temperature");
    expect(result.warnings).toEqual(["temperature was not sent: openai:o4-mini does not accept temperature"]);
    await expect(model("o4-mini").doGenerate(options({ logprobs: 1 }))).rejects.toSatisfy(
      InvalidRequestError.isInstance,
    );
  });

  it("marks a generation aborted while waiting for its answer as possibly billed, and an early abort as not", async () => {
    server.use(
      http.post(url, async () => {
        await delay("infinite");
        return HttpResponse.json({});
      }),
    );
    const controller = new AbortController();
    const pending = rejection(model().doGenerate(options({ signal: controller.signal })));
    setTimeout(() => controller.abort(), 20);
    expect(await pending).toMatchObject({ kind: "aborted", retryable: false, possiblyBilled: true });
    const early = await rejection(model().doGenerate(options({ signal: controller.signal })));
    expect(early).toMatchObject({ kind: "aborted", possiblyBilled: false });
  });

  it("leaves no abort listener on the caller's signal after a call", async () => {
    server.use(
      http.post(url, () =>
        HttpResponse.json(
          completion(
            { message: { content: "ok" }, finish_reason: "stop" },
            wireUsage({ inputTokens: 1, outputTokens: 1 }),
          ),
        ),
      ),
    );
    const signal = new AbortController().signal;
    await model().doGenerate(options({ signal }));
    server.use(
      http.post(url, () =>
        sseResponse([sseData(roleChunk), sseData(textChunk("ok")), sseData(finishChunk("stop")), sseDone]),
      ),
    );
    await collectStream(() => model().doStream(options({ signal })));
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });

  it("completes each streamed tool call when the next one starts, in index order", async () => {
    const call = (index: number, fn: Record<string, string>, id?: string) =>
      sseData(
        chunk({ delta: { tool_calls: [{ index, ...(id ? { id, type: "function" } : {}), function: fn }] } }),
      );
    server.use(
      http.post(url, () =>
        sseResponse([
          sseData(roleChunk),
          call(0, { name: "get_weather", arguments: "" }, "call_a"),
          call(0, { arguments: '{"city":"Paris"}' }),
          call(1, { name: "get_time", arguments: "" }, "call_b"),
          call(1, { arguments: '{"tz":"CET"}' }),
          sseData(finishChunk("tool_calls")),
          sseData(usageChunk({ inputTokens: 30, outputTokens: 20 })),
          sseDone,
        ]),
      ),
    );
    const { parts, error } = await collectStream(() => model().doStream(options()));
    expect(error).toBeUndefined();
    const complete = parts.flatMap((part, position) =>
      part.type === "tool-call" ? [{ ...part, position }] : [],
    );
    expect(complete.map(({ name, arguments: args, id }) => ({ name, args, id }))).toEqual([
      { name: "get_weather", args: '{"city":"Paris"}', id: "call_a" },
      { name: "get_time", args: '{"tz":"CET"}', id: "call_b" },
    ]);
    const secondStart = parts.findIndex((part) => part.type === "tool-call-delta" && part.index === 1);
    expect(complete[0]?.position).toBeLessThan(secondStart);
    expect(parts.at(-1)).toMatchObject({ type: "finish", finishReason: "tool-calls" });
  });

  it("maps a streamed content_filter finish reason", async () => {
    server.use(
      http.post(url, () =>
        sseResponse([
          sseData(roleChunk),
          sseData(textChunk("Once")),
          sseData(finishChunk("content_filter")),
          sseDone,
        ]),
      ),
    );
    const { parts } = await collectStream(() => model().doStream(options()));
    expect(parts.at(-1)).toMatchObject({ type: "finish", finishReason: "content-filter" });
  });
});
