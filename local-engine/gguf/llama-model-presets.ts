export type LlamaWeightType = "f32" | "f16" | "q8_0";
export type LlamaModelPresetName = "tiny" | "1b";

export interface LlamaModelShape {
  vocabSize: number;
  embeddingLength: number;
  blockCount: number;
  feedForwardLength: number;
  headCount: number;
  headCountKv: number;
  contextLength: number;
  /** Used when the caller names no weight type. */
  weightType: LlamaWeightType;
}

export const llamaModelPresets: Readonly<Record<LlamaModelPresetName, LlamaModelShape>> = {
  /** For tests and the offline quickstart: under 1 MB, decodes a token in well under a millisecond. */
  tiny: {
    vocabSize: 1024,
    embeddingLength: 64,
    blockCount: 2,
    feedForwardLength: 128,
    headCount: 4,
    headCountKv: 2,
    contextLength: 4096,
    weightType: "f32",
  },
  /** TinyLlama-1.1B's shape, for GPU throughput benchmarks (2.2 GB as F16, 1.2 GB as Q8_0). */
  "1b": {
    vocabSize: 32000,
    embeddingLength: 2048,
    blockCount: 16,
    feedForwardLength: 8192,
    headCount: 32,
    headCountKv: 8,
    contextLength: 8192,
    weightType: "f16",
  },
};
