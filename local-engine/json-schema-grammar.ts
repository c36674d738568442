import { EngineError } from "./engine-error.js";

/** A JSON Schema document (structural, like src/core's JsonSchema). */
export type JsonSchemaNode = { readonly [key: string]: SchemaValue } | boolean;
type SchemaValue =
  | string
  | number
  | boolean
  | null
  | readonly SchemaValue[]
  | { readonly [key: string]: SchemaValue };
type SchemaObject = { readonly [key: string]: SchemaValue };

const PRIMITIVES: Record<string, string> = {
  ws: '| " " | "\\n" [ \\t]{0,20}',
  char: '[^"\\\\\\x7F\\x00-\\x1F] | "\\\\" (["\\\\/bfnrt] | "u" [0-9a-fA-F]{4})',
  string: '"\\"" char* "\\""',
  integer: '"-"? ([0-9] | [1-9] [0-9]{0,15})',
  number: 'integer ("." [0-9]{1,16})? ([eE] [-+]? [0-9]{1,3})?',
  boolean: '"true" | "false"',
  null: '"null"',
  value: "object | array | string | number | boolean | null",
  object: '"{" ws ( string ws ":" ws value ( "," ws string ws ":" ws value )* )? ws "}"',
  array: '"[" ws ( value ( "," ws value )* )? ws "]"',
};

function isObject(value: SchemaValue | JsonSchemaNode | undefined): value is SchemaObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A GBNF string literal matching exactly `text`. */
function literal(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t")}"`;
}

function repeat(item: string, min: number, max: number | undefined): string {
  if (max === undefined) return min === 0 ? `(${item})*` : `(${item}){${min},}`;
  return `(${item}){${min},${max}}`;
}

function count(schema: SchemaObject, key: string): number | undefined {
  const value = schema[key];
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
}

class GrammarBuilder {
  private readonly rules = new Map<string, string>();
  private readonly used = new Set<string>();
  private readonly references = new Map<string, string>();

  constructor(private readonly root: SchemaObject) {}

  build(): string {
    const body = this.visit(this.root, "root");
    if (body !== "root") this.rules.set("root", body);
    const lines = [`root ::= ${this.rules.get("root")}`];
    for (const [name, rule] of this.rules) if (name !== "root") lines.push(`${name} ::= ${rule}`);
    // Primitives that are referenced (directly or by other primitives) are appended once.
    const pending = [...this.used];
    for (let i = 0; i < pending.length; i++) {
      const name = pending[i] as string;
      const rule = PRIMITIVES[name] as string;
      lines.push(`${name} ::= ${rule}`);
      for (const dependency of Object.keys(PRIMITIVES)) {
        if (new RegExp(`(^|[^a-z-])${dependency}([^a-z-]|$)`).test(rule) && !pending.includes(dependency)) {
          pending.push(dependency);
        }
      }
    }
    return `${lines.join("\n")}\n`;
  }

  private primitive(name: string): string {
    this.used.add(name);
    return name;
  }

  private rule(hint: string, body: string): string {
    const base = hint.replace(/[^a-zA-Z0-9-]+/g, "-").replace(/^-+|-+$/g, "") || "rule";
    let name = base;
    for (let i = 2; this.rules.has(name) || name in PRIMITIVES; i++) name = `${base}-${i}`;
    this.rules.set(name, body);
    return name;
  }

  /** One rule per definition, named before it is visited so recursive schemas terminate. */
  private reference(reference: string): string {
    const known = this.references.get(reference);
    if (known !== undefined) return known;
    const target = this.resolve(reference);
    const name = this.rule(reference.slice(reference.lastIndexOf("/") + 1), "");
    this.references.set(reference, name);
    this.rules.set(name, this.visit(target, name));
    return name;
  }

  private resolve(reference: string): SchemaObject | boolean {
    const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(reference);
    const definitions = match ? this.root[match[1] as string] : undefined;
    const target = match && isObject(definitions) ? definitions[match[2] as string] : undefined;
    if (isObject(target) || typeof target === "boolean") return target;
    throw new EngineError("INVALID_SCHEMA", `unsupported or unknown $ref ${reference}`);
  }

  visit(node: JsonSchemaNode | SchemaValue | undefined, hint: string): string {
    if (node === true || node === undefined || (isObject(node) && Object.keys(node).length === 0)) {
      return this.primitive("value");
    }
    if (!isObject(node)) throw new EngineError("INVALID_SCHEMA", `schema at ${hint} is not an object`);
    if (typeof node.$ref === "string") return this.reference(node.$ref);
    if ("const" in node) return literal(JSON.stringify(node.const));
    if (Array.isArray(node.enum))
      return `(${node.enum.map((value) => literal(JSON.stringify(value))).join(" | ")})`;
    const alternatives = Array.isArray(node.anyOf)
      ? node.anyOf
      : Array.isArray(node.oneOf)
        ? node.oneOf
        : undefined;
    if (alternatives)
      return `(${alternatives.map((option, i) => this.visit(option, `${hint}-${i}`)).join(" | ")})`;
    const { type } = node;
    if (Array.isArray(type)) {
      return `(${type.map((single) => this.visit({ ...node, type: single }, `${hint}-${String(single)}`)).join(" | ")})`;
    }
    switch (type) {
      case "object":
        return this.object(node, hint);
      case "array":
        return this.array(node, hint);
      case "string":
        return this.string(node);
      case "integer":
      case "number":
      case "boolean":
      case "null":
        return this.primitive(type);
      case undefined:
        if (isObject(node.properties)) return this.object(node, hint);
        if (node.items !== undefined) return this.array(node, hint);
        return this.primitive("value");
      default:
        throw new EngineError("INVALID_SCHEMA", `unsupported type ${JSON.stringify(type)} at ${hint}`);
    }
  }

  private string(node: SchemaObject): string {
    const min = count(node, "minLength") ?? 0;
    const max = count(node, "maxLength");
    if (min === 0 && max === undefined) return this.primitive("string");
    this.primitive("char");
    return `"\\"" ${repeat("char", min, max)} "\\""`;
  }

  private array(node: SchemaObject, hint: string): string {
    const item = this.rule(`${hint}-item`, this.visit(node.items, `${hint}-item`));
    const min = count(node, "minItems") ?? 0;
    const max = count(node, "maxItems");
    const ws = this.primitive("ws");
    const rest = repeat(
      `"," ${ws} ${item}`,
      Math.max(0, min - 1),
      max === undefined ? undefined : Math.max(0, max - 1),
    );
    const items = `${item} ${rest}`;
    const body = min === 0 ? (max === 0 ? "" : `(${items})?`) : items;
    return this.rule(hint, `"[" ${ws} ${body} ${ws} "]"`);
  }

  private object(node: SchemaObject, hint: string): string {
    const ws = this.primitive("ws");
    const properties = isObject(node.properties) ? node.properties : undefined;
    if (!properties) {
      const value = this.visit(
        isObject(node.additionalProperties) ? node.additionalProperties : true,
        `${hint}-value`,
      );
      const member = `${this.primitive("string")} ${ws} ":" ${ws} ${value}`;
      return this.rule(hint, `"{" ${ws} (${member} ("," ${ws} ${member})*)? ${ws} "}"`);
    }
    const required = new Set(
      Array.isArray(node.required) ? node.required.filter((key) => typeof key === "string") : [],
    );
    const member = (key: string): string => {
      const value = this.visit(properties[key], `${hint}-${key}`);
      return this.rule(`${hint}-${key}-kv`, `${literal(JSON.stringify(key))} ${ws} ":" ${ws} ${value}`);
    };
    const keys = Object.keys(properties);
    const mandatory = keys.filter((key) => required.has(key)).map(member);
    const optional = keys.filter((key) => !required.has(key)).map(member);
    const tail = optional.map((kv) => `("," ${ws} ${kv})?`).join(" ");
    let body: string;
    if (mandatory.length > 0) {
      body = [mandatory.join(` "," ${ws} `), tail].filter(Boolean).join(" ");
    } else if (optional.length > 0) {
      // Any in-order subset: choose the first present member, then the later ones are optional.
      const starts = optional.map((kv, i) =>
        [kv, ...optional.slice(i + 1).map((later) => `("," ${ws} ${later})?`)].join(" "),
      );
      body = `(${starts.join(" | ")})?`;
    } else {
      body = "";
    }
    return this.rule(hint, `"{" ${ws} ${body} ${ws} "}"`);
  }
}

/**
 * A GBNF grammar (llama.cpp's format) that admits exactly the JSON documents of `schema`: objects
 * (declared properties in order, required ones always present; additionalProperties only when no
 * properties are declared), arrays (items, minItems, maxItems), strings (minLength, maxLength),
 * numbers, integers, booleans, null, enum, const, anyOf/oneOf, type lists and local $refs.
 * Numeric ranges, patterns and formats are not enforced.
 */
export function jsonSchemaToGrammar(schema: JsonSchemaNode): string {
  if (schema === false) throw new EngineError("INVALID_SCHEMA", "the schema `false` admits nothing");
  return new GrammarBuilder(schema === true ? {} : schema).build();
}
