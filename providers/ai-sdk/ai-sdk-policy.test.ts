import { createMistral } from "@ai-sdk/mistral";
import { HttpResponse, http } from "msw";
import { afterEach, describe, expect, it } from "vitest";
import {
  aiSdkProviderType,
  checkPolicy,
  createRouter,
  type PolicyFile,
  ProviderSetupError,
  type Router,
} from "../../index.js";
import { useMswServer } from "../../test/support/msw-server.js";
import { sseData } from "../../test/support/sse-frames.js";
import { sseResponse } from "../../test/support/sse-response.js";
import {
  type GoogleCall,
  googleAnswer,
  googleBaseURL,
  googleError,
  googleErrors,
  googleHandlers,
  googleModel,
  googleStream,
  googleUsage,
} from "./test/google-wire.js";
import { mistralBaseURL, mistralHeaders } from "./test/mistral-wire.js";

const server = useMswServer();
const googleKey = "test-canary-not-a-real-key-google-7d41";
const mistralKey = "test-canary-not-a-real-key-mistral-2b9e";
/** The policy's `${NAME}` placeholder. */
const ref = (name: string) => `\${${name}}`;
const env = { GOOGLE_API_KEY: googleKey, MISTRAL_API_KEY: mistralKey };

/** Gemini first, Mistral behind it, both AI SDK packages named in the policy. */
function policy(overrides: Partial<PolicyFile["providers"]> = {}): PolicyFile {
  return {
    providers: {
      google: {
        type: "ai-sdk",
        package: "@ai-sdk/google",
        factory: "createGoogleGenerativeAI",
        options: { apiKey: ref("GOOGLE_API_KEY") },
        baseURL: googleBaseURL,
      },
      mistral: {
        type: "ai-sdk",
        package: "@ai-sdk/mistral",
        factory: "createMistral",
        options: { apiKey: ref("MISTRAL_API_KEY") },
        baseURL: mistralBaseURL,
      },
      ...overrides,
    },
    targets: {
      gemini: {
        provider: "google",
        model: googleModel,
        price: { input: 0.1, output: 0.4 },
        contextWindow: 1_048_576,
      },
      mistral: { provider: "mistral", model: "mistral-small-latest", price: { input: 0.1, output: 0.3 } },
    },
    routes: { default: { targets: ["gemini", "mistral"] } },
  };
}

let router: Router | undefined;
afterEach(async () => {
  await router?.close();
  router = undefined;
});

const ask = { messages: [{ role: "user" as const, content: "Say hello." }] };

describe("type: ai-sdk", () => {
  it("answers through @ai-sdk/google with the key from its environment variable, usage and cost", async () => {
    const calls: GoogleCall[] = [];
    server.use(
      ...googleHandlers(calls, {
        generate: () => HttpResponse.json(googleAnswer([{ text: "Hello there!" }], googleUsage(21, 11))),
      }),
    );
    router = await createRouter({ policy: policy(), env });
    const result = await router.chat({ ...ask, maxTokens: 64, temperature: 0.2 });
    expect(result.text).toBe("Hello there!");
    expect(result.usage).toEqual({ inputTokens: 21, outputTokens: 11 });
    expect(result.costUsd).toBeCloseTo((21 * 0.1 + 11 * 0.4) / 1e6, 12);
    expect(result.route.target).toBe("gemini");
    expect(calls[0]?.apiKey).toBe(googleKey);
    expect(calls[0]?.body).toMatchObject({
      contents: [{ role: "user", parts: [{ text: "Say hello." }] }],
      generationConfig: { maxOutputTokens: 64, temperature: 0.2 },
    });
  });

  it("streams Gemini's candidates as text deltas and a finish with usage", async () => {
    server.use(...googleHandlers([], { stream: () => googleStream(["Hel", "lo", "!"], googleUsage(21, 3)) }));
    router = await createRouter({ policy: policy(), env });
    const stream = router.stream(ask);
    const deltas: string[] = [];
    for await (const delta of stream.textStream) deltas.push(delta);
    expect(deltas.join("")).toBe("Hello!");
    const result = await stream.result;
    expect(result.usage).toEqual({ inputTokens: 21, outputTokens: 3 });
    expect(result.finishReason).toBe("stop");
  });

  it("maps Gemini's function calls to tool calls and sends tool results back by name", async () => {
    const calls: GoogleCall[] = [];
    server.use(
      ...googleHandlers(calls, {
        generate: () =>
          HttpResponse.json(
            googleAnswer(
              [{ functionCall: { name: "get_weather", args: { city: "Paris" } } }],
              googleUsage(58, 17),
            ),
          ),
      }),
    );
    router = await createRouter({ policy: policy(), env });
    const tools = [
      {
        name: "get_weather",
        description: "Current weather for a city.",
        parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      },
    ];
    const first = await router.chat({ ...ask, tools, targets: { only: ["gemini"] } });
    expect(first.finishReason).toBe("tool-calls");
    const [call] = first.message.toolCalls ?? [];
    expect(call).toMatchObject({ name: "get_weather", arguments: '{"city":"Paris"}' });
    await router.chat({
      messages: [
        ...ask.messages,
        first.message,
        { role: "tool", toolCallId: call?.id ?? "", content: '{"temperatureC":21}' },
      ],
      tools,
      targets: { only: ["gemini"] },
    });
    expect(calls[1]?.body.contents).toEqual([
      { role: "user", parts: [{ text: "Say hello." }] },
      {
        role: "model",
        parts: [{ functionCall: { id: call?.id, name: "get_weather", args: { city: "Paris" } } }],
      },
      {
        role: "user",
        parts: [
          {
            functionResponse: {
              id: call?.id,
              name: "get_weather",
              response: { name: "get_weather", content: '{"temperatureC":21}' },
            },
          },
        ],
      },
    ]);
  });

  it("falls back from a Gemini 404 to Mistral, and keeps a 429's retry-after on the attempt", async () => {
    let googleReplies = 0;
    server.use(
      ...googleHandlers([], {
        generate: () => {
          googleReplies += 1;
          return googleReplies === 1
            ? googleError(404, googleErrors.notFound)
            : googleError(429, googleErrors.rateLimit, { "retry-after": "3600" });
        },
      }),
      http.post(`${mistralBaseURL}/chat/completions`, () =>
        HttpResponse.json(
          {
            id: "4e0d1b5e9ac9431b8eb1b5b1a6ed0f4b",
            object: "chat.completion",
            created: 1741569952,
            model: "mistral-small-latest",
            choices: [
              {
                index: 0,
                message: { role: "assistant", content: "Bonjour !", tool_calls: null },
                finish_reason: "stop",
              },
            ],
            usage: { prompt_tokens: 9, total_tokens: 12, completion_tokens: 3 },
          },
          { headers: mistralHeaders },
        ),
      ),
    );
    router = await createRouter({ policy: policy(), env });
    const notFound = await router.chat(ask);
    expect(notFound.text).toBe("Bonjour !");
    expect(
      notFound.route.attempts.map((attempt) => [attempt.target, attempt.errorKind ?? attempt.outcome]),
    ).toEqual([
      ["gemini", "not_found"],
      ["mistral", "success"],
    ]);
    const limited = await router.chat(ask);
    expect(limited.route.attempts[0]).toMatchObject({
      target: "gemini",
      errorKind: "rate_limit",
      status: 429,
    });
    expect(limited.route.paused).toEqual([
      expect.objectContaining({ target: "gemini", reason: "retry-after" }),
    ]);
    expect(JSON.stringify([notFound, limited])).not.toContain(googleKey);
  });

  it("ends a stream Mistral cuts off with a typed truncation, never a success", async () => {
    server.use(
      http.post(`${mistralBaseURL}/chat/completions`, () =>
        sseResponse([
          sseData({
            id: "4e0d1b5e9ac9431b8eb1b5b1a6ed0f4b",
            object: "chat.completion.chunk",
            created: 1741569952,
            model: "mistral-small-latest",
            choices: [{ index: 0, delta: { role: "assistant", content: "Bon" }, finish_reason: null }],
          }),
        ]),
      ),
    );
    router = await createRouter({ policy: policy(), env });
    const stream = router.stream({ ...ask, targets: { only: ["mistral"] } });
    await expect(stream.result).rejects.toMatchObject({ name: "StreamInterruptedError", partialText: "Bon" });
  });

  it("reads Gemini's 400 for a wrong API key as auth", async () => {
    server.use(
      ...googleHandlers([], {
        generate: () =>
          googleError(400, {
            error: {
              code: 400,
              message: "API key not valid. Please pass a valid API key.",
              status: "INVALID_ARGUMENT",
              details: [
                {
                  "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                  reason: "API_KEY_INVALID",
                  domain: "googleapis.com",
                  metadata: { service: "generativelanguage.googleapis.com" },
                },
              ],
            },
          }),
      }),
    );
    router = await createRouter({ policy: policy(), env });
    const error = await router
      .chat({ ...ask, targets: { only: ["gemini"] } })
      .catch((failure: unknown) => failure);
    expect((error as Error).cause).toMatchObject({ kind: "auth", status: 400, retryable: false });
    expect((error as { trace: { attempts: unknown[] } }).trace.attempts).toEqual([
      expect.objectContaining({ target: "gemini", errorKind: "auth", status: 400 }),
    ]);
  });

  it("names the package to install when it is missing", async () => {
    const missing = policy({
      google: { type: "ai-sdk", package: "@ai-sdk/amazon-bedrock", factory: "createAmazonBedrock" },
    });
    const error = await createRouter({ policy: missing, env }).catch((failure: unknown) => failure);
    expect(ProviderSetupError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'provider google (type ai-sdk) could not be created: the AI SDK provider package "@ai-sdk/amazon-bedrock" is not installed: run `npm install @ai-sdk/amazon-bedrock` in the application',
    );
  });

  it("lists the package's factories when the named one does not exist", async () => {
    const typo = policy({
      mistral: {
        type: "ai-sdk",
        package: "@ai-sdk/mistral",
        factory: "createMistrall",
        options: { apiKey: ref("MISTRAL_API_KEY") },
      },
    });
    await expect(createRouter({ policy: typo, env })).rejects.toThrow(
      'provider mistral (type ai-sdk) could not be created: package "@ai-sdk/mistral" has no factory "createMistrall" (its factories: createMistral)',
    );
  });

  it("checks entries: package names only, baseURL outside options, placeholders only in credential options", async () => {
    const report = await checkPolicy(
      policy({
        google: {
          type: "ai-sdk",
          package: "../../secrets.js",
          factory: "createGoogleGenerativeAI",
          options: { baseURL: "http://169.254.169.254", apiKey: "literal-key-in-the-policy-file" },
        },
        mistral: {
          type: "ai-sdk",
          package: "@ai-sdk/mistral",
          factory: "createMistral",
          options: { region: ref("REGION") },
        },
      }),
      { env },
    );
    const messages = [...report.errors, ...report.warnings].map((issue) => `${issue.path}: ${issue.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^providers\.google\.package: expected an npm package name/),
        expect.stringMatching(
          /^providers\.google\.options\.baseURL: .*`baseURL` is not an option here: set `baseURL` on the entry/,
        ),
        expect.stringMatching(
          /^providers\.mistral\.options\.region: interpolation `\$\{…\}` is only allowed in secret fields/,
        ),
      ]),
    );
  });

  it("warns about a credential written into the policy", async () => {
    const report = await checkPolicy(
      policy({
        mistral: {
          type: "ai-sdk",
          package: "@ai-sdk/mistral",
          factory: "createMistral",
          options: { apiKey: "literal-key-in-the-policy-file" },
        },
      }),
      { env },
    );
    expect(report.warnings.map((issue) => issue.path)).toContain("providers.mistral.options.apiKey");
  });

  it("registers an AI SDK factory from code as a provider type of its own", async () => {
    let authorization: string | null = null;
    server.use(
      http.post(`${mistralBaseURL}/chat/completions`, ({ request }) => {
        authorization = request.headers.get("authorization");
        return HttpResponse.json(
          {
            id: "4e0d1b5e9ac9431b8eb1b5b1a6ed0f4b",
            object: "chat.completion",
            created: 1741569952,
            model: "mistral-small-latest",
            choices: [
              {
                index: 0,
                message: { role: "assistant", content: "Salut !", tool_calls: null },
                finish_reason: "stop",
              },
            ],
            usage: { prompt_tokens: 9, total_tokens: 12, completion_tokens: 3 },
          },
          { headers: mistralHeaders },
        );
      }),
    );
    const fromCode: PolicyFile = {
      providers: {
        mistral: { type: "mistral", options: { apiKey: ref("MISTRAL_API_KEY") }, baseURL: mistralBaseURL },
      },
      targets: {
        mistral: { provider: "mistral", model: "mistral-small-latest", price: { input: 0.1, output: 0.3 } },
      },
      routes: { default: { targets: ["mistral"] } },
    };
    router = await createRouter({
      policy: fromCode,
      env,
      providers: [aiSdkProviderType("mistral", createMistral)],
    });
    const result = await router.chat(ask);
    expect(result.text).toBe("Salut !");
    expect(authorization).toBe(`Bearer ${mistralKey}`);
  });
});
