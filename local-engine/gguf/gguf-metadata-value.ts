/** Value type ids of the GGUF spec (`gguf_metadata_value_type` in ggml's docs/gguf.md). */
export const GgufValueType = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const;

export type GgufValueTypeName = keyof typeof GgufValueType;
export type GgufNumberTypeName =
  | "uint8"
  | "int8"
  | "uint16"
  | "int16"
  | "uint32"
  | "int32"
  | "float32"
  | "float64";
/** 64-bit integers are bigints so that values above 2^53 survive a round trip. */
export type GgufBigIntTypeName = "uint64" | "int64";
export type GgufItemTypeName = GgufNumberTypeName | GgufBigIntTypeName | "bool" | "string";

export type GgufScalarValue =
  | { type: GgufNumberTypeName; value: number }
  | { type: GgufBigIntTypeName; value: bigint }
  | { type: "bool"; value: boolean }
  | { type: "string"; value: string };

/** Arrays of arrays are legal in the spec but llama.cpp refuses them, so they are not modelled. */
export type GgufArrayValue =
  | { type: "array"; itemType: GgufNumberTypeName; value: readonly number[] }
  | { type: "array"; itemType: GgufBigIntTypeName; value: readonly bigint[] }
  | { type: "array"; itemType: "bool"; value: readonly boolean[] }
  | { type: "array"; itemType: "string"; value: readonly string[] };

export type GgufMetadataValue = GgufScalarValue | GgufArrayValue;

/** Shorthands for the value types llama.cpp's loader expects for its keys. */
export const ggufValue = {
  uint32: (value: number): GgufMetadataValue => ({ type: "uint32", value }),
  int32: (value: number): GgufMetadataValue => ({ type: "int32", value }),
  float32: (value: number): GgufMetadataValue => ({ type: "float32", value }),
  bool: (value: boolean): GgufMetadataValue => ({ type: "bool", value }),
  string: (value: string): GgufMetadataValue => ({ type: "string", value }),
  stringArray: (value: readonly string[]): GgufMetadataValue => ({
    type: "array",
    itemType: "string",
    value,
  }),
  int32Array: (value: readonly number[]): GgufMetadataValue => ({ type: "array", itemType: "int32", value }),
  float32Array: (value: readonly number[]): GgufMetadataValue => ({
    type: "array",
    itemType: "float32",
    value,
  }),
};

/** Integer metadata may be stored with any integer width; callers only care about the number. */
export function ggufNumber(value: GgufMetadataValue | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (value.type === "array" || value.type === "string" || value.type === "bool") return undefined;
  return Number(value.value);
}

export function ggufString(value: GgufMetadataValue | undefined): string | undefined {
  return value?.type === "string" ? value.value : undefined;
}
