import { delay, HttpResponse, http } from "msw";
import { afterEach, describe, expect, it } from "vitest";
import {
  type CallOptions,
  InvalidRequestError,
  type Message,
  type ProviderCallError,
} from "../../src/core/index.js";
import {
  collectStream,
  conformanceFixture as fixture,
  runConformanceSuite,
} from "../../test/conformance/index.js";
import { useMswServer } from "../../test/support/msw-server.js";
import { createTestProviderContext } from "../../test/support/test-provider-context.js";
import type { ReplicateProviderConfig } from "./replicate-config-schema.js";
import { replicateAdapter } from "./replicate-provider.js";
import { estimatedUsageWarning } from "./replicate-usage.js";
import { replicateConformanceSpec } from "./test/replicate-conformance-spec.js";
import {
  baseURL,
  cancelURL,
  createURL,
  doneEvent,
  errorEvent,
  getURL,
  json,
  metrics,
  model,
  outputEvent,
  prediction,
  predictionId,
  predictionLifecycle,
  problem,
  streamingLifecycle,
  streamURL,
  succeeded,
  textStreamFrames,
} from "./test/replicate-wire.js";

runConformanceSuite(replicateConformanceSpec);

const server = useMswServer();
afterEach(() => {
  server.events.removeAllListeners("request:start");
});
const config = { type: "replicate", apiToken: fixture.canaryKey, baseURL } satisfies ReplicateProviderConfig;

function languageModel(name = model) {
  return replicateAdapter.create("replicate", config, createTestProviderContext()).languageModel(name);
}

function callOptions(overrides: Partial<CallOptions> = {}): CallOptions {
  return {
    messages: [
      { role: "system", content: "You are terse." },
      { role: "user", content: "Say hello." },
    ],
    maxTokens: 64,
    signal: new AbortController().signal,
    ...overrides,
  };
}

/** Records every request that reaches the given handlers' URLs, by method and URL. */
function recordRequests(): Array<{ method: string; url: string; headers: Headers; body?: unknown }> {
  const seen: Array<{ method: string; url: string; headers: Headers; body?: unknown }> = [];
  server.events.on("request:start", async ({ request }) => {
    const body = request.method === "POST" ? await request.clone().text() : undefined;
    seen.push({
      method: request.method,
      url: request.url,
      headers: request.headers,
      ...(body ? { body: JSON.parse(body) } : {}),
    });
  });
  return seen;
}

async function createdInput(
  options: CallOptions,
  name = model,
  url = createURL,
): Promise<Record<string, unknown>> {
  let input: Record<string, unknown> | undefined;
  server.use(
    http.post(url, async ({ request }) => {
      input = ((await request.json()) as { input: Record<string, unknown> }).input;
      return json(succeeded, 201);
    }),
  );
  await languageModel(name).doGenerate(options);
  if (!input) throw new Error("no prediction was created");
  return input;
}

async function failure(promise: Promise<unknown>): Promise<ProviderCallError> {
  return promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error as ProviderCallError,
  );
}

describe("replicate prompt and input", () => {
  it("renders a Llama 3 conversation with its header tokens and turns off the server's template", async () => {
    const messages: Message[] = [
      { role: "system", content: "You are terse." },
      { role: "user", content: "Hi." },
      { role: "assistant", content: "Hello." },
      { role: "user", content: "Say it in French." },
    ];
    const input = await createdInput(callOptions({ messages, temperature: 0.2, topP: 0.9, seed: 7 }));
    expect(input).toEqual({
      prompt:
        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>" +
        "<|start_header_id|>user<|end_header_id|>\n\nHi.<|eot_id|>" +
        "<|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>" +
        "<|start_header_id|>user<|end_header_id|>\n\nSay it in French.<|eot_id|>" +
        "<|start_header_id|>assistant<|end_header_id|>\n\n",
      prompt_template: "{prompt}",
      max_tokens: 64,
      temperature: 0.2,
      top_p: 0.9,
      seed: 7,
    });
  });

  it("joins stop sequences with commas, keeping the model's own end-of-turn stops", async () => {
    const input = await createdInput(callOptions({ stop: ["\n\nUser:", "###"] }));
    expect(input.stop_sequences).toBe("<|end_of_text|>,<|eot_id|>,\n\nUser:,###");
  });

  it("warns about a stop sequence with a comma instead of sending it split", async () => {
    server.use(...predictionLifecycle(succeeded, [succeeded]));
    const result = await languageModel().doGenerate(callOptions({ stop: ["a,b"] }));
    expect(result.warnings).toEqual([
      'stop sequence "a,b" was not sent: Replicate separates stop sequences by commas',
    ]);
  });

  it("renders Mistral instruct turns with [INST] and caps output with max_new_tokens", async () => {
    const name = "mistralai/mistral-7b-instruct-v0.2";
    const messages: Message[] = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi." },
      { role: "assistant", content: "Hello." },
      { role: "user", content: "Bye." },
    ];
    const input = await createdInput(
      callOptions({ messages }),
      name,
      `${baseURL}/models/${name}/predictions`,
    );
    expect(input).toEqual({
      prompt: "<s>[INST] Be brief.\n\nHi. [/INST]Hello.</s>[INST] Bye. [/INST]",
      prompt_template: "{prompt}",
      max_new_tokens: 64,
    });
  });

  it("renders Llama 2 chat with the system prompt in <<SYS>>", async () => {
    const name = "meta/llama-2-70b-chat";
    const input = await createdInput(callOptions(), name, `${baseURL}/models/${name}/predictions`);
    expect(input.prompt).toBe("<s>[INST] <<SYS>>\nYou are terse.\n<</SYS>>\n\nSay hello. [/INST]");
    expect(input.max_new_tokens).toBe(64);
  });

  it("sends an unknown model the user's text as prompt and the system prompt as system_prompt", async () => {
    const name = "acme/tiny-chat";
    const input = await createdInput(callOptions(), name, `${baseURL}/models/${name}/predictions`);
    expect(input).toEqual({ prompt: "Say hello.", system_prompt: "You are terse.", max_tokens: 64 });
  });

  it("creates a pinned version through POST /predictions", async () => {
    const version = "2d19859030ff705a87c746f7e96eea03aefb71f166725aee39692f1476566d48";
    let body: Record<string, unknown> | undefined;
    server.use(
      http.post(`${baseURL}/predictions`, async ({ request }) => {
        body = (await request.json()) as Record<string, unknown>;
        return json(succeeded, 201);
      }),
    );
    await languageModel(`${model}:${version}`).doGenerate(callOptions());
    expect(body).toMatchObject({ version, input: { max_tokens: 64 } });
  });

  it("merges providerOptions.replicate.input over the built input", async () => {
    const input = await createdInput(
      callOptions({ providerOptions: { input: { top_k: 40, min_tokens: 2 } } }),
    );
    expect(input).toMatchObject({ top_k: 40, min_tokens: 2, max_tokens: 64 });
  });

  it.each([
    [{ inputs: {} }, "providerOptions.replicate.inputs"],
    [{ input: { top_k: () => 1 } }, "providerOptions.replicate.input.top_k"],
  ])("rejects providerOptions %o before sending, naming %s", async (providerOptions, field) => {
    const error: unknown = await failure(languageModel().doGenerate(callOptions({ providerOptions })));
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as InvalidRequestError).field).toBe(field);
  });

  it("declares no tools, no JSON mode, no log-probs and its family's context window", () => {
    expect(languageModel().capabilities).toMatchObject({
      logprobs: 0,
      tools: false,
      jsonSchema: false,
      contextWindow: 8_192,
    });
    expect(languageModel("meta/meta-llama-3.1-405b-instruct").capabilities.contextWindow).toBe(131_072);
    expect(languageModel("acme/tiny-chat").capabilities).not.toHaveProperty("contextWindow");
  });

  it("refuses tools, a JSON format or log-probs rather than dropping the need", async () => {
    const needs: Array<[Partial<CallOptions>, string]> = [
      [{ tools: [fixture.tool] }, "tools"],
      [{ responseFormat: fixture.responseFormat }, "responseFormat"],
      [{ logprobs: 2 }, "logprobs"],
    ];
    for (const [overrides, field] of needs) {
      const error: unknown = await failure(languageModel().doGenerate(callOptions(overrides)));
      expect((error as InvalidRequestError).field).toBe(field);
    }
  });
});

describe("replicate predictions", () => {
  it("polls until the prediction succeeds and reports its token counts and id", async () => {
    const requests = recordRequests();
    server.use(...predictionLifecycle(prediction("starting"), [prediction("processing"), succeeded]));
    const result = await languageModel().doGenerate(callOptions());
    expect(result).toMatchObject({ text: fixture.text, usage: fixture.usage, requestId: predictionId });
    expect(requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      `POST ${createURL}`,
      `GET ${getURL}`,
      `GET ${getURL}`,
    ]);
    expect(requests[0]?.headers.get("authorization")).toBe(`Bearer ${fixture.canaryKey}`);
  });

  it("reads a prediction that generated its whole token budget as cut off by length", async () => {
    const full = prediction("succeeded", {
      output: ["…"],
      metrics: metrics({ inputTokens: 21, outputTokens: 64 }),
    });
    server.use(...predictionLifecycle(full, [full]));
    expect((await languageModel().doGenerate(callOptions())).finishReason).toBe("length");
  });

  it("estimates usage with gpt-tokenizer and says so when the prediction reports no token counts", async () => {
    const bare = prediction("succeeded", { output: [...fixture.textDeltas], metrics: { predict_time: 0.3 } });
    server.use(...predictionLifecycle(bare, [bare]));
    const result = await languageModel().doGenerate(callOptions());
    expect(result.usage?.outputTokens).toBeGreaterThan(5);
    expect(result.usage?.inputTokens).toBeGreaterThan(10);
    expect(result.warnings).toContain(estimatedUsageWarning);
    expect(result.finishReason).toBe("stop");
  });

  it.each([
    ["CUDA error: out of memory", "server", true],
    ["NSFW content detected. Try running it again, or try a different prompt.", "content_filter", false],
    ["Prompt length (9120) exceeds maximum input length (8192).", "context_length", false],
  ] as const)("maps a prediction that failed with %j to %s", async (message, kind, retryable) => {
    const failed = prediction("failed", { error: message });
    server.use(...predictionLifecycle(prediction("starting"), [failed]));
    const error = await failure(languageModel().doGenerate(callOptions()));
    expect(error).toMatchObject({ kind, retryable, possiblyBilled: true, requestId: predictionId });
    expect(error.message).toContain(message.slice(0, 20));
  });

  it("maps a prediction canceled elsewhere to aborted", async () => {
    server.use(...predictionLifecycle(prediction("starting"), [prediction("canceled")]));
    const error = await failure(languageModel().doGenerate(callOptions()));
    expect(error).toMatchObject({ kind: "aborted", retryable: false });
  });

  it("cancels the prediction when the caller aborts while it runs", async () => {
    const requests = recordRequests();
    server.use(...predictionLifecycle(prediction("starting"), [prediction("processing")]));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const error = await failure(languageModel().doGenerate(callOptions({ signal: controller.signal })));
    expect(error).toMatchObject({ kind: "aborted", retryable: false, possiblyBilled: true });
    expect(requests.at(-1)).toMatchObject({ method: "POST", url: cancelURL });
  });

  it("sends each request once: a 429 is not retried inside the SDK", async () => {
    const requests = recordRequests();
    server.use(
      http.post(createURL, () =>
        json(
          problem(429, "Request was throttled.", "Request was throttled. Expected available in 1 second."),
          429,
          {
            "retry-after": "1",
          },
        ),
      ),
    );
    const error = await failure(languageModel().doGenerate(callOptions()));
    expect(error).toMatchObject({ kind: "rate_limit", retryAfterMs: 1000 });
    expect(requests).toHaveLength(1);
  });

  it("sends each polling request once: a 503 while polling is not retried and the prediction is cancelled", async () => {
    const requests = recordRequests();
    server.use(
      http.post(createURL, () => json(prediction("starting"), 201)),
      http.get(getURL, () => json(problem(503, "Service Unavailable", "Try again later."), 503)),
      http.post(cancelURL, () => json(prediction("canceled"))),
    );
    const error = await failure(languageModel().doGenerate(callOptions()));
    expect(error).toMatchObject({ kind: "server", retryable: true, status: 503, possiblyBilled: true });
    expect(requests.map((request) => request.method)).toEqual(["POST", "GET", "POST"]);
  });

  it("maps an answer that is not a prediction to invalid_response", async () => {
    server.use(http.post(createURL, () => json({ detail: "ok" }, 201)));
    const error = await failure(languageModel().doGenerate(callOptions()));
    expect(error).toMatchObject({ kind: "invalid_response", retryable: false });
  });
});

describe("replicate streams", () => {
  it("joins the data lines of one output event with newlines", async () => {
    server.use(
      ...streamingLifecycle([
        outputEvent(0, "Line one"),
        outputEvent(1, "\nline two\nline three"),
        doneEvent(),
      ]),
    );
    const { parts, error } = await collectStream(() => languageModel().doStream(callOptions()));
    expect(error).toBeUndefined();
    expect(parts.slice(0, 2)).toEqual([
      { type: "text-delta", text: "Line one" },
      { type: "text-delta", text: "\nline two\nline three" },
    ]);
  });

  it("skips event types it does not know", async () => {
    const [first, ...rest] = textStreamFrames();
    server.use(...streamingLifecycle([first ?? "", "event: logs\ndata: Generation took 0.29s\n\n", ...rest]));
    const { parts, error } = await collectStream(() => languageModel().doStream(callOptions()));
    expect(error).toBeUndefined();
    expect(parts.map((part) => part.type)).toEqual([...fixture.textDeltas.map(() => "text-delta"), "finish"]);
    expect(parts.at(-1)).toEqual({
      type: "finish",
      finishReason: "stop",
      usage: fixture.usage,
      requestId: predictionId,
    });
  });

  it("opens the stream URL without the API token, as the SDK does", async () => {
    const requests = recordRequests();
    server.use(...streamingLifecycle(textStreamFrames()));
    await collectStream(() => languageModel().doStream(callOptions()));
    const streamRequest = requests.find((request) => request.url === streamURL);
    expect(streamRequest?.headers.get("accept")).toBe("text/event-stream");
    expect(streamRequest?.headers.has("authorization")).toBe(false);
  });

  it("maps an error event to a possibly billed server error and does not cancel the ended prediction", async () => {
    const requests = recordRequests();
    server.use(
      ...streamingLifecycle(
        [outputEvent(0, "Hel"), errorEvent("CUDA error: out of memory"), doneEvent({ reason: "error" })],
        {},
        prediction("failed", { error: "CUDA error: out of memory" }),
      ),
    );
    const { parts, error } = await collectStream(() => languageModel().doStream(callOptions()));
    expect(parts).toEqual([{ type: "text-delta", text: "Hel" }]);
    expect(error).toMatchObject({
      kind: "server",
      retryable: true,
      possiblyBilled: true,
      requestId: predictionId,
    });
    expect(requests.some((request) => request.url === cancelURL)).toBe(false);
  });

  it("maps done with reason canceled to aborted", async () => {
    server.use(
      ...streamingLifecycle(
        [outputEvent(0, "Hel"), doneEvent({ reason: "canceled" })],
        {},
        prediction("canceled"),
      ),
    );
    const { error } = await collectStream(() => languageModel().doStream(callOptions()));
    expect(error).toMatchObject({ kind: "aborted", retryable: false, possiblyBilled: true });
  });

  it("cancels the prediction when the stream ends before done", async () => {
    const requests = recordRequests();
    server.use(...streamingLifecycle([outputEvent(0, "Hello")]));
    const { error } = await collectStream(() => languageModel().doStream(callOptions()));
    expect(error).toMatchObject({ kind: "truncated", retryable: true });
    expect(requests.at(-1)).toMatchObject({ method: "POST", url: cancelURL });
  });

  it("cancels the prediction when the caller aborts mid-stream", async () => {
    const requests = recordRequests();
    server.use(...streamingLifecycle([outputEvent(0, "Hello")], { hang: true }));
    const controller = new AbortController();
    const { error } = await collectStream(
      () => languageModel().doStream(callOptions({ signal: controller.signal })),
      () => controller.abort(),
    );
    expect(error).toMatchObject({ kind: "aborted", possiblyBilled: true });
    expect(requests.at(-1)).toMatchObject({ method: "POST", url: cancelURL });
  });

  it("delivers a model that cannot stream as one delta once its prediction succeeds", async () => {
    const notStreaming = { ...prediction("starting", { stream: false }) };
    server.use(...predictionLifecycle(notStreaming, [succeeded]));
    const { parts, error } = await collectStream(() => languageModel().doStream(callOptions()));
    expect(error).toBeUndefined();
    expect(parts).toEqual([
      { type: "text-delta", text: fixture.text },
      { type: "finish", finishReason: "stop", usage: fixture.usage, requestId: predictionId },
    ]);
  });

  it("maps a stream URL that answers an error status to a possibly billed error and cancels", async () => {
    const requests = recordRequests();
    server.use(
      ...predictionLifecycle(prediction("starting"), [succeeded]),
      http.get(streamURL, async () => {
        await delay(1);
        return new HttpResponse("upstream unavailable", { status: 502 });
      }),
    );
    const error = await failure(languageModel().doStream(callOptions()));
    expect(error).toMatchObject({ kind: "server", status: 502, possiblyBilled: true });
    expect(requests.at(-1)).toMatchObject({ method: "POST", url: cancelURL });
  });
});
