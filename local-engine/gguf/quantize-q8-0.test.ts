import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeFloat16, encodeFloat16, float16BitsToFloat32, float32ToFloat16Bits } from "./float16.js";
import { dequantizeQ8_0, Q8_0_BLOCK_BYTES, quantizeQ8_0 } from "./quantize-q8-0.js";

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

describe("float16", () => {
  it("rounds to nearest even like ggml_fp32_to_fp16", () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [65504, 0x7bff],
      [65519.99, 0x7bff],
      [65520, 0x7c00],
      [Number.POSITIVE_INFINITY, 0x7c00],
      [2 ** -14, 0x0400],
      [2 ** -24, 0x0001],
      [2 ** -25, 0x0000],
      [1.5 * 2 ** -25, 0x0001],
      [1 + 2 ** -11, 0x3c00],
      [1 + 3 * 2 ** -11, 0x3c02],
      [Number.NaN, 0x7e00],
    ];
    for (const [value, bits] of cases) expect(float32ToFloat16Bits(value), String(value)).toBe(bits);
  });

  it("decodes and re-encodes every non-NaN half exactly", () => {
    const mismatches: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = float16BitsToFloat32(bits);
      if (!Number.isNaN(value) && float32ToFloat16Bits(value) !== bits) mismatches.push(bits);
    }
    expect(mismatches).toEqual([]);
  });

  it("encodes arrays little-endian and decodes them back", () => {
    const values = new Float32Array([1, -0.5, 0.1, 1000]);
    const bytes = encodeFloat16(values);
    expect(hex(bytes.subarray(0, 4))).toBe("003c00b8");
    expect([...decodeFloat16(bytes)]).toEqual([1, -0.5, float16BitsToFloat32(0x2e66), 1000]);
  });
});

describe("quantizeQ8_0", () => {
  it("writes the bytes ggml's quantize_row_q8_0_ref writes", () => {
    const values = new Float32Array(64);
    for (let index = 0; index < 32; index++) values[index] = (index - 12) * 0.37;
    // amax 127 gives d = 1, so these quants show roundf's halves-away-from-zero.
    for (let index = 0; index < 32; index++)
      values[32 + index] = index === 0 ? 127 : (index % 2 ? 1 : -1) * (index + 0.5);
    const bytes = quantizeQ8_0(values);
    expect(hex(bytes.subarray(0, Q8_0_BLOCK_BYTES))).toBe(
      "162bb0b6bdc4cbd1d8dfe5ecf3f900070d141b21282f353c434a50575e646b72787f",
    );
    expect(hex(bytes.subarray(Q8_0_BLOCK_BYTES))).toBe(
      "003c7f02fd04fb06f908f70af50cf30ef110ef12ed14eb16e918e71ae51ce31ee120",
    );
  });

  it("reconstructs each value within about half a quantization step", () => {
    const block = fc.array(fc.float({ min: -1e4, max: 1e4, noNaN: true, noDefaultInfinity: true }), {
      minLength: 32,
      maxLength: 32,
    });
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 4 }), (blocks) => {
        const values = new Float32Array(blocks.flat());
        const restored = dequantizeQ8_0(quantizeQ8_0(values));
        return blocks.every((items, blockIndex) => {
          const step = Math.max(...items.map(Math.abs)) / 127;
          // Half a step from rounding, plus the f16 scale's relative error (2^-11) times |q| <= 127; the
          // scale's f16 subnormal range (steps under 2^-14) loses more, hence the absolute slack.
          const bound = step * (0.5 + 127 * 2 ** -11) + 2 ** -24 * 127;
          return items.every((value, index) => Math.abs(restored[blockIndex * 32 + index]! - value) <= bound);
        });
      }),
      { numRuns: 100 },
    );
  });

  it("keeps all-zero blocks at zero", () => {
    const bytes = quantizeQ8_0(new Float32Array(32));
    expect(bytes.every((byte) => byte === 0)).toBe(true);
    expect(dequantizeQ8_0(bytes).every((value) => value === 0)).toBe(true);
  });

  it("refuses lengths that are not whole blocks", () => {
    expect(() => quantizeQ8_0(new Float32Array(33))).toThrow(RangeError);
    expect(() => dequantizeQ8_0(new Uint8Array(35))).toThrow(RangeError);
  });
});
