import { delay, HttpResponse, http } from "msw";
import { afterEach, describe, expect, it } from "vitest";
import {
  BudgetExceededError,
  createRouter,
  InvalidRequestError,
  NoEligibleTargetError,
  type PolicyFile,
  type Router,
} from "../../index.js";
import { mswServer, useMswServer } from "../support/msw-server.js";

useMswServer();

const openaiURL = "https://api.openai.test/v1";
const vllmURL = "http://vllm.test:8000/v1";
/** $10 per million input tokens: one input of 200 words costs about $0.002. */
const price = { input: 10, output: 0 };

interface Batch {
  model: string;
  input: string[];
}

/**
 * An embeddings endpoint that bills each text one token per word (what the o200k count of these
 * texts is, give or take the spaces), answers after a few ms so calls overlap, and names each
 * vector after its text: [the call's number, the text's number].
 */
function endpoint(baseURL: string, received: Batch[]) {
  return http.post(`${baseURL}/embeddings`, async ({ request }) => {
    const body = (await request.json()) as Batch;
    received.push(body);
    await delay(5 + Math.floor(Math.random() * 10));
    const tokens = body.input.reduce((sum, text) => sum + text.split(" ").length, 0);
    return HttpResponse.json({
      object: "list",
      data: body.input.map((text, index) => ({
        object: "embedding",
        index,
        embedding: text.split(":", 2).map((part) => Number.parseInt(part, 10)),
      })),
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  });
}

/** vLLM's `/tokenize`, which the router asks to count a priced target's prompt as vLLM bills it. */
const tokenize = http.post(`${vllmURL.replace(/\/v1$/, "")}/tokenize`, async ({ request }) => {
  const body = (await request.json()) as { messages: { content: string }[] };
  const tokens = body.messages.flatMap((message) => message.content.split(/[ :]/).map((_, index) => index));
  return HttpResponse.json({ count: tokens.length, max_model_len: 8192, tokens });
});

const policy: PolicyFile = {
  providers: {
    openai: { type: "openai", apiKey: "test-canary-not-a-real-key-openai", baseURL: openaiURL },
    vllm: { type: "openai-compatible", host: "vllm", baseURL: vllmURL, maxEmbeddingInputs: 100 },
  },
  targets: {
    small: { provider: "openai", model: "text-embedding-3-small", price, maxAttempts: 1 },
    bge: { provider: "vllm", model: "BAAI/bge-m3", price, maxAttempts: 1 },
  },
  routes: { default: { targets: ["small"] }, local: { targets: ["bge"] } },
  budgets: { targets: { small: { dailyUsd: 0.05 } } },
};

let router: Router | undefined;
afterEach(async () => {
  await router?.close();
  router = undefined;
});

describe("router.embed under concurrency and hostile input", () => {
  it("never lets 100 concurrent embeddings spend past a target's daily budget", {
    timeout: 30_000,
  }, async () => {
    const received: Batch[] = [];
    mswServer.use(endpoint(openaiURL, received));
    router = await createRouter({ policy });
    const text = (call: number) => `${call}:0 ${"word ".repeat(198)}end`;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 100 }, (_, call) => router?.embed({ input: text(call) })),
    );

    const billedUsd = received.reduce(
      (sum, batch) => sum + (batch.input.join(" ").split(" ").length * price.input) / 1e6,
      0,
    );
    expect(billedUsd).toBeLessThanOrEqual(0.05);
    const answered = outcomes.filter((outcome) => outcome.status === "fulfilled");
    expect(answered.length).toBe(received.length);
    // Each call in flight holds its upper-bound estimate, so a handful hold the whole $0.05 at once
    // and the rest are refused rather than queued: fewer answers than the budget could buy, never more.
    expect(answered.length).toBeGreaterThan(0);
    for (const outcome of outcomes) {
      if (outcome.status === "rejected") {
        const error = outcome.reason as unknown;
        expect(BudgetExceededError.isInstance(error) || NoEligibleTargetError.isInstance(error)).toBe(true);
      }
    }
    const usage = await router.usage();
    expect(usage.targets.small?.costUsd).toBeCloseTo(billedUsd, 10);
  });

  it("gives 100 concurrent calls of 250 texts each their own vectors, in order, in batches of the host's limit", async () => {
    const received: Batch[] = [];
    mswServer.use(endpoint(vllmURL, received), tokenize);
    router = await createRouter({ policy });
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, call) =>
        router?.embed({
          route: "local",
          input: Array.from({ length: 250 }, (_, index) => `${call}:${index}`),
        }),
      ),
    );
    expect(received).toHaveLength(300);
    expect(Math.max(...received.map((batch) => batch.input.length))).toBe(100);
    for (const [call, result] of results.entries()) {
      expect(result?.embeddings).toEqual(Array.from({ length: 250 }, (_, index) => [call, index]));
    }
  });

  it("refuses a lone surrogate deep in a long batch, naming the input, and sends nothing", async () => {
    const received: Batch[] = [];
    mswServer.use(endpoint(vllmURL, received), tokenize);
    router = await createRouter({ policy });
    const input = Array.from({ length: 5_000 }, (_, index) => `${index}:0 text`);
    input[4_321] = `4321:0 ${"é".repeat(100_000)}\uD800 tail`;
    const error = await router.embed({ route: "local", input }).catch((caught: unknown) => caught);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as InvalidRequestError).field).toBe("input[4321]");
    expect(received).toHaveLength(0);
  });
});
