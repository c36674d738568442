import { InvalidRequestError } from "../core/index.js";
import { splitsSurrogatePair } from "./next-piece.js";

/**
 * Longest string handed to `JSON.stringify` at once: escaping is linear but not free (a string
 * of lone surrogates escapes at ~65 ns a character, 10 MB in 0.7 s), so long strings go in chunks.
 * @default 4096
 */
const stringChunkChars = 4096;

/** Small parts (brackets, keys, numbers) are joined into fragments of about this many characters. @default 2048 */
const fragmentChars = 2048;

type Frame =
  | { kind: "array"; value: readonly unknown[]; index: number }
  | { kind: "object"; value: object; keys: string[]; index: number; wrote: boolean };

/**
 * The text of `JSON.stringify(value)`, in fragments, so serializing a large tool list or schema
 * never holds the event loop at once: the caller takes fragments as it counts them. The same
 * text as `JSON.stringify` (`toJSON`, boxed primitives, skipped `undefined`, `null` for
 * non-finite numbers), built with an explicit stack, so nesting depth cannot overflow the call
 * stack. A circular reference or a BigInt is an `InvalidRequestError` naming `field`, where
 * `JSON.stringify` would throw an untyped `TypeError`.
 */
export function* jsonFragments(
  root: unknown,
  field: string,
  options: {
    /** Object keys in sorted order (code units), so equal data gives equal text: a canonical form. @default false */
    sortKeys?: boolean;
  } = {},
): Generator<string, void, undefined> {
  const stack: Frame[] = [];
  const onPath = new Set<object>();
  let parts: string[] = [];
  let buffered = 0;
  const write = (part: string) => {
    parts.push(part);
    buffered += part.length;
  };
  /** Writes a scalar, or opens an array or object; a long string is left to `quoted`. */
  const open = (item: unknown): string | undefined => {
    if (typeof item === "string") {
      if (item.length > stringChunkChars) return item;
      write(JSON.stringify(item));
    } else if (item === null) write("null");
    else if (typeof item === "number") write(Number.isFinite(item) ? String(item) : "null");
    else if (typeof item === "boolean") write(item ? "true" : "false");
    else if (typeof item === "object") {
      if (onPath.has(item)) {
        throw new InvalidRequestError(
          field,
          "it contains itself (a circular reference) and cannot be sent as JSON",
        );
      }
      onPath.add(item);
      if (Array.isArray(item)) {
        stack.push({ kind: "array", value: item, index: 0 });
        write("[");
      } else {
        const keys = Object.keys(item);
        if (options.sortKeys) keys.sort();
        stack.push({ kind: "object", value: item, keys, index: 0, wrote: false });
        write("{");
      }
    } else throw new InvalidRequestError(field, `a ${typeof item} cannot be sent as JSON`);
    return undefined;
  };
  /** Hands over what is buffered, then a long string in chunks; call only when `due` says so. */
  function* flush(long: string | undefined): Generator<string, void, undefined> {
    yield parts.join("");
    parts = [];
    buffered = 0;
    if (long !== undefined) yield* quoted(long);
  }
  const due = (long: string | undefined) => long !== undefined || buffered >= fragmentChars;

  const top = prepare(root, "");
  if (!isSerializable(top)) return;
  const first = open(top);
  if (due(first)) yield* flush(first);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    if (frame.kind === "array") {
      if (frame.index < frame.value.length) {
        const index = frame.index++;
        if (index > 0) write(",");
        const item = prepare(frame.value[index], String(index));
        const long = open(isSerializable(item) ? item : null);
        if (due(long)) yield* flush(long);
        continue;
      }
      write("]");
    } else {
      let opened = false;
      while (!opened && frame.index < frame.keys.length) {
        const key = frame.keys[frame.index++] as string;
        const item = prepare((frame.value as Record<string, unknown>)[key], key);
        if (!isSerializable(item)) continue;
        if (frame.wrote) write(",");
        frame.wrote = true;
        if (key.length > stringChunkChars) yield* flush(key);
        else write(JSON.stringify(key));
        write(":");
        const long = open(item);
        if (due(long)) yield* flush(long);
        opened = true;
      }
      if (opened) continue;
      write("}");
    }
    stack.pop();
    onPath.delete(frame.value);
  }
  if (buffered > 0) yield parts.join("");
}

/** What `JSON.stringify` serializes in place of `item`: its `toJSON(key)`, or a boxed primitive's value. */
function prepare(item: unknown, key: string): unknown {
  let prepared = item;
  if ((typeof prepared === "object" && prepared !== null) || typeof prepared === "bigint") {
    const toJSON = (prepared as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") prepared = toJSON.call(prepared, key);
  }
  if (
    prepared instanceof Number ||
    prepared instanceof String ||
    prepared instanceof Boolean ||
    prepared instanceof BigInt
  ) {
    return prepared.valueOf();
  }
  return prepared;
}

/** `JSON.stringify` leaves these out of objects and writes `null` for them in arrays. */
function isSerializable(item: unknown): boolean {
  return item !== undefined && typeof item !== "function" && typeof item !== "symbol";
}

function* quoted(text: string): Generator<string, void, undefined> {
  if (text.length <= stringChunkChars) {
    yield JSON.stringify(text);
    return;
  }
  yield '"';
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + stringChunkChars);
    if (splitsSurrogatePair(text, end)) end -= 1;
    yield JSON.stringify(text.slice(start, end)).slice(1, -1);
    start = end;
  }
  yield '"';
}
