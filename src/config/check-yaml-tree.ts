import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type Node } from "yaml";
import { FORBIDDEN_KEYS, MAX_EXPANDED_NODES, MAX_NESTING_DEPTH, NESTING_MESSAGE } from "./policy-limits.js";
import type { PathSegment, RawIssue, SourcePosition } from "./raw-issue.js";

const CORE_TAGS = new Set(
  ["str", "int", "float", "bool", "null", "map", "seq"].map((name) => `tag:yaml.org,2002:${name}`),
);

function tagName(tag: string): string {
  return tag.startsWith("tag:yaml.org,2002:") ? `!!${tag.slice("tag:yaml.org,2002:".length)}` : tag;
}

interface Extent {
  size: number;
  height: number;
}

/**
 * Checks a parsed document's tree: only core-schema tags, plain string keys, no duplicate,
 * merge (`<<`) or prototype keys, bounded nesting, and aliases that expand to a bounded size
 * (each node is measured once, so a billion-laughs document costs microseconds to refuse).
 */
export function checkYamlTree(
  document: Document,
  text: string,
  positionOf: (offset: number) => SourcePosition,
): RawIssue[] {
  const issues: RawIssue[] = [];
  const extents = new Map<Node, Extent>();
  let expanded = 0;
  let aliasBombReported = false;
  const at = (node: Node | null | undefined): SourcePosition | undefined =>
    node?.range ? positionOf(node.range[0]) : undefined;
  const add = (path: readonly PathSegment[], node: Node | null | undefined, message: string) =>
    issues.push({ path, message, position: at(node) });

  const extentOf = (node: unknown, inProgress: Set<Node>): Extent => {
    if (isAlias(node)) {
      const target = node.resolve(document);
      if (target === undefined || inProgress.has(target))
        return { size: Number.POSITIVE_INFINITY, height: 0 };
      return extentOf(target, inProgress);
    }
    if (!isMap(node) && !isSeq(node)) return { size: 1, height: 0 };
    const known = extents.get(node);
    if (known) return known;
    inProgress.add(node);
    let size = 1;
    let height = 0;
    for (const item of node.items) {
      const children = isPair(item) ? [item.key, item.value] : [item];
      for (const child of children) {
        const extent = extentOf(child, inProgress);
        size += extent.size;
        height = Math.max(height, extent.height);
      }
    }
    inProgress.delete(node);
    const extent = { size, height: height + 1 };
    extents.set(node, extent);
    return extent;
  };

  /** Reports a tag outside the core schema; yaml itself would only warn and read the text. */
  const hasUnknownTag = (node: Node, path: readonly PathSegment[]): boolean => {
    if (node.tag === undefined || CORE_TAGS.has(node.tag)) return false;
    const written = tagName(node.tag);
    // A node's range starts after its tag; point at the tag itself when it is on the same line.
    const start = node.range?.[0] ?? 0;
    const tagOffset = text.lastIndexOf(written, start);
    const onSameLine = tagOffset >= 0 && !text.slice(tagOffset, start).includes("\n");
    issues.push({
      path,
      message: `unknown tag \`${written}\`: custom tags are not allowed`,
      position: onSameLine ? positionOf(tagOffset) : at(node),
    });
    return true;
  };

  const visit = (node: unknown, path: PathSegment[], depth: number): void => {
    if (isAlias(node)) {
      const target = node.resolve(document);
      if (target === undefined) {
        add(path, node, `alias \`*${node.source}\` has no anchor before it`);
        return;
      }
      const extent = extentOf(target, new Set());
      if (depth + extent.height > MAX_NESTING_DEPTH) add(path, node, NESTING_MESSAGE);
      expanded += extent.size;
      if (expanded > MAX_EXPANDED_NODES && !aliasBombReported) {
        aliasBombReported = true;
        add(
          path,
          node,
          `alias \`*${node.source}\` expands the policy past ${MAX_EXPANDED_NODES} nodes (alias bomb?)`,
        );
      }
      return;
    }
    if (!isMap(node) && !isSeq(node) && !isScalar(node)) return;
    if (hasUnknownTag(node, path)) return;
    if (isScalar(node)) return;
    if (depth + 1 > MAX_NESTING_DEPTH) {
      add(path, node, NESTING_MESSAGE);
      return;
    }
    if (isSeq(node)) {
      for (const [index, item] of node.items.entries()) visit(item, [...path, index], depth + 1);
      return;
    }
    const seen = new Map<string, SourcePosition | undefined>();
    for (const pair of node.items) {
      if (!isScalar(pair.key)) {
        add(
          path,
          isAlias(pair.key) || isMap(pair.key) || isSeq(pair.key) ? pair.key : node,
          "keys must be plain strings",
        );
        continue;
      }
      const key = String(pair.key.value);
      const keyPath = [...path, key];
      if (hasUnknownTag(pair.key, keyPath)) continue;
      const first = seen.get(key);
      if (seen.has(key)) {
        const where = first ? ` (first at ${first.line}:${first.column})` : "";
        issues.push({
          path: keyPath,
          at: "key",
          position: at(pair.key),
          message: `duplicate key \`${key}\`${where}`,
        });
        continue;
      }
      seen.set(key, at(pair.key));
      if (key === "<<") {
        add(
          keyPath,
          pair.key,
          "merge keys (`<<`) are not supported; write the fields out or use a plain alias",
        );
      } else if (FORBIDDEN_KEYS.has(key)) {
        add(keyPath, pair.key, `the key \`${key}\` is not allowed`);
      } else {
        visit(pair.value, keyPath, depth + 1);
      }
    }
  };
  visit(document.contents, [], 0);
  return issues;
}
