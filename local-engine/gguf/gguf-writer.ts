import { type FileHandle, open, rename, rm } from "node:fs/promises";
import { ggmlTensorByteSize } from "./ggml-type.js";
import { GgufByteSink } from "./gguf-byte-sink.js";
import type { GgufMetadataValue } from "./gguf-metadata-value.js";

/** "GGUF" read as a little-endian uint32. */
export const GGUF_MAGIC = 0x46554747;
export const GGUF_VERSION = 3;
/** ggml's GGUF_DEFAULT_ALIGNMENT, and what llama.cpp assumes when general.alignment is absent. */
export const GGUF_DEFAULT_ALIGNMENT = 32;
// GGML_MAX_NAME is 64 including the terminating NUL; GGML_MAX_DIMS is 4.
const maxTensorNameBytes = 63;
const maxDims = 4;

export interface GgufTensorSource {
  name: string;
  /** ggml order: dims[0] (ne[0]) is the contiguous, fastest-varying dimension. */
  dims: readonly number[];
  /** A GgmlType id. */
  type: number;
  /**
   * Called once, when the tensor's turn comes, so only one tensor's bytes need to be in memory; may yield
   * the bytes in chunks. Their total must equal ggmlTensorByteSize(type, dims).
   */
  data: () => Uint8Array | Iterable<Uint8Array>;
}

export interface GgufFileSpec {
  /** Written in iteration order; general.alignment is added by the writer. */
  metadata: Iterable<readonly [string, GgufMetadataValue]>;
  /** Written in this order; ggml requires the data to follow the order of the tensor infos. */
  tensors: readonly GgufTensorSource[];
  /**
   * Alignment of the data section and of every tensor in it; a power of two.
   * @default 32
   */
  alignment?: number;
}

export interface GgufWriteResult {
  path: string;
  fileSize: number;
  /** File offset where the tensor data section starts. */
  dataOffset: number;
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

function encodeHeader(spec: GgufFileSpec, alignment: number): { header: Uint8Array; tensorSizes: number[] } {
  const entries: (readonly [string, GgufMetadataValue])[] = [
    ["general.alignment", { type: "uint32", value: alignment }],
  ];
  const keys = new Set<string>(["general.alignment"]);
  for (const [key, value] of spec.metadata) {
    if (key === "general.alignment") throw new Error("set general.alignment through the alignment option");
    if (key.length === 0 || keys.has(key)) throw new Error(`metadata key "${key}" is empty or repeated`);
    keys.add(key);
    entries.push([key, value]);
  }

  const sink = new GgufByteSink();
  sink.uint32(GGUF_MAGIC);
  sink.uint32(GGUF_VERSION);
  sink.uint64(spec.tensors.length);
  sink.uint64(entries.length);
  for (const [key, value] of entries) {
    sink.string(key);
    sink.metadataValue(key, value);
  }

  const names = new Set<string>();
  const tensorSizes: number[] = [];
  let offset = 0;
  for (const tensor of spec.tensors) {
    if (names.has(tensor.name)) throw new Error(`tensor ${tensor.name} is repeated`);
    if (Buffer.byteLength(tensor.name) > maxTensorNameBytes) {
      throw new Error(`tensor name ${tensor.name} is too long`);
    }
    names.add(tensor.name);
    const { dims } = tensor;
    if (
      dims.length < 1 ||
      dims.length > maxDims ||
      !dims.every((dim) => Number.isSafeInteger(dim) && dim > 0)
    ) {
      throw new RangeError(
        `tensor ${tensor.name}: dims [${dims.join(", ")}] must be 1 to 4 positive integers`,
      );
    }
    const size = ggmlTensorByteSize(tensor.type, dims);
    tensorSizes.push(size);
    sink.string(tensor.name);
    sink.uint32(dims.length);
    for (const dim of dims) sink.uint64(dim);
    sink.uint32(tensor.type);
    sink.uint64(offset);
    offset += alignUp(size, alignment);
  }
  sink.zeros(alignUp(sink.size, alignment) - sink.size);
  return { header: sink.toBytes(), tensorSizes };
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.byteLength - written);
    written += bytesWritten;
  }
}

function chunksOf(data: Uint8Array | Iterable<Uint8Array>): Iterable<Uint8Array> {
  return data instanceof Uint8Array ? [data] : data;
}

/**
 * Writes a GGUF v3 file, streaming tensor data one tensor at a time so that multi-gigabyte models never sit
 * in memory. The file appears at `path` only when complete (it is written next to it and renamed), so a
 * crash never leaves a truncated model that looks valid.
 */
export async function writeGguf(path: string, spec: GgufFileSpec): Promise<GgufWriteResult> {
  const alignment = spec.alignment ?? GGUF_DEFAULT_ALIGNMENT;
  if (!Number.isInteger(alignment) || alignment <= 0 || (alignment & (alignment - 1)) !== 0) {
    throw new RangeError(`alignment ${alignment} is not a power of two`);
  }
  const { header, tensorSizes } = encodeHeader(spec, alignment);
  const partialPath = `${path}.partial-${process.pid}`;
  const handle = await open(partialPath, "w");
  let fileSize = 0;
  try {
    await writeAll(handle, header);
    fileSize = header.byteLength;
    const padding = new Uint8Array(alignment);
    for (const [index, tensor] of spec.tensors.entries()) {
      const expected = tensorSizes[index]!;
      let produced = 0;
      for (const chunk of chunksOf(tensor.data())) {
        produced += chunk.byteLength;
        if (produced > expected) break;
        await writeAll(handle, chunk);
      }
      if (produced !== expected) {
        const got = produced > expected ? `more than ${expected}` : String(produced);
        throw new Error(`tensor ${tensor.name}: data has ${got} bytes, its shape needs ${expected}`);
      }
      const padded = alignUp(expected, alignment);
      await writeAll(handle, padding.subarray(0, padded - expected));
      fileSize += padded;
    }
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(partialPath, { force: true });
    throw error;
  }
  await rename(partialPath, path);
  return { path, fileSize, dataOffset: header.byteLength };
}
