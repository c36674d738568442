import type { EmbeddingModelV3, EmbeddingModelV4 } from "@ai-sdk/provider";
import { HttpResponse, http } from "msw";
import { afterEach, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { createRouter, type PolicyFile, type Router } from "../../index.js";
import { createSwitchyard } from "../../src/ai-sdk/index.js";
import { mswServer, useMswServer } from "../support/msw-server.js";

type Ai = typeof import("ai");
type EmbeddingModel = import("ai").EmbeddingModel;

const nodeMajor = Number(process.versions.node.split(".")[0]);
const primaryURL = "https://api.openai.test/v1";
const backupURL = "https://backup.openai.test/v1";

useMswServer();

interface Received {
  url: string;
  body: { model: string; input: string[]; dimensions?: number };
  signal: AbortSignal;
}

/** A vector that names its text, so order can be checked. */
const vectorOf = (text: string) => [text.length, text.charCodeAt(0)];

/** OpenAI's embeddings endpoint (indices shuffled, as the API allows). */
function endpoint(baseURL: string, received: Received[]) {
  return http.post(`${baseURL}/embeddings`, async ({ request }) => {
    const body = (await request.json()) as Received["body"];
    received.push({ url: baseURL, body, signal: request.signal });
    const data = body.input.map((text, index) => ({ object: "embedding", index, embedding: vectorOf(text) }));
    return HttpResponse.json({
      object: "list",
      data: data.reverse(),
      model: body.model,
      usage: { prompt_tokens: body.input.length * 3, total_tokens: body.input.length * 3 },
    });
  });
}

function failing(baseURL: string, status: number, received: Received[]) {
  return http.post(`${baseURL}/embeddings`, async ({ request }) => {
    received.push({ url: baseURL, body: (await request.json()) as Received["body"], signal: request.signal });
    const error = { message: "Incorrect API key provided.", type: "invalid_request_error", param: null };
    return HttpResponse.json(
      { error: { ...error, code: status === 401 ? "invalid_api_key" : null } },
      { status },
    );
  });
}

const policy: PolicyFile = {
  providers: {
    openai: { type: "openai", apiKey: "test-canary-not-a-real-key-openai-embed", baseURL: primaryURL },
    backup: { type: "openai", apiKey: "test-canary-not-a-real-key-openai-backup", baseURL: backupURL },
  },
  targets: {
    primary: {
      provider: "openai",
      model: "text-embedding-3-small",
      price: { input: 0.02, output: 0 },
      maxAttempts: 1,
    },
    backup: {
      provider: "backup",
      model: "text-embedding-3-large",
      price: { input: 0.01, output: 0 },
      maxAttempts: 1,
    },
  },
  routes: { embeddings: { targets: ["primary", "backup"] } },
};

let router: Router | undefined;
afterEach(async () => {
  await router?.close();
  router = undefined;
});

/** The same behaviours, against one major of the `ai` package and one specification version. */
function embedsAsAnAiSdkModel(name: string, load: () => Promise<Ai>, version: "v3" | "v4") {
  describe(name, { timeout: 30_000 }, () => {
    let ai: Ai;
    beforeAll(async () => {
      ai = await load();
    }, 30_000);

    const model = async (route = "embeddings") => {
      router = await createRouter({ policy });
      return createSwitchyard({ router, specificationVersion: version }).embeddingModel(
        route,
      ) as unknown as EmbeddingModel;
    };

    it("answers embed with the routed vector, usage, and the route trace and cost in providerMetadata", async () => {
      const received: Received[] = [];
      mswServer.use(failing(primaryURL, 500, received), endpoint(backupURL, received));
      const result = await ai.embed({ model: await model(), value: "hello", maxRetries: 0 });
      expect(result.embedding).toEqual(vectorOf("hello"));
      expect(result.usage.tokens).toBe(3);
      const metadata = result.providerMetadata?.switchyard as Record<string, unknown>;
      expect(metadata.target).toBe("backup");
      expect(metadata.costUsd).toBeCloseTo((3 * 0.01) / 1e6, 12);
      const route = metadata.route as { attempts: { target: string; outcome: string }[] };
      expect(route.attempts.map((attempt) => [attempt.target, attempt.outcome])).toEqual([
        ["primary", "error"],
        ["backup", "success"],
      ]);
    });

    it("sends embedMany's values as one router call and keeps their order", async () => {
      const received: Received[] = [];
      mswServer.use(endpoint(primaryURL, received));
      const values = ["alpha", "be", "c"];
      const result = await ai.embedMany({ model: await model(), values, maxRetries: 0 });
      expect(result.embeddings).toEqual(values.map(vectorOf));
      expect(result.usage.tokens).toBe(9);
      expect(received.map((call) => call.body.input)).toEqual([values]);
    });

    it("passes providerOptions.switchyard to the router and refuses keys it does not know", async () => {
      const received: Received[] = [];
      mswServer.use(endpoint(primaryURL, received));
      const embeddings = await model();
      const result = await ai.embed({
        model: embeddings,
        value: "hello",
        providerOptions: { switchyard: { dimensions: 256, tags: ["search"] } },
        headers: { "x-team": "search" },
        maxRetries: 0,
      });
      expect(received[0]?.body.dimensions).toBe(256);
      expect(result.warnings).toEqual([expect.objectContaining({ type: "unsupported", feature: "headers" })]);
      const failure = await ai
        .embed({
          model: embeddings,
          value: "x",
          providerOptions: { switchyard: { dimension: 2 } },
          maxRetries: 0,
        })
        .catch((error: unknown) => error);
      expect(ai.InvalidArgumentError.isInstance(failure)).toBe(true);
      expect((failure as Error).message).toMatch(
        /providerOptions\.switchyard: Unrecognized key: "dimension"/,
      );
    });

    it("fails with a non-retryable APICallError, so the AI SDK's default retries add no upstream calls", async () => {
      const received: Received[] = [];
      mswServer.use(failing(primaryURL, 401, received), failing(backupURL, 401, received));
      const failure = await ai.embed({ model: await model(), value: "x" }).catch((error: unknown) => error);
      expect(ai.APICallError.isInstance(failure)).toBe(true);
      const error = failure as InstanceType<Ai["APICallError"]>;
      expect(error.isRetryable).toBe(false);
      expect(error.statusCode).toBe(401);
      expect(error.message).toMatch(/All targets of route "embeddings" failed/);
      expect(received.map((call) => call.url)).toEqual([primaryURL, backupURL]);
      expect(JSON.stringify(error.data)).not.toContain("test-canary-not-a-real-key");
    });

    it("answers an unknown route with NoSuchModelError for an embedding model", async () => {
      const failure = await ai
        .embed({ model: await model("embedings"), value: "x", maxRetries: 0 })
        .catch((error: unknown) => error);
      expect(ai.NoSuchModelError.isInstance(failure)).toBe(true);
      expect((failure as InstanceType<Ai["NoSuchModelError"]>).modelType).toBe("embeddingModel");
      expect((failure as Error).message).toMatch(/unknown route "embedings"/);
    });

    it("cancels the upstream request when the AI SDK's abort signal fires", async () => {
      const received: Received[] = [];
      mswServer.use(
        http.post(`${primaryURL}/embeddings`, async ({ request }) => {
          received.push({
            url: primaryURL,
            body: (await request.json()) as Received["body"],
            signal: request.signal,
          });
          return new Promise<Response>((resolve) => {
            request.signal.addEventListener("abort", () => resolve(HttpResponse.error()));
          });
        }),
      );
      const controller = new AbortController();
      const call = ai.embed({
        model: await model(),
        value: "x",
        abortSignal: controller.signal,
        maxRetries: 0,
      });
      await expect.poll(() => received.length).toBe(1);
      controller.abort();
      await expect(call).rejects.toMatchObject({ name: "AbortError" });
      expect(received[0]?.signal.aborted).toBe(true);
    });
  });
}

embedsAsAnAiSdkModel("embeddings with ai 6 (specification v3)", () => import("ai"), "v3");
describe.skipIf(nodeMajor < 22)("embeddings with ai 7 (Node ≥ 22)", () => {
  embedsAsAnAiSdkModel("with ai 7 and a v3 model", () => import("ai7") as unknown as Promise<Ai>, "v3");
  embedsAsAnAiSdkModel("with ai 7 and a v4 model", () => import("ai7") as unknown as Promise<Ai>, "v4");
});

describe("createSwitchyard's embedding models", () => {
  it("fit the AI SDK's v3 and v4 embedding model types", () => {
    type Router = Parameters<typeof createSwitchyard>[0]["router"];
    const router = {} as Router;
    expectTypeOf(createSwitchyard({ router }).embeddingModel("e")).toExtend<EmbeddingModelV3>();
    expectTypeOf(createSwitchyard({ router }).textEmbeddingModel("e")).toExtend<EmbeddingModelV3>();
    expectTypeOf(
      createSwitchyard({ router, specificationVersion: "v4" }).embeddingModel("e"),
    ).toExtend<EmbeddingModelV4>();
    expectTypeOf(createSwitchyard({ router }).embeddingModel("e")).toExtend<EmbeddingModel>();
  });
});
