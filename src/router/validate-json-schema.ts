import type { JsonSchema } from "../core/index.js";
import { compileJsonSchema } from "./compile-json-schema.js";
import { type JsonNode, type JsonProblem, JsonWalker, pathOf, type Reading } from "./json-walker.js";
import type { Checks, WorkMeter } from "./work-meter.js";

/**
 * Bounds on one schema, checked before ajv sees it. Compiling costs about 0.2 ms a property
 * (bench:validation on the 2-core development VM: 1,000 properties 62–92 ms, 5,000 about 1 s; over
 * 5 s under load), in the compiler thread; the bounds keep that finite and the thread's time limit
 * stops what slips through.
 */
export const schemaBounds = { maxDepth: 64, maxValues: 20_000, maxChars: 1_048_576 } as const;

const jsonTypes = ["string", "number", "integer", "boolean", "object", "array", "null"];

/** The drafts ajv compiles here, by the `$schema` that names them (with or without a trailing #). */
const metaSchemas = new Set([
  "https://json-schema.org/draft/2020-12/schema",
  "https://json-schema.org/draft/2019-09/schema",
  "http://json-schema.org/draft-07/schema",
  "http://json-schema.org/draft-06/schema",
]);

const schemaKeywords = new Set([
  "additionalProperties",
  "propertyNames",
  "not",
  "if",
  "then",
  "else",
  "contains",
  "additionalItems",
  "unevaluatedItems",
  "unevaluatedProperties",
  "contentSchema",
  "items",
]);
const schemaListKeywords = new Set(["allOf", "anyOf", "oneOf", "prefixItems", "items"]);
const schemaMapKeywords = new Set([
  "properties",
  "patternProperties",
  "$defs",
  "definitions",
  "dependentSchemas",
]);

/** A `$ref` met on the walk, kept to place ajv's "can't resolve" at the reference. */
interface SeenRef {
  parent: JsonNode;
  key: string;
  ref: string;
}

/**
 * Checks a schema that providers take as an object schema (tool parameters, response formats) in
 * two steps. `shape` walks it on the caller's thread, yielding between slices of work: plain JSON
 * within `schemaBounds`, an object at the root, known types, non-empty enums, patterns that compile
 * as Unicode regular expressions, local references that point somewhere. `compile` then has ajv
 * compile it off the event loop, and whatever ajv refuses is the problem. Paths are below the
 * schema's root, ready to be appended to the field that holds it.
 */
export class JsonSchemaCheck {
  readonly #walk: SchemaWalk;

  constructor(
    readonly schema: unknown,
    meter: WorkMeter,
  ) {
    this.#walk = new SchemaWalk(meter);
  }

  shape(): Checks<JsonProblem | undefined> {
    return this.#walk.root(this.schema);
  }

  /** Only for a schema whose `shape` passed. */
  async compile(): Promise<JsonProblem | undefined> {
    const compilation = await compileJsonSchema(this.schema as JsonSchema);
    if (compilation.ok) return undefined;
    const { pointer, message, missingRef, transient } = compilation.problem;
    if (missingRef !== undefined) {
      const seen = this.#walk.refs.find(({ ref }) => missingRef === ref || missingRef.endsWith(ref));
      return { path: seen ? refPath(seen) : [], message: `points to nothing: ajv finds ${message}` };
    }
    const path = fromPointer(this.schema, pointer);
    return {
      path,
      message: transient ? `is too costly to compile: it ${message}` : `ajv cannot compile it: ${message}`,
    };
  }
}

class SchemaWalk extends JsonWalker {
  readonly refs: SeenRef[] = [];
  #root: object | undefined;
  #nestedIds = false;

  constructor(meter: WorkMeter) {
    super(meter, schemaBounds);
  }

  *root(schema: unknown): Checks<JsonProblem | undefined> {
    if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
      return { path: [], message: 'must be an object schema ({ "type": "object", ... })' };
    }
    this.#root = schema;
    const type = (schema as { type?: unknown }).type;
    if (type !== "object") {
      return {
        path: ["type"],
        message: `must be "object" (got ${JSON.stringify(type) ?? "none"}): providers take an object here`,
      };
    }
    const declared = (schema as { $schema?: unknown }).$schema;
    if (
      declared !== undefined &&
      (typeof declared !== "string" || !metaSchemas.has(declared.replace(/#$/, "")))
    ) {
      return {
        path: ["$schema"],
        message: `names no supported draft (supported: ${[...metaSchemas].join(", ")})`,
      };
    }
    return (yield* this.walk(schema, "schema")) ?? this.#danglingLocalRef();
  }

  protected override read(
    node: JsonNode,
    key: string | number,
    child: unknown,
  ): Reading | { problem: string } {
    if (node.reading === "schemas") return "schema";
    if (node.reading === "patterns") {
      const flaw = regexFlaw(String(key));
      return flaw ? { problem: `is a key that ${flaw}` } : "schema";
    }
    if (node.reading !== "schema" || typeof key !== "string") return "data";
    if (schemaKeywords.has(key) && (isRecord(child) || typeof child === "boolean")) return "schema";
    if (schemaListKeywords.has(key) && Array.isArray(child)) {
      return child.length === 0 ? { problem: "must list at least one schema" } : "schemas";
    }
    if (schemaMapKeywords.has(key) && isRecord(child))
      return key === "patternProperties" ? "patterns" : "schemas";
    if ((key === "$ref" || key === "$dynamicRef") && typeof child === "string") {
      this.refs.push({ parent: node, key, ref: child });
    }
    if (key === "$id" && node.depth > 0) this.#nestedIds = true;
    if (key === "pattern" && typeof child === "string") {
      const flaw = regexFlaw(child);
      if (flaw) return { problem: flaw };
    }
    if (key === "type") {
      const unknown = (Array.isArray(child) ? child : [child]).find((entry) => !jsonTypes.includes(entry));
      if (unknown !== undefined) {
        return { problem: `${JSON.stringify(unknown)} is not a JSON type (${jsonTypes.join(", ")})` };
      }
    }
    if (key === "enum" && Array.isArray(child) && child.length === 0) {
      return { problem: "must list at least one value: an empty enum matches nothing" };
    }
    return "data";
  }

  /** A `#/…` reference that resolves to nothing in this document (when no nested `$id` moves the base). */
  #danglingLocalRef(): JsonProblem | undefined {
    if (this.#nestedIds) return undefined;
    for (const seen of this.refs) {
      if (!seen.ref.startsWith("#/") && seen.ref !== "#") continue;
      if (resolvePointer(this.#root, seen.ref.slice(1)) === undefined) {
        return { path: refPath(seen), message: `"${seen.ref}" points to nothing in this schema` };
      }
    }
    return undefined;
  }
}

function refPath(seen: SeenRef): (string | number)[] {
  return [...pathOf(seen.parent), seen.key];
}

/** JSON Schema patterns are ECMA-262 regular expressions in Unicode mode, as ajv compiles them. */
function regexFlaw(pattern: string): string | undefined {
  try {
    new RegExp(pattern, "u");
    return undefined;
  } catch (error) {
    return `is not a valid regular expression: ${(error as Error).message}`;
  }
}

function resolvePointer(root: unknown, pointer: string): unknown {
  if (pointer === "") return root;
  let node = root;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pointer);
  } catch {
    return undefined;
  }
  for (const raw of decoded.slice(1).split("/")) {
    const segment = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** An ajv schema path (a JSON pointer) as path segments, list indexes as numbers. */
function fromPointer(root: unknown, pointer: string): (string | number)[] {
  const path: (string | number)[] = [];
  let node = root;
  for (const raw of pointer === "" ? [] : pointer.slice(1).split("/")) {
    const segment = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    const index = Array.isArray(node) ? Number(segment) : Number.NaN;
    path.push(Number.isInteger(index) ? index : segment);
    node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return path;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
