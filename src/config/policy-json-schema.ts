import { z } from "zod";
import type { PolicyRegistry } from "./policy-registry.js";
import { createPolicySchema } from "./policy-schema.js";

/**
 * The policy's JSON Schema, generated from the zod schema so the two never disagree. Draft-07,
 * because yaml-language-server (the YAML extension of VS Code and others) supports it best; the
 * input side is described (defaults may be left out, and editors show them). Cross-reference
 * rules (unknown targets, cycles, local-only) are checked by `switchyard check`, not by editors.
 * The registry's provider types and strategies are the ones the schema offers.
 */
export function policyJsonSchema(registry: PolicyRegistry): Record<string, unknown> {
  return z.toJSONSchema(createPolicySchema(registry), {
    target: "draft-7",
    io: "input",
    unrepresentable: "throw",
  });
}

/** The schema file's exact text: what scripts/generate-schema.mjs writes and a test compares. */
export function policyJsonSchemaText(registry: PolicyRegistry): string {
  return `${JSON.stringify(policyJsonSchema(registry), null, 2)}\n`;
}
