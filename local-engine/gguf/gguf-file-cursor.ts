import { type FileHandle, open } from "node:fs/promises";

const minimumChunk = 256 * 1024;

/**
 * Sequential little-endian reads from a file through a refillable buffer: GGUF headers can hold megabytes of
 * vocabulary, and the tensor data after them (gigabytes) must never be read.
 */
export class GgufFileCursor {
  private buffer = Buffer.alloc(0);
  /** File offset of buffer[0]. */
  private bufferStart = 0;
  private index = 0;

  private constructor(
    private readonly handle: FileHandle,
    readonly fileSize: number,
    readonly path: string,
  ) {}

  static async open(path: string): Promise<GgufFileCursor> {
    const handle = await open(path, "r");
    try {
      const { size } = await handle.stat();
      return new GgufFileCursor(handle, size, path);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  get position(): number {
    return this.bufferStart + this.index;
  }

  close(): Promise<void> {
    return this.handle.close();
  }

  /** Makes `count` bytes readable synchronously, failing on a truncated file instead of reading garbage. */
  async need(count: number): Promise<void> {
    if (this.buffer.length - this.index >= count) return;
    if (this.position + count > this.fileSize) {
      throw new Error(`${this.path}: truncated GGUF (needs ${count} bytes at offset ${this.position})`);
    }
    const kept = this.buffer.subarray(this.index);
    const length = Math.min(Math.max(count, minimumChunk), this.fileSize - this.position);
    const next = Buffer.alloc(length);
    kept.copy(next);
    let filled = kept.length;
    while (filled < count) {
      const { bytesRead } = await this.handle.read(next, filled, length - filled, this.position + filled);
      if (bytesRead === 0) throw new Error(`${this.path}: file shrank while reading`);
      filled += bytesRead;
    }
    this.bufferStart = this.position;
    this.buffer = next.subarray(0, filled);
    this.index = 0;
  }

  private take(count: number): number {
    if (this.buffer.length - this.index < count) throw new Error("GgufFileCursor: read without need()");
    const at = this.index;
    this.index += count;
    return at;
  }

  uint8(): number {
    return this.buffer.readUInt8(this.take(1));
  }
  int8(): number {
    return this.buffer.readInt8(this.take(1));
  }
  uint16(): number {
    return this.buffer.readUInt16LE(this.take(2));
  }
  int16(): number {
    return this.buffer.readInt16LE(this.take(2));
  }
  uint32(): number {
    return this.buffer.readUInt32LE(this.take(4));
  }
  int32(): number {
    return this.buffer.readInt32LE(this.take(4));
  }
  float32(): number {
    return this.buffer.readFloatLE(this.take(4));
  }
  float64(): number {
    return this.buffer.readDoubleLE(this.take(8));
  }
  uint64(): bigint {
    return this.buffer.readBigUInt64LE(this.take(8));
  }
  int64(): bigint {
    return this.buffer.readBigInt64LE(this.take(8));
  }

  /** A uint64 that is used as a length or offset, so must fit in a double and within the file. */
  async size(what: string): Promise<number> {
    await this.need(8);
    const value = this.uint64();
    if (value > BigInt(this.fileSize)) {
      throw new Error(`${this.path}: ${what} ${value} exceeds the file size`);
    }
    return Number(value);
  }

  async string(): Promise<string> {
    return this.bufferedString() ?? this.readString();
  }

  /**
   * The next string if it is already buffered, else undefined (and nothing is consumed). Vocabularies hold
   * 32k-256k strings; reading them without an await each is several times faster.
   */
  bufferedString(): string | undefined {
    if (this.buffer.length - this.index < 8) return undefined;
    const length = this.buffer.readBigUInt64LE(this.index);
    if (length > BigInt(this.buffer.length - this.index - 8)) return undefined;
    const at = this.index + 8;
    this.index = at + Number(length);
    return this.buffer.toString("utf8", at, this.index);
  }

  async readString(): Promise<string> {
    const length = await this.size("string length");
    await this.need(length);
    const at = this.take(length);
    return this.buffer.toString("utf8", at, at + length);
  }
}
