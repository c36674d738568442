import { HttpResponse, http } from "msw";
import { afterEach, describe, expect, it } from "vitest";
import {
  AbortedError,
  AllTargetsFailedError,
  createRouter,
  NoEligibleTargetError,
  type PolicyFile,
  ProviderCallError,
  type Router,
} from "../../index.js";
import { mswServer, useMswServer } from "../../test/support/msw-server.js";
import { aiSdkProviderType } from "./ai-sdk-factory.js";
import {
  type EmbeddingsRequest,
  embeddingsBody,
  mistralEmbeddings,
  mistralEmbeddingsURL,
  tooManyTokens,
  vectorOf,
} from "./test/mistral-embeddings-wire.js";
import { mistralBaseURL, mistralErrors, mistralHeaders } from "./test/mistral-wire.js";

useMswServer();

const nodeMajor = Number(process.versions.node.split(".")[0]);
const apiKey = "test-canary-not-a-real-key-mistral-embeddings";

function policy(packageName = "@ai-sdk/mistral", extra: Partial<PolicyFile> = {}): PolicyFile {
  return {
    providers: {
      mistral: {
        type: "ai-sdk",
        package: packageName,
        factory: "createMistral",
        options: { apiKey },
        baseURL: mistralBaseURL,
      },
    },
    targets: {
      embed: {
        provider: "mistral",
        model: "mistral-embed",
        price: { input: 0.1, output: 0 },
        maxAttempts: 1,
      },
    },
    routes: { embeddings: { targets: ["embed"] } },
    ...extra,
  };
}

let router: Router | undefined;
afterEach(async () => {
  await router?.close();
  router = undefined;
});

const texts = (count: number) => Array.from({ length: count }, (_, index) => `text number ${index}`);

// The first call of the file loads the router and the package: slow on a busy machine.
describe("router.embed over an AI SDK embedding model (@ai-sdk/mistral)", { timeout: 30_000 }, () => {
  it("sends batches of the model's maxEmbeddingsPerCall (32), in order, with usage and cost summed", async () => {
    const received: { body: EmbeddingsRequest; authorization: string | null }[] = [];
    mswServer.use(mistralEmbeddings(received));
    router = await createRouter({ policy: policy() });
    const input = texts(70);
    const result = await router.embed({ input });
    expect(received.map((call) => call.body.input.length)).toEqual([32, 32, 6]);
    expect(received.flatMap((call) => call.body.input)).toEqual(input);
    expect(received[0]?.body).toMatchObject({ model: "mistral-embed", encoding_format: "float" });
    expect(received[0]?.authorization).toBe(`Bearer ${apiKey}`);
    expect(result.embeddings).toEqual(input.map((text) => vectorOf(text)));
    expect(result.usage).toEqual({ inputTokens: 70 * 4 });
    expect(result.costUsd).toBeCloseTo((280 * 0.1) / 1e6, 12);
    expect(result.route).toMatchObject({ route: "embeddings", target: "embed", model: "mistral-embed" });
    expect(result.route.attempts).toEqual([expect.objectContaining({ target: "embed", outcome: "success" })]);
  });

  it("maps Mistral's error body to a typed ProviderCallError, and a batch that fails fails the attempt", async () => {
    let calls = 0;
    mswServer.use(
      http.post(mistralEmbeddingsURL, async ({ request }) => {
        calls += 1;
        const body = (await request.json()) as EmbeddingsRequest;
        if (calls === 1) return HttpResponse.json(embeddingsBody(body), { headers: mistralHeaders });
        return HttpResponse.json(tooManyTokens, { status: 400, headers: mistralHeaders });
      }),
    );
    router = await createRouter({ policy: policy() });
    const error = await router.embed({ input: texts(40) }).catch((caught: unknown) => caught);
    expect(AllTargetsFailedError.isInstance(error)).toBe(true);
    const [failure] = (error as AllTargetsFailedError).errors;
    expect(ProviderCallError.isInstance(failure)).toBe(true);
    // Mistral says "too many tokens": the shared classifier reads it as the context length.
    expect(failure).toMatchObject({
      kind: "context_length",
      status: 400,
      retryable: false,
      provider: "mistral",
    });
    expect((failure as ProviderCallError).message).toMatch(
      /mistral:mistral-embed returned 400.*Too many tokens/,
    );
    expect(calls).toBe(2);
    expect(JSON.stringify(error)).not.toContain(apiKey);
  });

  it("classifies a 429 with retry-after as a retryable rate limit and fails over to the next target", async () => {
    const received: { body: EmbeddingsRequest; authorization: string | null }[] = [];
    mswServer.use(
      http.post(mistralEmbeddingsURL, async ({ request }) => {
        const body = (await request.json()) as EmbeddingsRequest;
        if (body.model === "mistral-embed")
          return HttpResponse.json(mistralErrors.rateLimit, {
            status: 429,
            headers: { ...mistralHeaders, "retry-after": "30" },
          });
        received.push({ body, authorization: null });
        return HttpResponse.json(embeddingsBody(body), { headers: mistralHeaders });
      }),
    );
    const file = policy();
    file.targets.backup = {
      provider: "mistral",
      model: "codestral-embed",
      price: { input: 0.15, output: 0 },
    };
    file.routes.embeddings = { targets: ["embed", "backup"] };
    router = await createRouter({ policy: file });
    const result = await router.embed({ input: ["one", "two"] });
    expect(result.route.target).toBe("backup");
    const [first] = result.route.attempts;
    expect(first).toMatchObject({ target: "embed", outcome: "error", status: 429 });
    expect(received).toHaveLength(1);
  });

  it("cancels the upstream request when the caller aborts", async () => {
    let cancelled = false;
    mswServer.use(
      http.post(
        mistralEmbeddingsURL,
        ({ request }) =>
          new Promise<Response>((resolve) => {
            request.signal.addEventListener("abort", () => {
              cancelled = true;
              resolve(HttpResponse.error());
            });
          }),
      ),
    );
    router = await createRouter({ policy: policy() });
    const controller = new AbortController();
    const call = router.embed({ input: ["x"], signal: controller.signal });
    setTimeout(() => controller.abort(new Error("user left")), 20);
    const error = await call.catch((caught: unknown) => caught);
    expect(AbortedError.isInstance(error)).toBe(true);
    await expect.poll(() => cancelled).toBe(true);
  });

  it("refuses dimensions on a v3 model before sending anything, as a bad_request of that target", async () => {
    router = await createRouter({ policy: policy() });
    const error = await router.embed({ input: ["x"], dimensions: 256 }).catch((caught: unknown) => caught);
    expect(AllTargetsFailedError.isInstance(error)).toBe(true);
    const [failure] = (error as AllTargetsFailedError).errors;
    expect(failure).toMatchObject({ kind: "bad_request", retryable: false, possiblyBilled: false });
    expect((failure as Error).message).toMatch(/specification v3 take no `dimensions`/);
  });

  it("rejects the targets of a package without embedding models, and fails a model the package refuses", async () => {
    const chatOnly = aiSdkProviderType("chat-only", () => ({
      languageModel: () => ({ specificationVersion: "v3" }),
    }));
    const refusing = aiSdkProviderType("refusing", () => ({
      languageModel: () => ({ specificationVersion: "v3" }),
      embeddingModel: (model: string) => {
        throw Object.assign(new Error(`No such embeddingModel: ${model}`), { name: "AI_NoSuchModelError" });
      },
    }));
    router = await createRouter({
      providers: [chatOnly, refusing],
      policy: {
        providers: { chat: { type: "chat-only" }, refusing: { type: "refusing" } },
        targets: {
          a: { provider: "chat", model: "m", price: { input: 1, output: 1 } },
          b: { provider: "refusing", model: "claude-embed", price: { input: 1, output: 0 }, maxAttempts: 1 },
        },
        routes: { only: { targets: ["a"] }, refused: { targets: ["b"] } },
      },
    });
    const none = await router.embed({ route: "only", input: ["x"] }).catch((caught: unknown) => caught);
    expect(NoEligibleTargetError.isInstance(none)).toBe(true);
    expect((none as NoEligibleTargetError).rejected).toEqual([
      expect.objectContaining({
        target: "a",
        reason: expect.stringMatching(/chat \(chat-only\) has no embeddings API/),
      }),
    ]);
    const refused = await router.embed({ route: "refused", input: ["x"] }).catch((caught: unknown) => caught);
    expect((refused as AllTargetsFailedError).errors[0]).toMatchObject({
      kind: "not_found",
      retryable: false,
    });
    expect((refused as AllTargetsFailedError).errors[0]?.message).toMatch(
      /No such embeddingModel: claude-embed/,
    );
  });
});

describe("AI SDK embedding models named the older way, with a limit given as a promise", () => {
  it("uses textEmbeddingModel and splits each call by the limit once it is known", async () => {
    const batches: string[][] = [];
    const older = aiSdkProviderType("older", () => ({
      languageModel: () => ({ specificationVersion: "v3" }),
      textEmbeddingModel: (modelId: string) => ({
        specificationVersion: "v3",
        provider: "older.embedding",
        modelId,
        maxEmbeddingsPerCall: Promise.resolve(2),
        supportsParallelCalls: false,
        doEmbed: async ({ values }: { values: string[] }) => {
          batches.push(values);
          return {
            embeddings: values.map((text) => vectorOf(text)),
            usage: { tokens: values.length * 2 },
            warnings: [],
          };
        },
      }),
    }));
    router = await createRouter({
      providers: [older],
      policy: {
        providers: { older: { type: "older" } },
        targets: { e: { provider: "older", model: "embed-1", price: { input: 1, output: 0 } } },
        routes: { default: { targets: ["e"] } },
      },
    });
    const input = texts(5);
    const result = await router.embed({ input });
    expect(batches.map((batch) => batch.length)).toEqual([2, 2, 1]);
    expect(result.embeddings).toEqual(input.map((text) => vectorOf(text)));
    expect(result.usage).toEqual({ inputTokens: 10 });
  });
});

describe.skipIf(nodeMajor < 22)(
  "router.embed over @ai-sdk/mistral 4 (specification v4, Node ≥ 22)",
  { timeout: 30_000 },
  () => {
    it("passes dimensions as Mistral's output_dimension and checks the vectors' length", async () => {
      const received: { body: EmbeddingsRequest; authorization: string | null }[] = [];
      mswServer.use(mistralEmbeddings(received));
      router = await createRouter({ policy: policy("@ai-sdk/mistral4") });
      const result = await router.embed({ input: ["alpha", "beta"], dimensions: 2 });
      expect(received[0]?.body).toMatchObject({ model: "mistral-embed", output_dimension: 2 });
      expect(result.embeddings).toEqual([vectorOf("alpha", 2), vectorOf("beta", 2)]);
    });

    it("fails an answer that ignored dimensions rather than returning vectors of another length", async () => {
      mswServer.use(
        http.post(mistralEmbeddingsURL, async ({ request }) => {
          const body = (await request.json()) as EmbeddingsRequest;
          return HttpResponse.json(embeddingsBody({ ...body, output_dimension: 4 }), {
            headers: mistralHeaders,
          });
        }),
      );
      router = await createRouter({ policy: policy("@ai-sdk/mistral4") });
      const error = await router
        .embed({ input: ["alpha"], dimensions: 2 })
        .catch((caught: unknown) => caught);
      expect((error as AllTargetsFailedError).errors[0]?.message).toMatch(
        /asked for 2 dimensions, got a vector of 4/,
      );
    });
  },
);
