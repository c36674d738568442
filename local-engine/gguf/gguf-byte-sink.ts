import { type GgufItemTypeName, type GgufMetadataValue, GgufValueType } from "./gguf-metadata-value.js";

const integerRanges: Partial<Record<GgufItemTypeName, readonly [number, number]>> = {
  uint8: [0, 0xff],
  int8: [-0x80, 0x7f],
  uint16: [0, 0xffff],
  int16: [-0x8000, 0x7fff],
  uint32: [0, 0xffffffff],
  int32: [-0x80000000, 0x7fffffff],
};

const bigIntegerRanges: Partial<Record<GgufItemTypeName, readonly [bigint, bigint]>> = {
  uint64: [0n, 2n ** 64n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** A growable little-endian buffer for the GGUF header (metadata and tensor infos, never tensor data). */
export class GgufByteSink {
  private bytes = new Uint8Array(64 * 1024);
  private view = new DataView(this.bytes.buffer);
  private length = 0;
  private readonly encoder = new TextEncoder();

  get size(): number {
    return this.length;
  }

  toBytes(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  /** Claims `count` bytes and returns their offset; may replace `bytes` and `view`, so read them after. */
  private reserve(count: number): number {
    const start = this.length;
    if (start + count > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, start + count));
      grown.set(this.bytes.subarray(0, start));
      this.bytes = grown;
      this.view = new DataView(grown.buffer);
    }
    this.length = start + count;
    return start;
  }

  uint32(value: number): void {
    const offset = this.reserve(4);
    this.view.setUint32(offset, value, true);
  }

  uint64(value: number | bigint): void {
    const offset = this.reserve(8);
    this.view.setBigUint64(offset, BigInt(value), true);
  }

  string(value: string): void {
    const encoded = this.encoder.encode(value);
    this.uint64(encoded.length);
    const offset = this.reserve(encoded.length);
    this.bytes.set(encoded, offset);
  }

  zeros(count: number): void {
    const offset = this.reserve(count);
    this.bytes.fill(0, offset, this.length);
  }

  /** Writes the type id(s) and the value of one metadata entry. */
  metadataValue(key: string, value: GgufMetadataValue): void {
    this.uint32(GgufValueType[value.type]);
    if (value.type !== "array") {
      this.item(key, value.type, value.value);
      return;
    }
    this.uint32(GgufValueType[value.itemType]);
    this.uint64(value.value.length);
    for (const item of value.value) this.item(key, value.itemType, item);
  }

  private item(key: string, type: GgufItemTypeName, value: number | bigint | boolean | string): void {
    const range = integerRanges[type];
    if (
      range !== undefined &&
      !(Number.isInteger(value) && Number(value) >= range[0] && Number(value) <= range[1])
    ) {
      throw new RangeError(`metadata ${key}: ${String(value)} is not a valid ${type}`);
    }
    const bigRange = bigIntegerRanges[type];
    if (
      bigRange !== undefined &&
      !(typeof value === "bigint" && value >= bigRange[0] && value <= bigRange[1])
    ) {
      throw new RangeError(`metadata ${key}: ${String(value)} is not a valid ${type} bigint`);
    }
    if (type === "string") {
      this.string(String(value));
      return;
    }
    const [width, write] = scalarWriters[type];
    const offset = this.reserve(width);
    write(this.view, offset, value);
  }
}

type ScalarWriter = readonly [
  number,
  (view: DataView, offset: number, value: number | bigint | boolean | string) => void,
];

const scalarWriters: Record<Exclude<GgufItemTypeName, "string">, ScalarWriter> = {
  uint8: [1, (view, offset, value) => view.setUint8(offset, Number(value))],
  int8: [1, (view, offset, value) => view.setInt8(offset, Number(value))],
  uint16: [2, (view, offset, value) => view.setUint16(offset, Number(value), true)],
  int16: [2, (view, offset, value) => view.setInt16(offset, Number(value), true)],
  uint32: [4, (view, offset, value) => view.setUint32(offset, Number(value), true)],
  int32: [4, (view, offset, value) => view.setInt32(offset, Number(value), true)],
  float32: [4, (view, offset, value) => view.setFloat32(offset, Number(value), true)],
  float64: [8, (view, offset, value) => view.setFloat64(offset, Number(value), true)],
  uint64: [8, (view, offset, value) => view.setBigUint64(offset, BigInt(value), true)],
  int64: [8, (view, offset, value) => view.setBigInt64(offset, BigInt(value), true)],
  bool: [1, (view, offset, value) => view.setUint8(offset, value ? 1 : 0)],
};
