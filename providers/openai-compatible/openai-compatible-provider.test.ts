import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { type CallOptions, InvalidRequestError, PolicyFileError } from "../../src/core/index.js";
import { collectStream } from "../../test/conformance/index.js";
import { useMswServer } from "../../test/support/msw-server.js";
import { sseData, sseDone } from "../../test/support/sse-frames.js";
import { sseResponse } from "../../test/support/sse-response.js";
import { createTestProviderContext } from "../../test/support/test-provider-context.js";
import {
  chunk,
  completion,
  finishChunk,
  roleChunk,
  textChunk,
  wireUsage,
} from "../openai/fixtures/openai-wire.js";
import type { OpenAICompatibleProviderConfig } from "./openai-compatible-config-schema.js";
import { openaiCompatibleAdapter } from "./openai-compatible-provider.js";

const baseURL = "http://compatible.test/v1";
const url = `${baseURL}/chat/completions`;

function create(config: Partial<OpenAICompatibleProviderConfig> = {}) {
  return openaiCompatibleAdapter.create(
    config.host ?? "generic",
    { type: "openai-compatible", baseURL, ...config },
    createTestProviderContext(),
  );
}

function options(overrides: Partial<CallOptions> = {}): CallOptions {
  return {
    messages: [{ role: "user", content: "Hi" }],
    maxTokens: 16,
    signal: new AbortController().signal,
    ...overrides,
  };
}

function configIssuePath(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (PolicyFileError.isInstance(error)) return error.issues[0]?.path;
    throw error;
  }
  throw new Error("expected a PolicyFileError");
}

const okAnswer = () =>
  HttpResponse.json(
    completion(
      { message: { content: "ok" }, finish_reason: "stop" },
      wireUsage({ inputTokens: 3, outputTokens: 1 }),
    ),
  );

describe("openaiCompatibleAdapter", () => {
  const server = useMswServer();

  function recordBodies(): Array<Record<string, unknown>> {
    const bodies: Array<Record<string, unknown>> = [];
    server.use(
      http.post(url, async ({ request }) => {
        bodies.push((await request.json()) as Record<string, unknown>);
        return okAnswer();
      }),
    );
    return bodies;
  }

  it("requires a base URL and refuses credentials inside it", () => {
    expect(configIssuePath(() => create({ baseURL: "" }))).toBe("providers.generic.baseURL");
    expect(configIssuePath(() => create({ baseURL: "http://user:secret@vllm.test/v1" }))).toBe(
      "providers.generic.baseURL",
    );
    expect(configIssuePath(() => create({ baseURL: "file:///etc/passwd" }))).toBe(
      "providers.generic.baseURL",
    );
  });

  it("refuses an unknown dropParams entry, naming its index", () => {
    expect(configIssuePath(() => create({ dropParams: ["seed", "temprature"] }))).toBe(
      "providers.generic.dropParams[1]",
    );
  });

  it("sends no Authorization header when no API key is configured", async () => {
    let authorization: string | null = "unset";
    server.use(
      http.post(url, ({ request }) => {
        authorization = request.headers.get("authorization");
        return okAnswer();
      }),
    );
    await create({ host: "ollama" }).languageModel("llama3.2").doGenerate(options());
    expect(authorization).toBeNull();
  });

  it("never sends OPENAI_API_KEY from the environment to a compatible host", async () => {
    const previous = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = "sk-from-the-environment";
    try {
      let authorization: string | null = "unset";
      server.use(
        http.post(url, ({ request }) => {
          authorization = request.headers.get("authorization");
          return okAnswer();
        }),
      );
      await create({ host: "vllm" }).languageModel("m").doGenerate(options());
      expect(authorization).toBeNull();
    } finally {
      if (previous === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = previous;
    }
  });

  it("marks the provider and its capabilities local when the config says local: true", () => {
    const provider = create({ host: "llamacpp", local: true });
    expect(provider.local).toBe(true);
    expect(provider.languageModel("qwen2.5-0.5b").capabilities.local).toBe(true);
    expect(create({ host: "together" }).local).toBe(false);
  });

  it("reports no log-probs for groq, so routing removes it for a log-prob need", () => {
    expect(create({ host: "groq" }).languageModel("llama-3.3-70b-versatile").capabilities.logprobs).toBe(0);
    expect(create({ host: "fireworks" }).languageModel("m").capabilities.logprobs).toBe(5);
  });

  it("narrows capabilities for needs listed in dropParams", () => {
    const capabilities = create({ host: "vllm", dropParams: ["tools", "logprobs"] }).languageModel(
      "m",
    ).capabilities;
    expect(capabilities).toMatchObject({ tools: false, logprobs: 0, jsonSchema: true });
  });

  it("refuses log-probs on groq without calling it", async () => {
    const error = await create({ host: "groq" })
      .languageModel("m")
      .doGenerate(options({ logprobs: 1 }))
      .catch((e: unknown) => e);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as InvalidRequestError).field).toBe("logprobs");
    expect((error as Error).message).toContain("groq (host groq) does not support logprobs");
  });

  it("drops groq's unsupported logit_bias with a warning and still answers", async () => {
    const bodies = recordBodies();
    const result = await create({ host: "groq" })
      .languageModel("m")
      .doGenerate(options({ providerOptions: { logit_bias: { "50256": -100 }, user: "u-1" } }));
    expect(bodies[0]).not.toHaveProperty("logit_bias");
    expect(bodies[0]).toMatchObject({ user: "u-1", max_completion_tokens: 16 });
    expect(result.warnings).toEqual([
      "providerOptions.groq.logit_bias was not sent: groq (host groq) does not support logit_bias",
    ]);
  });

  it("drops what the policy's dropParams lists, saying so", async () => {
    const bodies = recordBodies();
    const result = await create({ dropParams: ["seed"] })
      .languageModel("m")
      .doGenerate(options({ seed: 1, temperature: 0 }));
    expect(bodies[0]).toMatchObject({ temperature: 0, max_tokens: 16 });
    expect(bodies[0]).not.toHaveProperty("seed");
    expect(result.warnings).toEqual(["seed was not sent: providers.generic.dropParams lists seed"]);
  });

  it("warns that ollama ignores tool_choice rather than sending it", async () => {
    const bodies = recordBodies();
    const result = await create({ host: "ollama" })
      .languageModel("llama3.2")
      .doGenerate(
        options({ tools: [{ name: "f", parameters: { type: "object" } }], toolChoice: "required" }),
      );
    expect(bodies[0]).toHaveProperty("tools");
    expect(bodies[0]).not.toHaveProperty("tool_choice");
    expect(result.warnings).toEqual([
      "toolChoice was not sent: ollama (host ollama) does not support tool_choice",
    ]);
  });

  it("refuses OpenAI-only provider options such as service_tier", async () => {
    const error = await create({ host: "vllm" })
      .languageModel("m")
      .doGenerate(options({ providerOptions: { service_tier: "flex" } }))
      .catch((e: unknown) => e);
    expect((error as InvalidRequestError).field).toBe("providerOptions.vllm.service_tier");
  });

  it("passes open-model samplers to hosts that take them", async () => {
    const bodies = recordBodies();
    await create({ host: "vllm" })
      .languageModel("m")
      .doGenerate(options({ providerOptions: { top_k: 40, min_p: 0.05 } }));
    expect(bodies[0]).toMatchObject({ top_k: 40, min_p: 0.05 });
  });

  it("refuses more alternatives than fireworks returns", async () => {
    const error = await create({ host: "fireworks" })
      .languageModel("m")
      .doGenerate(options({ logprobs: 8 }))
      .catch((e: unknown) => e);
    expect((error as InvalidRequestError).field).toBe("logprobs");
  });

  it("asks together for log-probs as an integer and maps its token_logprobs answer, trimmed to top-k", async () => {
    let body: Record<string, unknown> = {};
    server.use(
      http.post(url, async ({ request }) => {
        body = (await request.json()) as Record<string, unknown>;
        return HttpResponse.json({
          id: "oBUtQrM-62bZhn-9801a1ac2a5f9b29",
          object: "chat.completion",
          created: 1758039001,
          model: "meta-llama/Llama-3.3-70B-Instruct-Turbo",
          choices: [
            {
              index: 0,
              finish_reason: "stop",
              message: { role: "assistant", content: "Hi!" },
              logprobs: {
                token_ids: [13347, 0],
                tokens: ["Hi", "!"],
                token_logprobs: [-0.12, -0.5],
                top_logprobs: [
                  { Hi: -0.12, Hello: -2.3 },
                  { "!": -0.5, ".": -1.1 },
                ],
              },
            },
          ],
          usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
        });
      }),
    );
    const result = await create({ host: "together" })
      .languageModel("meta-llama/Llama-3.3-70B-Instruct-Turbo")
      .doGenerate(options({ logprobs: 1 }));
    expect(body.logprobs).toBe(1);
    expect(result.logprobs).toEqual([
      { token: "Hi", logprob: -0.12, topLogprobs: [{ token: "Hi", logprob: -0.12 }] },
      { token: "!", logprob: -0.5, topLogprobs: [{ token: "!", logprob: -0.5 }] },
    ]);
  });

  it("maps together's streamed log-probs, which come as a number beside a top_logprobs map", async () => {
    const together = (text: string, logprob: number, top: Record<string, number>) =>
      sseData(chunk({ delta: { content: text }, logprobs: logprob, top_logprobs: top }));
    server.use(
      http.post(url, () =>
        sseResponse([
          together("Hi", -0.12, { Hi: -0.12, Hello: -2.3 }),
          together("!", -0.5, { ".": -1.1, "!": -0.5 }),
          sseData({ ...finishChunk("stop"), usage: wireUsage({ inputTokens: 9, outputTokens: 2 }) }),
          sseDone,
        ]),
      ),
    );
    const { parts, error } = await collectStream(() =>
      create({ host: "together" })
        .languageModel("m")
        .doStream(options({ logprobs: 2 })),
    );
    expect(error).toBeUndefined();
    expect(parts.flatMap((part) => (part.type === "logprobs" ? part.logprobs : []))).toEqual([
      {
        token: "Hi",
        logprob: -0.12,
        topLogprobs: [
          { token: "Hi", logprob: -0.12 },
          { token: "Hello", logprob: -2.3 },
        ],
      },
      {
        token: "!",
        logprob: -0.5,
        topLogprobs: [
          { token: "!", logprob: -0.5 },
          { token: ".", logprob: -1.1 },
        ],
      },
    ]);
    expect(parts.at(-1)).toMatchObject({ type: "finish", usage: { inputTokens: 9, outputTokens: 2 } });
  });

  it("reads groq's stream usage from x_groq", async () => {
    server.use(
      http.post(url, () =>
        sseResponse([
          sseData(roleChunk),
          sseData(textChunk("ok")),
          sseData({
            ...finishChunk("stop"),
            x_groq: {
              id: "req_01jbd6g2qdfw2adyrt2az8hz4w",
              usage: wireUsage({ inputTokens: 12, outputTokens: 1 }),
            },
          }),
          sseDone,
        ]),
      ),
    );
    const { parts } = await collectStream(() =>
      create({ host: "groq" }).languageModel("m").doStream(options()),
    );
    expect(parts.at(-1)).toMatchObject({ type: "finish", usage: { inputTokens: 12, outputTokens: 1 } });
  });

  describe("reasoning_content (DeepSeek, vLLM, llama.cpp)", () => {
    /** A chunk of deepseek-reasoner's stream as the API sends it: content and reasoning_content, one of them null. */
    const deepseekChunk = (delta: Record<string, unknown>, finish: string | null = null, usage?: object) => ({
      id: "0b6e4d8c-2c43-4a43-9d8f-0d7a9a2e8f31",
      object: "chat.completion.chunk",
      created: 1738133284,
      model: "deepseek-reasoner",
      system_fingerprint: "fp_7e73fd9a08",
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(usage ? { usage } : {}),
    });
    const deepseekUsage = {
      prompt_tokens: 13,
      completion_tokens: 21,
      total_tokens: 34,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 18 },
      prompt_cache_hit_tokens: 0,
      prompt_cache_miss_tokens: 13,
    };

    it("streams reasoning_content deltas as reasoning, before the answer's text", async () => {
      server.use(
        http.post(url, () =>
          sseResponse([
            sseData(deepseekChunk({ role: "assistant", content: null, reasoning_content: "" })),
            sseData(deepseekChunk({ content: null, reasoning_content: "The user" })),
            sseData(deepseekChunk({ content: null, reasoning_content: " says hi." })),
            sseData(deepseekChunk({ content: "Hello", reasoning_content: null })),
            sseData(deepseekChunk({ content: "!", reasoning_content: null })),
            sseData(deepseekChunk({ content: "", reasoning_content: null }, "stop", deepseekUsage)),
            sseDone,
          ]),
        ),
      );
      const { parts, error } = await collectStream(() =>
        create().languageModel("deepseek-reasoner").doStream(options()),
      );
      expect(error).toBeUndefined();
      expect(parts).toEqual([
        { type: "reasoning-delta", text: "The user" },
        { type: "reasoning-delta", text: " says hi." },
        { type: "text-delta", text: "Hello" },
        { type: "text-delta", text: "!" },
        {
          type: "finish",
          finishReason: "stop",
          usage: { inputTokens: 13, outputTokens: 21, reasoningTokens: 18 },
        },
      ]);
    });

    it("returns the message's reasoning_content as the result's reasoning", async () => {
      server.use(
        http.post(url, () =>
          HttpResponse.json({
            id: "0b6e4d8c-2c43-4a43-9d8f-0d7a9a2e8f31",
            object: "chat.completion",
            created: 1738133284,
            model: "deepseek-reasoner",
            choices: [
              {
                index: 0,
                message: { role: "assistant", content: "Hello!", reasoning_content: "The user says hi." },
                logprobs: null,
                finish_reason: "stop",
              },
            ],
            usage: deepseekUsage,
            system_fingerprint: "fp_7e73fd9a08",
          }),
        ),
      );
      const result = await create().languageModel("deepseek-reasoner").doGenerate(options());
      expect(result).toMatchObject({ text: "Hello!", reasoning: "The user says hi." });
      expect(result.usage).toMatchObject({ reasoningTokens: 18 });
    });

    it("reads vLLM's newer `reasoning` delta field the same way", async () => {
      server.use(
        http.post(url, () =>
          sseResponse([
            sseData(chunk({ delta: { role: "assistant", content: "", reasoning: "Think." } })),
            sseData(textChunk("ok")),
            sseData(finishChunk("stop")),
            sseDone,
          ]),
        ),
      );
      const { parts } = await collectStream(() => create().languageModel("m").doStream(options()));
      expect(parts.slice(0, 2)).toEqual([
        { type: "reasoning-delta", text: "Think." },
        { type: "text-delta", text: "ok" },
      ]);
    });
  });

  describe("llama.cpp server", () => {
    const propsURL = "http://compatible.test/props";
    /** `GET /props` of llama-server b6xxx started with --jinja, trimmed to the fields read. */
    const props = (caps: Record<string, boolean> | undefined) =>
      HttpResponse.json({
        default_generation_settings: { n_ctx: 4096, params: { temperature: 0.8 } },
        total_slots: 1,
        model_alias: "qwen2.5-0.5b-instruct",
        model_path: "/models/qwen2.5-0.5b-instruct-q4_k_m.gguf",
        modalities: { vision: false, audio: false },
        chat_template: "{%- if tools %}…",
        ...(caps ? { chat_template_caps: caps } : {}),
        build_info: "b6423-8f35a8d4",
      });
    const hermesCaps = {
      supports_string_content: true,
      supports_typed_content: false,
      supports_tools: true,
      supports_tool_calls: true,
      supports_parallel_tool_calls: true,
      supports_system_role: true,
    };

    it("claims no tools until /props reports that the model's chat template supports them", async () => {
      let asked: URL | undefined;
      let authorization: string | null = null;
      server.use(
        http.get(propsURL, ({ request }) => {
          asked = new URL(request.url);
          authorization = request.headers.get("authorization");
          return props(hermesCaps);
        }),
      );
      const provider = create({ host: "llamacpp", apiKey: "test-canary-not-a-real-key-llama" });
      expect(provider.languageModel("qwen").capabilities.tools).toBe(false);
      expect(await provider.describe?.("qwen")).toEqual({ tools: true });
      expect(asked?.searchParams.get("model")).toBe("qwen");
      expect(authorization).toBe("Bearer test-canary-not-a-real-key-llama");
    });

    it("leaves tools unclaimed when /props says the template has none, reports no caps, fails or is absent", async () => {
      const replies = [
        () => props({ ...hermesCaps, supports_tools: false, supports_tool_calls: false }),
        () => props(undefined),
        () =>
          HttpResponse.json(
            { error: { code: 404, message: "File Not Found", type: "not_found_error" } },
            { status: 404 },
          ),
        () => HttpResponse.error(),
      ];
      for (const reply of replies) {
        server.use(http.get(propsURL, reply));
        expect(await create({ host: "llamacpp" }).describe?.("chatml-model")).toEqual({ tools: false });
      }
    });

    it("reads /props once per model, and not at all when dropParams lists tools", async () => {
      let reads = 0;
      server.use(
        http.get(propsURL, () => {
          reads += 1;
          return props(hermesCaps);
        }),
      );
      const provider = create({ host: "llamacpp" });
      await Promise.all([provider.describe?.("qwen"), provider.describe?.("qwen")]);
      expect(reads).toBe(1);
      expect(create({ host: "llamacpp", dropParams: ["tools"] }).describe).toBeUndefined();
      expect(create({ host: "vllm" }).describe).toBeUndefined();
    });

    it("sends json_object as the schema { type: object }, which llama-server enforces, and other hosts as json_object", async () => {
      const bodies = recordBodies();
      const format = { responseFormat: { type: "json_object" as const } };
      await create({ host: "llamacpp" }).languageModel("qwen").doGenerate(options(format));
      await create({ host: "vllm" }).languageModel("qwen").doGenerate(options(format));
      expect(bodies.map((body) => body.response_format)).toEqual([
        { type: "json_schema", json_schema: { name: "response", schema: { type: "object" } } },
        { type: "json_object" },
      ]);
    });
  });
});
