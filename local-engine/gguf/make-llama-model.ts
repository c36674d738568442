import { chatmlTemplate } from "./chatml-template.js";
import { type EncodableGgmlType, encodeTensorData } from "./encode-tensor-data.js";
import { GgmlType, ggmlTensorByteSize, ggmlTypeTraits } from "./ggml-type.js";
import { type GgufMetadataValue, ggufValue } from "./gguf-metadata-value.js";
import { type GgufTensorSource, writeGguf } from "./gguf-writer.js";
import { hermesToolsTemplate } from "./hermes-template.js";
import {
  type LlamaModelPresetName,
  type LlamaModelShape,
  type LlamaWeightType,
  llamaModelPresets,
} from "./llama-model-presets.js";
import { buildLlamaVocab, llamaSpecialTokenIds } from "./llama-vocab.js";
import { createSeededRandom } from "./seeded-random.js";

/** Bump when the bytes a given preset/type/seed produce change, so cached model files get regenerated. */
export const LLAMA_MODEL_GENERATOR_VERSION = 1;

export interface MakeLlamaModelOptions {
  path: string;
  /** @default "tiny" */
  preset?: LlamaModelPresetName;
  /** Type of the matrices (norms are always F32). @default the preset's weightType */
  weightType?: LlamaWeightType;
  /** @default 0 */
  seed?: number;
  /**
   * The chat template: plain ChatML, or `hermes`, a Qwen2.5-style template that takes tools (with
   * `<tool_call>` and `</tool_call>` added to the vocabulary as user-defined tokens, as in Qwen's).
   * @default "chatml"
   */
  template?: LlamaChatTemplateName;
  /**
   * Makes it an embedding model: `llama.pooling_type` in the metadata, which llama.cpp reads to pool
   * the last layer's hidden states per sequence (mean of all tokens, the first token's, or the last
   * token's). Attention stays causal, as in llama-based embedding models (e5-mistral, gte-Qwen).
   * @default none (a generative model)
   */
  pooling?: LlamaPoolingName;
}

export type LlamaChatTemplateName = "chatml" | "hermes";

const chatTemplates: Record<LlamaChatTemplateName, { source: string; userDefinedTokens: readonly string[] }> =
  {
    chatml: { source: chatmlTemplate, userDefinedTokens: [] },
    hermes: { source: hermesToolsTemplate, userDefinedTokens: ["<tool_call>", "</tool_call>"] },
  };

export interface LlamaModelFile {
  path: string;
  fileSize: number;
  parameterCount: number;
  /** The general.description written into the file; it identifies generator version and options. */
  description: string;
}

export type LlamaPoolingName = "mean" | "cls" | "last";
// llama.cpp `enum llama_pooling_type`.
const poolingTypes: Record<LlamaPoolingName, number> = { mean: 1, cls: 2, last: 3 };

const ggmlTypes: Record<LlamaWeightType, EncodableGgmlType> = {
  f32: GgmlType.F32,
  f16: GgmlType.F16,
  q8_0: GgmlType.Q8_0,
};
// llama.cpp `enum llama_ftype`: ALL_F32, MOSTLY_F16, MOSTLY_Q8_0.
const fileTypes: Record<LlamaWeightType, number> = { f32: 0, f16: 1, q8_0: 7 };

interface ResolvedOptions {
  path: string;
  preset: LlamaModelPresetName;
  shape: LlamaModelShape;
  weightType: LlamaWeightType;
  seed: number;
  template: LlamaChatTemplateName;
  pooling: LlamaPoolingName | undefined;
}

function resolve(options: MakeLlamaModelOptions): ResolvedOptions {
  const preset = options.preset ?? "tiny";
  const shape = llamaModelPresets[preset];
  const template = options.template ?? "chatml";
  if (!Object.hasOwn(chatTemplates, template)) throw new RangeError(`unknown chat template "${template}"`);
  const pooling = options.pooling;
  if (pooling !== undefined && !Object.hasOwn(poolingTypes, pooling)) {
    throw new RangeError(`unknown pooling "${pooling}"`);
  }
  return {
    path: options.path,
    preset,
    shape,
    weightType: options.weightType ?? shape.weightType,
    seed: options.seed ?? 0,
    template,
    pooling,
  };
}

/** The fingerprint stored in general.description; equal fingerprints mean byte-identical files. */
export function describeLlamaModel(options: MakeLlamaModelOptions): string {
  const { preset, weightType, seed, template, pooling } = resolve(options);
  // ChatML files keep the fingerprint they had before templates were an option, generative ones before pooling.
  const withTemplate = template === "chatml" ? "" : `, template ${template}`;
  const withPooling = pooling === undefined ? "" : `, pooling ${pooling}`;
  return `switchyard random-weight llama, generator ${LLAMA_MODEL_GENERATOR_VERSION}, preset ${preset}, ${weightType}, seed ${seed}${withTemplate}${withPooling}`;
}

function llamaMetadata(resolved: ResolvedOptions, description: string): [string, GgufMetadataValue][] {
  const { shape, preset, weightType } = resolved;
  const template = chatTemplates[resolved.template];
  const vocab = buildLlamaVocab(shape.vocabSize, template.userDefinedTokens);
  const { uint32, float32, string, bool } = ggufValue;
  return [
    ["general.architecture", string("llama")],
    ["general.name", string(`switchyard-${preset}-llama-${weightType}`)],
    ["general.description", string(description)],
    ["general.file_type", uint32(fileTypes[weightType])],
    ["llama.vocab_size", uint32(shape.vocabSize)],
    ["llama.context_length", uint32(shape.contextLength)],
    ["llama.embedding_length", uint32(shape.embeddingLength)],
    ["llama.block_count", uint32(shape.blockCount)],
    ["llama.feed_forward_length", uint32(shape.feedForwardLength)],
    ["llama.attention.head_count", uint32(shape.headCount)],
    ["llama.attention.head_count_kv", uint32(shape.headCountKv)],
    ["llama.rope.dimension_count", uint32(shape.embeddingLength / shape.headCount)],
    ["llama.rope.freq_base", float32(10000)],
    ["llama.attention.layer_norm_rms_epsilon", float32(1e-5)],
    ["tokenizer.ggml.model", string("llama")],
    ["tokenizer.ggml.tokens", ggufValue.stringArray(vocab.tokens)],
    ["tokenizer.ggml.scores", ggufValue.float32Array(vocab.scores)],
    ["tokenizer.ggml.token_type", ggufValue.int32Array(vocab.tokenTypes)],
    ["tokenizer.ggml.unknown_token_id", uint32(llamaSpecialTokenIds.unknown)],
    ["tokenizer.ggml.bos_token_id", uint32(llamaSpecialTokenIds.bos)],
    ["tokenizer.ggml.eos_token_id", uint32(llamaSpecialTokenIds.eos)],
    ["tokenizer.ggml.eot_token_id", uint32(llamaSpecialTokenIds.imEnd)],
    ["tokenizer.ggml.add_bos_token", bool(true)],
    ["tokenizer.ggml.add_eos_token", bool(false)],
    // With a space prefix, llama.cpp's detokenizer strips one leading space from the first piece only when
    // no BOS precedes it, so text would round-trip differently with and without BOS. Without it, always exact.
    ["tokenizer.ggml.add_space_prefix", bool(false)],
    ["tokenizer.chat_template", string(template.source)],
    ...(resolved.pooling === undefined
      ? []
      : [["llama.pooling_type", uint32(poolingTypes[resolved.pooling])] as [string, GgufMetadataValue]]),
  ];
}

function matrixShapes(shape: LlamaModelShape): [string, number[]][] {
  const { embeddingLength: embd, feedForwardLength: ff, vocabSize: vocab } = shape;
  const kvLength = (embd / shape.headCount) * shape.headCountKv;
  const shapes: [string, number[]][] = [["token_embd.weight", [embd, vocab]]];
  for (let block = 0; block < shape.blockCount; block++) {
    shapes.push(
      [`blk.${block}.attn_q.weight`, [embd, embd]],
      [`blk.${block}.attn_k.weight`, [embd, kvLength]],
      [`blk.${block}.attn_v.weight`, [embd, kvLength]],
      [`blk.${block}.attn_output.weight`, [embd, embd]],
      [`blk.${block}.ffn_gate.weight`, [embd, ff]],
      [`blk.${block}.ffn_up.weight`, [embd, ff]],
      [`blk.${block}.ffn_down.weight`, [ff, embd]],
    );
  }
  shapes.push(["output.weight", [embd, vocab]]);
  return shapes;
}

/**
 * Writes a llama-architecture GGUF with random weights ~N(0, 0.02) and RMS norms of 1: the values are
 * meaningless, but the file loads and runs like a real model of that shape. Every matrix is a slice, at
 * a seeded random block-aligned offset, of one shared random pool encoded once, which is what makes the
 * 1.1B preset take seconds rather than minutes (no per-weight work beyond the pool).
 */
export async function makeLlamaModel(options: MakeLlamaModelOptions): Promise<LlamaModelFile> {
  const resolved = resolve(options);
  const { shape, weightType } = resolved;
  const type = ggmlTypes[weightType];
  const { blockSize, typeSize } = ggmlTypeTraits(type)!;
  const description = describeLlamaModel(options);
  const random = createSeededRandom(resolved.seed);

  const matrices = matrixShapes(shape);
  const elementCounts = matrices.map(([, dims]) => dims.reduce((product, dim) => product * dim, 1));
  const largest = Math.max(...elementCounts);
  // Slices start on a multiple of 32 values, a whole number of blocks for F32, F16 and Q8_0 alike.
  const alignedValues = 32;
  const poolSlots = Math.ceil((largest + Math.min(largest, 1 << 22)) / alignedValues);
  const poolValues = new Float32Array(poolSlots * alignedValues);
  random.fillGaussian(poolValues, 0.02);
  const pool = encodeTensorData(type, poolValues);
  const bytesPerSlot = (alignedValues / blockSize) * typeSize;

  const tensors: GgufTensorSource[] = matrices.map(([name, dims], index) => {
    const byteSize = ggmlTensorByteSize(type, dims);
    const start =
      random.nextInt(poolSlots - Math.ceil(elementCounts[index]! / alignedValues) + 1) * bytesPerSlot;
    return { name, dims, type, data: () => pool.subarray(start, start + byteSize) };
  });
  const ones = encodeTensorData(GgmlType.F32, new Float32Array(shape.embeddingLength).fill(1));
  const norm = (name: string): GgufTensorSource => ({
    name,
    dims: [shape.embeddingLength],
    type: GgmlType.F32,
    data: () => ones,
  });
  for (let block = 0; block < shape.blockCount; block++) {
    tensors.push(norm(`blk.${block}.attn_norm.weight`), norm(`blk.${block}.ffn_norm.weight`));
  }
  tensors.push(norm("output_norm.weight"));

  const written = await writeGguf(resolved.path, { metadata: llamaMetadata(resolved, description), tensors });
  const parameterCount = tensors.reduce((sum, tensor) => sum + tensor.dims.reduce((p, dim) => p * dim, 1), 0);
  return { path: written.path, fileSize: written.fileSize, parameterCount, description };
}
