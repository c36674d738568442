import { describe, expect, expectTypeOf, it } from "vitest";
import type { ProviderConfig } from "../core/index.js";
import { type ProviderSchemaMatchesCore, providerSchema } from "./provider-schema.js";

describe("providerSchema", () => {
  it("produces exactly core's ProviderConfig (checked by the compiler)", () => {
    expectTypeOf<ProviderSchemaMatchesCore>().toEqualTypeOf<true>();
    expectTypeOf<ReturnType<typeof providerSchema.parse>>().toExtend<ProviderConfig>();
  });

  it("accepts a minimal entry of every provider type", () => {
    const entries: ProviderConfig[] = [
      { type: "openai", apiKey: "k" },
      { type: "anthropic", apiKey: "k" },
      { type: "replicate", apiToken: "k" },
      { type: "openai-compatible", baseURL: "http://localhost:8000/v1" },
      { type: "local", model: "./m.gguf" },
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
