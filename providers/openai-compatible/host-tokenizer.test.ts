import { getEventListeners } from "node:events";
import { delay, HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import type { Message, PromptCountRequest, ToolDefinition } from "../../src/core/index.js";
import { useMswServer } from "../../test/support/msw-server.js";
import { createTestProviderContext } from "../../test/support/test-provider-context.js";
import type { OpenAICompatibleProviderConfig } from "./openai-compatible-config-schema.js";
import { openaiCompatibleAdapter } from "./openai-compatible-provider.js";

const root = "http://gpu-box.test:8080";
const apiKey = "test-canary-not-a-real-key-tokenize";

function model(host: OpenAICompatibleProviderConfig["host"], name = "llama-3.1-8b-instruct") {
  const provider = openaiCompatibleAdapter.create(
    host ?? "generic",
    { type: "openai-compatible", baseURL: `${root}/v1`, host, apiKey },
    createTestProviderContext(),
  );
  return provider.languageModel(name);
}

const messages: Message[] = [
  { role: "system", content: "You are a helpful assistant." },
  { role: "user", content: "What is the capital of France?" },
];
const tools: ToolDefinition[] = [
  { name: "lookup", description: "Looks a city up", parameters: { type: "object", properties: {} } },
];

// What llama-server b5000+ answers for these messages with a Llama 3.1 GGUF.
const renderedPrompt =
  "<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\nYou are a helpful assistant.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nWhat is the capital of France?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n";
const llamaTokens = [
  128000, 128006, 9125, 128007, 271, 38766, 1303, 33025, 2696, 25, 6790, 220, 2366, 18, 198, 15724, 2696, 25,
  220, 1627, 10263, 220, 2366, 19, 271, 2675, 527, 264, 11190, 18328, 13, 128009, 128006, 882, 128007, 271,
  3923, 374, 279, 6864, 315, 9822, 30, 128009, 128006, 78191, 128007, 271,
];

describe("prompt tokens counted by a llama.cpp server", () => {
  const server = useMswServer();

  it("renders the chat with /apply-template and counts it with /tokenize, as the server does", async () => {
    const bodies: Record<string, unknown> = {};
    const auth: string[] = [];
    server.use(
      http.post(`${root}/apply-template`, async ({ request }) => {
        bodies.template = await request.json();
        auth.push(request.headers.get("authorization") ?? "");
        return HttpResponse.json({ prompt: renderedPrompt });
      }),
      http.post(`${root}/tokenize`, async ({ request }) => {
        bodies.tokenize = await request.json();
        return HttpResponse.json({ tokens: llamaTokens });
      }),
    );
    const counted = await model("llamacpp").countPromptTokens?.({ messages, tools });
    expect(counted).toBe(llamaTokens.length);
    expect(bodies.template).toEqual({
      messages: [
        { role: "system", content: "You are a helpful assistant." },
        { role: "user", content: "What is the capital of France?" },
      ],
      tools: [
        {
          type: "function",
          function: {
            name: "lookup",
            description: "Looks a city up",
            parameters: { type: "object", properties: {} },
          },
        },
      ],
    });
    expect(bodies.tokenize).toEqual({ content: renderedPrompt, add_special: true, parse_special: true });
    expect(auth).toEqual([`Bearer ${apiKey}`]);
  });

  it("leaves no listener on the caller's signal once counted", async () => {
    server.use(
      http.post(`${root}/apply-template`, () => HttpResponse.json({ prompt: renderedPrompt })),
      http.post(`${root}/tokenize`, () => HttpResponse.json({ tokens: llamaTokens })),
    );
    const controller = new AbortController();
    await model("llamacpp").countPromptTokens?.({ messages, signal: controller.signal });
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("leaves the prompt to the router's bound when /tokenize fails", async () => {
    server.use(
      http.post(`${root}/apply-template`, () => HttpResponse.json({ prompt: renderedPrompt })),
      http.post(`${root}/tokenize`, () =>
        HttpResponse.json(
          { error: { code: 500, message: "loading model", type: "unavailable_error" } },
          { status: 503 },
        ),
      ),
    );
    expect(await model("llamacpp").countPromptTokens?.({ messages })).toBeUndefined();
  });

  it("leaves the prompt to the bound when the answer is not a token list", async () => {
    server.use(
      http.post(`${root}/apply-template`, () => HttpResponse.json({ prompt: renderedPrompt })),
      http.post(`${root}/tokenize`, () => HttpResponse.json({ tokens: "many" })),
    );
    expect(await model("llamacpp").countPromptTokens?.({ messages })).toBeUndefined();
  });

  it("stops asking a server that has no /apply-template", async () => {
    let asked = 0;
    server.use(
      http.post(`${root}/apply-template`, () => {
        asked += 1;
        return new HttpResponse("File Not Found", { status: 404 });
      }),
    );
    const host = model("llamacpp");
    expect(await host.countPromptTokens?.({ messages })).toBeUndefined();
    expect(await host.countPromptTokens?.({ messages })).toBeUndefined();
    expect(asked).toBe(1);
  });

  it("gives up after a second when the server does not answer", { timeout: 10_000 }, async () => {
    server.use(
      http.post(`${root}/apply-template`, async () => {
        await delay("infinite");
        return HttpResponse.json({ prompt: renderedPrompt });
      }),
    );
    const started = performance.now();
    expect(await model("llamacpp").countPromptTokens?.({ messages })).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("rejects with the signal's reason when the call is aborted while counting", async () => {
    server.use(
      http.post(`${root}/apply-template`, async () => {
        await delay("infinite");
        return HttpResponse.json({ prompt: renderedPrompt });
      }),
    );
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    const request: PromptCountRequest = { messages, signal: controller.signal };
    const counting = model("llamacpp").countPromptTokens?.(request);
    setTimeout(() => controller.abort(reason), 10);
    await expect(counting).rejects.toBe(reason);
  });

  it("does not send a prompt of more than a million characters", async () => {
    const huge: Message[] = [{ role: "user", content: "a".repeat(1_048_577) }];
    expect(await model("llamacpp").countPromptTokens?.({ messages: huge })).toBeUndefined();
  });
});

describe("prompt tokens counted by a vLLM server", () => {
  const server = useMswServer();

  it("counts the chat with /tokenize in its chat form", async () => {
    let body: unknown;
    server.use(
      http.post(`${root}/tokenize`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ count: 48, max_model_len: 131072, tokens: llamaTokens, token_strs: null });
      }),
    );
    const counted = await model("vllm", "meta-llama/Llama-3.1-8B-Instruct").countPromptTokens?.({ messages });
    expect(counted).toBe(48);
    expect(body).toEqual({
      model: "meta-llama/Llama-3.1-8B-Instruct",
      messages: [
        { role: "system", content: "You are a helpful assistant." },
        { role: "user", content: "What is the capital of France?" },
      ],
      add_generation_prompt: true,
    });
  });

  it("leaves the prompt to the bound when the server rejects the request", async () => {
    server.use(
      http.post(`${root}/tokenize`, () =>
        HttpResponse.json(
          {
            object: "error",
            message: "The model `x` does not exist.",
            type: "NotFoundError",
            param: null,
            code: 404,
          },
          { status: 404 },
        ),
      ),
    );
    expect(await model("vllm", "x").countPromptTokens?.({ messages })).toBeUndefined();
  });
});

describe("hosts without a tokenize endpoint", () => {
  it.each(["generic", "groq", "together", "ollama", "fireworks"] as const)(
    "%s models do not count their own prompt",
    (host) => {
      expect(model(host).countPromptTokens).toBeUndefined();
    },
  );
});
