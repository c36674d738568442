import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { ProviderConfig } from "../core/index.js";
import { configSchemaProblem, providerSchemaFor } from "./provider-schema.js";
import { builtinRegistry } from "./test/with-builtins.js";

const providerSchema = providerSchemaFor(builtinRegistry.providers.values());

describe("providerSchemaFor", () => {
  it("accepts a minimal entry of every built-in provider type, through the built-ins' own schemas", () => {
    const entries: ProviderConfig[] = [
      { type: "openai", apiKey: "k" } as ProviderConfig,
      { type: "anthropic", apiKey: "k" } as ProviderConfig,
      { type: "replicate", apiToken: "k" } as ProviderConfig,
      { type: "openai-compatible", baseURL: "http://localhost:8000/v1" } as ProviderConfig,
      { type: "local", model: "./m.gguf" } as ProviderConfig,
    ];
    for (const entry of entries) expect(providerSchema.parse(entry)).toEqual(entry);
  });

  it("refuses a header value with a line break, which would inject headers", () => {
    const result = providerSchema.safeParse({
      type: "openai",
      apiKey: "k",
      headers: { "X-A": "a\r\nX-Evil: 1" },
    });
    expect(result.success).toBe(false);
  });
});

describe("configSchemaProblem", () => {
  it("accepts a zod object whose type is the factory's literal", () => {
    const configSchema = z.object({ type: z.literal("mycorp"), url: z.string() });
    expect(configSchemaProblem({ type: "mycorp", configSchema })).toBeUndefined();
  });

  it("names the literal a schema must declare", () => {
    const configSchema = z.object({ type: z.string() });
    expect(configSchemaProblem({ type: "mycorp", configSchema })).toBe(
      'configSchema must declare type: z.literal("mycorp")',
    );
  });
});
