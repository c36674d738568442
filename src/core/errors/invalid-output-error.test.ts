import { describe, expect, it } from "vitest";
import { InvalidOutputError } from "./invalid-output-error.js";
import { ProviderCallError } from "./provider-call-error.js";

const violations = [
  { pointer: "", message: "must have required property 'city'" },
  { pointer: "/celsius", message: "must be number" },
  { pointer: "/wind/0", message: "must be integer" },
  { pointer: "/wind/1", message: "must be integer" },
  { pointer: "/wind/2", message: "must be integer" },
];

function mismatch() {
  return new InvalidOutputError({
    reason: "schema_mismatch",
    detail: "the answer does not match the response format's schema",
    provider: "openai",
    model: "gpt-4o-mini",
    target: "fast",
    text: '{"celsius":"warm","wind":["a","b","c"]}',
    finishReason: "stop",
    violations,
  });
}

describe("InvalidOutputError", () => {
  it("is a provider call error of kind invalid_output, billed, and not retried on the same target by default", () => {
    const error = mismatch();
    expect(InvalidOutputError.isInstance(error)).toBe(true);
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      kind: "invalid_output",
      retryable: false,
      possiblyBilled: true,
      target: "fast",
    });
    expect(
      InvalidOutputError.isInstance(new ProviderCallError({ ...error, kind: "server", message: "x" })),
    ).toBe(false);
  });

  it("names the target and the first three violations by path in its message, and counts the rest", () => {
    expect(mismatch().message).toBe(
      "openai:gpt-4o-mini answered with invalid output: the answer does not match the response format's schema " +
        "(/ must have required property 'city'; /celsius must be number; /wind/0 must be integer, +2 more)",
    );
  });

  it("keeps the raw text, the reason and every violation in its JSON form", () => {
    expect(JSON.parse(JSON.stringify(mismatch()))).toMatchObject({
      name: "InvalidOutputError",
      kind: "invalid_output",
      reason: "schema_mismatch",
      text: '{"celsius":"warm","wind":["a","b","c"]}',
      finishReason: "stop",
      violations,
    });
  });
});
