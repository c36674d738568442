import { type Document, isAlias, isMap, isScalar, isSeq, type Node } from "yaml";
import type { Locate, SourcePosition } from "./raw-issue.js";

/** Maps a path of the parsed data back to its node's line and column in the source. */
export function createLocate(document: Document, positionOf: (offset: number) => SourcePosition): Locate {
  const start = (node: Node | null | undefined): SourcePosition | undefined =>
    node?.range ? positionOf(node.range[0]) : undefined;
  return (path, at = "value") => {
    let node: unknown = document.contents;
    for (const [index, segment] of path.entries()) {
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isScalar(item.key) && String(item.key.value) === String(segment),
        );
        if (!pair) return start(node);
        if (index === path.length - 1 && at === "key") return start(pair.key as Node);
        node = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof segment === "number" && node.items[segment] !== undefined) {
        node = node.items[segment];
      } else {
        return isAlias(node) || isScalar(node) || isSeq(node) ? start(node) : undefined;
      }
    }
    return isAlias(node) || isScalar(node) || isMap(node) || isSeq(node) ? start(node) : undefined;
  };
}
