import type { GgufFileCursor } from "./gguf-file-cursor.js";
import {
  type GgufItemTypeName,
  type GgufMetadataValue,
  GgufValueType,
  type GgufValueTypeName,
} from "./gguf-metadata-value.js";

const typeNamesById = new Map<number, GgufValueTypeName>(
  (Object.keys(GgufValueType) as GgufValueTypeName[]).map((name) => [GgufValueType[name], name]),
);

function typeName(id: number, cursor: GgufFileCursor): GgufValueTypeName {
  const name = typeNamesById.get(id);
  if (name === undefined) {
    throw new Error(`${cursor.path}: unknown GGUF value type ${id} at ${cursor.position}`);
  }
  return name;
}

const itemWidths: Record<Exclude<GgufItemTypeName, "string">, number> = {
  uint8: 1,
  int8: 1,
  bool: 1,
  uint16: 2,
  int16: 2,
  uint32: 4,
  int32: 4,
  float32: 4,
  uint64: 8,
  int64: 8,
  float64: 8,
};

/** Reads one fixed-width item; the caller has made its bytes available with need(). */
function readFixedItem(
  cursor: GgufFileCursor,
  type: Exclude<GgufItemTypeName, "string">,
): number | bigint | boolean {
  switch (type) {
    case "bool":
      return cursor.uint8() !== 0;
    case "uint8":
      return cursor.uint8();
    case "int8":
      return cursor.int8();
    case "uint16":
      return cursor.uint16();
    case "int16":
      return cursor.int16();
    case "uint32":
      return cursor.uint32();
    case "int32":
      return cursor.int32();
    case "float32":
      return cursor.float32();
    case "uint64":
      return cursor.uint64();
    case "int64":
      return cursor.int64();
    case "float64":
      return cursor.float64();
  }
}

async function readItems(
  cursor: GgufFileCursor,
  type: GgufItemTypeName,
  count: number,
): Promise<(number | bigint | boolean | string)[]> {
  const items: (number | bigint | boolean | string)[] = [];
  if (type === "string") {
    for (let index = 0; index < count; index++) {
      items.push(cursor.bufferedString() ?? (await cursor.readString()));
    }
    return items;
  }
  await cursor.need(count * itemWidths[type]);
  for (let index = 0; index < count; index++) items.push(readFixedItem(cursor, type));
  return items;
}

// The casts pair each type tag with the items read for it, which TypeScript cannot follow through readItems.
export async function readGgufValue(cursor: GgufFileCursor, key: string): Promise<GgufMetadataValue> {
  await cursor.need(4);
  const type = typeName(cursor.uint32(), cursor);
  if (type !== "array") return { type, value: (await readItems(cursor, type, 1))[0] } as GgufMetadataValue;
  await cursor.need(4);
  const itemType = typeName(cursor.uint32(), cursor);
  if (itemType === "array") {
    throw new Error(`${cursor.path}: ${key} is an array of arrays, which ggml rejects`);
  }
  const count = await cursor.size(`${key} array length`);
  return { type, itemType, value: await readItems(cursor, itemType, count) } as GgufMetadataValue;
}
