// GGUF stores tensors little-endian; typed-array views are only a valid encoding on such hosts.
const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function assertLittleEndianHost(): void {
  if (!hostIsLittleEndian) throw new Error("GGUF tensor encoding needs a little-endian host");
}

/**
 * IEEE binary32 bits to binary16 bits, rounding to nearest even like F16C's `vcvtps2ph` (which ggml uses
 * on x86), so that scales written here equal the ones ggml would write.
 */
export function float32BitsToFloat16Bits(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | (mantissa === 0 ? 0x7c00 : 0x7e00);
  const halfExponent = exponent - 112;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    const shift = 14 - halfExponent;
    if (shift > 24) return sign;
    const full = mantissa | 0x800000;
    let half = full >>> shift;
    const remainder = full & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (remainder > halfway || (remainder === halfway && (half & 1) === 1)) half += 1;
    return sign | half;
  }
  // A carry out of the mantissa correctly bumps the exponent, up to infinity.
  let half = sign | (halfExponent << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  if (remainder > 0x1000 || (remainder === 0x1000 && (half & 1) === 1)) half += 1;
  return half;
}

const scratchFloat = new Float32Array(1);
const scratchBits = new Uint32Array(scratchFloat.buffer);

export function float32ToFloat16Bits(value: number): number {
  scratchFloat[0] = value;
  return float32BitsToFloat16Bits(scratchBits[0]!);
}

export function float16BitsToFloat32(half: number): number {
  const sign = half & 0x8000 ? -1 : 1;
  const exponent = (half >>> 10) & 0x1f;
  const mantissa = half & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Little-endian binary16 bytes of every value. */
export function encodeFloat16(values: Float32Array): Uint8Array {
  assertLittleEndianHost();
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const halves = new Uint16Array(values.length);
  for (let index = 0; index < bits.length; index++) halves[index] = float32BitsToFloat16Bits(bits[index]!);
  return new Uint8Array(halves.buffer);
}

export function decodeFloat16(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 2 !== 0) throw new RangeError("F16 data must have an even number of bytes");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float32Array(bytes.byteLength / 2);
  for (let index = 0; index < values.length; index++) {
    values[index] = float16BitsToFloat32(view.getUint16(index * 2, true));
  }
  return values;
}
