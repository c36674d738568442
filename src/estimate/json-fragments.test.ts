import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../core/index.js";
import { jsonFragments } from "./json-fragments.js";

const serialized = (value: unknown) => [...jsonFragments(value, "tools")].join("");

describe("jsonFragments", () => {
  it("writes the text JSON.stringify writes", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(serialized(value)).toBe(JSON.stringify(value));
      }),
      { numRuns: 500 },
    );
  });

  it("writes equal data with keys in any order as the same text when asked to sort keys", () => {
    const reversed = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(reversed);
      if (typeof value !== "object" || value === null) return value;
      return Object.fromEntries(
        Object.entries(value)
          .reverse()
          .map(([key, item]) => [key, reversed(item)]),
      );
    };
    const sorted = (value: unknown) => [...jsonFragments(value, "request", { sortKeys: true })].join("");
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(sorted(reversed(value))).toBe(sorted(value));
        // What JSON can carry of it (-0 is written as 0, as JSON.stringify writes it).
        expect(JSON.parse(sorted(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
    expect(sorted({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
  });

  it("follows JSON.stringify for toJSON, boxed values, undefined, functions and non-finite numbers", () => {
    const value = {
      when: new Date(Date.UTC(2026, 0, 2)),
      boxed: [Object(1), Object("two"), Object(false)],
      skipped: undefined,
      method: () => 1,
      holes: [undefined, () => 1, Symbol("s"), Number.NaN, -0, Number.POSITIVE_INFINITY],
      custom: { toJSON: (key: string) => `custom at ${key}` },
    };
    expect(serialized(value)).toBe(JSON.stringify(value));
  });

  it("writes long strings with lone surrogates and astral characters in chunks, as JSON.stringify does", () => {
    const text = `${'😀\ud800\u0301"\\\n'.repeat(5000)}😀`;
    const fragments = [...jsonFragments({ description: text }, "tools")];
    expect(fragments.length).toBeGreaterThan(3);
    expect(fragments.join("")).toBe(JSON.stringify({ description: text }));
  });

  it("serializes nesting far deeper than the call stack allows", () => {
    let nested: unknown[] = [];
    for (let depth = 0; depth < 200_000; depth++) nested = [nested];
    let length = 0;
    for (const fragment of jsonFragments(nested, "tools")) length += fragment.length;
    expect(length).toBe(2 * 200_001);
  });

  it("writes a value shared by two properties twice, as JSON.stringify does", () => {
    const city = { type: "string" };
    const value = { properties: { from: city, to: city } };
    expect(serialized(value)).toBe(JSON.stringify(value));
  });

  it("rejects a circular value with an InvalidRequestError naming the field", () => {
    const schema: Record<string, unknown> = { type: "object" };
    schema.properties = { again: schema };
    expect(() => [...jsonFragments(schema, "responseFormat.schema")]).toThrow(InvalidRequestError);
    expect(() => [...jsonFragments(schema, "responseFormat.schema")]).toThrow(/responseFormat\.schema/);
  });

  it("rejects a BigInt with an InvalidRequestError", () => {
    expect(() => serialized({ maximum: 10n })).toThrow(/tools: a bigint cannot be sent as JSON/);
  });
});
