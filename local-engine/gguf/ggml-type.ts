/** Tensor element types, numbered as in ggml.h `enum ggml_type` (the ids are stored in GGUF files). */
export const GgmlType = {
  F32: 0,
  F16: 1,
  Q4_0: 2,
  Q4_1: 3,
  Q5_0: 6,
  Q5_1: 7,
  Q8_0: 8,
  Q8_1: 9,
  Q2_K: 10,
  Q3_K: 11,
  Q4_K: 12,
  Q5_K: 13,
  Q6_K: 14,
  Q8_K: 15,
  IQ2_XXS: 16,
  IQ2_XS: 17,
  IQ3_XXS: 18,
  IQ1_S: 19,
  IQ4_NL: 20,
  IQ3_S: 21,
  IQ2_S: 22,
  IQ4_XS: 23,
  I8: 24,
  I16: 25,
  I32: 26,
  I64: 27,
  F64: 28,
  IQ1_M: 29,
  BF16: 30,
  TQ1_0: 34,
  TQ2_0: 35,
  MXFP4: 39,
  NVFP4: 40,
  Q1_0: 41,
  Q2_0: 42,
} as const;

export type GgmlType = (typeof GgmlType)[keyof typeof GgmlType];
export type GgmlTypeName = keyof typeof GgmlType;

export interface GgmlTypeTraits {
  name: GgmlTypeName;
  /** Elements per block; a row (ne[0]) must be a multiple of it. */
  blockSize: number;
  /** Bytes per block. */
  typeSize: number;
}

// Block sizes and sizeof(block_*) as compiled from ggml-common.h, so byte counts match ggml_nbytes.
const traitsTable: Record<GgmlTypeName, readonly [number, number]> = {
  F32: [1, 4],
  F16: [1, 2],
  Q4_0: [32, 18],
  Q4_1: [32, 20],
  Q5_0: [32, 22],
  Q5_1: [32, 24],
  Q8_0: [32, 34],
  Q8_1: [32, 36],
  Q2_K: [256, 84],
  Q3_K: [256, 110],
  Q4_K: [256, 144],
  Q5_K: [256, 176],
  Q6_K: [256, 210],
  Q8_K: [256, 292],
  IQ2_XXS: [256, 66],
  IQ2_XS: [256, 74],
  IQ3_XXS: [256, 98],
  IQ1_S: [256, 50],
  IQ4_NL: [32, 18],
  IQ3_S: [256, 110],
  IQ2_S: [256, 82],
  IQ4_XS: [256, 136],
  I8: [1, 1],
  I16: [1, 2],
  I32: [1, 4],
  I64: [1, 8],
  F64: [1, 8],
  IQ1_M: [256, 56],
  BF16: [1, 2],
  TQ1_0: [256, 54],
  TQ2_0: [256, 66],
  MXFP4: [32, 17],
  NVFP4: [64, 36],
  Q1_0: [128, 18],
  Q2_0: [64, 18],
};

const traitsById = new Map<number, GgmlTypeTraits>(
  (Object.keys(GgmlType) as GgmlTypeName[]).map((name) => {
    const [blockSize, typeSize] = traitsTable[name];
    return [GgmlType[name], { name, blockSize, typeSize }];
  }),
);

/** Traits of a type id, or undefined for ids this table does not know (newer ggml). */
export function ggmlTypeTraits(type: number): GgmlTypeTraits | undefined {
  return traitsById.get(type);
}

/** Bytes a dense tensor of this type and shape occupies, as ggml_nbytes computes it (no padding). */
export function ggmlTensorByteSize(type: number, dims: readonly number[]): number {
  const traits = traitsById.get(type);
  if (traits === undefined) throw new RangeError(`unknown ggml type ${type}`);
  const [rowLength = 1, ...outer] = dims;
  if (rowLength % traits.blockSize !== 0) {
    throw new RangeError(
      `ne[0] = ${rowLength} is not a multiple of the ${traits.name} block size ${traits.blockSize}`,
    );
  }
  const rows = outer.reduce((product, dim) => product * dim, 1);
  return (rowLength / traits.blockSize) * traits.typeSize * rows;
}
