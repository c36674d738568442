import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AllTargetsFailedError, createRouter, ProviderCallError, type Router } from "../../index.js";
import { ensureLlamaModel } from "../../local-engine/gguf/index.js";

const embedModel = fileURLToPath(new URL("../../models/tiny-embed.gguf", import.meta.url));
const chatModel = fileURLToPath(new URL("../../models/tiny-llama.gguf", import.meta.url));

/** The one attempt's error of a call whose only target failed. */
async function onlyError(call: Promise<unknown>): Promise<ProviderCallError> {
  const error = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!AllTargetsFailedError.isInstance(error))
    throw new Error(`expected AllTargetsFailedError, got ${String(error)}`);
  expect(error.errors).toHaveLength(1);
  const [only] = error.errors;
  if (!ProviderCallError.isInstance(only))
    throw new Error(`expected a ProviderCallError, got ${String(only)}`);
  return only;
}

function norm(vector: readonly number[]): number {
  return Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
}

describe("the local engine as an embedding target", () => {
  let router: Router;
  beforeAll(async () => {
    await ensureLlamaModel({ path: embedModel, pooling: "mean" });
    await ensureLlamaModel({ path: chatModel });
    router = await createRouter({
      policy: {
        providers: {
          embedder: { type: "local", model: embedModel, slots: 1, threads: 1 },
          chat: { type: "local", model: chatModel, slots: 1, threads: 1 },
          pooled: {
            type: "local",
            model: chatModel,
            slots: 1,
            threads: 1,
            embeddings: "on",
            pooling: "last",
          },
          isolated: { type: "local", model: embedModel, slots: 1, threads: 1, isolation: "process" },
        },
        targets: {
          "tiny-embed": { provider: "embedder", model: "tiny-embed", price: { input: 0, output: 0 } },
          "tiny-chat": { provider: "chat", model: "tiny-llama" },
          "tiny-pooled": { provider: "pooled", model: "tiny-llama" },
          "tiny-isolated": { provider: "isolated", model: "tiny-embed" },
        },
        routes: {
          default: { targets: ["tiny-chat"] },
          embeddings: { targets: ["tiny-chat", "tiny-embed"] },
          pooled: { targets: ["tiny-pooled"] },
          isolated: { targets: ["tiny-isolated"] },
        },
      },
    });
  }, 120_000);
  afterAll(() => router?.close());

  it("embeds every input into a unit vector, with the engine's token count and no cost", {
    timeout: 60_000,
  }, async () => {
    const result = await router.embed({ input: ["first text", "second text", "third"] });
    expect(result.embeddings).toHaveLength(3);
    for (const vector of result.embeddings) {
      expect(vector).toHaveLength(64);
      expect(norm(vector)).toBeCloseTo(1, 5);
    }
    expect(result.embeddings[0]).not.toEqual(result.embeddings[1]);
    // BOS + the text's tokens, counted by the engine itself.
    expect(result.usage.inputTokens).toBeGreaterThanOrEqual(6);
    expect(result.costUsd).toBe(0);
    expect(result.route.target).toBe("tiny-embed");
  });

  it("fails over from a generative model that serves no embeddings, saying why", {
    timeout: 60_000,
  }, async () => {
    const result = await router.embed({ input: "hello" });
    expect(result.route.target).toBe("tiny-embed");
    const refused = result.route.attempts.find((attempt) => attempt.target === "tiny-chat");
    expect(refused?.outcome).not.toBe("success");
    expect(JSON.stringify(refused)).toMatch(/GGUF metadata names no pooling/);
  });

  it("embeds in an engine process the same vectors as in this process", { timeout: 60_000 }, async () => {
    const input = ["first text", "second text"];
    const here = await router.embed({ input });
    const there = await router.embed({ route: "isolated", input });
    expect(there.route.target).toBe("tiny-isolated");
    expect(there.usage).toEqual(here.usage);
    expect(there.embeddings).toEqual(here.embeddings);
  });

  it("pools a generative model when its provider turns embeddings on", { timeout: 60_000 }, async () => {
    const result = await router.embed({ route: "pooled", input: ["one", "two"] });
    expect(result.embeddings).toHaveLength(2);
    expect(norm(result.embeddings[0]!)).toBeCloseTo(1, 5);
  });

  it("refuses dimensions the model cannot give", { timeout: 60_000 }, async () => {
    const error = await onlyError(router.embed({ route: "pooled", input: "x", dimensions: 16 }));
    expect(error.kind).toBe("bad_request");
    expect(error.message).toMatch(/dimensions 16 asked, but the model's vectors have 64/);
  });

  it("refuses a huge input as a context-length error naming it", { timeout: 60_000 }, async () => {
    const huge = "y".repeat(4 * 1024 * 1024);
    const error = await onlyError(router.embed({ route: "pooled", input: ["fine", huge] }));
    expect(error.kind).toBe("context_length");
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/CONTEXT_LENGTH: input 1: the input has 4194304 bytes/);
  });

  it("stops when the caller aborts and keeps serving", { timeout: 60_000 }, async () => {
    const controller = new AbortController();
    const call = router.embed({
      route: "pooled",
      input: Array.from({ length: 200 }, (_, i) => `text number ${i}`),
      signal: controller.signal,
    });
    controller.abort();
    await expect(call).rejects.toThrow();
    const after = await router.embed({ route: "pooled", input: "after" });
    expect(after.embeddings).toHaveLength(1);
  });
});
