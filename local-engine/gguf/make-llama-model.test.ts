import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  getLlama,
  type Llama,
  LlamaChatSession,
  LlamaLogLevel,
  type LlamaModel,
  type Token,
} from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatmlTemplate } from "./chatml-template.js";
import { ensureLlamaModel } from "./ensure-llama-model.js";
import { GgmlType } from "./ggml-type.js";
import { llamaModelPresets } from "./llama-model-presets.js";
import { llamaSpecialTokenIds } from "./llama-vocab.js";
import { describeLlamaModel, makeLlamaModel } from "./make-llama-model.js";
import { readGgufMetadata } from "./read-gguf-metadata.js";

// Loading node-llama-cpp's prebuilt CPU backend takes about a second on a two-core machine.
const setupTimeout = 60_000;

let directory: string;
let modelPath: string;
let llama: Llama;
let model: LlamaModel;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "tiny-llama-"));
  modelPath = join(directory, "tiny-llama.gguf");
  await makeLlamaModel({ path: modelPath, preset: "tiny" });
  llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
  model = await llama.loadModel({ modelPath });
}, setupTimeout);

afterAll(async () => {
  await model?.dispose();
  await rm(directory, { recursive: true, force: true });
});

describe("the tiny llama model", () => {
  it("describes itself through its metadata", async () => {
    const file = await readGgufMetadata(modelPath);
    const tiny = llamaModelPresets.tiny;
    expect(file).toMatchObject({
      architecture: "llama",
      contextLength: tiny.contextLength,
      embeddingLength: tiny.embeddingLength,
      blockCount: tiny.blockCount,
      headCount: tiny.headCount,
      headCountKv: tiny.headCountKv,
      vocabSize: tiny.vocabSize,
      chatTemplate: chatmlTemplate,
    });
    expect(file.tensors).toHaveLength(3 + 9 * tiny.blockCount);
    expect(file.tensors.find((tensor) => tensor.name === "token_embd.weight")).toMatchObject({
      dims: [tiny.embeddingLength, tiny.vocabSize],
      type: GgmlType.F32,
    });
    expect(file.fileSize).toBeLessThan(1_000_000);
    expect(file.tensorBytes).toBe(model.size);
  });

  it("exposes its special tokens to llama.cpp", () => {
    expect(model.tokens.bos).toBe(llamaSpecialTokenIds.bos);
    expect(model.tokens.eos).toBe(llamaSpecialTokenIds.eos);
    expect(model.tokens.eot).toBe(llamaSpecialTokenIds.imEnd);
    expect(model.tokens.shouldPrependBosToken).toBe(true);
    expect(model.trainContextSize).toBe(llamaModelPresets.tiny.contextLength);
    expect(model.tokenize("<|im_start|>", true)).toEqual([llamaSpecialTokenIds.imStart]);
  });

  it.each([
    "Hello world",
    "the quick brown fox jumps over the lazy dog",
    " leading space",
    "   three leading spaces and trailing  ",
    "héllo wörld — ünïcode ✓ 日本語",
    "emoji 🎉👩‍👩‍👧 and a flag 🇫🇷",
    "line one\nline two\n\n\ttabbed\r\n",
    "<|im_start|>user\nnot special when typed<|im_end|>",
    "<s></s><unk><0x41>",
    "",
  ])("tokenizes and detokenizes %j exactly", (text) => {
    expect(model.detokenize(model.tokenize(text))).toBe(text);
  });

  it("decodes tokens through the forward pass, deterministically when greedy", async () => {
    const context = await model.createContext({ contextSize: 256, threads: 1 });
    try {
      const prompt: Token[] = [model.tokens.bos!, ...model.tokenize("the quick brown fox")];
      const generate = async (): Promise<number[]> => {
        const sequence = context.getSequence();
        const generated: number[] = [];
        for await (const token of sequence.evaluate(prompt, { temperature: 0 })) {
          generated.push(token);
          if (generated.length === 16) break;
        }
        sequence.dispose();
        return generated;
      };
      const first = await generate();
      expect(first).toHaveLength(16);
      expect(first.every((token) => token >= 0 && token < llamaModelPresets.tiny.vocabSize)).toBe(true);
      expect(await generate()).toEqual(first);
    } finally {
      await context.dispose();
    }
  });

  it("answers through a chat session with its ChatML template", async () => {
    const context = await model.createContext({ contextSize: 256, threads: 1 });
    try {
      const session = new LlamaChatSession({ contextSequence: context.getSequence() });
      // node-llama-cpp renders the Jinja template and only picks its ChatML wrapper when the output matches.
      expect(session.chatWrapper.wrapperName).toBe("ChatML");
      const answer = await session.prompt("Hi there", { maxTokens: 4 });
      expect(typeof answer).toBe("string");
    } finally {
      await context.dispose();
    }
  });
});

describe("an embedding variant", () => {
  it("names its pooling in the metadata and the fingerprint, and no other bytes change", async () => {
    const path = join(directory, "tiny-embed-cls.gguf");
    const made = await makeLlamaModel({ path, preset: "tiny", pooling: "cls" });
    const file = await readGgufMetadata(path);
    expect(file.metadata.get("llama.pooling_type")).toMatchObject({ value: 2 });
    expect(made.description).toBe(`${describeLlamaModel({ path: modelPath, preset: "tiny" })}, pooling cls`);
    const generative = await readGgufMetadata(modelPath);
    expect(generative.metadata.has("llama.pooling_type")).toBe(false);
    expect(file.tensors.map((tensor) => tensor.name)).toEqual(
      generative.tensors.map((tensor) => tensor.name),
    );
  });

  it("refuses a pooling llama.cpp does not embed with", async () => {
    await expect(
      makeLlamaModel({ path: join(directory, "x.gguf"), pooling: "rank" as unknown as "mean" }),
    ).rejects.toThrow('unknown pooling "rank"');
  });
});

describe("ensureLlamaModel", () => {
  it("keeps a model made with the same options and remakes one made with others", async () => {
    const path = join(directory, "ensured.gguf");
    const first = await ensureLlamaModel({ path, preset: "tiny", seed: 1 });
    expect(first.generated).toBe(true);
    const { mtimeMs } = await stat(path);

    const again = await ensureLlamaModel({ path, preset: "tiny", seed: 1 });
    expect(again).toMatchObject({
      generated: false,
      fileSize: first.fileSize,
      parameterCount: first.parameterCount,
    });
    expect((await stat(path)).mtimeMs).toBe(mtimeMs);

    const reseeded = await ensureLlamaModel({ path, preset: "tiny", seed: 2 });
    expect(reseeded.generated).toBe(true);
    expect(reseeded.description).toBe(describeLlamaModel({ path, preset: "tiny", seed: 2 }));
  });
});
