import { z } from "zod";
import { gatewaySchema } from "./gateway-schema.js";
import { healthSchema } from "./health-schema.js";
import type { PolicyRegistry } from "./policy-registry.js";
import { providerSchemaFor, strategySchemaFor } from "./provider-schema.js";
import { createRouteSchema } from "./route-schema.js";
import { routeSelectorSchema } from "./route-selector-schema.js";
import { nameSchema, usdSchema } from "./schema-primitives.js";
import { stateSchema } from "./state-schema.js";
import { targetSchema } from "./target-schema.js";

export const retryBudgetSchema = z
  .object({
    maxTokens: z
      .number()
      .gt(0)
      .max(1_000_000)
      .default(10)
      .describe("Bucket size; each failure takes one token."),
    tokenRatio: z.number().gt(0).max(1).default(0.1).describe("Tokens returned per success."),
  })
  .strict()
  .describe(
    "Process-wide retry budget (gRPC-style token bucket): retries stop while the bucket is half empty.",
  );

const dailyBudgetSchema = z
  .object({ dailyUsd: usdSchema.describe("US dollars per UTC day.") })
  .strict()
  .describe("A daily cap: real spend plus the estimates of attempts in flight.");

export const securitySchema = z
  .object({
    allowPrivateBaseURLs: z
      .boolean()
      .default(true)
      .describe(
        "Allow baseURLs on loopback and private networks (local proxies, vLLM, Ollama). Cloud metadata addresses are always refused.",
      ),
  })
  .strict();

/**
 * The policy file: the single source of truth for its shape, its defaults and its JSON Schema.
 * Provider entries and strategies are whatever the registry holds: the same schema validates
 * built-in and user-registered ones.
 */
export function createPolicySchema(registry: PolicyRegistry) {
  return z
    .object({
      version: z.literal(1).optional().describe("Policy format version."),
      defaultRoute: nameSchema
        .optional()
        .describe('Route used when a call names none. Default: the route "default".'),
      select: routeSelectorSchema.optional(),
      providers: z
        .record(nameSchema, providerSchemaFor(registry.providers.values()))
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the text shows the literal ${ENV_NAME} syntax
        .describe("How to reach each provider; secrets only via ${ENV_NAME}."),
      targets: z
        .record(nameSchema, targetSchema)
        .describe("Provider + model pairs, with prices and capabilities."),
      routes: z
        .record(nameSchema, createRouteSchema(strategySchemaFor(registry.strategies)))
        .describe("What callers ask for."),
      budgets: z
        .object({
          tags: z
            .record(nameSchema, dailyBudgetSchema)
            .optional()
            .describe("Daily spend caps per request tag."),
          targets: z
            .record(nameSchema, dailyBudgetSchema)
            .optional()
            .describe(
              "Daily spend caps per target (keys of `targets`; every replica of a local target counts towards its target's).",
            ),
          providers: z
            .record(nameSchema, dailyBudgetSchema)
            .optional()
            .describe("Daily spend caps per provider (keys of `providers`), over all of its targets."),
        })
        .strict()
        .optional()
        .describe(
          "Spend caps that span routes: a spent one removes its targets, and traffic shifts to the others.",
        ),
      retryBudget: retryBudgetSchema.prefault({}),
      watch: z
        .boolean()
        .default(false)
        .describe("Reload the policy when the file changes; a bad edit keeps the last good one."),
      security: securitySchema.prefault({}).describe("Limits on what the policy may point at."),
      state: stateSchema.optional(),
      health: healthSchema.prefault({}),
      gateway: gatewaySchema.optional(),
    })
    .strict()
    .meta({
      title: "Switchyard routing policy",
      description:
        "Providers (how to reach them), targets (provider + model, price, capabilities) and routes (what callers ask for).",
    });
}

/** The policy schema's type, whichever factories and strategies it was built with. */
export type PolicySchema = ReturnType<typeof createPolicySchema>;

/** A policy as written: in a YAML file or as an object in code (defaults may be left out). */
export type PolicyFile = z.input<PolicySchema>;
/** A policy after validation, with every default applied. */
export type ParsedPolicy = z.infer<PolicySchema>;
