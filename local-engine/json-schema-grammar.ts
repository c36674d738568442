import { EngineError } from "./engine-error.js";

/** A JSON Schema document (structural, like src/core's JsonSchema). */
export type JsonSchemaNode = { readonly [key: string]: SchemaValue } | boolean;
export type SchemaValue =
  | string
  | number
  | boolean
  | null
  | readonly SchemaValue[]
  | { readonly [key: string]: SchemaValue };
type SchemaObject = { readonly [key: string]: SchemaValue };

/**
 * How JSON tokens are spaced: `free`, any JSON whitespace (a bounded run, so a model cannot pad
 * forever); `canonical`, exactly as Python's json.dumps and Jinja's `tojson` write it (`{"a": 1, "b":
 * [1, 2]}`), which is how chat templates show tool-call arguments to the model.
 */
export type JsonSpacing = "free" | "canonical";

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

const CANONICAL_PRIMITIVES: Record<string, string> = {
  ...PRIMITIVES,
  object: '"{" ( string ": " value ( ", " string ": " value )* )? "}"',
  array: '"[" ( value ( ", " value )* )? "]"',
};

/** The GBNF between JSON tokens for one spacing. */
interface Punctuation {
  open(bracket: "{" | "["): string;
  close(bracket: "}" | "]"): string;
  colon: string;
  comma: string;
}

function isObject(value: SchemaValue | JsonSchemaNode | undefined): value is SchemaObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A GBNF string literal matching exactly `text`. */
export function gbnfLiteral(text: string): string {
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

/**
 * The rules of one GBNF grammar, built from one or more JSON schemas (each under its own rule-name
 * hint, so that their rules do not collide) plus rules of the caller's own; the JSON primitives
 * (`ws`, `string`, `value`, …) are shared and appended once.
 */
export class GrammarRules {
  private readonly rules = new Map<string, string>();
  private readonly used = new Set<string>();
  private readonly primitives: Record<string, string>;
  readonly punctuation: Punctuation;

  constructor(spacing: JsonSpacing = "free") {
    if (spacing === "canonical") {
      this.primitives = CANONICAL_PRIMITIVES;
      this.punctuation = {
        open: (bracket) => `"${bracket}"`,
        close: (bracket) => `"${bracket}"`,
        colon: '": "',
        comma: '", "',
      };
    } else {
      this.primitives = PRIMITIVES;
      this.punctuation = {
        open: (bracket) => `"${bracket}" ${this.primitive("ws")}`,
        close: (bracket) => `${this.primitive("ws")} "${bracket}"`,
        colon: 'ws ":" ws',
        comma: '"," ws',
      };
    }
  }

  /** Defines `name` as exactly that rule name (the caller's `root`, say), replacing an earlier body. */
  define(name: string, body: string): string {
    this.rules.set(name, body);
    return name;
  }

  /** A new rule named after `hint`, suffixed -2, -3, … when that name is taken. */
  rule(hint: string, body: string): string {
    const base = hint.replace(/[^a-zA-Z0-9-]+/g, "-").replace(/^-+|-+$/g, "") || "rule";
    let name = base;
    for (let i = 2; this.rules.has(name) || name in this.primitives; i++) name = `${base}-${i}`;
    this.rules.set(name, body);
    return name;
  }

  primitive(name: string): string {
    this.used.add(name);
    return name;
  }

  /**
   * Adds the rules that admit exactly the JSON documents of `schema` (its `$ref`s resolve within
   * it); returns the expression that matches one, a rule name or an alternation.
   */
  schema(schema: JsonSchemaNode, hint: string): string {
    if (schema === false) throw new EngineError("INVALID_SCHEMA", "the schema `false` admits nothing");
    return new SchemaVisitor(this, schema === true ? {} : schema).visit(schema, hint);
  }

  /** The grammar text, `root` first; `root` must have been defined. */
  build(): string {
    const root = this.rules.get("root");
    if (root === undefined) throw new EngineError("INVALID_SCHEMA", "the grammar has no root rule");
    const lines = [`root ::= ${root}`];
    for (const [name, rule] of this.rules) if (name !== "root") lines.push(`${name} ::= ${rule}`);
    // Primitives that are referenced (directly or by other primitives) are appended once.
    const pending = [...this.used];
    for (let i = 0; i < pending.length; i++) {
      const name = pending[i] as string;
      const rule = this.primitives[name] as string;
      lines.push(`${name} ::= ${rule}`);
      for (const dependency of Object.keys(this.primitives)) {
        if (new RegExp(`(^|[^a-z-])${dependency}([^a-z-]|$)`).test(rule) && !pending.includes(dependency)) {
          pending.push(dependency);
        }
      }
    }
    return `${lines.join("\n")}\n`;
  }
}

/** Turns one schema into rules of a GrammarRules; `$ref`s resolve against that schema's root. */
class SchemaVisitor {
  private readonly references = new Map<string, string>();

  constructor(
    private readonly grammar: GrammarRules,
    private readonly root: SchemaObject,
  ) {}

  private primitive(name: string): string {
    return this.grammar.primitive(name);
  }

  private rule(hint: string, body: string): string {
    return this.grammar.rule(hint, body);
  }

  /** The punctuation, marking `ws` as used where the spacing needs it. */
  private punctuation(): Punctuation {
    const { punctuation } = this.grammar;
    if (punctuation.colon.includes("ws")) this.primitive("ws");
    return punctuation;
  }

  /** One rule per definition, named before it is visited so recursive schemas terminate. */
  private reference(reference: string): string {
    const known = this.references.get(reference);
    if (known !== undefined) return known;
    const target = this.resolve(reference);
    const name = this.rule(reference.slice(reference.lastIndexOf("/") + 1), "");
    this.references.set(reference, name);
    this.grammar.define(name, this.visit(target, name));
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
    if ("const" in node) return gbnfLiteral(JSON.stringify(node.const));
    if (Array.isArray(node.enum))
      return `(${node.enum.map((value) => gbnfLiteral(JSON.stringify(value))).join(" | ")})`;
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
    const { open, close, comma } = this.punctuation();
    const rest = repeat(
      `${comma} ${item}`,
      Math.max(0, min - 1),
      max === undefined ? undefined : Math.max(0, max - 1),
    );
    const items = `${item} ${rest}`;
    const body = min === 0 ? (max === 0 ? "" : `(${items})?`) : items;
    return this.rule(hint, `${open("[")} ${body} ${close("]")}`);
  }

  private object(node: SchemaObject, hint: string): string {
    const { open, close, colon, comma } = this.punctuation();
    const properties = isObject(node.properties) ? node.properties : undefined;
    if (!properties) {
      const value = this.visit(
        isObject(node.additionalProperties) ? node.additionalProperties : true,
        `${hint}-value`,
      );
      const member = `${this.primitive("string")} ${colon} ${value}`;
      return this.rule(hint, `${open("{")} (${member} (${comma} ${member})*)? ${close("}")}`);
    }
    const required = new Set(
      Array.isArray(node.required) ? node.required.filter((key) => typeof key === "string") : [],
    );
    const member = (key: string): string => {
      const value = this.visit(properties[key], `${hint}-${key}`);
      return this.rule(`${hint}-${key}-kv`, `${gbnfLiteral(JSON.stringify(key))} ${colon} ${value}`);
    };
    const keys = Object.keys(properties);
    const mandatory = keys.filter((key) => required.has(key)).map(member);
    const optional = keys.filter((key) => !required.has(key)).map(member);
    const tail = optional.map((kv) => `(${comma} ${kv})?`).join(" ");
    let body: string;
    if (mandatory.length > 0) {
      body = [mandatory.join(` ${comma} `), tail].filter(Boolean).join(" ");
    } else if (optional.length > 0) {
      // Any in-order subset: choose the first present member, then the later ones are optional.
      const starts = optional.map((kv, i) =>
        [kv, ...optional.slice(i + 1).map((later) => `(${comma} ${later})?`)].join(" "),
      );
      body = `(${starts.join(" | ")})?`;
    } else {
      body = "";
    }
    return this.rule(hint, `${open("{")} ${body} ${close("}")}`);
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
  const grammar = new GrammarRules();
  const body = grammar.schema(schema, "root");
  if (body !== "root") grammar.define("root", body);
  return grammar.build();
}
