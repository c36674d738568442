import type { ImageMediaType } from "../core/index.js";

/** What an image file's first bytes say: its format and, when they hold it, its size in pixels. */
export interface ImageHeader {
  mediaType: ImageMediaType;
  width?: number;
  height?: number;
}

/** Marker segments walked in a JPEG before its size counts as unknown (real files have < 20). */
const maxJpegSegments = 1024;

/**
 * Bytes of base64 text read at any offset by decoding only the characters that hold them, so a
 * reader can follow a file's structure without decoding the rest.
 */
class Base64Bytes {
  readonly length: number;

  constructor(readonly text: string) {
    const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
    this.length = Math.floor(((text.length - padding) * 3) / 4);
  }

  read(offset: number, length: number): Buffer {
    const from = Math.floor(offset / 3) * 4;
    const to = Math.ceil((offset + length) / 3) * 4;
    const skip = offset % 3;
    return Buffer.from(this.text.slice(from, to), "base64").subarray(skip, skip + length);
  }
}

/**
 * Reads the format and size of base64 image data from its header bytes only: a PNG's, GIF's or
 * WebP's first 30 bytes, a JPEG's marker segments up to its frame header (a few bytes each,
 * skipping the segments' contents). The cost does not grow with the image, so a 30 MB image
 * costs what a small one does. Undefined when the bytes are not a PNG, JPEG, GIF or WebP file.
 */
export function readImageHeader(base64: string): ImageHeader | undefined {
  const data = new Base64Bytes(base64);
  const bytes = data.read(0, 32);
  if (isPng(bytes))
    return sized("image/png", bytes, 24, () => [bytes.readUInt32BE(16), bytes.readUInt32BE(20)]);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return { mediaType: "image/jpeg", ...jpegSize(data) };
  }
  const ascii = bytes.toString("latin1", 0, 16);
  if (ascii.startsWith("GIF87a") || ascii.startsWith("GIF89a")) {
    return sized("image/gif", bytes, 10, () => [bytes.readUInt16LE(6), bytes.readUInt16LE(8)]);
  }
  if (ascii.startsWith("RIFF") && ascii.slice(8, 12) === "WEBP")
    return { mediaType: "image/webp", ...webpSize(bytes) };
  return undefined;
}

const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function isPng(bytes: Buffer): boolean {
  return pngSignature.every((byte, index) => bytes[index] === byte);
}

function sized(
  mediaType: ImageMediaType,
  bytes: Buffer,
  needs: number,
  read: () => [number, number],
): ImageHeader {
  if (bytes.length < needs) return { mediaType };
  const [width, height] = read();
  return width > 0 && height > 0 ? { mediaType, width, height } : { mediaType };
}

/** Start-of-frame markers: SOF0–SOF15 less DHT (C4), JPG (C8) and DAC (CC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Walks the marker segments up to the frame header, which holds height then width. */
function jpegSize(data: Base64Bytes): { width?: number; height?: number } {
  let offset = 2;
  for (let segment = 0; segment < maxJpegSegments && offset + 4 <= data.length; segment++) {
    const head = data.read(offset, 9);
    if (head[0] !== 0xff) return {};
    const marker = head[1] ?? 0;
    // Fill bytes, and markers that stand alone (TEM, RST0–7) without a length.
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda || head.length < 4) return {};
    if (isStartOfFrame(marker)) {
      if (head.length < 9) return {};
      const height = head.readUInt16BE(5);
      const width = head.readUInt16BE(7);
      return width > 0 && height > 0 ? { width, height } : {};
    }
    offset += 2 + head.readUInt16BE(2);
  }
  return {};
}

/** The three WebP encodings: lossy (VP8), lossless (VP8L) and extended (VP8X). */
function webpSize(bytes: Buffer): { width?: number; height?: number } {
  const chunk = bytes.toString("latin1", 12, 16);
  if (chunk === "VP8 " && bytes.length >= 30) {
    return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
  }
  if (chunk === "VP8L" && bytes.length >= 25) {
    const bits = bytes.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === "VP8X" && bytes.length >= 30) {
    return { width: bytes.readUIntLE(24, 3) + 1, height: bytes.readUIntLE(27, 3) + 1 };
  }
  return {};
}
