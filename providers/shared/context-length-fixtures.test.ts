import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { type CallOptions, type Provider, ProviderCallError } from "../../src/core/index.js";
import { useMswServer } from "../../test/support/msw-server.js";
import { createTestProviderContext } from "../../test/support/test-provider-context.js";
import { anthropicProvider } from "../anthropic/index.js";
import { openaiProvider } from "../openai/index.js";
import { openaiCompatibleProvider } from "../openai-compatible/index.js";
import { classifyStatusFailure } from "./classify-failure-body.js";

const server = useMswServer();

interface Fixture {
  status: number;
  body: Record<string, unknown>;
}

function fixture(name: string): Fixture {
  const path = resolve(import.meta.dirname, "../../test/fixtures/context-length", `${name}.json`);
  return JSON.parse(readFileSync(path, "utf8")) as Fixture;
}

const options = (): CallOptions => ({
  messages: [{ role: "user", content: "a very long prompt" }],
  maxTokens: 16,
  signal: new AbortController().signal,
});

type Create = () => Provider | Promise<Provider>;
const context = () => createTestProviderContext();

/** [server, fixture, the provider as the registry creates it, model, the URL the adapter posts to]. */
const servers: Array<[string, string, Create, string, string]> = [
  [
    "OpenAI",
    "openai",
    () =>
      openaiProvider.create(
        "upstream",
        { type: "openai", apiKey: "sk-test-key-0123456789", baseURL: "https://api.openai.test/v1" },
        context(),
      ),
    "gpt-4o-mini",
    "https://api.openai.test/v1/chat/completions",
  ],
  [
    "Anthropic",
    "anthropic",
    () =>
      anthropicProvider.create(
        "upstream",
        { type: "anthropic", apiKey: "sk-ant-test-0123456789", baseURL: "https://api.anthropic.test" },
        context(),
      ),
    "claude-sonnet-4-5",
    "https://api.anthropic.test/v1/messages",
  ],
  [
    "llama.cpp server",
    "llama-cpp-server",
    () =>
      openaiCompatibleProvider.create(
        "upstream",
        { type: "openai-compatible", host: "llamacpp", baseURL: "http://llama.test:8080/v1" },
        context(),
      ),
    "qwen2.5-0.5b-instruct",
    "http://llama.test:8080/v1/chat/completions",
  ],
  [
    "vLLM",
    "vllm",
    () =>
      openaiCompatibleProvider.create(
        "upstream",
        { type: "openai-compatible", host: "vllm", baseURL: "http://vllm.test:8000/v1" },
        context(),
      ),
    "meta-llama/Llama-3.1-8B-Instruct",
    "http://vllm.test:8000/v1/chat/completions",
  ],
  [
    "Ollama",
    "ollama",
    () =>
      openaiCompatibleProvider.create(
        "upstream",
        { type: "openai-compatible", host: "ollama", baseURL: "http://ollama.test:11434/v1" },
        context(),
      ),
    "llama3.2",
    "http://ollama.test:11434/v1/chat/completions",
  ],
];

describe("context-length errors in every server's wording", () => {
  it.each(servers)(
    "classifies %s's prompt-too-long answer as context_length, not retryable",
    async (_name, file, create, model, url) => {
      const { status, body } = fixture(file);
      server.use(http.post(url, () => HttpResponse.json(body, { status })));
      const provider = await create();
      const error = await provider
        .languageModel(model)
        .doGenerate(options())
        .then(
          () => undefined,
          (failure: unknown) => failure,
        );
      expect(ProviderCallError.isInstance(error), String(error)).toBe(true);
      expect(error).toMatchObject({
        kind: "context_length",
        retryable: false,
        status,
        possiblyBilled: false,
      });
    },
  );

  it("keeps a 400 that is not about the window a bad_request", () => {
    expect(
      classifyStatusFailure(400, { type: "invalid_request_error", message: "messages: field required" }),
    ).toEqual({ kind: "bad_request", retryable: false });
  });

  it("reads a 429 by its status even when the message mentions tokens", () => {
    expect(
      classifyStatusFailure(429, {
        code: "rate_limit_exceeded",
        message: "Rate limit reached: too many tokens per min",
      }),
    ).toEqual({ kind: "rate_limit", retryable: true });
  });
});
