import { pieceLength, scanLongText, textFlaw } from "./check-text.js";
import type { Checks, WorkMeter } from "./work-meter.js";

/** Bounds on one JSON document of a request (a schema, a provider's options). */
export interface JsonBounds {
  /** Objects and arrays inside each other. */
  maxDepth: number;
  /** Values of every kind, keys not counted. */
  maxValues: number;
  /** Characters of every string and key together. */
  maxChars: number;
}

/** A problem inside the document: the path below its root and what is wrong. */
export interface JsonProblem {
  path: (string | number)[];
  message: string;
}

/**
 * How a value is read: as data, or inside a schema as a schema, a list or map of schemas, or a map
 * of schemas keyed by regular expressions (`patternProperties`).
 */
export type Reading = "data" | "schema" | "schemas" | "patterns";

/** One value on the walk; the chain of parents is its path. */
export interface JsonNode {
  value: unknown;
  key: string | number | undefined;
  parent: JsonNode | undefined;
  depth: number;
  reading: Reading;
}

/** Work units a visited value costs, next to one per character scanned. */
const valueUnits = 64;

/**
 * Walks one JSON document in bounded, linear time, pausing between slices of work: plain data only
 * (objects whose prototype is Object.prototype or null, arrays, strings, finite numbers, booleans,
 * null), every string and key free of NUL and lone surrogates, within the bounds (which also stop
 * cycles). `undefined` in an object reads as an absent key, as JSON.stringify drops it. Iterative,
 * so a deep document cannot overflow the stack; a subclass reads schemas (`read`).
 */
export class JsonWalker {
  #values = 0;
  #chars = 0;

  constructor(
    readonly meter: WorkMeter,
    readonly bounds: JsonBounds,
  ) {}

  *walk(root: unknown, reading: Reading): Checks<JsonProblem | undefined> {
    const stack: JsonNode[] = [{ value: root, key: undefined, parent: undefined, depth: 0, reading }];
    this.#values += 1;
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      const problem = yield* this.#check(node);
      if (problem !== undefined) return { path: pathOf(node), message: problem };
      const children = this.#children(node);
      if (!Array.isArray(children)) return children;
      for (let index = children.length - 1; index >= 0; index--) stack.push(children[index] as JsonNode);
      if (this.meter.spend(valueUnits)) yield;
    }
    return undefined;
  }

  /**
   * How the child at `key` is read, or a problem with it. Plain data reads every child as data; a
   * problem names the child (the path of the child's node).
   */
  protected read(_node: JsonNode, _key: string | number, _child: unknown): Reading | { problem: string } {
    return "data";
  }

  *#check(node: JsonNode): Checks<string | undefined> {
    const { value } = node;
    switch (typeof value) {
      case "string": {
        this.#chars += value.length;
        if (this.#chars > this.bounds.maxChars) {
          return `takes the document past ${this.bounds.maxChars} characters of text`;
        }
        if (value.length > pieceLength) return yield* scanLongText(value, this.meter, false);
        this.meter.add(value.length);
        return textFlaw(value);
      }
      case "number":
        return Number.isFinite(value) ? undefined : `is ${value}: not a finite number`;
      case "boolean":
        return undefined;
      case "object": {
        if (value === null) return undefined;
        if (!Array.isArray(value) && !isPlainObject(value)) {
          return `is a ${value.constructor?.name ?? "class"} instance: not JSON data`;
        }
        return node.depth + 1 > this.bounds.maxDepth
          ? `nests deeper than ${this.bounds.maxDepth} levels`
          : undefined;
      }
      default:
        return `is ${value === undefined ? "undefined" : `a ${typeof value}`}: not JSON data`;
    }
  }

  /** The children to walk, or a problem with one of them (or with the node: too many values). */
  #children(node: JsonNode): JsonNode[] | JsonProblem {
    const { value } = node;
    if (typeof value !== "object" || value === null) return [];
    const entries: [string | number, unknown][] = Array.isArray(value)
      ? value.map((child, index) => [index, child])
      : Object.entries(value).filter(([, child]) => child !== undefined);
    this.#values += entries.length;
    if (this.#values > this.bounds.maxValues) {
      return { path: pathOf(node), message: `takes the document past ${this.bounds.maxValues} values` };
    }
    const children: JsonNode[] = [];
    for (const [key, child] of entries) {
      const at: JsonNode = { value: child, key, parent: node, depth: node.depth + 1, reading: "data" };
      if (typeof key === "string") {
        this.#chars += key.length;
        this.meter.add(key.length);
        const flaw = textFlaw(key);
        if (flaw) return { path: pathOf(at), message: `has a key that ${flaw}` };
      }
      const reading = this.read(node, key, child);
      if (typeof reading !== "string") return { path: pathOf(at), message: reading.problem };
      at.reading = reading;
      children.push(at);
    }
    if (this.#chars > this.bounds.maxChars) {
      return {
        path: pathOf(node),
        message: `takes the document past ${this.bounds.maxChars} characters of text`,
      };
    }
    return children;
  }
}

export function pathOf(node: JsonNode): (string | number)[] {
  const path: (string | number)[] = [];
  for (let at: JsonNode | undefined = node; at?.key !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
