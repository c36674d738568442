import { describe, expect, it } from "vitest";
import { EngineError } from "./engine-error.js";
import { jsonSchemaToGrammar } from "./json-schema-grammar.js";

function rules(grammar: string): Map<string, string> {
  return new Map(
    grammar
      .trim()
      .split("\n")
      .map((line) => line.split(" ::= ") as [string, string]),
  );
}

describe("jsonSchemaToGrammar", () => {
  it("writes required properties in order and optional ones as optional tails", () => {
    const grammar = rules(
      jsonSchemaToGrammar({
        type: "object",
        properties: { a: { type: "integer" }, b: { type: "string" }, c: { type: "boolean" } },
        required: ["a", "c"],
      }),
    );
    expect(grammar.get("root")).toBe('"{" ws root-a-kv "," ws root-c-kv ("," ws root-b-kv)? ws "}"');
    expect(grammar.get("root-a-kv")).toBe('"\\"a\\"" ws ":" ws integer');
    expect(grammar.get("integer")).toBe('"-"? ([0-9] | [1-9] [0-9]{0,15})');
  });

  it("lets an object without required properties hold any in-order subset", () => {
    const grammar = rules(jsonSchemaToGrammar({ properties: { x: { const: 1 }, y: { const: 2 } } }));
    expect(grammar.get("root")).toBe('"{" ws (root-x-kv ("," ws root-y-kv)? | root-y-kv)? ws "}"');
  });

  it("bounds strings and arrays by their length keywords", () => {
    const grammar = rules(
      jsonSchemaToGrammar({
        type: "array",
        items: { type: "string", maxLength: 4 },
        minItems: 1,
        maxItems: 3,
      }),
    );
    expect(grammar.get("root-item")).toBe('"\\"" (char){0,4} "\\""');
    expect(grammar.get("root")).toBe('"[" ws root-item ("," ws root-item){0,2} ws "]"');
  });

  it("turns enum, const, anyOf, type lists and $ref into alternatives", () => {
    const grammar = jsonSchemaToGrammar({
      $defs: { color: { enum: ["red", 'say "hi"'] } },
      anyOf: [{ $ref: "#/$defs/color" }, { type: ["null", "number"] }],
    });
    expect(rules(grammar).get("root")).toBe("(color | (null | number))");
    expect(rules(grammar).get("color")).toBe('("\\"red\\"" | "\\"say \\\\\\"hi\\\\\\"\\"")');
    expect(grammar).toContain("number ::= integer");
  });

  it("follows recursive definitions", () => {
    const grammar = rules(
      jsonSchemaToGrammar({
        $defs: {
          node: {
            type: "object",
            properties: { next: { anyOf: [{ $ref: "#/$defs/node" }, { type: "null" }] } },
          },
        },
        $ref: "#/$defs/node",
      }),
    );
    expect(grammar.get("root")).toBe("node");
    expect(grammar.get("node-next-kv")).toBe('"\\"next\\"" ws ":" ws (node | null)');
  });

  it("accepts anything for an empty schema and refuses what it cannot express", () => {
    expect(rules(jsonSchemaToGrammar({})).get("root")).toBe("value");
    expect(() => jsonSchemaToGrammar(false)).toThrow(EngineError);
    expect(() => jsonSchemaToGrammar({ $ref: "https://example.com/schema" })).toThrow(
      /unsupported or unknown \$ref/,
    );
    expect(() => jsonSchemaToGrammar({ type: "date" })).toThrow(/unsupported type "date"/);
  });
});
