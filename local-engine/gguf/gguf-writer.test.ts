import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeTensorData } from "./encode-tensor-data.js";
import { GgmlType } from "./ggml-type.js";
import type { GgufMetadataValue } from "./gguf-metadata-value.js";
import { type GgufTensorSource, writeGguf } from "./gguf-writer.js";
import { readGgufMetadata } from "./read-gguf-metadata.js";

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "gguf-writer-"));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const everyType: [string, GgufMetadataValue][] = [
  ["test.uint8", { type: "uint8", value: 255 }],
  ["test.int8", { type: "int8", value: -128 }],
  ["test.uint16", { type: "uint16", value: 65535 }],
  ["test.int16", { type: "int16", value: -32768 }],
  ["test.uint32", { type: "uint32", value: 0xffffffff }],
  ["test.int32", { type: "int32", value: -0x80000000 }],
  ["test.float32", { type: "float32", value: 0.5 }],
  ["test.float64", { type: "float64", value: Math.PI }],
  ["test.uint64", { type: "uint64", value: 2n ** 64n - 1n }],
  ["test.int64", { type: "int64", value: -(2n ** 63n) }],
  ["test.bool", { type: "bool", value: true }],
  ["test.string", { type: "string", value: "héllo 🎉\n" }],
  ["test.empty_string", { type: "string", value: "" }],
  ["test.strings", { type: "array", itemType: "string", value: ["a", "", "▁b", "<0x0A>"] }],
  ["test.int32s", { type: "array", itemType: "int32", value: [1, -2, 3] }],
  ["test.float32s", { type: "array", itemType: "float32", value: [0.25, -1.5] }],
  ["test.uint64s", { type: "array", itemType: "uint64", value: [0n, 2n ** 53n + 1n] }],
  ["test.bools", { type: "array", itemType: "bool", value: [true, false] }],
  ["test.empty_array", { type: "array", itemType: "uint8", value: [] }],
];

function sequence(length: number, scale = 1): Float32Array {
  return Float32Array.from({ length }, (_, index) => (index - length / 2) * scale);
}

describe("writeGguf and readGgufMetadata", () => {
  it("round-trips metadata of every GGUF value type", async () => {
    const path = join(directory, "metadata.gguf");
    await writeGguf(path, { metadata: everyType, tensors: [] });
    const file = await readGgufMetadata(path);
    expect(file.version).toBe(3);
    expect([...file.metadata.entries()]).toEqual([
      ["general.alignment", { type: "uint32", value: 32 }],
      ...everyType,
    ]);
  });

  it("places every tensor at an aligned offset with its bytes intact", async () => {
    const path = join(directory, "tensors.gguf");
    const f32 = sequence(3 * 5, 0.5);
    const f16 = sequence(4 * 2 * 3, 0.25);
    const q8 = sequence(64 * 2, 0.01);
    const tensors: GgufTensorSource[] = [
      { name: "a.f32", dims: [3, 5], type: GgmlType.F32, data: () => encodeTensorData(GgmlType.F32, f32) },
      { name: "b.f16", dims: [4, 2, 3], type: GgmlType.F16, data: () => encodeTensorData(GgmlType.F16, f16) },
      {
        name: "c.q8_0",
        dims: [64, 2],
        type: GgmlType.Q8_0,
        // Chunked on purpose: one row of two blocks at a time.
        data: function* () {
          const bytes = encodeTensorData(GgmlType.Q8_0, q8);
          yield bytes.subarray(0, 68);
          yield bytes.subarray(68);
        },
      },
      {
        name: "d.vector",
        dims: [7],
        type: GgmlType.F32,
        data: () => encodeTensorData(GgmlType.F32, sequence(7)),
      },
    ];
    const written = await writeGguf(path, {
      metadata: [["general.architecture", { type: "string", value: "x" }]],
      tensors,
    });
    const file = await readGgufMetadata(path);
    const bytes = await readFile(path);

    expect(file.fileSize).toBe(written.fileSize);
    expect(bytes.byteLength).toBe(written.fileSize);
    expect(file.dataOffset).toBe(written.dataOffset);
    expect(file.dataOffset % 32).toBe(0);
    expect(file.tensors.map(({ name, dims, type, byteSize }) => ({ name, dims, type, byteSize }))).toEqual([
      { name: "a.f32", dims: [3, 5], type: GgmlType.F32, byteSize: 60 },
      { name: "b.f16", dims: [4, 2, 3], type: GgmlType.F16, byteSize: 48 },
      { name: "c.q8_0", dims: [64, 2], type: GgmlType.Q8_0, byteSize: 136 },
      { name: "d.vector", dims: [7], type: GgmlType.F32, byteSize: 28 },
    ]);
    expect(file.tensorBytes).toBe(60 + 48 + 136 + 28);
    for (const [index, tensor] of file.tensors.entries()) {
      expect(tensor.offset % 32).toBe(0);
      const data = tensors[index]!.data();
      const expected = Buffer.concat(data instanceof Uint8Array ? [data] : [...data]);
      expect(bytes.subarray(tensor.offset, tensor.offset + tensor.byteSize).equals(expected)).toBe(true);
    }
  });

  it("honours a custom alignment", async () => {
    const path = join(directory, "aligned.gguf");
    const tensors: GgufTensorSource[] = ["x", "y"].map((name) => ({
      name,
      dims: [3],
      type: GgmlType.F32,
      data: () => encodeTensorData(GgmlType.F32, sequence(3)),
    }));
    await writeGguf(path, { metadata: [], tensors, alignment: 64 });
    const file = await readGgufMetadata(path);
    expect(file.alignment).toBe(64);
    expect(file.tensors.map((tensor) => tensor.offset - file.dataOffset)).toEqual([0, 64]);
  });

  it("grows the header past its first buffer for a large vocabulary", async () => {
    const path = join(directory, "vocab.gguf");
    const tokens = Array.from({ length: 20_000 }, (_, index) => `token-${index}`);
    await writeGguf(path, {
      metadata: [["tokenizer.ggml.tokens", { type: "array", itemType: "string", value: tokens }]],
      tensors: [],
    });
    const file = await readGgufMetadata(path);
    const stored = file.metadata.get("tokenizer.ggml.tokens");
    expect(file.vocabSize).toBe(20_000);
    expect(stored?.type === "array" && stored.value.join("\n")).toBe(tokens.join("\n"));
  });

  it("rejects tensor data of the wrong size and leaves no file behind", async () => {
    const path = join(directory, "short.gguf");
    const tensor: GgufTensorSource = {
      name: "t",
      dims: [4],
      type: GgmlType.F32,
      data: () => new Uint8Array(12),
    };
    await expect(writeGguf(path, { metadata: [], tensors: [tensor] })).rejects.toThrow(/needs 16/);
    expect((await readdir(directory)).filter((name) => name.startsWith("short"))).toEqual([]);
  });

  it("rejects what llama.cpp would refuse to load", async () => {
    const path = join(directory, "invalid.gguf");
    const tensor = (name: string, dims: number[], type: number = GgmlType.F32): GgufTensorSource => ({
      name,
      dims,
      type,
      data: () => new Uint8Array(0),
    });
    const key = (name: string): [string, GgufMetadataValue] => [name, { type: "uint8", value: 1 }];
    await expect(writeGguf(path, { metadata: [key("a"), key("a")], tensors: [] })).rejects.toThrow(
      /repeated/,
    );
    await expect(writeGguf(path, { metadata: [key("general.alignment")], tensors: [] })).rejects.toThrow(
      /alignment/,
    );
    await expect(
      writeGguf(path, { metadata: [], tensors: [tensor("t", [1]), tensor("t", [1])] }),
    ).rejects.toThrow(/repeated/);
    await expect(
      writeGguf(path, { metadata: [], tensors: [tensor("q", [16], GgmlType.Q8_0)] }),
    ).rejects.toThrow(/block size/);
    await expect(writeGguf(path, { metadata: [], tensors: [tensor("d", [1, 1, 1, 1, 1])] })).rejects.toThrow(
      /dims/,
    );
    await expect(
      writeGguf(path, { metadata: [["k", { type: "uint8", value: 256 }]], tensors: [] }),
    ).rejects.toThrow(/not a valid uint8/);
    await expect(writeGguf(path, { metadata: [], tensors: [], alignment: 48 })).rejects.toThrow(
      /power of two/,
    );
  });

  it("refuses to read files that are not GGUF or are cut short", async () => {
    const notGguf = join(directory, "not.gguf");
    await writeFile(notGguf, "definitely not a model");
    await expect(readGgufMetadata(notGguf)).rejects.toThrow(/not a GGUF file/);

    const whole = join(directory, "whole.gguf");
    await writeGguf(whole, { metadata: everyType, tensors: [] });
    const truncated = join(directory, "truncated.gguf");
    await writeFile(truncated, (await readFile(whole)).subarray(0, 100));
    await expect(readGgufMetadata(truncated)).rejects.toThrow(/truncated/);
  });
});
