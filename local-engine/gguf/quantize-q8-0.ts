import { float16BitsToFloat32, float32ToFloat16Bits } from "./float16.js";

/** Values per Q8_0 block (QK8_0). */
export const Q8_0_BLOCK_SIZE = 32;
/** sizeof(block_q8_0): an f16 scale followed by 32 int8 quants. */
export const Q8_0_BLOCK_BYTES = 34;

// C's roundf rounds halves away from zero; Math.round would round -2.5 to -2.
function roundHalfAwayFromZero(value: number): number {
  return value < 0 ? -Math.floor(-value + 0.5) : Math.floor(value + 0.5);
}

/**
 * Quantizes like ggml's `quantize_row_q8_0_ref`, bit for bit: d = amax / 127 in float32, quants =
 * roundf(x * (1 / d)), with the float32 (not the f16-rounded) reciprocal, as ggml does.
 * Float32 steps are emulated with Math.fround; a double result rounded once to float32 is the correctly
 * rounded float32 result for * and /, so no double-rounding differences arise.
 */
export function quantizeQ8_0(values: Float32Array): Uint8Array {
  if (values.length % Q8_0_BLOCK_SIZE !== 0) {
    throw new RangeError(`Q8_0 needs a multiple of ${Q8_0_BLOCK_SIZE} values, got ${values.length}`);
  }
  const blockCount = values.length / Q8_0_BLOCK_SIZE;
  const output = new Uint8Array(blockCount * Q8_0_BLOCK_BYTES);
  const view = new DataView(output.buffer);
  for (let block = 0; block < blockCount; block++) {
    const first = block * Q8_0_BLOCK_SIZE;
    let absoluteMax = 0;
    for (let index = first; index < first + Q8_0_BLOCK_SIZE; index++) {
      const magnitude = Math.abs(values[index]!);
      if (magnitude > absoluteMax) absoluteMax = magnitude;
    }
    if (!Number.isFinite(absoluteMax)) throw new RangeError(`Q8_0 block ${block} holds a non-finite value`);
    const scale = Math.fround(absoluteMax / 127);
    const inverseScale = scale === 0 ? 0 : Math.fround(1 / scale);
    const offset = block * Q8_0_BLOCK_BYTES;
    view.setUint16(offset, float32ToFloat16Bits(scale), true);
    for (let index = 0; index < Q8_0_BLOCK_SIZE; index++) {
      const scaled = Math.fround(values[first + index]! * inverseScale);
      view.setInt8(offset + 2 + index, roundHalfAwayFromZero(scaled));
    }
  }
  return output;
}

/** Inverse of quantizeQ8_0, as ggml's `dequantize_row_q8_0` computes it. */
export function dequantizeQ8_0(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % Q8_0_BLOCK_BYTES !== 0) {
    throw new RangeError(
      `Q8_0 data must be a multiple of ${Q8_0_BLOCK_BYTES} bytes, got ${bytes.byteLength}`,
    );
  }
  const blockCount = bytes.byteLength / Q8_0_BLOCK_BYTES;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float32Array(blockCount * Q8_0_BLOCK_SIZE);
  for (let block = 0; block < blockCount; block++) {
    const offset = block * Q8_0_BLOCK_BYTES;
    const scale = float16BitsToFloat32(view.getUint16(offset, true));
    for (let index = 0; index < Q8_0_BLOCK_SIZE; index++) {
      values[block * Q8_0_BLOCK_SIZE + index] = scale * view.getInt8(offset + 2 + index);
    }
  }
  return values;
}
