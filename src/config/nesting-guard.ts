import { CST, Lexer } from "yaml";
import type { SourcePosition } from "./raw-issue.js";

/** Zero-width markers the lexer emits; they take no room in the source. */
const MARKERS = new Set(["\u0002", "\u0018", "\u001f"]);

/**
 * Finds the first place where collections nest deeper than `limit`, by lexing only, and stops
 * there. It runs before the YAML parser because the parser's recursive composer takes seconds or
 * runs out of memory on a megabyte of `[[[[` or `- - - -`.
 *
 * Block collections are tracked as a stack of their start columns (a `-`, `?` or a key at column
 * c closes every open block at column ≥ c), flow collections by bracket depth.
 */
export function findExcessiveNesting(source: string, limit: number): SourcePosition | undefined {
  const blockColumns: number[] = [];
  let flowDepth = 0;
  let offset = 0;
  let line = 1;
  let lineStart = 0;
  let keyColumn: number | undefined;
  let afterBlockScalarHeader = false;
  let blockScalarBodyNext = false;

  const openBlock = (column: number): boolean => {
    while ((blockColumns.at(-1) ?? -1) >= column) blockColumns.pop();
    blockColumns.push(column);
    return blockColumns.length + flowDepth > limit;
  };

  for (const token of new Lexer().lex(source)) {
    if (MARKERS.has(token)) {
      // A block scalar's body arrives as one token after a scalar marker; it is text, not structure.
      if (token === "\u001f" && afterBlockScalarHeader) blockScalarBodyNext = true;
      continue;
    }
    const column = offset - lineStart;
    const type = blockScalarBodyNext ? "block-scalar-body" : CST.tokenType(token);
    blockScalarBodyNext = false;
    let tooDeep = false;
    if (type === "block-scalar-header") {
      afterBlockScalarHeader = true;
    } else if (type === "block-scalar-body") {
      afterBlockScalarHeader = false;
    } else if (flowDepth === 0 && (type === "seq-item-ind" || type === "explicit-key-ind")) {
      tooDeep = openBlock(column);
    } else if (flowDepth === 0 && type === "map-value-ind") {
      tooDeep = openBlock(keyColumn ?? column);
    } else if (type === "flow-seq-start" || type === "flow-map-start") {
      flowDepth++;
      tooDeep = blockColumns.length + flowDepth > limit;
    } else if (type === "flow-seq-end" || type === "flow-map-end") {
      flowDepth = Math.max(0, flowDepth - 1);
    } else if (keyColumn === undefined && type !== "space" && type !== "newline" && type !== "comment") {
      keyColumn = column;
    }
    if (tooDeep) return { line, column: column + 1 };

    for (let index = token.indexOf("\n"); index !== -1; index = token.indexOf("\n", index + 1)) {
      line++;
      lineStart = offset + index + 1;
      keyColumn = undefined;
    }
    offset += token.length;
  }
  return undefined;
}
