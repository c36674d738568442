import { assertLittleEndianHost, encodeFloat16 } from "./float16.js";
import { GgmlType } from "./ggml-type.js";
import { quantizeQ8_0 } from "./quantize-q8-0.js";

/** The tensor types this writer can produce from float32 values. */
export type EncodableGgmlType = typeof GgmlType.F32 | typeof GgmlType.F16 | typeof GgmlType.Q8_0;

/** The bytes ggml expects for `values` (row-major, ne[0] fastest) stored as `type`. */
export function encodeTensorData(type: EncodableGgmlType, values: Float32Array): Uint8Array {
  switch (type) {
    case GgmlType.F32:
      assertLittleEndianHost();
      return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    case GgmlType.F16:
      return encodeFloat16(values);
    case GgmlType.Q8_0:
      return quantizeQ8_0(values);
  }
}
