import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  policyJsonSchema as jsonSchemaOf,
  policyJsonSchemaText as jsonSchemaTextOf,
} from "./policy-json-schema.js";
import { builtinRegistry } from "./test/with-builtins.js";

const policyJsonSchema = () => jsonSchemaOf(builtinRegistry);
const policyJsonSchemaText = () => jsonSchemaTextOf(builtinRegistry);

type JsonObject = { [key: string]: unknown };
const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null;

/** Paths of properties an editor would show without documentation. */
function undocumented(node: unknown, path: string): string[] {
  if (!isObject(node)) return [];
  const found: string[] = [];
  if (isObject(node.properties)) {
    for (const [key, child] of Object.entries(node.properties)) {
      if (!isObject(child) || typeof child.description !== "string") found.push(`${path}.${key}`);
      found.push(...undocumented(child, `${path}.${key}`));
    }
  }
  found.push(...undocumented(node.additionalProperties, `${path}.*`));
  found.push(...undocumented(node.items, `${path}[]`));
  if (Array.isArray(node.oneOf)) {
    for (const [index, variant] of node.oneOf.entries())
      found.push(...undocumented(variant, `${path}|${index}`));
  }
  return found;
}

describe("policy JSON Schema", () => {
  it("matches the committed schema/policy.schema.json (run scripts/generate-schema.mjs after a schema change)", () => {
    const committed = readFileSync(resolve(import.meta.dirname, "../../schema/policy.schema.json"), "utf8");
    expect(committed).toBe(policyJsonSchemaText());
  });

  it("is draft-07 for yaml-language-server", () => {
    expect(policyJsonSchema().$schema).toBe("http://json-schema.org/draft-07/schema#");
  });

  it("documents every property so editors show help on hover", () => {
    expect(undocumented(policyJsonSchema(), "")).toEqual([]);
  });

  it("forbids unknown keys and offers each provider type as its own shape", () => {
    const schema = policyJsonSchema();
    expect(schema.additionalProperties).toBe(false);
    const providers = (schema.properties as JsonObject).providers as JsonObject;
    const variants = (providers.additionalProperties as JsonObject).oneOf as JsonObject[];
    expect(variants.map((variant) => ((variant.properties as JsonObject).type as JsonObject).const)).toEqual([
      "openai",
      "anthropic",
      "replicate",
      "openai-compatible",
      "local",
      "ai-sdk",
    ]);
    expect(variants.every((variant) => variant.additionalProperties === false)).toBe(true);
  });

  it("shows the defaults an operator may leave out", () => {
    const routes = (policyJsonSchema().properties as JsonObject).routes as JsonObject;
    const route = (routes.additionalProperties as JsonObject).properties as JsonObject;
    expect((route.timeoutMs as JsonObject).default).toBe(120000);
    expect((route.strategy as JsonObject).default).toBe("ordered");
  });
});
