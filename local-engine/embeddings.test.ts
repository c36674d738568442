import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureLlamaModel } from "./gguf/index.js";
import { EngineError, LocalEngine, MemoryFitError, QueueFullError } from "./index.js";
import { hasNodeLlamaCpp, testGpu, testLibraryDir, tinyModelPath } from "./test/engine-test-env.js";
import { buildLlamaEmbedding, cosine, llamaEmbeddingVectors } from "./test/llama-embedding-reference.js";

const meanModel = fileURLToPath(new URL("../models/tiny-embed.gguf", import.meta.url));
const lastModel = fileURLToPath(new URL("../models/tiny-embed-last.gguf", import.meta.url));
const base = {
  threads: 1,
  slots: 2,
  contextPerSlot: 512,
  ...(testGpu === undefined ? {} : { gpu: testGpu }),
  ...(testLibraryDir === undefined ? {} : { libraryDir: testLibraryDir }),
} as const;
// Same build, same weights: only the order of float sums differs (more on a GPU).
const MIN_COSINE = 0.9999;
const TEXTS = [
  "hello world",
  "the quick brown fox jumps over the lazy dog",
  "a",
  "embeddings pool the last layer's states",
  "<|im_start|>user text that spells a control token<|im_end|>",
];
const GRAMMAR = "root ::= [a-z ]{1000}";

function norm(vector: Float32Array): number {
  return Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
}

async function rejection(promise: Promise<unknown>): Promise<EngineError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof EngineError)) throw new Error(`expected an EngineError, got ${String(error)}`);
  return error;
}

describe.skipIf(!hasNodeLlamaCpp)("local embeddings on generated embedding GGUFs", () => {
  let engine: LocalEngine;
  let reference: string;

  beforeAll(async () => {
    await ensureLlamaModel({ path: meanModel, pooling: "mean" });
    await ensureLlamaModel({ path: lastModel, pooling: "last" });
    engine = await LocalEngine.load({ ...base, modelPath: meanModel });
    reference = await buildLlamaEmbedding(testLibraryDir ?? dirnameOf(engine.info.libraryPath));
  }, 180_000);
  afterAll(() => engine?.close());

  it("takes dimensions and pooling from the GGUF metadata", () => {
    expect(engine.info.embeddings).toMatchObject({ dimensions: 64, pooling: "mean", maxTokens: 2048 });
  });

  it("returns unit vectors equal to llama.cpp's own llama-embedding for the same model (mean pooling)", async () => {
    const ours = await engine.embed(TEXTS);
    const theirs = await llamaEmbeddingVectors(reference, engine.info.libraryPath, meanModel, TEXTS);
    expect(ours.embeddings).toHaveLength(TEXTS.length);
    expect(theirs).toHaveLength(TEXTS.length);
    for (const [index, vector] of ours.embeddings.entries()) {
      expect(vector).toHaveLength(64);
      expect(norm(vector)).toBeCloseTo(1, 5);
      expect(cosine(vector, theirs[index]!)).toBeGreaterThanOrEqual(MIN_COSINE);
    }
    // Different texts give different vectors: the comparison is not between constants.
    expect(cosine(ours.embeddings[0]!, ours.embeddings[1]!)).toBeLessThan(0.99);
    expect(ours.inputTokens).toBe(ours.tokens.reduce((sum, count) => sum + count, 0));
    expect(ours.tokens).toEqual(TEXTS.map((text) => engine.tokenize(text).length));
  });

  it("pools the last token when the model says so, as llama-embedding does", {
    timeout: 60_000,
  }, async () => {
    const last = await LocalEngine.load({ ...base, modelPath: lastModel });
    try {
      expect(last.info.embeddings?.pooling).toBe("last");
      const ours = await last.embed(TEXTS);
      const theirs = await llamaEmbeddingVectors(reference, last.info.libraryPath, lastModel, TEXTS);
      for (const [index, vector] of ours.embeddings.entries()) {
        expect(cosine(vector, theirs[index]!)).toBeGreaterThanOrEqual(MIN_COSINE);
      }
      const mean = await engine.embed(TEXTS);
      expect(cosine(ours.embeddings[1]!, mean.embeddings[1]!)).toBeLessThan(0.99);
    } finally {
      await last.close();
    }
  });

  it("serves 100 concurrent embed calls while a generation keeps decoding", {
    timeout: 120_000,
  }, async () => {
    const solo = await engine.embed(TEXTS);
    const generation = engine.generate({ prompt: "go", maxTokens: 80, temperature: 0, grammar: GRAMMAR });
    const stepsBefore = engine.metrics().steps;
    const calls = Array.from({ length: 100 }, (_, call) => engine.embed([TEXTS[call % TEXTS.length]!]));
    const answers = await Promise.all(calls);
    const stepsDuring = engine.metrics().steps - stepsBefore;
    for (const [call, answer] of answers.entries()) {
      expect(cosine(answer.embeddings[0]!, solo.embeddings[call % TEXTS.length]!)).toBeGreaterThanOrEqual(
        MIN_COSINE,
      );
    }
    const completion = await generation.done;
    expect(completion.finishReason).toBe("length");
    expect(completion.completionTokens).toBe(80);
    // The generation loop kept stepping while the embeddings were decoded on their own thread.
    expect(stepsDuring).toBeGreaterThan(0);
  });

  it("refuses a huge input by its size, naming it, without tokenizing it", async () => {
    const huge = "x".repeat(10 * 1024 * 1024);
    const error = await rejection(engine.embed(["fine", huge]));
    expect(error.code).toBe("CONTEXT_LENGTH");
    expect(error.message).toMatch(/^input 1: the input has 10485760 bytes/);
    // The first input, already queued, was cancelled; the engine keeps serving.
    expect((await engine.embed(["still serving"])).embeddings).toHaveLength(1);
  });

  it("refuses an input of more tokens than the embedding context takes", { timeout: 60_000 }, async () => {
    const small = await LocalEngine.load({ ...base, modelPath: meanModel, embeddings: { batchTokens: 64 } });
    try {
      expect(small.info.embeddings?.maxTokens).toBe(64);
      const text = Array.from({ length: 80 }, (_, i) => `w${i}`).join(" ");
      const error = await rejection(small.embed([text]));
      expect(error.code).toBe("CONTEXT_LENGTH");
      expect(error.message).toMatch(
        /^input 0: the input has \d+ tokens but the embedding model takes at most 64$/,
      );
    } finally {
      await small.close();
    }
  });

  it("refuses a value that is not a string, naming it", async () => {
    const error = await rejection(engine.embed(["ok", 42 as unknown as string]));
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.message).toBe("input 1 is a number, not a string");
  });

  it("rejects with ABORTED when the signal aborts, and keeps serving", async () => {
    const controller = new AbortController();
    const pending = engine.embed(
      Array.from({ length: 64 }, (_, i) => `text ${i}`),
      { signal: controller.signal },
    );
    controller.abort();
    expect((await rejection(pending)).code).toBe("ABORTED");
    const already = await rejection(
      engine.embed(["x"], { signal: AbortSignal.abort() }).catch((error: unknown) => {
        throw EngineError.from(error);
      }),
    );
    expect(already).toBeInstanceOf(EngineError);
    expect((await engine.embed(["after the abort"])).embeddings).toHaveLength(1);
  });

  it("throws QueueFullError when the embedding queue is full", { timeout: 60_000 }, async () => {
    const full = await LocalEngine.load({ ...base, modelPath: meanModel, embeddings: { queueLimit: 0 } });
    try {
      const error = await rejection(full.embed(["one"]));
      expect(error).toBeInstanceOf(QueueFullError);
      expect(error.message).toMatch(/^input 0: the local engine's embedding queue is full/);
    } finally {
      await full.close();
    }
  });
});

describe.skipIf(!hasNodeLlamaCpp)("the memory-fit check with an embedding context", () => {
  async function estimate(modelPath: string, embeddings?: { mode: "on" | "off" }) {
    const error = await LocalEngine.load({
      ...base,
      modelPath,
      availableMemoryBytes: 1,
      ...(embeddings ? { embeddings } : {}),
    }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    if (!(error instanceof MemoryFitError)) throw new Error(`expected MemoryFitError, got ${String(error)}`);
    return error;
  }

  it("counts the embedding context exactly when the engine would open one", { timeout: 60_000 }, async () => {
    await ensureLlamaModel({ path: meanModel, pooling: "mean" });
    await ensureLlamaModel({ path: tinyModelPath });
    const embedding = await estimate(meanModel);
    expect(embedding.estimate.embeddingBytes).toBeGreaterThan(0);
    expect(embedding.message).toMatch(/ \+ embedding context \d/);
    expect(embedding.estimate.totalBytes).toBe(
      embedding.estimate.weightsBytes +
        embedding.estimate.kvBytes +
        embedding.estimate.computeBytes +
        embedding.estimate.embeddingBytes,
    );
    expect((await estimate(meanModel, { mode: "off" })).estimate.embeddingBytes).toBe(0);
    expect((await estimate(tinyModelPath)).estimate.embeddingBytes).toBe(0);
    expect((await estimate(tinyModelPath, { mode: "on" })).estimate.embeddingBytes).toBe(
      embedding.estimate.embeddingBytes,
    );
  });
});

describe.skipIf(!hasNodeLlamaCpp)("local embeddings from a generative model", () => {
  it("are refused unless turned on, then pooled by mean as llama-embedding --pooling mean does", {
    timeout: 120_000,
  }, async () => {
    await ensureLlamaModel({ path: tinyModelPath });
    const generative = await LocalEngine.load({ ...base, modelPath: tinyModelPath });
    try {
      expect(generative.info.embeddings).toBeUndefined();
      expect((await rejection(generative.embed(["x"]))).code).toBe("NOT_EMBEDDING");
    } finally {
      await generative.close();
    }
    const pooled = await LocalEngine.load({ ...base, modelPath: tinyModelPath, embeddings: { mode: "on" } });
    try {
      expect(pooled.info.embeddings?.pooling).toBe("mean");
      const ours = await pooled.embed(TEXTS);
      const binary = await buildLlamaEmbedding(testLibraryDir ?? dirnameOf(pooled.info.libraryPath));
      const theirs = await llamaEmbeddingVectors(binary, pooled.info.libraryPath, tinyModelPath, TEXTS, [
        "--pooling",
        "mean",
      ]);
      for (const [index, vector] of ours.embeddings.entries()) {
        expect(cosine(vector, theirs[index]!)).toBeGreaterThanOrEqual(MIN_COSINE);
      }
      // Generation still works on the same engine.
      const completion = await pooled.generate({ prompt: "hi", maxTokens: 4, temperature: 0 }).done;
      expect(completion.completionTokens).toBeGreaterThan(0);
    } finally {
      await pooled.close();
    }
  });
});

function dirnameOf(path: string): string {
  return path.slice(0, path.lastIndexOf("/"));
}
