import { ggmlTensorByteSize, ggmlTypeTraits } from "./ggml-type.js";
import { GgufFileCursor } from "./gguf-file-cursor.js";
import { type GgufMetadataValue, ggufNumber, ggufString } from "./gguf-metadata-value.js";
import { GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC } from "./gguf-writer.js";
import { readGgufValue } from "./read-gguf-value.js";

export interface GgufTensorDescription {
  name: string;
  /** ggml order: dims[0] is the contiguous dimension. */
  dims: number[];
  type: number;
  /** File offset of the tensor's first byte. */
  offset: number;
  /** Bytes of data, without alignment padding. */
  byteSize: number;
}

export interface GgufFileMetadata {
  path: string;
  version: number;
  fileSize: number;
  alignment: number;
  /** File offset where the tensor data section starts. */
  dataOffset: number;
  metadata: Map<string, GgufMetadataValue>;
  tensors: GgufTensorDescription[];
  /** general.architecture, which prefixes the model keys below (`llama.context_length`). */
  architecture: string | undefined;
  contextLength: number | undefined;
  /** n_embd */
  embeddingLength: number | undefined;
  /** n_layer */
  blockCount: number | undefined;
  /** n_head; for per-layer arrays, the largest. */
  headCount: number | undefined;
  /** n_head_kv; llama.cpp defaults it to n_head. */
  headCountKv: number | undefined;
  /** `<arch>.vocab_size`, else the length of tokenizer.ggml.tokens. */
  vocabSize: number | undefined;
  /** Sum of the tensors' data sizes: what loading the weights costs in memory. */
  tensorBytes: number;
  chatTemplate: string | undefined;
}

function largestNumber(value: GgufMetadataValue | undefined): number | undefined {
  if (value?.type === "array") {
    return value.value.length === 0 ? undefined : Math.max(...value.value.map(Number));
  }
  return ggufNumber(value);
}

/**
 * Reads a GGUF file's header, metadata and tensor infos without touching tensor data (cheap even for
 * multi-gigabyte models), e.g. to check that a model fits in memory before loading it.
 */
export async function readGgufMetadata(path: string): Promise<GgufFileMetadata> {
  const cursor = await GgufFileCursor.open(path);
  try {
    await cursor.need(8);
    if (cursor.uint32() !== GGUF_MAGIC) throw new Error(`${path} is not a GGUF file`);
    const version = cursor.uint32();
    if (version < 2) throw new Error(`${path}: GGUF version ${version} is not supported`);
    const tensorCount = await cursor.size("tensor count");
    const keyCount = await cursor.size("metadata count");

    const metadata = new Map<string, GgufMetadataValue>();
    for (let index = 0; index < keyCount; index++) {
      const key = await cursor.string();
      metadata.set(key, await readGgufValue(cursor, key));
    }

    const infos: Omit<GgufTensorDescription, "offset" | "byteSize">[] = [];
    const relativeOffsets: number[] = [];
    for (let index = 0; index < tensorCount; index++) {
      const name = await cursor.string();
      await cursor.need(4);
      const dimCount = cursor.uint32();
      const dims: number[] = [];
      for (let dim = 0; dim < dimCount; dim++) dims.push(await cursor.size(`${name} dimension`));
      await cursor.need(4);
      infos.push({ name, dims, type: cursor.uint32() });
      relativeOffsets.push(await cursor.size(`${name} offset`));
    }

    const alignment = ggufNumber(metadata.get("general.alignment")) ?? GGUF_DEFAULT_ALIGNMENT;
    const dataOffset = Math.ceil(cursor.position / alignment) * alignment;
    const fileSize = cursor.fileSize;
    const sortedOffsets = [...relativeOffsets].sort((a, b) => a - b);
    const tensorByteSize = (info: { type: number; dims: number[] }, relative: number): number => {
      if (ggmlTypeTraits(info.type) !== undefined) return ggmlTensorByteSize(info.type, info.dims);
      // Types newer than this table are sized by the gap to the next tensor (padding included).
      const next = sortedOffsets.find((offset) => offset > relative) ?? fileSize - dataOffset;
      return next - relative;
    };
    const tensors = infos.map((info, index): GgufTensorDescription => {
      const relative = relativeOffsets[index]!;
      return { ...info, offset: dataOffset + relative, byteSize: tensorByteSize(info, relative) };
    });

    const architecture = ggufString(metadata.get("general.architecture"));
    const modelKey = (suffix: string) => metadata.get(`${architecture}.${suffix}`);
    const headCount = largestNumber(modelKey("attention.head_count"));
    const tokens = metadata.get("tokenizer.ggml.tokens");
    return {
      path,
      version,
      fileSize,
      alignment,
      dataOffset,
      metadata,
      tensors,
      architecture,
      contextLength: ggufNumber(modelKey("context_length")),
      embeddingLength: ggufNumber(modelKey("embedding_length")),
      blockCount: ggufNumber(modelKey("block_count")),
      headCount,
      headCountKv: largestNumber(modelKey("attention.head_count_kv")) ?? headCount,
      vocabSize:
        ggufNumber(modelKey("vocab_size")) ?? (tokens?.type === "array" ? tokens.value.length : undefined),
      tensorBytes: tensors.reduce((sum, tensor) => sum + tensor.byteSize, 0),
      chatTemplate: ggufString(metadata.get("tokenizer.chat_template")),
    };
  } finally {
    await cursor.close();
  }
}
