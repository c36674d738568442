import { HttpResponse, http } from "msw";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AllTargetsFailedError,
  BudgetExceededError,
  createRouter,
  InvalidRequestError,
  NoEligibleTargetError,
  type PolicyFile,
  type Router,
  type RouterEvent,
} from "../../index.js";
import { mswServer, useMswServer } from "../support/msw-server.js";

useMswServer();

/** vLLM's `/tokenize`, which the router asks to count a priced vLLM target's prompt as vLLM bills it. */
beforeEach(() => {
  mswServer.use(
    http.post("http://vllm.test:8000/tokenize", async ({ request }) => {
      const body = (await request.json()) as { messages: { content: string }[] };
      const tokens = body.messages.flatMap((message) => message.content.split(" ").map((_, index) => index));
      return HttpResponse.json({ count: tokens.length, max_model_len: 8192, tokens });
    }),
  );
});

const openaiURL = "https://api.openai.test/v1";
const vllmURL = "http://vllm.test:8000/v1";

interface Received {
  url: string;
  body: { model: string; input: string[]; dimensions?: number; encoding_format?: string };
}

/** A vector that names its text, so order can be checked: [length, first char code]. */
const vectorOf = (text: string) => [text.length, text.charCodeAt(0)];

/** An embeddings endpoint answering as OpenAI does (indices shuffled, as the API allows). */
function embeddingsEndpoint(baseURL: string, received: Received[], options: { usage?: boolean } = {}) {
  return http.post(`${baseURL}/embeddings`, async ({ request }) => {
    const body = (await request.json()) as Received["body"];
    received.push({ url: baseURL, body });
    const data = body.input.map((text, index) => ({ object: "embedding", index, embedding: vectorOf(text) }));
    return HttpResponse.json(
      {
        object: "list",
        data: data.reverse(),
        model: body.model,
        ...(options.usage === false
          ? {}
          : { usage: { prompt_tokens: body.input.length * 3, total_tokens: body.input.length * 3 } }),
      },
      { headers: { "x-request-id": "req_emb_1" } },
    );
  });
}

function failing(
  baseURL: string,
  status: number,
  headers: Record<string, string> = {},
  received: Received[] = [],
) {
  return http.post(`${baseURL}/embeddings`, async ({ request }) => {
    received.push({ url: baseURL, body: (await request.json()) as Received["body"] });
    return HttpResponse.json(
      {
        error: {
          message:
            status === 429 ? "Rate limit reached for text-embedding-3-small" : "The server had an error",
          type: status === 429 ? "requests" : "server_error",
          param: null,
          code: status === 429 ? "rate_limit_exceeded" : null,
        },
      },
      { status, headers },
    );
  });
}

function policy(routes: PolicyFile["routes"], extra: Partial<PolicyFile> = {}): PolicyFile {
  return {
    providers: {
      openai: { type: "openai", apiKey: "test-canary-not-a-real-key-openai", baseURL: openaiURL },
      vllm: {
        type: "openai-compatible",
        host: "vllm",
        baseURL: vllmURL,
        maxEmbeddingInputs: 100,
        noTraining: true,
      },
      anthropic: {
        type: "anthropic",
        apiKey: "test-canary-not-a-real-key-anthropic",
        baseURL: "https://api.anthropic.test",
      },
    },
    targets: {
      small: {
        provider: "openai",
        model: "text-embedding-3-small",
        price: { input: 0.02, output: 0 },
        maxAttempts: 1,
      },
      bge: { provider: "vllm", model: "BAAI/bge-m3", price: { input: 0.01, output: 0 }, maxAttempts: 1 },
      claude: { provider: "anthropic", model: "claude-sonnet-4-5", price: { input: 3, output: 15 } },
    },
    routes,
    ...extra,
  };
}

let router: Router | undefined;
afterEach(async () => {
  await router?.close();
  router = undefined;
});

async function start(file: PolicyFile) {
  const events: RouterEvent[] = [];
  router = await createRouter({ policy: file, onEvent: (event) => events.push(event) });
  return { router, events };
}

describe("router.embed routes embeddings through the same policies", () => {
  it("returns one vector per input in order, with usage, cost and the route", async () => {
    const received: Received[] = [];
    mswServer.use(embeddingsEndpoint(openaiURL, received));
    const { router } = await start(policy({ default: { targets: ["small"] } }));
    const result = await router.embed({ input: ["alpha", "be", "c"], dimensions: 256 });
    expect(result.embeddings).toEqual([vectorOf("alpha"), vectorOf("be"), vectorOf("c")]);
    expect(result.usage).toEqual({ inputTokens: 9 });
    expect(result.costUsd).toBeCloseTo((9 * 0.02) / 1e6, 12);
    expect(result.route).toMatchObject({
      route: "default",
      target: "small",
      model: "text-embedding-3-small",
    });
    expect(result.route.attempts).toEqual([expect.objectContaining({ target: "small", outcome: "success" })]);
    expect(received[0]?.body).toEqual({
      model: "text-embedding-3-small",
      input: ["alpha", "be", "c"],
      encoding_format: "float",
      dimensions: 256,
    });
  });

  it("takes one string and uses a route named embeddings when the request names none", async () => {
    const received: Received[] = [];
    mswServer.use(embeddingsEndpoint(vllmURL, received));
    const { router } = await start(
      policy({ default: { targets: ["claude"] }, embeddings: { targets: ["bge"] } }),
    );
    const result = await router.embed({ input: "hello" });
    expect(result.embeddings).toEqual([vectorOf("hello")]);
    expect(result.route.route).toBe("embeddings");
  });

  it("splits inputs into batches of each provider's limit and keeps their order", async () => {
    const openai: Received[] = [];
    const vllm: Received[] = [];
    mswServer.use(embeddingsEndpoint(openaiURL, openai), embeddingsEndpoint(vllmURL, vllm));
    const { router } = await start(policy({ a: { targets: ["small"] }, b: { targets: ["bge"] } }));
    const texts = Array.from({ length: 2500 }, (_, index) => `text ${index}`);
    const viaOpenAI = await router.embed({ route: "a", input: texts });
    expect(openai.map((call) => call.body.input.length)).toEqual([2048, 452]);
    expect(viaOpenAI.embeddings).toEqual(texts.map(vectorOf));
    expect(viaOpenAI.usage.inputTokens).toBe(2500 * 3);
    const viaHost = await router.embed({ route: "b", input: texts.slice(0, 250) });
    expect(vllm.map((call) => call.body.input.length)).toEqual([100, 100, 50]);
    expect(viaHost.embeddings).toEqual(texts.slice(0, 250).map(vectorOf));
  });

  it("falls back to the next target when the first fails, and the trace shows both attempts", async () => {
    mswServer.use(failing(openaiURL, 500), embeddingsEndpoint(vllmURL, []));
    const { router, events } = await start(policy({ default: { targets: ["small", "bge"] } }));
    const result = await router.embed({ input: ["x"] });
    expect(result.route.target).toBe("bge");
    expect(result.route.attempts.map((attempt) => [attempt.target, attempt.outcome, attempt.status])).toEqual(
      [
        ["small", "error", 500],
        ["bge", "success", undefined],
      ],
    );
    const ends = events.filter((event) => event.type === "call-end");
    expect(ends).toEqual([
      expect.objectContaining({ callId: result.route.callId, outcome: "success", attempts: 2 }),
    ]);
  });

  it("fails over at once on a 429 while another target is healthy", async () => {
    const openai: Received[] = [];
    mswServer.use(failing(openaiURL, 429, { "retry-after": "5" }, openai), embeddingsEndpoint(vllmURL, []));
    const file = policy({ default: { targets: ["small", "bge"] } });
    const targets = file.targets as Record<string, Record<string, unknown>>;
    targets.small = { ...targets.small, maxAttempts: 3 };
    const { router } = await start(file);
    const began = Date.now();
    const result = await router.embed({ input: ["x"] });
    expect(result.route.target).toBe("bge");
    expect(Date.now() - began).toBeLessThan(4000);
    expect(openai).toHaveLength(1);
    expect(result.route.paused).toEqual([
      expect.objectContaining({ target: "small", reason: "retry-after" }),
    ]);
  });

  it("keeps privacy: a no-training request never reaches a target that may train on it", async () => {
    const openai: Received[] = [];
    mswServer.use(embeddingsEndpoint(openaiURL, openai), embeddingsEndpoint(vllmURL, []));
    const { router } = await start(policy({ default: { targets: ["small", "bge"] } }));
    const result = await router.embed({ input: ["secret notes"], privacy: "no-training" });
    expect(result.route.target).toBe("bge");
    expect(openai).toHaveLength(0);
    expect(result.route.rejected).toEqual([expect.objectContaining({ target: "small", policy: "privacy" })]);
  });

  it("rejects a target whose provider has no embeddings API, naming why", async () => {
    const { router } = await start(policy({ default: { targets: ["claude"] } }));
    const error = await router.embed({ input: ["x"] }).catch((caught: unknown) => caught);
    expect(NoEligibleTargetError.isInstance(error)).toBe(true);
    expect((error as NoEligibleTargetError).rejected).toEqual([
      expect.objectContaining({
        target: "claude",
        policy: "capabilities",
        reason: expect.stringContaining("no embeddings API"),
      }),
    ]);
  });

  it("refuses an embedding that could exceed the cost cap before sending anything", async () => {
    const openai: Received[] = [];
    mswServer.use(embeddingsEndpoint(openaiURL, openai));
    const { router } = await start(policy({ default: { targets: ["small"] } }));
    const error = await router
      .embed({ input: ["a long text ".repeat(1000)], budget: { maxCostUsd: 1e-9 } })
      .catch((caught: unknown) => caught);
    expect(BudgetExceededError.isInstance(error) || NoEligibleTargetError.isInstance(error)).toBe(true);
    expect(openai).toHaveLength(0);
  });

  it("counts tokens itself when the host reports no usage, so the call is never free", async () => {
    mswServer.use(embeddingsEndpoint(vllmURL, [], { usage: false }));
    const { router } = await start(policy({ default: { targets: ["bge"] } }));
    const result = await router.embed({ input: ["some words to embed"] });
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.costUsd).toBeGreaterThan(0);
  });

  it("ends in AllTargetsFailedError with every attempt when no target answers", async () => {
    mswServer.use(failing(openaiURL, 500), failing(vllmURL, 500));
    const { router } = await start(policy({ default: { targets: ["small", "bge"] } }));
    const error = await router.embed({ input: ["x"] }).catch((caught: unknown) => caught);
    expect(AllTargetsFailedError.isInstance(error)).toBe(true);
    expect((error as AllTargetsFailedError).trace.attempts).toHaveLength(2);
    expect((error as AllTargetsFailedError).callId).toBeDefined();
    expect(JSON.stringify(error)).not.toContain("test-canary-not-a-real-key");
  });

  it("stops at the caller's abort with AbortedError", async () => {
    mswServer.use(http.post(`${openaiURL}/embeddings`, () => new Promise<Response>(() => {})));
    const { router } = await start(policy({ default: { targets: ["small"] } }));
    const controller = new AbortController();
    const call = router.embed({ input: ["x"], signal: controller.signal });
    setTimeout(() => controller.abort(new Error("user left")), 20);
    await expect(call).rejects.toMatchObject({ name: "AbortedError" });
  });
});

describe("router.embed refuses bad input before any provider is called", () => {
  const cases: { name: string; request: unknown; field: string }[] = [
    { name: "an unknown field", request: { inputs: ["x"] }, field: "inputs" },
    { name: "no input", request: {}, field: "input" },
    { name: "an empty list", request: { input: [] }, field: "input" },
    { name: "a number among the texts", request: { input: ["a", 3] }, field: "input[1]" },
    { name: "a whitespace-only text", request: { input: ["a", "   "] }, field: "input[1]" },
    { name: "a lone surrogate", request: { input: ["ok", "bad \ud800 text"] }, field: "input[1]" },
    { name: "fractional dimensions", request: { input: ["a"], dimensions: 1.5 }, field: "dimensions" },
    { name: "an unknown route", request: { input: ["a"], route: "nope" }, field: "route" },
  ];
  it.each(cases)("names $name", async ({ request, field }) => {
    const received: Received[] = [];
    mswServer.use(embeddingsEndpoint(openaiURL, received));
    const { router } = await start(policy({ default: { targets: ["small"] } }));
    const error = await router.embed(request as never).catch((caught: unknown) => caught);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as InvalidRequestError).field).toBe(field);
    expect(received).toHaveLength(0);
  });
});
